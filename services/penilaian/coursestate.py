"""What the trainer page shows of a course: each assignment's state and its result table.

Everything is read, nothing written (the service runs as root over files the course's
grader owns): the exchange and the course folders are listed, the gradebook is opened
read-only through the fast overview (:func:`grading.gradebook.assignment_overview`, one
grouped query), and the platform database gives learners' names and what was synced.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from asncore.assignments import assignment_key, assignment_title
from asncore.db import Employee, ItemScore
from grading.gradebook import Row, assignment_overview
from reports.render import timestamp_text

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
STATUS_TEXT = {"graded": "dinilai", "needs_manual": "perlu dinilai manual",
               "flagged": "ditandai", "submitted": "terkumpul, belum dinilai otomatis"}


def assignment_names(course_dir: str | Path) -> list[str]:
    """The assignments in the course's ``source/``, pre-test first and post-test last."""
    source = Path(course_dir) / "source"
    names = [p.name for p in source.iterdir() if p.is_dir() and NAME.fullmatch(p.name)] \
        if source.is_dir() else []
    return sorted(names, key=assignment_key)


def overview(course_dir: str | Path, assignment: str) -> list[Row]:
    """The fast overview with the gradebook opened read-only (never created here)."""
    book = Path(course_dir) / "gradebook.db"
    if book.is_file():
        url = f"sqlite:///file:{book}?mode=ro&uri=true"
        return assignment_overview(Path(course_dir), assignment, db_url=url)
    # no gradebook yet: only the collected folders (the overview's own scan)
    rows = []
    for path in sorted((Path(course_dir) / "submitted").glob(f"*/{assignment}")):
        stamp = path / "timestamp.txt"
        rows.append(Row(path.parent.name, "submitted", None, None, 0,
                        stamp.read_text().strip() if stamp.is_file() else None))
    return rows


@dataclass(frozen=True)
class AssignmentState:
    name: str
    title: str
    released: bool
    inbound: int  # learners with a submission in the exchange
    collected: int
    graded: int  # autograded (whatever else they still need)
    manual: int  # waiting for a manual grade
    flagged: int
    synced: int  # learners whose scores are in the platform database
    feedback: int  # learners with generated feedback
    rows: tuple[Row, ...] = ()


def _count_learners(paths) -> int:
    return len({p.name.split("+", 1)[0] for p in paths})


def synced_counts(sessions, course: str) -> dict[str, int]:
    """assignment -> learners with item scores of ``course`` in the platform database."""
    if sessions is None:
        return {}
    with sessions() as db:
        query = (select(ItemScore.assignment, func.count(func.distinct(ItemScore.username)))
                 .where(ItemScore.course == course).group_by(ItemScore.assignment))
        return {a: n for a, n in db.execute(query)}


def assignment_state(course_dir: str | Path, exchange_course: str | Path, assignment: str,
                     synced: int) -> AssignmentState:
    course_dir, exchange = Path(course_dir), Path(exchange_course)
    rows = tuple(overview(course_dir, assignment))
    statuses = [r.status for r in rows]
    return AssignmentState(
        name=assignment, title=assignment_title(assignment),
        released=(exchange / "outbound" / assignment).is_dir(),
        inbound=_count_learners((exchange / "inbound").glob(f"*+{assignment}+*")),
        collected=len(rows),
        graded=sum(s != "submitted" for s in statuses),
        manual=statuses.count("needs_manual"),
        flagged=statuses.count("flagged"),
        synced=synced,
        feedback=sum(1 for _ in (course_dir / "feedback").glob(f"*/{assignment}")),
        rows=rows,
    )


def course_states(course_dir: str | Path, exchange_course: str | Path, course: str,
                  sessions) -> list[AssignmentState]:
    synced = synced_counts(sessions, course)
    return [assignment_state(course_dir, exchange_course, a, synced.get(a, 0))
            for a in assignment_names(course_dir)]


def submission_time(stamp: str | None) -> dt.datetime | None:
    """nbgrader's timestamp (``2026-05-14 01:30:00.123456 UTC`` in timestamp.txt, naive UTC
    in the gradebook) as a UTC datetime; None when absent or unreadable."""
    if not stamp:
        return None
    text = stamp.strip().removesuffix("UTC").strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def learner_names(sessions, students: list[str]) -> dict[str, tuple[str, str]]:
    """student id (hub name) -> (NIP, name) from the roster; {} when it cannot be read."""
    if sessions is None or not students:
        return {}
    try:
        with sessions() as db:
            query = select(Employee.username, Employee.nip, Employee.name).where(
                Employee.username.in_(students))
            return {u: (nip, name) for u, nip, name in db.execute(query)}
    except SQLAlchemyError:
        return {}


def number(value: float | None) -> str:
    """``7,5`` / ``8``: Indonesian decimal comma."""
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def result_rows(rows: tuple[Row, ...], names: dict[str, tuple[str, str]]) -> list[dict]:
    """The result table of an assignment, one dict per learner, ready to show."""
    table = []
    for r in rows:
        nip, name = names.get(r.student, (r.student, ""))
        table.append({
            "student": r.student, "nip": nip, "name": name,
            "time": timestamp_text(submission_time(r.timestamp)) if r.timestamp else "–",
            "score": (f"{number(r.score)} / {number(r.max_score)}"
                      if r.status != "submitted" else "–"),
            "status": r.status, "status_text": STATUS_TEXT.get(r.status, r.status),
        })
    return table
