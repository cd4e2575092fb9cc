"""The trainer's view of an assignment, from a handful of bulk SQL queries.

Stock formgrader listings issue ORM queries per student (tens of seconds at 1,000
submissions); here each view is one grouped query over nbgrader's gradebook schema, plus
one directory scan for submissions not yet autograded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

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


def item_scores(course_dir: Path, assignment: str, db_url: str | None = None) -> list[ItemScore]:
    engine = create_engine(db_url or gradebook_url(course_dir))
    query = text(
        f"""SELECT sa.student_id, nb.name, bc.name, {SCORE}, {MAX_SCORE},
                   CASE WHEN g.needs_manual_grade THEN 1 ELSE 0 END, sa.timestamp
            {GRADES}
            ORDER BY sa.student_id, nb.name, bc.name"""
    )
    with engine.connect() as conn:
        rows = [ItemScore(s, nb, gid, float(sc), float(mx), bool(nm), None if ts is None else str(ts))
                for s, nb, gid, sc, mx, nm, ts in conn.execute(query, {"assignment": assignment})]
    engine.dispose()
    return rows
