"""Trainer's assignment overview: stock formgrader listing vs our bulk query, same gradebook.

    python -m benchmarks.bench_overview [-n 1000] [--notebooks 2] [--cells 8] [--json]

Builds a course directory with an nbgrader gradebook (nbgrader's own schema, created by
nbgrader's Gradebook; the N submissions are bulk-inserted rows of that schema) plus the
submitted/ and autograded/ folders, then times, in one run:

- stock: ``NbGraderAPI.get_submissions(assignment)``, what the formgrader's
  ``/formgrader/api/submissions/<assignment>`` listing calls;
- ours:  ``grading.gradebook.assignment_overview``.

Checks that both give every student the same score and max score and prints both times
and the ratio. The goal is ours <= 1 s for up to 1,000 submissions (not checked above
that). Exit status 1 if the scores differ or the goal is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.gradebook_rows import insert_submissions, put_alembic_on_path
from benchmarks.outcome import Outcome, add_json_option

ASSIGNMENT = "pre-test"
GOAL_S = 1.0
GOAL_UP_TO = 1000  # submissions


def build(root: Path, n: int, notebooks: int, cells: int, seed: int = 7) -> Path:
    from nbgrader.api import Gradebook

    course = root / "course"
    course.mkdir()
    url = f"sqlite:///{course / 'gradebook.db'}"
    cell_ids: list[tuple[str, str, float]] = []  # (notebook name, cell id, max score)
    with Gradebook(url) as gb:
        gb.add_assignment(ASSIGNMENT, duedate=dt.datetime(2026, 12, 1))
        for k in range(notebooks):
            nb = gb.add_notebook(f"nb{k}", ASSIGNMENT)
            for c in range(cells):
                manual = c == cells - 1  # the last cell of each notebook is graded by hand
                cell = gb.add_grade_cell(f"c{c}", nb.name, ASSIGNMENT, max_score=4.0 if manual else 1.0,
                                         cell_type="markdown" if manual else "code")
                cell_ids.append((nb.name, cell.id, cell.max_score))
        notebook_ids = {nb.name: nb.id for nb in gb.find_assignment(ASSIGNMENT).notebooks}
        assignment_id = gb.find_assignment(ASSIGNMENT).id
    rng = random.Random(seed)
    students, subs, sub_nbs, grades = [], [], [], []
    stamp = dt.datetime(2026, 11, 20, 10, 0, 0)
    for i in range(n):
        student = f"1990{i:014d}"
        students.append((student, f"Nama{i}", f"Peserta{i}", None, None))
        sa = uuid.uuid4().hex
        subs.append((sa, assignment_id, student, (stamp + dt.timedelta(minutes=i)).isoformat(" "), None))
        for name, nb_id in notebook_ids.items():
            sn = uuid.uuid4().hex
            sub_nbs.append((sn, sa, nb_id, 0, 0.0))
            for nb_name, cell_id, max_score in cell_ids:
                if nb_name != name:
                    continue
                manual = max_score > 1
                graded_by_hand = manual and rng.random() < 0.7
                grades.append((uuid.uuid4().hex, sn, cell_id,
                               None if manual else float(rng.random() < 0.6),
                               float(rng.randint(0, 4)) if graded_by_hand else None,
                               None, manual and not graded_by_hand))
        for folder in ("submitted", "autograded"):
            d = course / folder / student / ASSIGNMENT
            d.mkdir(parents=True)
            (d / "timestamp.txt").write_text(subs[-1][3])
    insert_submissions(course / "gradebook.db", students, subs, sub_nbs, grades)
    return course


def stock(course: Path) -> dict[str, tuple[float, float]]:
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(course)
    config.Exchange.root = str(course / "no-exchange")
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    return {s["student"]: (round(s["score"], 4), s["max_score"]) for s in api.get_submissions(ASSIGNMENT)}


def ours(course: Path) -> dict[str, tuple[float, float]]:
    from grading.gradebook import assignment_overview

    return {r.student: (r.score, r.max_score) for r in assignment_overview(course, ASSIGNMENT)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="submissions (default 1000)")
    parser.add_argument("--notebooks", type=int, default=2)
    parser.add_argument("--cells", type=int, default=8)
    add_json_option(parser)
    args = parser.parse_args(argv)
    out = Outcome("bench_overview", args.json)
    put_alembic_on_path()
    with tempfile.TemporaryDirectory(prefix="bench-overview-") as tmp:
        t0 = time.perf_counter()
        course = build(Path(tmp), args.n, args.notebooks, args.cells)
        out.say(f"built {args.n} submissions x {args.notebooks} notebooks x {args.cells} cells "
                f"in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        ours_rows = ours(course)
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        stock_rows = stock(course)
        t_stock = time.perf_counter() - t0
    mismatched = [s for s in stock_rows if stock_rows[s] != ours_rows.get(s)]
    agree = not mismatched and len(stock_rows) == len(ours_rows)
    out.say(f"stock formgrader listing (NbGraderAPI.get_submissions): {t_stock:.2f} s")
    out.say(f"ours (grading.gradebook.assignment_overview):            {t_ours:.3f} s")
    out.say(f"ratio: {t_stock / t_ours:.1f}x faster")
    if agree:
        out.say(f"scores agree for all {len(stock_rows)} students")
    else:
        out.say(f"MISMATCH for {len(mismatched)} students, e.g. {mismatched[:3]}")
    return out.finish(
        agree=agree, submissions=args.n, notebooks=args.notebooks, cells=args.cells,
        students_compared=len(stock_rows), mismatched=mismatched[:10],
        stock_s=round(t_stock, 4), ours_s=round(t_ours, 4), ratio=round(t_stock / t_ours, 2),
        goal=f"ours <= {GOAL_S:g} s up to {GOAL_UP_TO:,} submissions",
        goal_met=t_ours <= GOAL_S if args.n <= GOAL_UP_TO else None)


if __name__ == "__main__":
    sys.exit(main())
