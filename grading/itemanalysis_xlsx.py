"""The item analysis as an XLSX workbook for trainers, sheet names and headers in Bahasa
Indonesia: Ringkasan, Butir, Pengecoh, Pre-Post (when the course has the parallel form),
Keterangan (what each statistic means).

Written with openpyxl directly (``grading`` sits below ``reports``); text follows the
platform's one spreadsheet rule (:mod:`asncore.spreadsheet`): control characters dropped,
a value openpyxl would store as a formula or an error written as a text cell. Numbers are
rounded to 3 decimals; an undefined statistic is an empty cell.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from asncore.constants import LOCAL_TZ
from asncore.fileio import atomic_path
from asncore.spreadsheet import clean_text, formula_text

from .itemanalysis import EXPLANATIONS, FLAG_LABELS, KIND_LABELS, Analysis

YES_NO = {True: "Ya", False: "Tidak"}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")


def _number(value):
    return None if value is None else round(float(value), 3)


def _cell(ws, value):
    """A value as the sheet holds it: text cleaned and never a formula."""
    value = clean_text(value)
    if formula_text(value):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list],
           widths: list[float], wrap: int | None = None) -> None:
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    cells = []
    for text in header:
        cell = WriteOnlyCell(ws, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        values = [_cell(ws, v) for v in row]
        if wrap is not None and isinstance(values[wrap], str):
            cell = WriteOnlyCell(ws, value=values[wrap])
            cell.alignment = WRAP
            values[wrap] = cell
        ws.append(values)


def summary_rows(analysis: Analysis, generated_at: dt.datetime) -> list[list]:
    total = analysis.total
    rows = [
        ["Kursus", analysis.course],
        ["Tugas", f"{analysis.assignment} ({KIND_LABELS.get(analysis.kind, analysis.kind)})"],
        ["Peserta dihitung", total.n_learners],
        ["Kiriman belum selesai dinilai (tidak dihitung)", analysis.excluded],
        ["Jumlah butir", total.n_items],
        ["Skor maksimum", _number(total.max_total)],
        ["Rata-rata skor", _number(total.mean)],
        ["Simpangan baku skor", _number(total.sd)],
        [f"Reliabilitas ({total.reliability_method})", _number(total.reliability)],
        ["Kesalahan baku pengukuran (SEM, poin)", _number(total.sem)],
        ["Dibuat", generated_at.strftime("%d/%m/%Y %H.%M")],
    ]
    rows += [["Catatan", note] for note in analysis.notes]
    return rows


def item_rows(analysis: Analysis) -> list[list]:
    return [[s.position, s.grade_id, _number(s.max_score), s.n, _number(s.mean), _number(s.difficulty),
             _number(s.point_biserial), _number(s.upper), _number(s.lower), _number(s.upper_lower),
             YES_NO[s.dichotomous], s.key or "", "; ".join(FLAG_LABELS[f] for f in s.flags)]
            for s in analysis.items]


def option_rows(analysis: Analysis) -> list[list]:
    return [[s.grade_id, o.option, YES_NO[o.is_key], o.count, _number(o.share),
             _number(o.upper_share), _number(o.lower_share)]
            for s in analysis.items for o in s.options]


def pre_post_rows(analysis: Analysis) -> list[list]:
    block = analysis.pre_post
    return [[r.objective, r.pre_item, r.post_item, _number(r.p_pre), _number(r.p_post),
             _number(r.change)] for r in block.rows] if block else []


def workbook(analysis: Analysis, generated_at: dt.datetime | None = None) -> Workbook:
    generated_at = generated_at or dt.datetime.now(LOCAL_TZ)
    wb = Workbook(write_only=True)
    _sheet(wb, "Ringkasan", ["Hal", "Nilai"], summary_rows(analysis, generated_at), [44, 60], wrap=1)
    _sheet(wb, "Butir", ["No", "Butir", "Skor maks", "Peserta", "Rata-rata", "Kesukaran (p)",
                         "Daya beda (r pbis)", "Kelompok atas", "Kelompok bawah", "D (atas − bawah)",
                         "Benar/salah saja", "Kunci", "Tanda"],
           item_rows(analysis), [5, 22, 10, 9, 10, 13, 17, 14, 15, 16, 15, 7, 40])
    _sheet(wb, "Pengecoh", ["Butir", "Pilihan", "Kunci", "Jumlah", "Proporsi",
                            "Proporsi kelompok atas", "Proporsi kelompok bawah"],
           option_rows(analysis), [22, 16, 8, 9, 10, 22, 23])
    if analysis.pre_post:
        block = analysis.pre_post
        header = ["Tujuan", f"Butir {block.pre_assignment}", f"Butir {block.post_assignment}",
                  f"p {block.pre_assignment} (n={block.n_pre})",
                  f"p {block.post_assignment} (n={block.n_post})", "Perubahan p"]
        rows = pre_post_rows(analysis) + [[f"Pasangan butir {block.pairing}."]]
        _sheet(wb, "Pre-Post", header, [r + [None] * (6 - len(r)) for r in rows],
               [40, 18, 18, 20, 20, 13], wrap=0)
    _sheet(wb, "Keterangan", ["Hal", "Keterangan"], [list(e) for e in EXPLANATIONS], [34, 100], wrap=1)
    return wb


def xlsx_bytes(analysis: Analysis, generated_at: dt.datetime | None = None) -> bytes:
    buffer = io.BytesIO()
    workbook(analysis, generated_at).save(buffer)
    return buffer.getvalue()


def write_xlsx(analysis: Analysis, path: str | os.PathLike,
               generated_at: dt.datetime | None = None) -> Path:
    """Write the workbook to ``path``, replaced atomically; returns the path."""
    with atomic_path(path) as tmp:
        workbook(analysis, generated_at).save(tmp)
    return Path(path)
