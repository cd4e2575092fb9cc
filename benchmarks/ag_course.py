"""Builds nbgrader quickstart courses with fake submissions: used by bench_autograde and by
the autograde tests (tests/component), which import it as ``benchmarks.ag_course``."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys

import nbformat

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NBGRADER = os.path.join(os.path.dirname(sys.executable), "nbgrader")

RIGHT = {
    "squares": ("def squares(n):\n    if n < 1:\n        raise ValueError('n')\n"
                "    return [i * i for i in range(1, n + 1)]"),
    "sum_of_squares": "def sum_of_squares(n):\n    return sum(squares(n))",
    "sum_of_squares_application": "print(sum_of_squares(3))",
}
WRONG = {
    "squares": "def squares(n):\n    return [i * i for i in range(1, n + 1)]",
    "sum_of_squares": "def sum_of_squares(n):\n    return sum(i * i for i in range(1, n + 1))",
    "sum_of_squares_application": "# YOUR CODE HERE\nraise NotImplementedError()",
}


def run(args, cwd, check=True):
    # nbgrader runs `alembic` from PATH when it creates a gradebook, and the environment's
    # system-wide nbgrader_config.py may name this checkout's modules (grading.exchange)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep
               + os.environ.get("PATH", ""),
               PYTHONPATH=os.pathsep.join(filter(None, [REPO, os.environ.get("PYTHONPATH")])))
    return subprocess.run(args, cwd=cwd, check=check, capture_output=True, text=True, env=env)


def make_template(base: str) -> str:
    """quickstart course101 with ps1 generated; returns the course path."""
    os.makedirs(base, exist_ok=True)
    run([NBGRADER, "quickstart", "course101"], cwd=base)
    course = os.path.join(base, "course101")
    run([NBGRADER, "generate_assignment", "ps1", "--force"], cwd=course)
    return course


def set_solution(nb, grade_id: str, source: str) -> None:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
            return
    raise KeyError(grade_id)


def submit(course: str, student: str, edit=None, answers=None, timestamp="2026-11-01 10:00:00 UTC"):
    """Copy the release into submitted/<student>/ps1, fill answers, then call edit(dir)."""
    dest = os.path.join(course, "submitted", student, "ps1")
    shutil.copytree(os.path.join(course, "release", "ps1"), dest)
    path = os.path.join(dest, "problem1.ipynb")
    nb = nbformat.read(path, as_version=4)
    for grade_id, source in (answers or {}).items():
        set_solution(nb, grade_id, source)
    nbformat.write(nb, path)
    with open(os.path.join(dest, "timestamp.txt"), "w") as f:
        f.write(timestamp)
    if edit:
        edit(dest)
    return dest


def mixed_answers(i: int) -> dict:
    rng = random.Random(i)
    return {k: (RIGHT if rng.random() < 0.6 else WRONG)[k] for k in RIGHT}


def scores(course: str, assignment="ps1") -> dict:
    """{(student, notebook): (score, max_score)} read with nbgrader's Gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db")) as gb:
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                out[(sub.student_id, nb.name)] = (round(nb.score, 6), nb.max_score)
    return out


def stock_autograde(course: str, assignment="ps1"):
    return run([NBGRADER, "autograde", assignment, "--force"], cwd=course, check=False)
