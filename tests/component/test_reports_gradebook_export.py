"""Bare gradebook reports (reports.gradebook) against stock ``nbgrader export``, on a
gradebook made by nbgrader's own API (which runs ``alembic`` as a subprocess) and the CSV
the real ``nbgrader export`` writes for it. The pure error cases are in
tests/unit/test_reports_gradebook.py.

Fixtures: ``gradebook`` (module) is a small gradebook built with nbgrader's own API -- an
assignment without due date, an unsubmitted student, a manual score overriding an auto
score, extra credit, late penalties, grades still needing a manual grade and a first name
that looks like a spreadsheet formula -- plus the rows real ``nbgrader export`` writes for it.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from benchmarks import bench_reports
from reports import gradebook as rg
from reports.frames import GRADEBOOK_SCORES


# (student, assignment, score) that nbgrader export gives the fixture, in its order:
# assignments by due date (none first), students by last name (none first), first name
EXPECTED = [
    ("s-cici", "ps0", 0.0), ("s-budi", "ps0", 0.0), ("s-dedi", "ps0", 0.0), ("s-anna", "ps0", 1.0),
    ("s-cici", "ps1", 0.0),  # 0.5, late penalty 2.0: clamped at 0
    ("s-budi", "ps1", 2.0),  # auto 2 + extra credit 1, two items ungraded, late penalty 1
    ("s-dedi", "ps1", 0.0),  # submitted nothing
    ("s-anna", "ps1", 8.0),  # manual 1 overrides auto 2, manual 2.5 + extra credit 0.5, task 4
]


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    root = tmp_path_factory.mktemp("bare")
    url = f"sqlite:///{root / 'gradebook.db'}"
    with warnings.catch_warnings(), Gradebook(url) as gb:
        warnings.filterwarnings("ignore", "Object of type", SAWarning)  # from add_submission
        gb.add_assignment("ps1", duedate=dt.datetime(2026, 2, 1))
        gb.add_assignment("ps0")
        gb.add_notebook("nb-a", "ps1")
        gb.add_notebook("nb-b", "ps1")
        gb.add_notebook("nb", "ps0")
        gb.add_grade_cell("auto", "nb-a", "ps1", max_score=2.0, cell_type="code")
        gb.add_grade_cell("essay", "nb-a", "ps1", max_score=3.0, cell_type="markdown")
        gb.add_task_cell("task", "nb-b", "ps1", max_score=4.0, cell_type="markdown")
        gb.add_grade_cell("auto", "nb", "ps0", max_score=1.0, cell_type="code")
        gb.add_student("s-anna", first_name="Anna", last_name="Zulu")
        gb.add_student("s-budi", first_name="Budi", last_name="Adi")
        gb.add_student("s-cici", first_name="=1+1")
        gb.add_student("s-dedi", first_name="Dedi", last_name="Lubis")

        def submit(assignment, student, grades, penalties=()):
            gb.add_submission(assignment, student, timestamp=dt.datetime(2026, 1, 30, 10, 15))
            for (notebook, cell), (auto, manual, extra) in grades.items():
                grade = gb.find_grade(cell, notebook, assignment, student)
                grade.auto_score, grade.manual_score, grade.extra_credit = auto, manual, extra
                grade.needs_manual_grade = auto is None and manual is None
            for notebook, penalty in penalties:
                submitted = gb.find_submission_notebook(notebook, assignment, student)
                submitted.late_submission_penalty = penalty
            gb.db.commit()

        # (notebook, cell): (auto score, manual score, extra credit)
        submit("ps1", "s-anna", {("nb-a", "auto"): (2.0, 1.0, None),
                                 ("nb-a", "essay"): (None, 2.5, 0.5),
                                 ("nb-b", "task"): (None, 4.0, None)})
        submit("ps1", "s-budi", {("nb-a", "auto"): (2.0, None, 1.0),
                                 ("nb-a", "essay"): (None, None, None),
                                 ("nb-b", "task"): (None, None, None)}, penalties=[("nb-a", 1.0)])
        submit("ps1", "s-cici", {("nb-a", "auto"): (0.0, None, None),
                                 ("nb-a", "essay"): (None, 0.5, None),
                                 ("nb-b", "task"): (None, 0.0, None)}, penalties=[("nb-b", 2.0)])
        submit("ps0", "s-anna", {("nb", "auto"): (1.0, None, None)})
        submit("ps0", "s-cici", {("nb", "auto"): (None, None, None)})
    _, csv_path, finished = bench_reports.run_stock(url, root, timeout=120)
    assert finished
    return url, bench_reports.read_stock(csv_path)


def test_export_scores_equal_nbgrader_export(gradebook):
    url, stock = gradebook
    assert [(s, a, v) for s, a, v, _ in stock] == EXPECTED  # the fixture is what we think it is
    scores = rg.export_scores(url)
    assert list(scores.columns) == list(GRADEBOOK_SCORES)
    ours = list(scores.itertuples(index=False, name=None))
    assert [(s, a) for s, a, _ in ours] == [(s, a) for s, a, _ in EXPECTED]
    assert [v for *_, v in ours] == pytest.approx([v for *_, v in EXPECTED], abs=1e-9)


def test_scores_csv_has_nbgrader_columns_order_and_number_text(gradebook, tmp_path):
    url, stock = gradebook
    paths = rg.write_bare_report(url, tmp_path)
    lines = paths.scores.read_text().splitlines()
    assert lines[0] == "student_id,assignment,score"
    assert lines[1:] == [f"{s},{a},{text}" for s, a, _, text in stock]


def test_full_export_columns_match_stock(gradebook):
    url, _ = gradebook
    grades = rg.load_grades(url)
    assert list(grades.columns[:len(rg.EXPORT_COLUMNS)]) == rg.EXPORT_COLUMNS
    budi = grades.set_index(["student_id", "assignment"]).loc[("s-budi", "ps1")]
    assert (budi.raw_score, budi.late_submission_penalty, budi.score, budi.max_score) == \
        (3.0, 1.0, 2.0, 9.0)
    assert budi.timestamp == dt.datetime(2026, 1, 30, 10, 15)
    assert grades.loc[grades.assignment == "ps0", "duedate"].isna().all()


def test_per_student_assignment_report(gradebook):
    url, _ = gradebook
    report = rg.per_student_assignment(url).set_index(["student_id", "assignment"])
    budi = report.loc[("s-budi", "ps1")]
    assert (bool(budi.submitted), budi.score, budi.max_score, budi.pct, budi.needs_manual) == \
        (True, 2.0, 9.0, 22.22, 2)
    dedi = report.loc[("s-dedi", "ps1")]
    assert (bool(dedi.submitted), dedi.score, dedi.needs_manual) == (False, 0.0, 0)
    assert dedi.isna().timestamp
    assert bool(report.loc[("s-cici", "ps0")].submitted)
    matrix = rg.score_matrix(report.reset_index())
    assert list(matrix.columns) == ["ps0", "ps1"]
    assert list(matrix.index) == ["s-cici", "s-budi", "s-dedi", "s-anna"]
    assert matrix.loc["s-anna", "ps1"] == 8.0


def test_write_bare_report_files_and_matrix_cell(gradebook, tmp_path):
    from openpyxl import load_workbook

    url, _ = gradebook
    paths = rg.write_bare_report(url, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == \
        sorted(["scores.csv", "per_student_assignment.csv", "laporan_gradebook.xlsx"])
    assert paths.per_student.read_text().splitlines()[0] == ",".join(rg.PER_STUDENT_COLUMNS)
    book = load_workbook(paths.workbook)
    assert book.sheetnames == ["Nilai", "Matriks"]
    matrix = list(book["Matriks"].values)
    assert matrix[0] == ("ID peserta", "Nama", "ps0", "ps1")
    rows = {row[0]: row for row in matrix[1:]}
    assert rows["s-anna"] == ("s-anna", "Anna Zulu", 1.0, 8.0)
    assert rows["s-budi"][3] == 2.0
    long = list(book["Nilai"].values)
    assert long[0][0] == "ID peserta"
    dedi = next(row for row in long[1:] if row[:4] == ("s-dedi", "Dedi", "Lubis", "ps1"))
    assert dedi[4:7] == ("Tidak", None, 0.0)  # not submitted, no timestamp, score 0
    cici = next(row for row in long[1:] if row[0] == "s-cici")
    assert cici[1] == "=1+1"  # kept as text, not turned into a formula
    assert book["Nilai"].cell(row=long.index(cici) + 1, column=2).data_type == "s"


def test_failed_report_leaves_previous_files_and_no_temporaries(gradebook, tmp_path, monkeypatch):
    url, _ = gradebook
    paths = rg.write_bare_report(url, tmp_path)
    before = {p: p.read_bytes() for p in paths}

    def broken(per_student, fh):
        fh.write(b"half a workbook")
        raise RuntimeError("disk full")

    monkeypatch.setattr(rg, "write_workbook", broken)
    with pytest.raises(RuntimeError):
        rg.write_bare_report(url, tmp_path)
    monkeypatch.undo()

    def refuse(src, dst):
        raise OSError("read-only file system")

    monkeypatch.setattr(rg.os, "replace", refuse)
    with pytest.raises(OSError):
        rg.write_bare_report(url, tmp_path)
    assert {p: p.read_bytes() for p in paths} == before  # the previous report is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
