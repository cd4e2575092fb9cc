"""Bare gradebook scores: stock ``nbgrader export`` vs our bulk report, same gradebook.

    python -m benchmarks.bench_reports [-n 5000] [--assignments 8] [--items 6]
                                       [--stock-timeout S] [--json]

Builds, in a temporary directory, a gradebook in nbgrader's own schema: nbgrader's
``Gradebook`` creates the schema, the A assignments, one notebook each and its items (cells);
students, submissions, submitted notebooks and grades are then bulk-inserted rows of that
schema (sqlite3 executemany). The synthetic data, with a fixed seed:

- N students with 18-digit NIP-like ids; about 1 in 10 has no name (as when autograde adds
  the student), the others share a few dozen last names (ties in the export's name order);
- A assignments, due one week apart; the first has no due date;
- per assignment ``items`` items: ``items - 1`` autograded code cells worth 1 or 2 points and
  one hand-graded item worth 4 (a markdown grade cell, or a task cell in every other
  assignment);
- about 1 in 10 (student, assignment) pairs has no submission (the export's score 0);
- code cells pass (auto score = max) 60 % of the time; 5 % of them carry a manual score
  overriding the auto score; 5 % of grades get 0.5 extra credit;
- the hand-graded item is graded (manual score 0..4) in 70 % of submissions, otherwise it
  still needs a manual grade (score 0);
- 3 % of submissions carry a late penalty of 1 or 3 points on their notebook (the export
  clamps the score at 0).

Then it times, in one run, each side as a subprocess from a scratch directory:

- stock: ``nbgrader export --db=<url> --to=<csv>``, the default CsvExportPlugin, run with
  ``JUPYTER_NO_CONFIG=1`` from an empty course directory so no other nbgrader config applies;
- ours:  :data:`OURS_CMD`, which writes scores.csv, per_student_assignment.csv and the XLSX.

It checks that both give the same rows, in the same order, and the same score for every
(student, assignment) (parsed numbers, tolerance 1e-9; exit 1 with the first differences
if not), then prints both times (wall clock, and CPU seconds, which other load on the
machine does not inflate) and the ratio. The goal is ours >= 50x faster (wall clock) at
N=5000, A=8 and above (exit 1 if missed; smaller runs, like the tests' smoke run, only
check agreement). Building the gradebook is timed separately and is part of neither side.

Stock's time grows with the square of the gradebook: for each of the N x A rows it runs
ORM queries, and the one for the submission's score scans the whole grade table (nbgrader
creates no index on grade.notebook_id). At the default size it runs for well over an hour;
``--stock-timeout 600`` stops it after 10 minutes, compares the rows it wrote by then and
prints the ratio as a lower bound (``ratio: >= ...``), which is then held to the goal.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.gradebook_rows import insert_submissions, put_alembic_on_path
from benchmarks.outcome import Outcome, add_json_option

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Our side, run from the repository root; {url} and {out} are filled in.
OURS_CMD = [sys.executable, "-m", "reports", "build", "--gradebook", "{url}", "--out", "{out}"]
STOCK_CMD = [str(BIN / "nbgrader"), "export", "--db={url}", "--to={out}"]

TOLERANCE = 1e-9
GOAL_RATIO = 50.0
GOAL_SIZE = (5000, 8)  # (students, assignments) from which the goal applies
LAST_NAMES = [f"Marga{k:02d}" for k in range(40)]


def build(root: Path, n: int, assignments: int, items: int, seed: int = 11) -> str:
    """The synthetic gradebook described in the module docstring; returns its URL."""
    from nbgrader.api import Gradebook

    path = root / "gradebook.db"
    url = f"sqlite:///{path}"
    rng = random.Random(seed)
    cells: dict[str, list[tuple[str, float, bool]]] = {}  # assignment -> (cell id, max, by hand)
    notebooks: dict[str, tuple[str, str]] = {}  # assignment -> (assignment id, notebook id)
    with Gradebook(url) as gb:
        for a in range(assignments):
            name = f"tugas-{a + 1:02d}"
            due = None if a == 0 else dt.datetime(2026, 1, 5) + dt.timedelta(weeks=a)
            assignment = gb.add_assignment(name, duedate=due)
            nb = gb.add_notebook("soal", name)
            cells[name] = []
            for c in range(items - 1):
                cell = gb.add_grade_cell(f"c{c}", nb.name, name, max_score=float(1 + c % 2),
                                         cell_type="code")
                cells[name].append((cell.id, cell.max_score, False))
            if a % 2:
                cell = gb.add_task_cell(f"c{items - 1}", nb.name, name, max_score=4.0,
                                        cell_type="markdown")
            else:
                cell = gb.add_grade_cell(f"c{items - 1}", nb.name, name, max_score=4.0,
                                         cell_type="markdown")
            cells[name].append((cell.id, 4.0, True))
            notebooks[name] = (assignment.id, nb.id)
    students, subs, sub_nbs, grades = [], [], [], []
    stamp = dt.datetime(2026, 1, 10, 8, 0, 0)
    for i in range(n):
        student = f"1990{i:014d}"
        if rng.random() < 0.1:
            students.append((student, None, None, None, None))
        else:
            students.append((student, f"Nama{i}", rng.choice(LAST_NAMES),
                             f"{student}@ambon.go.id", None))
        for name, (assignment_id, notebook_id) in notebooks.items():
            if rng.random() < 0.1:
                continue  # no submission
            sa = f"sa{len(subs):030d}"
            ts = stamp + dt.timedelta(minutes=len(subs), microseconds=rng.choice([0, 250000]))
            subs.append((sa, assignment_id, student, ts.isoformat(" "), None))
            sn = f"sn{len(sub_nbs):030d}"
            penalty = rng.choice([1.0, 3.0]) if rng.random() < 0.03 else None
            sub_nbs.append((sn, sa, notebook_id, 0, penalty))
            for cell_id, max_score, by_hand in cells[name]:
                if by_hand:
                    graded = rng.random() < 0.7
                    auto, needs = None, not graded
                    manual = float(rng.randint(0, 4)) if graded else None
                else:
                    auto = max_score if rng.random() < 0.6 else 0.0
                    manual = float(rng.randint(0, int(max_score))) if rng.random() < 0.05 else None
                    needs = False
                extra = 0.5 if rng.random() < 0.05 else None
                grades.append((f"g{len(grades):031d}", sn, cell_id, auto, manual, extra, needs))
    insert_submissions(path, students, subs, sub_nbs, grades)
    return url


def fill(cmd: list[str], url: str, out: Path) -> list[str]:
    return [arg.replace("{url}", url).replace("{out}", str(out)) for arg in cmd]


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished subprocesses so far: unlike wall time,
    not inflated when other work shares the machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_stock(url: str, root: Path, timeout: float | None = None) -> tuple[float, Path, bool]:
    """Time ``nbgrader export``; past ``timeout`` it is stopped and its CSV holds the rows
    written so far (the returned flag says whether it finished)."""
    course = root / "stock-course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text("c = get_config()  # noqa\n")
    out = root / "grades.csv"
    env = {**os.environ, "JUPYTER_NO_CONFIG": "1"}
    t0 = time.perf_counter()
    try:
        r = subprocess.run(fill(STOCK_CMD, url, out), cwd=course, env=env, capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, out, False
    elapsed = time.perf_counter() - t0
    if r.returncode != 0 or not out.exists():
        raise SystemExit(f"nbgrader export failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return elapsed, out, True


def run_ours(url: str, root: Path) -> tuple[float, Path]:
    out = root / "ours"
    t0 = time.perf_counter()
    r = subprocess.run(fill(OURS_CMD, url, out), cwd=REPO, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"our report failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return elapsed, out / "scores.csv"


def read_stock(path: Path) -> list[tuple[str, str, float, str]]:
    """(student_id, assignment, score, score text) of nbgrader's unquoted CSV: names may hold
    commas, so the fields are taken from both ends of the line. A last line cut short (the
    export was stopped) is left out."""
    rows = []
    with open(path) as fh:
        next(fh, None)
        for line in fh:
            if not line.endswith("\n"):
                break
            fields = line[:-1].split(",")
            rows.append((fields[3], fields[0], float(fields[-2]), fields[-2]))
    return rows


def read_ours(path: Path) -> list[tuple[str, str, float, str]]:
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        if next(reader) != ["student_id", "assignment", "score"]:
            raise SystemExit(f"{path}: header is not student_id,assignment,score")
        return [(s, a, float(score), score) for s, a, score in reader]


def differences(stock: list, ours: list, limit: int = 5) -> list[str]:
    problems = []
    ours_scores = {(s, a): v for s, a, v, _ in ours}
    stock_scores = {(s, a): v for s, a, v, _ in stock}
    for key, value in stock_scores.items():
        if key not in ours_scores:
            problems.append(f"{key}: stock {value}, ours missing")
        elif abs(ours_scores[key] - value) > TOLERANCE:
            problems.append(f"{key}: stock {value}, ours {ours_scores[key]}")
    problems += [f"{key}: ours {v}, not in stock export" for key, v in ours_scores.items()
                 if key not in stock_scores]
    if not problems and len(stock) != len(ours):
        problems.append(f"{len(stock)} stock rows, {len(ours)} of ours (duplicates)")
    if not problems:
        order = [(i, s[:2], o[:2]) for i, (s, o) in enumerate(zip(stock, ours)) if s[:2] != o[:2]]
        problems += [f"row {i + 1}: stock {s}, ours {o} (order differs)" for i, s, o in order]
    return problems[:limit]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="students (default 5000)")
    parser.add_argument("--assignments", type=int, default=8, help="assignments (default 8)")
    parser.add_argument("--items", type=int, default=6, help="items per assignment (default 6)")
    parser.add_argument("--stock-timeout", type=float, default=None, metavar="SECONDS",
                        help="stop nbgrader export after this long and compare the rows it wrote "
                             "(the ratio is then a lower bound); default: wait")
    add_json_option(parser)
    args = parser.parse_args(argv)
    if args.items < 2:
        parser.error("--items must be at least 2 (autograded items plus one graded by hand)")
    out = Outcome("bench_reports", args.json)
    put_alembic_on_path()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        url = build(root, args.n, args.assignments, args.items)
        out.say(f"built {args.n} students x {args.assignments} assignments x {args.items} items "
                f"in {time.perf_counter() - t0:.1f} s (not timed below)")
        cpu0 = children_cpu()
        t_ours, ours_csv = run_ours(url, root)
        cpu1 = children_cpu()
        t_stock, stock_csv, finished = run_stock(url, root, args.stock_timeout)
        cpu_ours, cpu_stock = cpu1 - cpu0, children_cpu() - cpu1
        stock, ours = read_stock(stock_csv), read_ours(ours_csv)
    expected = args.n * args.assignments
    if finished:
        out.say(f"stock (nbgrader export, CsvExportPlugin): {t_stock:.2f} s (CPU {cpu_stock:.2f} s)")
    else:
        out.say(f"stock (nbgrader export, CsvExportPlugin): stopped at --stock-timeout after "
                f"{t_stock:.2f} s (CPU {cpu_stock:.2f} s), {len(stock)} of {expected} rows written")
        ours = ours[:len(stock)]
    out.say(f"ours ({' '.join([Path(OURS_CMD[0]).name, *OURS_CMD[1:]])}): "
            f"{t_ours:.2f} s (CPU {cpu_ours:.2f} s)")
    out.say(f"rows compared: {len(stock)}")
    bound = "" if finished else ">= "
    ratio, cpu_ratio = t_stock / t_ours, cpu_stock / cpu_ours
    out.say(f"ratio: {bound}{ratio:.1f}x faster (CPU time: {bound}{cpu_ratio:.1f}x)")
    problems = differences(stock, ours)
    same_text = sum(s[3] == o[3] for s, o in zip(stock, ours))
    if problems:
        out.say("MISMATCH, first differences:\n  " + "\n  ".join(problems))
    else:
        out.say(f"score text identical in {same_text} of {len(stock)} rows")
        out.say(f"scores agree for all {len(stock)} (student, assignment) rows, same order"
                + ("" if finished else " (the rows stock wrote before it was stopped)"))
    at_goal_size = args.n >= GOAL_SIZE[0] and args.assignments >= GOAL_SIZE[1]
    return out.finish(
        agree=not problems, students=args.n, assignments=args.assignments, items=args.items,
        rows_expected=expected, rows_compared=len(stock), stock_finished=finished,
        score_text_identical=same_text, differences=problems,
        stock_s=round(t_stock, 3), ours_s=round(t_ours, 3),
        stock_cpu_s=round(cpu_stock, 3), ours_cpu_s=round(cpu_ours, 3),
        ratio=round(ratio, 2), cpu_ratio=round(cpu_ratio, 2), ratio_is_lower_bound=not finished,
        goal=f"ours >= {GOAL_RATIO:g}x faster from {GOAL_SIZE[0]:,} students x {GOAL_SIZE[1]} "
             "assignments",
        goal_met=ratio >= GOAL_RATIO if at_goal_size else None)


if __name__ == "__main__":
    sys.exit(main())
