"""Stock `nbgrader autograde` versus grading.autograde.autograde() on identical courses.

    python benchmarks/autograde.py [-n 40] [--workers 2] [--sandbox-user NAME] [--template DIR]

Builds nbgrader's quickstart course101 (ps1, two notebooks) with N submissions (a seeded
mix of right and wrong answers), copies it twice, runs stock `nbgrader autograde ps1`
on one copy and autograde() on the other (each in its own process, so both pay their
start-up), checks that every student's per-notebook score is identical, and prints both
wall-clock times and the ratio. Exit status 1 if any score differs.

As root a throw-away sandbox account is created and removed unless --sandbox-user is
given. --template reuses an existing quickstart course (with ps1 generated).
`-n 4` is the smoke mode used by tests/grading.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "grading"))
import ag_course  # noqa: E402

OURS = """
import json, sys, time
sys.path.insert(0, {repo!r})
from grading.autograde import autograde
start = time.perf_counter()
results = autograde({course!r}, "ps1", workers={workers}, sandbox_user={user!r}, force=True)
print(json.dumps({{"in_process": time.perf_counter() - start,
                  "statuses": sorted({{r.status for r in results}})}}))
"""


def build(base: str, n: int, template: str | None) -> str:
    course = os.path.join(base, "course101")
    if template:
        shutil.copytree(template, course, symlinks=True)
    else:
        ag_course.make_template(base)
    for i in range(n):
        ag_course.submit(course, f"peserta{i:03d}", answers=ag_course.mixed_answers(i))
    os.chmod(course, 0o700)
    return course


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=40, help="number of submissions")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sandbox-user", default=None)
    parser.add_argument("--template", default=None, help="existing quickstart course to copy")
    args = parser.parse_args(argv)

    created_user = None
    user = args.sandbox_user
    if user is None and os.getuid() == 0:
        created_user = user = "agb" + uuid.uuid4().hex[:8]
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", user], check=True)
    base = tempfile.mkdtemp(prefix="ag-bench-")
    os.chmod(base, 0o755)
    try:
        print(f"building {args.n} submissions ...", flush=True)
        ours_course = build(os.path.join(base, "ours"), args.n, args.template)
        stock_course = os.path.join(base, "stock", "course101")
        shutil.copytree(ours_course, stock_course, symlinks=True)

        start = time.perf_counter()
        proc = ag_course.stock_autograde(stock_course)
        stock_time = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            print("stock nbgrader autograde failed", file=sys.stderr)
            return 1

        code = OURS.format(repo=REPO, course=ours_course, workers=args.workers, user=user)
        start = time.perf_counter()
        mine = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        ours_time = time.perf_counter() - start
        if mine.returncode != 0:
            print(mine.stderr[-3000:], file=sys.stderr)
            return 1
        info = json.loads(mine.stdout.strip().splitlines()[-1])

        stock_scores = ag_course.scores(stock_course)
        our_scores = ag_course.scores(ours_course)
        same = stock_scores == our_scores and len(stock_scores) == 2 * args.n
        print(f"submissions: {args.n} ({2 * args.n} notebooks), workers: {args.workers}, "
              f"cpus: {os.cpu_count()}")
        print(f"stock nbgrader autograde: {stock_time:7.1f} s")
        print(f"grading.autograde:        {ours_time:7.1f} s "
              f"(autograde() itself {info['in_process']:.1f} s; statuses {info['statuses']})")
        print(f"speed-up:                 {stock_time / ours_time:7.2f}x")
        print("scores identical" if same else "SCORES DIFFER")
        if not same:
            for key in sorted(set(stock_scores) | set(our_scores)):
                if stock_scores.get(key) != our_scores.get(key):
                    print(f"  {key}: stock {stock_scores.get(key)} ours {our_scores.get(key)}")
            return 1
        return 0
    finally:
        shutil.rmtree(base, ignore_errors=True)
        if created_user:
            subprocess.run(["userdel", created_user], check=False)


if __name__ == "__main__":
    sys.exit(main())
