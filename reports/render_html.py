"""The HR report as one self-contained HTML file, and the printable page of one employee.

Jinja2 templates (``reports/templates``, autoescape on) with inline CSS and inline SVG
charts: no script, no external asset. :func:`template_env` gives other services (the HR
web service) the same templates, filters and chart helpers; :func:`employee_profiles`
turns a report into the ``profile`` dicts that ``employee.html`` renders.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import charts
from .render import (
    JP_KIND_LABELS,
    TITLE,
    ReportLike,
    competency_codes,
    competency_names,
    date_text,
    now,
    period_text,
    reading_guide,
    records,
    sorted_employees,
    timestamp_text,
    unit_ancestors,
    unit_filter_text,
    unit_tree,
    write_text_atomic,
)

TEMPLATES = Path(__file__).parent / "templates"
RADAR_BG = "radar-bg"
REPORT_RADAR_SIZE = 280
LEVEL_KEYS = ("level", "required", "gap", "evidence", "level_items", "level_rubric", "items")
ENTRY_KEYS = ("activity", "provider", "start_date", "end_date", "jp", "certificate_no", "kind")
GAIN_KEYS = ("course", "pre_pct", "post_pct", "gain", "status")


def _markup(chart: Callable[..., str]) -> Callable[..., Markup]:
    """``chart`` returning :class:`Markup`, so templates print its SVG unescaped."""
    def wrapped(*args: Any, **kwargs: Any) -> Markup:
        return Markup(chart(*args, **kwargs))

    wrapped.__name__, wrapped.__doc__ = chart.__name__, chart.__doc__
    return wrapped


def radar_for(profile: Mapping, **kwargs: Any) -> str:
    """The radar of a ``profile`` dict (its ``competencies`` list, in order)."""
    comps = profile.get("competencies") or []
    levels = {c["code"]: (c.get("level"), c.get("required")) for c in comps}
    labels = {c["code"]: c.get("name") or c["code"] for c in comps}
    kwargs.setdefault("title", f"Profil kompetensi {profile.get('name', '')}".strip())
    return charts.radar(levels, labels, **kwargs)


def template_env() -> Environment:
    """A fresh Jinja2 environment on ``reports/templates`` (autoescape on, undefined names
    are errors) with the Indonesian filters ``angka``, ``tanggal``, ``waktu``,
    ``ya_tidak``, ``jenis_jp`` and the chart globals ``radar``, ``radar_for``,
    ``radar_defs``, ``heatmap``, ``bars`` (returning markup) and ``Bar``."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        angka=charts.num,
        tanggal=date_text,
        waktu=timestamp_text,
        ya_tidak=lambda v: "–" if v is None else ("Ya" if v else "Tidak"),
        jenis_jp=lambda kind: JP_KIND_LABELS.get(kind, kind),
    )
    env.globals.update(
        TITLE=TITLE,
        radar=_markup(charts.radar),
        radar_for=_markup(radar_for),
        radar_defs=_markup(charts.radar_defs),
        heatmap=_markup(charts.heatmap),
        bars=_markup(charts.bars),
        Bar=charts.Bar,
    )
    return env


@lru_cache(maxsize=1)
def _env() -> Environment:
    return template_env()


# ---- one employee ----------------------------------------------------------------------


def render_employee(profile: Mapping) -> str:
    """The printable A4 page (``employee.html``) of one employee's ``profile`` dict."""
    return _env().get_template("employee.html").render(profile=profile)


def _by_user(frame: pd.DataFrame) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in records(frame):
        grouped[row["username"]].append(row)
    return grouped


def employee_profiles(report: ReportLike,
                      generated_at: dt.datetime | str | None = None) -> Iterator[dict]:
    """One ``profile`` dict per employee (order: unit, name, NIP), the shape
    ``employee.html`` renders. Platform ledger rows double as ``modules_completed``."""
    codes = competency_codes(report)
    names = competency_names(report)
    stamp = timestamp_text(generated_at or now())
    levels = _by_user(report.levels[["username", "competency", *LEVEL_KEYS]])
    jp = {row["username"]: row for row in records(report.jp)}
    entries = _by_user(report.jp_entries.sort_values(["start_date", "activity"], kind="stable"))
    gains = _by_user(report.gain)
    for e in records(sorted_employees(report.employees)):
        user = e["username"]
        by_code = {row["competency"]: row for row in levels.get(user, ())}
        mine = entries.get(user, [])
        j = jp.get(user) or {}
        yield {
            "username": user,
            "nip": e["nip"],
            "name": e["name"],
            "unit": {"code": e["unit_code"], "name": e["unit_name"]},
            "position": e["position"],
            "position_type": e["position_type"],
            "status": e["status"],
            "active": e["active"],
            "year": report.config.year,
            "competencies": [
                {"code": c, "name": names[c], **{k: by_code.get(c, {}).get(k) for k in LEVEL_KEYS}}
                for c in codes
            ],
            "jp": {
                "total": j.get("jp_total", 0.0),
                "platform": j.get("jp_platform", 0.0),
                "external": j.get("jp_external", 0.0),
                "rule": j.get("rule"),
                "target": j.get("target"),
                "shortfall": j.get("shortfall"),
                "excess": j.get("excess"),
                "compliant": j.get("compliant"),
                "entries": [{k: r[k] for k in ENTRY_KEYS} for r in mine],
            },
            "gain": [{k: g[k] for k in GAIN_KEYS} for g in gains.get(user, ())],
            "modules_completed": [
                {"module": r["source_ref"], "title": r["activity"], "jp": r["jp"],
                 "date": r["end_date"]}
                for r in mine if r["kind"] == "platform"
            ],
            "generated_at": stamp,
        }


# ---- the whole report ------------------------------------------------------------------


def jp_bars(report: ReportLike) -> list[charts.Bar]:
    """Per unit (descendants rolled up; depth first, sub-units indented): the mean JP total
    of the employees with a yearly minimum (PNS) against their mean minimum, noting the
    share meeting it and, when there are any, the employees over a ceiling (PPPK). Employees
    under a ceiling have no target, so they are not averaged in."""
    people = report.jp.merge(report.employees[["username", "unit_code"]], on="username")
    if people.empty:
        return []
    chains = unit_ancestors(report.units)
    rolled = people.assign(_unit=people["unit_code"].map(lambda c: chains.get(c, []))).explode(
        "_unit")
    overall = people.assign(_unit="")
    names = dict(zip(report.units["code"], report.units["name"]))
    tree = unit_tree(report.units, getattr(report.config, "unit", None))
    agg = _jp_groups(rolled)
    out = [_jp_bar(str(names[code]), agg.loc[code], depth)
           for code, depth in tree if code in agg.index and agg.loc[code, "n"] > 0]
    if not out:
        everyone = _jp_groups(overall).iloc[0]
        out = [_jp_bar("Semua pegawai", everyone, 0)] if everyone["n"] > 0 else []
    return out


def _jp_groups(rows: pd.DataFrame) -> pd.DataFrame:
    """Per ``_unit``: n, ok, total and target over the minimum rows; over (ceiling rows)."""
    minimum = rows["rule"] == "minimum"
    frame = rows.assign(
        _min=minimum,
        _ok=minimum & rows["compliant"],
        _over=~minimum & (rows["excess"] > 0),
        _total=rows["jp_total"].where(minimum),
        _target=rows["target"].where(minimum),
    )
    return frame.groupby("_unit").agg(n=("_min", "sum"), ok=("_ok", "sum"), over=("_over", "sum"),
                                      total=("_total", "mean"), target=("_target", "mean"))


def _jp_bar(label: str, row: pd.Series, depth: int) -> charts.Bar:
    n, ok, over = int(row["n"]), int(row["ok"]), int(row["over"])
    note = f"{charts.num(100 * ok / n)}% PNS memenuhi ({ok}/{n})"
    if over:
        note += f" · {over} PPPK melebihi batas"
    return charts.Bar(label, float(row["total"]), float(row["target"]), note, depth)


def unit_matrix(report: ReportLike, value: str = "mean_level") -> pd.DataFrame:
    """Unit names (rows, tree order) × competency codes (dictionary order) of ``value``
    from the unit summary."""
    s = report.unit_summary
    present = set(s["competency"])
    codes = [c for c in competency_codes(report) if c in present]
    wide = s.pivot_table(index="unit_code", columns="competency", values=value,
                         aggfunc="first", dropna=False)
    order = [code for code, _ in unit_tree(report.units) if code in wide.index]
    order += [code for code in wide.index if code not in order]
    wide = wide.reindex(index=order, columns=codes)
    names = dict(zip(s["unit_code"], s["unit_name"]))
    wide.index = [str(names.get(code, code)) for code in wide.index]
    return wide


def summary_figures(report: ReportLike) -> dict[str, Any]:
    """The headline numbers: employees, employees assessed, mean JP and the JP rules: of
    those with a yearly minimum (PNS) how many meet it (``jp_people``, ``jp_compliant``,
    ``jp_pct``); of those with a ceiling (PPPK) how many are over it (``jp_ceiling_people``,
    ``jp_over_ceiling``)."""
    jp = report.jp
    minimum = jp[jp["rule"] == "minimum"]
    ceiling = jp[jp["rule"] == "ceiling"]
    n = len(minimum)
    ok = int(minimum["compliant"].sum()) if n else 0
    return {
        "employees": len(report.employees),
        "assessed": int(report.levels.dropna(subset=["level"])["username"].nunique()),
        "jp_people": n,
        "jp_compliant": ok,
        "jp_pct": 100 * ok / n if n else None,
        "jp_ceiling_people": len(ceiling),
        "jp_over_ceiling": int((ceiling["excess"] > 0).sum()),
        "jp_mean": float(jp["jp_total"].mean()) if len(jp) else None,
    }




def render_report(report: ReportLike, *, generated_at: dt.datetime | str | None = None,
                  level_rule: str | None = None) -> str:
    """The whole report as one HTML string (see :func:`write_html`)."""
    generated_at = generated_at or now()
    names = competency_names(report)
    codes = competency_codes(report)
    matrix = unit_matrix(report)
    trends = report.trends.pivot_table(index="period", columns="competency", values="mean_level",
                                       aggfunc="first", dropna=False)
    trends = trends.reindex(columns=[c for c in codes if c in trends.columns])
    jp_title = "Rata-rata JP pegawai PNS terhadap batas minimal, per unit"
    bars = jp_bars(report)
    return _env().get_template("report.html").render(
        title=TITLE,
        year=report.config.year,
        period=period_text(report),
        unit_filter=unit_filter_text(report),
        generated=timestamp_text(generated_at),
        figures=summary_figures(report),
        jp_chart=Markup(charts.bars(bars, title=jp_title)) if bars else None,
        heatmap=Markup(charts.heatmap(matrix, labels=names)) if matrix.size else None,
        competencies=records(report.competencies),
        gain_summary=records(report.gain_summary),
        trends=[(period, list(row)) for period, row in trends.iterrows()],
        trend_codes=list(trends.columns),
        radar_defs=Markup(charts.radar_defs(codes, names, size=REPORT_RADAR_SIZE,
                                            element_id=RADAR_BG)),
        radar_size=REPORT_RADAR_SIZE,
        radar_href="#" + RADAR_BG,
        profiles=employee_profiles(report, generated_at),
        guide=reading_guide(report, generated_at, level_rule),
    )


def write_html(report: ReportLike, path: str | os.PathLike, *,
               generated_at: dt.datetime | str | None = None,
               level_rule: str | None = None) -> Path:
    """Write the self-contained HTML report to ``path`` (replaced atomically)."""
    html = render_report(report, generated_at=generated_at, level_rule=level_rule)
    return write_text_atomic(path, html)
