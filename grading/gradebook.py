"""Every SQL statement over nbgrader's gradebook schema, in one place.

Stock nbgrader reads its gradebook with ORM queries per student and assignment (tens of
seconds at 1,000 submissions); here each view is one grouped query: the trainer's
overview of an assignment (plus one directory scan for submissions not yet autograded),
the item scores that ``sync`` sends to the platform database (and the trainers' item
analysis reads, read-only), and the five tables the
bare-gradebook report (:mod:`reports.gradebook`) combines into ``nbgrader export``'s
rows. The score formulas re-implement nbgrader 0.9.6's ``Grade.score`` and max score.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

if TYPE_CHECKING:
    import pandas as pd

# nbgrader's Grade.score: the manual score if given, else the auto score, plus extra credit.
SCORE = """CASE WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0)
             WHEN g.auto_score IS NOT NULL THEN g.auto_score + COALESCE(g.extra_credit, 0)
             ELSE 0 END"""
MAX_SCORE = "COALESCE(gc.max_score, tc.max_score, 0)"
GRADES = """
FROM submitted_assignment sa
JOIN assignment a ON a.id = sa.assignment_id
JOIN submitted_notebook sn ON sn.assignment_id = sa.id
JOIN notebook nb ON nb.id = sn.notebook_id
JOIN grade g ON g.notebook_id = sn.id
JOIN base_cell bc ON bc.id = g.cell_id
LEFT JOIN grade_cells gc ON gc.id = g.cell_id
LEFT JOIN task_cells tc ON tc.id = g.cell_id
WHERE a.name = :assignment
"""

STATUS_LABELS = {
    "submitted": "terkumpul, belum dinilai otomatis",
    "needs_manual": "perlu penilaian manual",
    "graded": "selesai dinilai",
    "flagged": "ditandai (periksa)",
}


@dataclass(frozen=True)
class Row:
    student: str
    status: str
    score: float | None
    max_score: float | None
    needs_manual: int
    timestamp: str | None


@dataclass(frozen=True)
class ItemScore:
    student: str
    notebook: str
    grade_id: str
    score: float
    max_score: float
    needs_manual: bool
    timestamp: str | None = None


def gradebook_url(course_dir: Path) -> str:
    return f"sqlite:///{course_dir / 'gradebook.db'}"


def assignment_overview(course_dir: Path, assignment: str, db_url: str | None = None) -> list[Row]:
    engine = create_engine(db_url or gradebook_url(course_dir))
    query = text(
        f"""SELECT sa.student_id, sa.timestamp, SUM({SCORE}), SUM({MAX_SCORE}),
                   SUM(CASE WHEN g.needs_manual_grade THEN 1 ELSE 0 END),
                   MAX(CASE WHEN sn.flagged THEN 1 ELSE 0 END)
            {GRADES}
            GROUP BY sa.student_id, sa.timestamp"""
    )
    graded: dict[str, Row] = {}
    with engine.connect() as conn:
        for student, ts, score, max_score, manual, flagged in conn.execute(query, {"assignment": assignment}):
            status = "flagged" if flagged else ("needs_manual" if manual else "graded")
            graded[student] = Row(student, status, round(score, 4), max_score, int(manual), str(ts))
    engine.dispose()
    rows = dict(graded)
    for path in sorted((course_dir / "submitted").glob(f"*/{assignment}")):
        student = path.parent.name
        if student not in rows:
            stamp = path / "timestamp.txt"
            rows[student] = Row(student, "submitted", None, None, 0,
                                stamp.read_text().strip() if stamp.exists() else None)
    return [rows[k] for k in sorted(rows)]


ITEM_SCORES_SQL = f"""SELECT sa.student_id, nb.name, bc.name, {SCORE}, {MAX_SCORE},
                   CASE WHEN g.needs_manual_grade THEN 1 ELSE 0 END, sa.timestamp
            {GRADES}
            ORDER BY sa.student_id, nb.name, bc.name"""


def _item_rows(conn, assignment: str) -> list[ItemScore]:
    return [ItemScore(s, nb, gid, float(sc), float(mx), bool(nm), None if ts is None else str(ts))
            for s, nb, gid, sc, mx, nm, ts in conn.execute(text(ITEM_SCORES_SQL),
                                                           {"assignment": assignment})]


def item_scores(course_dir: Path, assignment: str, db_url: str | None = None) -> list[ItemScore]:
    engine = create_engine(db_url or gradebook_url(course_dir))
    with engine.connect() as conn:
        rows = _item_rows(conn, assignment)
    engine.dispose()
    return rows


def graded_items(course_dir: Path, assignment: str, db_url: str | None = None
                 ) -> list[ItemScore] | None:
    """:func:`item_scores` for the item analysis, read-only (a gradebook is never created,
    e.g. by the root service): None when the course has no gradebook yet or the assignment
    is not in it; ValueError (Indonesian) when the file is not a readable gradebook."""
    if db_url is None and not (Path(course_dir) / "gradebook.db").is_file():
        return None
    engine = open_gradebook(db_url or gradebook_url(course_dir))
    try:
        with engine.connect() as conn:
            known = conn.execute(text("SELECT 1 FROM assignment WHERE name = :assignment"),
                                 {"assignment": assignment}).first()
            return _item_rows(conn, assignment) if known else None
    except SQLAlchemyError as exc:
        raise ValueError(f"Gradebook {course_dir} tidak dapat dibaca: {exc}") from None
    finally:
        engine.dispose()


# ---- the bare-gradebook export: five bulk queries ----------------------------------------

GRADEBOOK_TABLES = ("student", "assignment", "notebook", "base_cell", "grade_cells", "task_cells",
                    "submitted_assignment", "submitted_notebook", "grade")

# the stock CsvExportPlugin's columns, in its order
STUDENTS_SQL = "SELECT id, first_name, last_name, email FROM student ORDER BY last_name, first_name"
ASSIGNMENTS_SQL = "SELECT id, name, duedate FROM assignment ORDER BY duedate, name"
MAX_SCORES_SQL = f"""
SELECT nb.assignment_id, SUM({MAX_SCORE})
FROM notebook nb
JOIN base_cell bc ON bc.notebook_id = nb.id
LEFT JOIN grade_cells gc ON gc.id = bc.id
LEFT JOIN task_cells tc ON tc.id = bc.id
GROUP BY nb.assignment_id"""
SUBMISSIONS_SQL = f"""
SELECT sa.assignment_id, sa.student_id, sa.timestamp,
       SUM({SCORE}) AS raw_score,
       SUM(CASE WHEN g.needs_manual_grade THEN 1 ELSE 0 END) AS needs_manual
FROM submitted_assignment sa
LEFT JOIN submitted_notebook sn ON sn.assignment_id = sa.id
LEFT JOIN grade g ON g.notebook_id = sn.id
GROUP BY sa.id, sa.assignment_id, sa.student_id, sa.timestamp"""
PENALTIES_SQL = """
SELECT sa.assignment_id, sa.student_id, SUM(sn.late_submission_penalty)
FROM submitted_assignment sa
JOIN submitted_notebook sn ON sn.assignment_id = sa.id
GROUP BY sa.id, sa.assignment_id, sa.student_id"""


def open_gradebook(url: str) -> Engine:
    """An engine on the gradebook at ``url``; ValueError (Indonesian) if it is not one.

    A SQLite file is opened read-only and never created: a missing path is an error.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"URL gradebook tidak valid: {url!r} ({exc}). Contoh URL yang benar: "
                         "sqlite:////srv/kursus/gradebook.db") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not parsed.query.get("uri"):
        path = Path(parsed.database)
        if not path.is_file():
            raise ValueError(f"Gradebook tidak ditemukan: berkas {path} tidak ada (URL {url}). "
                             "Periksa path-nya; untuk path absolut pakai empat garis miring, "
                             "mis. sqlite:////srv/kursus/gradebook.db")
        read_only = path.resolve().as_uri() + "?mode=ro"
        engine = create_engine(url, creator=lambda: sqlite3.connect(read_only, uri=True))
    else:
        try:
            engine = create_engine(url)
        except (SQLAlchemyError, ImportError) as exc:  # unknown dialect, driver not installed
            raise ValueError(f"Gradebook di {url} tidak dapat dibuka: {exc}") from None
    try:
        tables = set(inspect(engine).get_table_names())
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ValueError(f"Gradebook di {url} tidak dapat dibaca sebagai basis data: "
                         f"{exc.orig if getattr(exc, 'orig', None) else exc}") from None
    missing = [t for t in GRADEBOOK_TABLES if t not in tables]
    if missing:
        engine.dispose()
        found = ", ".join(sorted(tables)) or "tidak ada tabel sama sekali"
        raise ValueError(f"{url} bukan gradebook nbgrader: tabel {', '.join(missing)} tidak ada "
                         f"({found}). Arahkan ke gradebook.db milik kursus (dibuat oleh nbgrader).")
    return engine


def _frame(conn, sql: str, columns: list[str]) -> pd.DataFrame:
    """The query's rows as a frame, built column by column (rows of Row objects are slow)."""
    import pandas as pd  # only the export needs it: the trainer's views stay light

    rows = conn.execute(text(sql)).all()
    values = list(zip(*rows)) if rows else [()] * len(columns)
    return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in zip(columns, values)})


def read_export_tables(url: str) -> dict[str, pd.DataFrame]:
    """The five tables ``nbgrader export``'s rows are made of, one query each: students,
    assignments, max scores, submissions with their summed grades, late penalties."""
    engine = open_gradebook(url)
    try:
        with engine.connect() as conn:
            return {
                "students": _frame(conn, STUDENTS_SQL,
                                   ["student_id", "first_name", "last_name", "email"]),
                "assignments": _frame(conn, ASSIGNMENTS_SQL,
                                      ["assignment_id", "assignment", "duedate"]),
                "max_scores": _frame(conn, MAX_SCORES_SQL, ["assignment_id", "max_score"]),
                "submissions": _frame(conn, SUBMISSIONS_SQL,
                                      ["assignment_id", "student_id", "timestamp", "raw_score",
                                       "needs_manual"]),
                "penalties": _frame(conn, PENALTIES_SQL,
                                    ["assignment_id", "student_id", "late_submission_penalty"]),
            }
    except SQLAlchemyError as exc:
        raise ValueError(f"Gradebook di {url} tidak dapat dibaca: {exc}") from None
    finally:
        engine.dispose()
