"""The HR report as one XLSX workbook, sheet names and headers in Bahasa Indonesia.

pandas shapes each sheet as a frame; openpyxl's write-only mode streams the rows. Only
header cells, date cells and the few long texts of "Keterangan" carry a style; widths
are set per column. The file is replaced atomically.

Text stays text: control characters XLSX cannot hold are dropped
(:func:`reports.render.clean_text`), and a value openpyxl would store as a formula or an
error (``=HYPERLINK(..)``, ``#N/A``) is written as a text cell.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from asncore.spreadsheet import formula_text

from .render import (
    JP_KIND_LABELS,
    JP_RULE_LABELS,
    KIND_LABELS,
    ReportLike,
    atomic_path,
    clean_text,
    competency_codes,
    competency_names,
    is_text,
    level_text,
    now,
    reading_guide,
    rows,
    sorted_employees,
    text_columns,
    unit_tree,
)

SHEETS = ["Profil Kompetensi", "JP", "Buku JP", "Ringkasan Unit", "Distribusi", "Pre-Post",
          "Tren", "Keterangan"]
DATE_FORMAT = "DD/MM/YYYY"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
MIN_WIDTH, MAX_WIDTH = 8, 50
YES_NO = {True: "Ya", False: "Tidak"}


def write_xlsx(report: ReportLike, path: str | os.PathLike, *,
               generated_at: dt.datetime | str | None = None,
               level_rule: str | None = None) -> Path:
    """Write the report workbook to ``path`` (replaced atomically) and return the path.

    ``level_rule`` replaces the default explanation of how levels are set (sheet
    "Keterangan"); ``generated_at`` defaults to now.
    """
    generated_at = generated_at or now()
    guide = pd.DataFrame(reading_guide(report, generated_at, level_rule),
                         columns=["Hal", "Keterangan"])
    wb = Workbook(write_only=True)
    _add_sheet(wb, "Profil Kompetensi", [profile_sheet(report)], freeze="C2")
    _add_sheet(wb, "JP", [jp_sheet(report)], freeze="C2")
    _add_sheet(wb, "Buku JP", [ledger_sheet(report)], freeze="C2")
    _add_sheet(wb, "Ringkasan Unit", [unit_summary_sheet(report)])
    _add_sheet(wb, "Distribusi", [distribution_sheet(report)])
    _add_sheet(wb, "Pre-Post", [gain_sheet(report), gain_summary_sheet(report)])
    _add_sheet(wb, "Tren", [trends_sheet(report)])
    _add_sheet(wb, "Keterangan", [guide, dictionary_sheet(report)], wrap={"Keterangan": 90},
               autofilter=False)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


# ---- sheets as frames ------------------------------------------------------------------


def _people(report: ReportLike) -> pd.DataFrame:
    """NIP, name and unit per username, in report order (``_rank``)."""
    emp = sorted_employees(report.employees)
    return pd.DataFrame({
        "username": emp["username"].to_numpy(),
        "_rank": range(len(emp)),
        "NIP": emp["nip"].to_numpy(),
        "Nama": emp["name"].to_numpy(),
        "Unit": emp["unit_name"].to_numpy(),
        "Status": emp["status"].to_numpy(),
    })


def profile_sheet(report: ReportLike) -> pd.DataFrame:
    """One row per employee: identity, then ``<code> indikasi level`` (the level, or
    "belum dinilai" / "bukti belum cukup", never 0 for no evidence), ``<code> butir`` (the
    items behind that level), ``<code> dibutuhkan`` and ``<code> gap`` for every competency
    of the dictionary."""
    emp = sorted_employees(report.employees)
    out = pd.DataFrame({
        "NIP": emp["nip"].to_numpy(),
        "Nama": emp["name"].to_numpy(),
        "Unit": emp["unit_name"].to_numpy(),
        "Jabatan": emp["position"].to_numpy(),
        "Jenis jabatan": emp["position_type"].to_numpy(),
        "Status": emp["status"].to_numpy(),
        "Aktif": emp["active"].map(YES_NO).to_numpy(),
    })
    codes = competency_codes(report)
    levels = report.levels.loc[report.levels["competency"].isin(codes)]
    fields = ["level", "evidence", "level_items", "required", "gap"]
    wide = (
        levels.set_index(["username", "competency"])[fields]
        .unstack("competency")
        .reindex(emp["username"].to_numpy())
    )

    def values(field, code):
        key = (field, code)
        if key not in wide.columns:
            return [None] * len(out)
        return list(wide[key].to_numpy(dtype=object, na_value=None))

    columns = {}
    for code in codes:
        columns[f"{code} indikasi level"] = [
            level_text(level, evidence)
            for level, evidence in zip(values("level", code), values("evidence", code))]
        columns[f"{code} butir"] = [n or 0 for n in values("level_items", code)]
        columns[f"{code} dibutuhkan"] = values("required", code)
        columns[f"{code} gap"] = values("gap", code)
    return pd.concat([out, pd.DataFrame(columns, index=out.index)], axis=1)


def jp_sheet(report: ReportLike) -> pd.DataFrame:
    """One row per employee: JP of the year against the rule of their status, a minimum
    ("paling sedikit", PNS: a shortfall below it) or a ceiling ("paling lama", PPPK: an
    excess above it, never a shortfall below it)."""
    jp = _people(report).merge(report.jp, on="username", how="inner").sort_values("_rank")
    return pd.DataFrame({
        "NIP": jp["NIP"],
        "Nama": jp["Nama"],
        "Unit": jp["Unit"],
        "Status": jp["Status"],
        "JP platform": jp["jp_platform"].round(2),
        "JP luar": jp["jp_external"].round(2),
        "Total JP": jp["jp_total"].round(2),
        "Aturan JP": jp["rule"].map(lambda rule: JP_RULE_LABELS.get(rule, rule)),
        "Batas JP": jp["target"].round(2),
        "Kekurangan JP": jp["shortfall"].round(2),
        "Kelebihan JP": jp["excess"].round(2),
        "Sesuai aturan": jp["compliant"].map(YES_NO),
    })


def ledger_sheet(report: ReportLike) -> pd.DataFrame:
    entries = _people(report).merge(report.jp_entries, on="username", how="inner")
    entries = entries.sort_values(["_rank", "start_date"], kind="stable")
    return pd.DataFrame({
        "NIP": entries["NIP"],
        "Nama": entries["Nama"],
        "Kegiatan": entries["activity"],
        "Penyelenggara": entries["provider"],
        "Tanggal mulai": _dates(entries["start_date"]),
        "Tanggal selesai": _dates(entries["end_date"]),
        "JP": entries["jp"].round(2),
        "Jenis": entries["kind"].map(lambda k: JP_KIND_LABELS.get(k, k)),
        "No. sertifikat": entries["certificate_no"],
    })


def _ordered(frame: pd.DataFrame, report: ReportLike, unit_col: str | None,
             competency_col: str) -> pd.DataFrame:
    """``frame`` by unit (tree order) then competency (dictionary order)."""
    keys = {}
    if unit_col:
        rank = {code: i for i, (code, _) in enumerate(unit_tree(report.units))}
        keys["_u"] = frame[unit_col].map(rank).fillna(len(rank))
    rank = {code: i for i, code in enumerate(competency_codes(report))}
    keys["_c"] = frame[competency_col].map(rank).fillna(len(rank))
    return frame.assign(**keys).sort_values(list(keys), kind="stable").drop(columns=list(keys))


def unit_summary_sheet(report: ReportLike) -> pd.DataFrame:
    s = _ordered(report.unit_summary, report, "unit_code", "competency")
    return pd.DataFrame({
        "Kode unit": s["unit_code"],
        "Nama unit": s["unit_name"],
        "Kode kompetensi": s["competency"],
        "Kompetensi": s["competency"].map(competency_names(report)),
        "Pegawai aktif": s["employees"],
        "Dinilai": s["assessed"],
        "Rata-rata level": s["mean_level"].round(2),
        "Rata-rata gap": s["mean_gap"].round(2),
        "% memenuhi": s["pct_meeting"].round(1),
    })


def distribution_sheet(report: ReportLike) -> pd.DataFrame:
    """Wide: one row per unit and competency, one column per level 0..5."""
    counts = report.distribution.pivot_table(
        index=["unit_code", "competency"], columns="level", values="count", aggfunc="sum",
        fill_value=0, observed=True)
    counts = counts.reindex(columns=range(6), fill_value=0).reset_index()
    counts = _ordered(counts, report, "unit_code", "competency")
    unit_names = dict(zip(report.units["code"], report.units["name"]))
    out = pd.DataFrame({
        "Kode unit": counts["unit_code"],
        "Nama unit": counts["unit_code"].map(unit_names),
        "Kode kompetensi": counts["competency"],
        "Kompetensi": counts["competency"].map(competency_names(report)),
    })
    for level in range(6):
        out[f"Level {level}"] = counts[level].astype("int64")
    out["Jumlah dinilai"] = counts[list(range(6))].sum(axis=1).astype("int64")
    return out


def gain_sheet(report: ReportLike) -> pd.DataFrame:
    g = _people(report).merge(report.gain, on="username", how="inner").sort_values(
        "_rank", kind="stable")
    return pd.DataFrame({
        "NIP": g["NIP"],
        "Nama": g["Nama"],
        "Unit": g["Unit"],
        "Kursus": g["course"],
        "Pre-test (%)": g["pre_pct"].round(1),
        "Post-test (%)": g["post_pct"].round(1),
        "Gain": g["gain"].round(2),
        "Keterangan": g["status"],
    })


def gain_summary_sheet(report: ReportLike) -> pd.DataFrame:
    s = report.gain_summary
    return pd.DataFrame({
        "Kursus": s["course"],
        "Peserta pre-test": s["n_pre"],
        "Peserta post-test": s["n_post"],
        "Peserta keduanya": s["n_both"],
        "Rata-rata pre (%)": s["mean_pre"].round(1),
        "Rata-rata post (%)": s["mean_post"].round(1),
        "Rata-rata gain": s["mean_gain"].round(2),
        "Gain kelas (Hake)": s["class_gain"].round(2),
    })


def trends_sheet(report: ReportLike) -> pd.DataFrame:
    t = _ordered(report.trends, report, None, "competency").sort_values("period", kind="stable")
    return pd.DataFrame({
        "Periode": t["period"],
        "Kode kompetensi": t["competency"],
        "Kompetensi": t["competency"].map(competency_names(report)),
        "Dinilai": t["assessed"],
        "Rata-rata level": t["mean_level"].round(2),
    })


def dictionary_sheet(report: ReportLike) -> pd.DataFrame:
    c = report.competencies
    return pd.DataFrame({
        "Kode kompetensi": c["code"],
        "Kompetensi": c["name"],
        "Jenis": c["kind"].map(lambda k: KIND_LABELS.get(k, k)),
    })


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.date


# ---- writing ---------------------------------------------------------------------------


def _is_dates(values: pd.Series) -> bool:
    if not pd.api.types.is_object_dtype(values):
        return False
    present = values.dropna()
    return len(present) > 0 and isinstance(present.iloc[0], dt.date)


def _width(values: pd.Series, header: str) -> float:
    present = values.dropna()
    if _is_dates(values):
        longest = 10
    else:
        longest = int(present.astype(str).str.len().max()) if len(present) else 0
    return float(min(max(len(header), longest, MIN_WIDTH - 2) + 2, MAX_WIDTH))


_formula_text = formula_text  # text openpyxl would store as a formula or an error code


def _has_formula_text(values: pd.Series) -> bool:
    return is_text(values) and any(_formula_text(v) for v in values.to_numpy(dtype=object))


def _header(ws, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    return cell


def _add_sheet(wb: Workbook, title: str, blocks: Sequence[pd.DataFrame], *,
               freeze: str = "A2", wrap: dict[str, float] | None = None,
               autofilter: bool = True) -> None:
    """One sheet holding ``blocks`` side by side (an empty column between them); row 1
    is the bold, frozen header; the first block gets an autofilter. Columns named in
    ``wrap`` get that width and wrapped text."""
    wrap = wrap or {}
    blocks = [text_columns(frame, clean_text) for frame in blocks]
    ws = wb.create_sheet(title)
    ws.freeze_panes = freeze
    first = blocks[0]
    if autofilter and len(first.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(first.columns))}{len(first) + 1}"

    starts, styled = [], []  # per block: first column (0-based), {position: style}
    col = 0
    for frame in blocks:
        starts.append(col)
        styles = {}
        for i, name in enumerate(frame.columns):
            letter = get_column_letter(col + i + 1)
            ws.column_dimensions[letter].width = wrap.get(name) or _width(frame[name], name)
            if name in wrap:
                styles[i] = "wrap"
            elif _is_dates(frame[name]):
                styles[i] = "date"
            elif _has_formula_text(frame[name]):
                styles[i] = "text"
        styled.append(styles)
        col += len(frame.columns) + 1

    header: list = []
    for start, frame in zip(starts, blocks):
        header += [None] * (start - len(header)) + [_header(ws, str(c)) for c in frame.columns]
    ws.append(header)

    bodies = [list(rows(frame)) for frame in blocks]
    for r in range(max(len(body) for body in bodies)):
        line: list = []
        for start, frame, body, styles in zip(starts, blocks, bodies, styled):
            line += [None] * (start - len(line))
            if r >= len(body):
                line += [None] * len(frame.columns)
                continue
            values = list(body[r]) if styles else body[r]
            for i, style in styles.items():
                value = values[i]
                if value is None or (style == "text" and not _formula_text(value)):
                    continue
                cell = WriteOnlyCell(ws, value=value)
                if style == "date":
                    cell.number_format = DATE_FORMAT
                elif style == "wrap":
                    cell.alignment = WRAP
                if _formula_text(value):
                    cell.data_type = "s"  # shown as typed, never run
                values[i] = cell
            line += values
        ws.append(line)
