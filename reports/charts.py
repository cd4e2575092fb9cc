"""Inline SVG charts for the HR reports: radar, heatmap and horizontal bars.

Pure functions of plain values that return an SVG string: no script, no external file,
every text escaped, output identical for identical input (coordinates rounded to one
decimal). Each chart opens with a ``<title>`` and labels its values with text, so it reads
without colour and with a screen reader. Labels are Bahasa Indonesia; numbers use the
Indonesian decimal comma.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from html import escape
from typing import NamedTuple

import pandas as pd

MAX_LEVEL = 5
FONT = 'font-family="system-ui, sans-serif"'
ACHIEVED = "#1f5fa8"  # blue, filled
REQUIRED = "#c75000"  # orange, dashed: tells the two polygons apart without colour
MET = "#1f5fa8"
BELOW = "#c75000"
GRID = "#c8cdd3"
INK = "#222"
MUTED = "#666"
NA_FILL = "#eeeeee"
SCALE = ["#ffffd9", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#0c2c84"]  # YlGnBu, low->high
CHAR_W = 6.6  # average width of an 11px character, for label columns
RADAR_MARGIN = 56  # room around the radar for axis labels and the legend


class Bar(NamedTuple):
    """One bar: ``value`` against an optional ``target``; ``note`` is printed after it,
    ``indent`` shifts the label (a sub-unit under its unit)."""

    label: str
    value: float
    target: float | None = None
    note: str | None = None
    indent: int = 0


def num(x: float | None, decimals: int = 1) -> str:
    """A number as Indonesian text: ``12.5`` -> ``"12,5"``, ``20.0`` -> ``"20"``,
    missing -> ``"–"``."""
    if x is None or x is pd.NA:
        return "–"
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    x = float(x)
    if x != x:  # NaN
        return "–"
    text = f"{x:.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",")


def _c(x: float) -> str:
    """A coordinate: one decimal, no trailing ``.0``, no ``-0``."""
    text = f"{x:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _fit(text: str, room: float) -> str:
    """``text`` cut with an ellipsis to about ``room`` pixels."""
    if len(text) * CHAR_W <= room:
        return text
    return text[: max(int(room / CHAR_W) - 1, 1)] + "…"


def _svg(width: float, height: float, title: str, body: Iterable[str], css_class: str) -> str:
    w, h = _c(width), _c(height)
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="img" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" {FONT}>',
        f"<title>{_e(title)}</title>",
        *body,
        "</svg>",
    ])


# ---- radar -----------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _axes(n: int) -> tuple[tuple[float, float], ...]:
    """Unit vectors of ``n`` radar axes: the first straight up, then clockwise."""
    angles = (math.radians(-90 + 360 * i / n) for i in range(n))
    return tuple((math.cos(a), math.sin(a)) for a in angles)


def radar_points(values: Sequence[float | None], size: float = 320,
                 margin: float = RADAR_MARGIN) -> str:
    """The ``points`` of a radar polygon: axis ``i`` at ``-90° + 360°·i/n``, each value
    ``value/5`` of the radius (``size/2 - margin``) from the centre; ``None`` sits at the
    centre."""
    centre, radius = size / 2, size / 2 - margin
    points = []
    for (cos, sin), v in zip(_axes(len(values)), values):
        r = radius * min(max(float(v or 0), 0), MAX_LEVEL) / MAX_LEVEL
        points.append(f"{_c(centre + r * cos)},{_c(centre + r * sin)}")
    return " ".join(points)


def radar_background(codes: Sequence[str], labels: Mapping[str, str] | None = None, *,
                     size: float = 320) -> list[str]:
    """Rings 1..5, axes and axis labels: what every employee's radar shares."""
    labels = labels or {}
    n = len(codes)
    centre, radius = size / 2, size / 2 - RADAR_MARGIN
    parts = [f'<g class="radar-grid" fill="none" stroke="{GRID}" stroke-width="1">']
    for ring in range(1, MAX_LEVEL + 1):
        parts.append(f'<polygon points="{radar_points([ring] * n, size)}"/>')
    for cos, sin in _axes(n):
        parts.append(
            f'<line x1="{_c(centre)}" y1="{_c(centre)}" '
            f'x2="{_c(centre + radius * cos)}" y2="{_c(centre + radius * sin)}"/>'
        )
    parts.append(f'</g><g class="radar-scale" font-size="9" fill="{MUTED}">')
    for ring in range(1, MAX_LEVEL + 1):
        y = centre - radius * ring / MAX_LEVEL - 2
        parts.append(f'<text x="{_c(centre + 3)}" y="{_c(y)}">{ring}</text>')
    parts.append(f'</g><g class="radar-labels" font-size="11" fill="{INK}">')
    for code, (cos, sin) in zip(codes, _axes(n)):
        x, y = centre + (radius + 14) * cos, centre + (radius + 14) * sin + 4
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        tip = f"<title>{_e(code)} {_e(labels[code])}</title>" if labels.get(code) else ""
        parts.append(f'<text x="{_c(x)}" y="{_c(y)}" text-anchor="{anchor}">{tip}{_e(code)}</text>')
    parts.append("</g>")
    return parts


def _radar_legend(size: float) -> list[str]:
    y = size - 30
    return [
        f'<g class="radar-legend" font-size="11" fill="{INK}">',
        f'<rect x="8" y="{_c(y)}" width="14" height="10" fill="{ACHIEVED}" fill-opacity="0.35" '
        f'stroke="{ACHIEVED}"/>',
        f'<text x="26" y="{_c(y + 9)}">Level dicapai</text>',
        f'<line x1="130" y1="{_c(y + 5)}" x2="146" y2="{_c(y + 5)}" stroke="{REQUIRED}" '
        'stroke-width="2" stroke-dasharray="4 3"/>',
        f'<text x="150" y="{_c(y + 9)}">Level dibutuhkan</text>',
        "</g>",
    ]


def _missing_note(size: float) -> str:
    return (f'<text x="8" y="{_c(size - 6)}" font-size="10" fill="{MUTED}">'
            "* belum ada bukti penilaian</text>")


def _missing_marks(codes: Sequence[str], achieved: Sequence[int | None], size: float) -> str:
    """A ``*`` at the rim of each axis without evidence."""
    centre, radius = size / 2, size / 2 - RADAR_MARGIN
    marks = [
        f'<text x="{_c(centre + (radius + 4) * cos)}" y="{_c(centre + (radius + 4) * sin)}" '
        'text-anchor="middle">*</text>'
        for (cos, sin), level in zip(_axes(len(codes)), achieved)
        if level is None
    ]
    return f'<g class="radar-missing" font-size="12" fill="{REQUIRED}">{"".join(marks)}</g>'


def radar(levels_by_competency: Mapping[str, tuple[int | None, int | None]],
          labels: Mapping[str, str] | None = None, *, size: float = 320,
          title: str = "Profil kompetensi", background_href: str | None = None) -> str:
    """Radar chart 0..5: the achieved polygon (filled) over the required one (dashed).

    ``levels_by_competency`` maps a competency code to ``(level, required)``, either may be
    ``None``; axes follow its order, the first straight up. ``labels`` maps a code to its
    name (shown as a tooltip). A missing level sits at the centre and its axis is marked
    ``*`` (no evidence yet). ``background_href`` (``"#radar-bg"``) draws rings, axes,
    labels and legend with ``<use>`` from a :func:`radar_defs` block of the same page
    instead of repeating them, so thousands of radars stay small.
    """
    codes = list(levels_by_competency)
    if not codes:
        empty = '<text x="8" y="24" font-size="12">Tidak ada data kompetensi</text>'
        return _svg(size, 40, title, [empty], "radar")
    achieved = [levels_by_competency[c][0] for c in codes]
    required = [levels_by_competency[c][1] for c in codes]
    if background_href:
        body = [f'<use href="{_e(background_href)}"/>']
    else:
        body = radar_background(codes, labels, size=size) + _radar_legend(size)
    if any(r is not None for r in required):
        body.append(
            f'<polygon class="required" points="{radar_points(required, size)}" fill="none" '
            f'stroke="{REQUIRED}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
    if any(a is not None for a in achieved):
        body.append(
            f'<polygon class="achieved" points="{radar_points(achieved, size)}" '
            f'fill="{ACHIEVED}" fill-opacity="0.35" stroke="{ACHIEVED}" stroke-width="2"/>'
        )
    if None in achieved:
        body.append(_missing_marks(codes, achieved, size))
        if not background_href:
            body.append(_missing_note(size))
    return _svg(size, size, title, body, "radar")


def radar_defs(codes: Sequence[str], labels: Mapping[str, str] | None = None, *,
               size: float = 320, element_id: str = "radar-bg") -> str:
    """A hidden SVG holding the radar background (rings, axes, labels, legend) once, for
    ``radar(..., background_href="#" + element_id)`` with the same codes and size."""
    background = radar_background(codes, labels, size=size) + _radar_legend(size)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true" '
        f'style="position:absolute" {FONT}><defs><g id="{_e(element_id)}">'
        + "".join(background) + _missing_note(size)
        + "</g></defs></svg>"
    )


# ---- heatmap ---------------------------------------------------------------------------


def scale_colour(value: float, vmin: float = 0.0, vmax: float = MAX_LEVEL) -> str:
    """The colour of ``value`` on the light-to-dark scale between ``vmin`` and ``vmax``."""
    t = 0.0 if vmax <= vmin else min(max((value - vmin) / (vmax - vmin), 0.0), 1.0)
    pos = t * (len(SCALE) - 1)
    i = min(int(pos), len(SCALE) - 2)
    lo, hi = SCALE[i], SCALE[i + 1]
    channels = (
        int(lo[k:k + 2], 16) + (int(hi[k:k + 2], 16) - int(lo[k:k + 2], 16)) * (pos - i)
        for k in (1, 3, 5)
    )
    return "#" + "".join(f"{round(c):02x}" for c in channels)


def heatmap(matrix: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
            vmin: float = 0.0, vmax: float = MAX_LEVEL, decimals: int = 1,
            title: str = "Rata-rata level kompetensi per unit") -> str:
    """Coloured cells with their value: rows are ``matrix.index`` (unit names), columns
    ``matrix.columns`` (competency codes; ``labels`` maps them to names for tooltips). A
    missing value is a grey cell showing ``–``."""
    labels = labels or {}
    rows = [str(r) for r in matrix.index]
    cols = [str(c) for c in matrix.columns]
    label_w = min(max([len(r) for r in rows] + [4]) * CHAR_W + 12, 280)
    cell_w = max(44, max([len(c) for c in cols] + [1]) * 7 + 10)
    cell_h, top = 24, 28
    width = max(label_w + cell_w * len(cols) + 8, label_w + 30 * 6 + 140)
    height = top + cell_h * len(rows) + 40
    body = [f'<g class="heatmap-cols" font-size="11" fill="{INK}" text-anchor="middle">']
    for j, code in enumerate(cols):
        tip = f"<title>{_e(code)} {_e(labels[code])}</title>" if labels.get(code) else ""
        x = label_w + cell_w * (j + 0.5)
        body.append(f'<text x="{_c(x)}" y="{top - 8}">{tip}{_e(code)}</text>')
    body.append("</g>")
    values = matrix.to_numpy(dtype=float, na_value=float("nan"))
    for i, row in enumerate(rows):
        y = top + cell_h * i
        body.append(
            f'<text x="{_c(label_w - 6)}" y="{_c(y + 16)}" font-size="11" text-anchor="end" '
            f'fill="{INK}"><title>{_e(row)}</title>{_e(_fit(row, label_w - 12))}</text>'
        )
        for j, code in enumerate(cols):
            v = values[i, j]
            x = label_w + cell_w * j
            missing = math.isnan(v)
            fill = NA_FILL if missing else scale_colour(v, vmin, vmax)
            ink = "#fff" if not missing and (v - vmin) > 0.6 * (vmax - vmin) else INK
            text = num(None if missing else v, decimals)
            body.append(
                f"<g><title>{_e(row)} – {_e(code)}: {text}</title>"
                f'<rect x="{_c(x)}" y="{_c(y)}" width="{_c(cell_w - 2)}" height="{cell_h - 2}" '
                f'fill="{fill}"/><text x="{_c(x + cell_w / 2 - 1)}" y="{_c(y + 16)}" '
                f'font-size="11" text-anchor="middle" fill="{ink}">{text}</text></g>'
            )
    body += _scale_legend(label_w, top + cell_h * len(rows) + 12, vmin, vmax, decimals)
    return _svg(width, height, title, body, "heatmap")


def _scale_legend(x0: float, y: float, vmin: float, vmax: float, decimals: int) -> list[str]:
    steps = 6
    parts = [f'<g class="heatmap-legend" font-size="10" fill="{INK}">']
    for k in range(steps):
        v = vmin + (vmax - vmin) * k / (steps - 1)
        x = x0 + 30 * k
        parts.append(f'<rect x="{_c(x)}" y="{_c(y)}" width="30" height="10" '
                     f'fill="{scale_colour(v, vmin, vmax)}"/>')
        parts.append(f'<text x="{_c(x + 15)}" y="{_c(y + 22)}" text-anchor="middle">'
                     f"{num(v, decimals)}</text>")
    x = x0 + 30 * steps + 12
    parts.append(f'<rect x="{_c(x)}" y="{_c(y)}" width="30" height="10" fill="{NA_FILL}"/>')
    parts.append(f'<text x="{_c(x + 34)}" y="{_c(y + 9)}">– belum dinilai</text></g>')
    return parts


# ---- bars ------------------------------------------------------------------------------


def bars(items: Sequence[Bar], *, title: str = "JP terhadap target", unit: str = "JP",
         scale_max: float | None = None, width: float = 720) -> str:
    """Horizontal bars of ``value`` against ``target`` (a dark tick): blue when the value
    reaches the target, orange below it. Each bar is labelled ``value / target unit`` and
    its ``note`` (e.g. ``"80% memenuhi (4/5)"``)."""
    items = list(items)
    label_w = min(max([len(b.label) * CHAR_W + 10 * b.indent for b in items] + [26]) + 12, 260)
    plot_x, plot_w = label_w, width - label_w - 210
    row_h, top = 22, 8
    scale = scale_max or max([b.value for b in items] + [b.target or 0 for b in items] + [0]) or 1
    body: list[str] = []
    for i, b in enumerate(items):
        y = top + row_h * i
        met = b.target is None or b.value >= b.target
        length = plot_w * min(max(b.value, 0) / scale, 1.0)
        text = f"{num(b.value)} {unit}"
        if b.target is not None:
            text = f"{num(b.value)} / {num(b.target)} {unit}"
        if b.note:
            text += f" · {b.note}"
        shown = _fit(b.label, label_w - 12 - 10 * b.indent)
        body.append(
            f"<g><title>{_e(b.label)}: {_e(text)}</title>"
            f'<text x="{_c(4 + 10 * b.indent)}" y="{_c(y + 14)}" font-size="11" fill="{INK}">'
            f"{_e(shown)}</text>"
            f'<rect x="{_c(plot_x)}" y="{_c(y + 3)}" width="{_c(length)}" height="14" '
            f'fill="{MET if met else BELOW}"/>'
        )
        if b.target is not None:
            tx = _c(plot_x + plot_w * min(max(b.target, 0) / scale, 1.0))
            body.append(f'<line x1="{tx}" y1="{_c(y)}" x2="{tx}" y2="{_c(y + 20)}" '
                        f'stroke="{INK}" stroke-width="2"/>')
        body.append(f'<text x="{_c(plot_x + plot_w + 6)}" y="{_c(y + 14)}" font-size="11" '
                    f'fill="{INK}">{_e(text)}</text></g>')
    y = top + row_h * len(items) + 8
    tick = _c(plot_x + 262)
    body += [
        f'<g class="bars-legend" font-size="11" fill="{INK}">',
        f'<rect x="{_c(plot_x)}" y="{_c(y)}" width="14" height="10" fill="{MET}"/>',
        f'<text x="{_c(plot_x + 18)}" y="{_c(y + 9)}">Memenuhi target</text>',
        f'<rect x="{_c(plot_x + 130)}" y="{_c(y)}" width="14" height="10" fill="{BELOW}"/>',
        f'<text x="{_c(plot_x + 148)}" y="{_c(y + 9)}">Di bawah target</text>',
        f'<line x1="{tick}" y1="{_c(y - 2)}" x2="{tick}" y2="{_c(y + 12)}" stroke="{INK}" '
        'stroke-width="2"/>',
        f'<text x="{_c(plot_x + 268)}" y="{_c(y + 9)}">Target</text>',
        "</g>",
    ]
    return _svg(width, y + 20, title, body, "bars")
