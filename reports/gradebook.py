"""Bare gradebook mode: reports straight from an nbgrader gradebook, with no roster.

Reads any SQLAlchemy URL of a gradebook in nbgrader's schema (SQLite by default, opened
read-only) with five bulk queries (:func:`grading.gradebook.read_export_tables`) -- students, assignments, their max scores, submissions
with their summed grades, late penalties -- instead of the ORM queries per student and
assignment that ``nbgrader export`` issues (one of which scans the whole grade table).

The rows and scores are those of nbgrader 0.9.6's ``CsvExportPlugin``:

- one row per (assignment, student) for EVERY assignment and EVERY student in the
  gradebook, a missing submission included (timestamp empty, score 0.0);
- assignments in ``ORDER BY duedate, name`` as the outer loop, students in
  ``ORDER BY last_name, first_name`` inside it (the same SQL, so ties come back in the
  order the database gives the stock export);
- ``raw_score`` is ``SubmittedAssignment.score``: the sum over the submission's grades of
  ``Grade.score`` (the manual score if set, else the auto score, else 0; plus extra credit
  when a manual or auto score is set), 0.0 when there are no grades;
- ``score`` is ``max(0.0, raw_score - late_submission_penalty)``, the penalty being the sum
  of the submitted notebooks' penalties (0.0 if none);
- ``max_score`` is the assignment's: the sum of the max scores of its grade and task cells;
- numbers are written with Python's ``str(float)`` (``3.0``, ``0.30000000000000004``).

Column names of the frames and CSV files are English (machine-readable, as nbgrader's);
the XLSX workbook is for people: Indonesian sheet names and headers. Times are nbgrader's,
naive UTC.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np
import pandas as pd

from asncore.spreadsheet import clean_text, formula_text
from grading.gradebook import read_export_tables
from reports.frames import GRADEBOOK_SCORES
from reports.render import atomic_path, inert_text, text_columns
from reports.schema import validate

EXPORT_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                  "email", "raw_score", "late_submission_penalty", "score", "max_score"]

PER_STUDENT_COLUMNS = ["student_id", "first_name", "last_name", "assignment", "submitted",
                       "timestamp", "score", "max_score", "pct", "needs_manual"]

SCORES_CSV = "scores.csv"
PER_STUDENT_CSV = "per_student_assignment.csv"
WORKBOOK = "laporan_gradebook.xlsx"

SHEET_LONG = "Nilai"
SHEET_MATRIX = "Matriks"
HEADERS = {  # per_student_assignment column -> XLSX header
    "student_id": "ID peserta",
    "first_name": "Nama depan",
    "last_name": "Nama belakang",
    "assignment": "Penilaian",
    "submitted": "Dikumpulkan",
    "timestamp": "Waktu pengumpulan (UTC)",
    "score": "Nilai",
    "max_score": "Nilai maksimum",
    "pct": "Persentase (%)",
    "needs_manual": "Butir perlu dinilai manual",
}
MATRIX_NAME = "Nama"
YES, NO = "Ya", "Tidak"

class BareReport(NamedTuple):
    scores: Path
    per_student: Path
    workbook: Path


# ---- load -------------------------------------------------------------------------------


def load_grades(url: str) -> pd.DataFrame:
    """Every (assignment, student) of the gradebook, in ``nbgrader export``'s rows and order.

    Columns: the stock export's (:data:`EXPORT_COLUMNS`; ``duedate`` and ``timestamp`` as
    datetimes, NaT when empty) plus ``submitted`` (bool) and ``needs_manual`` (number of the
    submission's grades that still need a manual grade, 0 without a submission).
    """
    return combine(**read_export_tables(url))


def combine(students: pd.DataFrame, assignments: pd.DataFrame, max_scores: pd.DataFrame,
            submissions: pd.DataFrame, penalties: pd.DataFrame) -> pd.DataFrame:
    """The export's loop ``for assignment: for student:`` as one frame, from the query results."""
    assignments = assignments.merge(max_scores, on="assignment_id", how="left")
    assignments["max_score"] = assignments["max_score"].astype("float64").fillna(0.0)
    n_students, n_assignments = len(students), len(assignments)
    grid = pd.concat(
        [assignments.iloc[np.repeat(np.arange(n_assignments), n_students)].reset_index(drop=True),
         students.iloc[np.tile(np.arange(n_students), n_assignments)].reset_index(drop=True)],
        axis=1)
    submissions = submissions.merge(penalties, on=["assignment_id", "student_id"], how="left")
    submissions["submitted"] = True
    grid = grid.merge(submissions, on=["assignment_id", "student_id"], how="left")
    submitted = grid["submitted"].eq(True).to_numpy()
    raw = grid["raw_score"].astype("float64").fillna(0.0).to_numpy()
    penalty = grid["late_submission_penalty"].astype("float64").fillna(0.0).to_numpy()
    net = raw - penalty
    grid["raw_score"] = raw
    grid["late_submission_penalty"] = penalty
    grid["score"] = np.where(submitted & (net > 0.0), net, 0.0)  # max(0.0, score - penalty)
    grid["submitted"] = submitted
    grid["needs_manual"] = grid["needs_manual"].fillna(0).astype("int64")
    for column in ("duedate", "timestamp"):  # SQLite gives text, other databases datetimes
        grid[column] = pd.to_datetime(grid[column], format="ISO8601").astype("datetime64[us]")
    return grid[EXPORT_COLUMNS + ["submitted", "needs_manual"]]


# ---- transform --------------------------------------------------------------------------


def scores_of(grades: pd.DataFrame) -> pd.DataFrame:
    """The GRADEBOOK_SCORES frame (student_id, assignment, score) of :func:`load_grades`."""
    return validate(grades[list(GRADEBOOK_SCORES)].reset_index(drop=True), GRADEBOOK_SCORES,
                    "gradebook_scores", unique=("student_id", "assignment"))


def export_scores(url: str) -> pd.DataFrame:
    """``nbgrader export``'s student_id, assignment and score, same rows and order."""
    return scores_of(load_grades(url))


def per_student_of(grades: pd.DataFrame) -> pd.DataFrame:
    """One row per student and assignment: names, submitted, score, max, pct, needs_manual.

    ``pct`` is ``100 * score / max_score`` rounded to 2 decimals (missing when the max is 0).
    """
    frame = grades[["student_id", "first_name", "last_name", "assignment", "submitted",
                    "timestamp", "score", "max_score", "needs_manual"]].reset_index(drop=True)
    max_score = frame["max_score"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(max_score > 0, 100.0 * frame["score"].to_numpy() / max_score, np.nan)
    frame["pct"] = np.round(pct, 2)
    return frame[PER_STUDENT_COLUMNS]


def per_student_assignment(url: str) -> pd.DataFrame:
    """The bare-mode report per student and assignment (see :func:`per_student_of`)."""
    return per_student_of(load_grades(url))


def score_matrix(per_student: pd.DataFrame, value: str = "score") -> pd.DataFrame:
    """Student x assignment table of ``value``, rows and columns in the frame's order."""
    matrix = per_student.pivot(index="student_id", columns="assignment", values=value)
    matrix = matrix.reindex(index=per_student["student_id"].unique(),
                            columns=per_student["assignment"].unique())
    matrix.columns.name = None
    return matrix


# ---- render -----------------------------------------------------------------------------


def write_bare_report(url: str, out_dir: str | os.PathLike) -> BareReport:
    """Write scores.csv, per_student_assignment.csv and laporan_gradebook.xlsx to ``out_dir``.

    ``scores.csv`` holds exactly ``student_id,assignment,score`` in ``nbgrader export``'s
    order and number format. All three are rendered before any is written; each is then
    written to a temporary file in ``out_dir`` and moved into place
    (:func:`reports.render.atomic_path`), so a reader never sees half a file and a failed
    run leaves the previous report as it was.
    """
    grades = load_grades(url)
    per_student = per_student_of(grades)
    workbook = io.BytesIO()
    write_workbook(per_student, workbook)
    out = Path(out_dir)
    paths = BareReport(out / SCORES_CSV, out / PER_STUDENT_CSV, out / WORKBOOK)
    contents = {
        paths.scores: scores_csv(scores_of(grades)).encode(),
        paths.per_student: text_columns(per_student, inert_text).to_csv(index=False).encode(),
        paths.workbook: workbook.getvalue(),
    }
    for path, data in contents.items():
        with atomic_path(path) as tmp:  # mode 0640: NIPs and names are personal data
            tmp.write_bytes(data)
    return paths


def scores_csv(scores: pd.DataFrame) -> str:
    """The scores as CSV text, numbers as ``str(float)`` like nbgrader's export; ids that
    a spreadsheet would run as a formula are neutralised (:func:`reports.render.inert_text`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(GRADEBOOK_SCORES))
    writer.writerows(zip(map(inert_text, scores["student_id"].tolist()),
                         map(inert_text, scores["assignment"].tolist()),
                         map(str, scores["score"].astype("float64").tolist())))
    return buffer.getvalue()


def write_workbook(per_student: pd.DataFrame, fh: BinaryIO) -> None:
    """The XLSX report: sheet Nilai (one row per student and assignment), sheet Matriks."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    long = _sheet(book, SHEET_LONG, [HEADERS[c] for c in PER_STUDENT_COLUMNS])
    frame = per_student.copy()
    frame["submitted"] = np.where(frame["submitted"].to_numpy(dtype=bool), YES, NO)
    for row in zip(*(_cells(long, frame[c]) for c in PER_STUDENT_COLUMNS)):
        long.append(row)

    matrix = score_matrix(per_student)
    people = per_student.drop_duplicates("student_id").set_index("student_id")
    names = (people["first_name"].fillna("").astype(str) + " "
             + people["last_name"].fillna("").astype(str)).str.strip()
    wide = _sheet(book, SHEET_MATRIX, [HEADERS["student_id"], MATRIX_NAME, *matrix.columns])
    columns = [_cells(wide, pd.Series(matrix.index, dtype=object)),
               _cells(wide, names.reindex(matrix.index).replace("", None)),
               *(_cells(wide, matrix[a]) for a in matrix.columns)]
    for row in zip(*columns):
        wide.append(row)
    book.save(fh)


def _sheet(book, title: str, header: list):
    """A write-only sheet whose first row is ``header``: bold, frozen, columns wide enough."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    row = []
    for i, value in enumerate(_cells(sheet, pd.Series(header, dtype=object))):
        cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value)
        cell.font = Font(bold=True)
        row.append(cell)
        width = min(40, max(12, len(str(header[i])) + 4))
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    sheet.append(row)
    return sheet


def _cells(sheet, column: pd.Series) -> list:
    """A column as XLSX cell values: None for missing, Python numbers and datetimes, and text
    that stays text (a name such as ``=HYPERLINK(..)`` is not run as a formula)."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return [None if v is pd.NaT else v for v in column.dt.to_pydatetime()]
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return [None if v != v else v for v in column.tolist()]
    from openpyxl.cell import WriteOnlyCell

    values = [None if v is None or v != v else clean_text(str(v)) for v in column.tolist()]
    for i, value in enumerate(values):
        if formula_text(value):
            values[i] = WriteOnlyCell(sheet, value)
            values[i].data_type = "s"
    return values
