"""Bulk rows into an nbgrader gradebook whose schema nbgrader's own ``Gradebook`` created:
the synthetic submissions of the benchmarks, in one transaction."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path


def put_alembic_on_path() -> None:
    """nbgrader's ``Gradebook`` runs ``alembic`` from PATH when it creates a gradebook: put
    this interpreter's environment first. For the scripts' ``main()``, never at import (the
    tests get the same from the root conftest.py)."""
    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def insert_submissions(path: Path | str, students: list[tuple], subs: list[tuple],
                       sub_nbs: list[tuple], grades: list[tuple]) -> None:
    """``students`` (id, first, last, email, lms_user_id); ``subs`` (id, assignment_id,
    student_id, timestamp, extension); ``sub_nbs`` (id, submitted assignment id,
    notebook_id, flagged, late_submission_penalty); ``grades`` (id, submitted notebook id,
    cell_id, auto_score, manual_score, extra_credit, needs_manual_grade)."""
    db = sqlite3.connect(path)
    with db:
        db.executemany("INSERT INTO student VALUES (?,?,?,?,?)", students)
        db.executemany("INSERT INTO submitted_assignment VALUES (?,?,?,?,?)", subs)
        db.executemany("INSERT INTO submitted_notebook VALUES (?,?,?,?,?)", sub_nbs)
        db.executemany("INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, "
                       "extra_credit, needs_manual_grade) VALUES (?,?,?,?,?,?,?)", grades)
    db.close()
