"""Stock `nbgrader autograde` versus grading.autograde.autograde() on identical courses.

    python -m benchmarks.bench_autograde [-n 40] [--workers 2] [--sandbox-user NAME]
                                         [--template DIR] [--json]

Builds nbgrader's quickstart course101 (ps1, two notebooks) with N submissions (a seeded
mix of right and wrong answers), copies it twice, runs stock `nbgrader autograde ps1`
on one copy and autograde() on the other (each in its own process, so both pay their
start-up), checks that every student's per-notebook score is identical, and prints both
wall-clock times and the ratio. There is no time goal: exit status 1 if any score differs
(or either side fails).

As root a throw-away sandbox account is created and removed unless --sandbox-user is
given. --template reuses an existing quickstart course (with ps1 generated).
`-n 4` is the smoke mode used by tests/component/test_benchmarks.py.
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

from benchmarks import ag_course
from benchmarks.outcome import Outcome, add_json_option

# Our side, run with the repository root as working directory (so `grading` is this
# checkout's); the course path is absolute.
OURS = """
import json, time
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
    add_json_option(parser)
    args = parser.parse_args(argv)
    out = Outcome("bench_autograde", args.json)

    created_user = None
    user = args.sandbox_user
    if user is None and os.getuid() == 0:
        created_user = user = "agb" + uuid.uuid4().hex[:8]
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", user], check=True)
    base = tempfile.mkdtemp(prefix="ag-bench-")
    os.chmod(base, 0o755)
    try:
        out.say(f"building {args.n} submissions ...")
        ours_course = build(os.path.join(base, "ours"), args.n, args.template)
        stock_course = os.path.join(base, "stock", "course101")
        shutil.copytree(ours_course, stock_course, symlinks=True)

        start = time.perf_counter()
        proc = ag_course.stock_autograde(stock_course)
        stock_time = time.perf_counter() - start
        if proc.returncode != 0:
            return out.fail(f"{proc.stderr[-3000:]}\nstock nbgrader autograde failed")

        code = OURS.format(course=ours_course, workers=args.workers, user=user)
        start = time.perf_counter()
        mine = subprocess.run([sys.executable, "-c", code], cwd=ag_course.REPO,
                              capture_output=True, text=True)
        ours_time = time.perf_counter() - start
        if mine.returncode != 0:
            return out.fail(f"{mine.stderr[-3000:]}\ngrading.autograde failed")
        info = json.loads(mine.stdout.strip().splitlines()[-1])

        stock_scores = ag_course.scores(stock_course)
        our_scores = ag_course.scores(ours_course)
        same = stock_scores == our_scores and len(stock_scores) == 2 * args.n
        out.say(f"submissions: {args.n} ({2 * args.n} notebooks), workers: {args.workers}, "
                f"cpus: {os.cpu_count()}")
        out.say(f"stock nbgrader autograde: {stock_time:7.1f} s")
        out.say(f"grading.autograde:        {ours_time:7.1f} s "
                f"(autograde() itself {info['in_process']:.1f} s; statuses {info['statuses']})")
        out.say(f"speed-up:                 {stock_time / ours_time:7.2f}x")
        differing = [key for key in sorted(set(stock_scores) | set(our_scores))
                     if stock_scores.get(key) != our_scores.get(key)]
        out.say("scores identical" if same else "SCORES DIFFER")
        for key in differing:
            out.say(f"  {key}: stock {stock_scores.get(key)} ours {our_scores.get(key)}")
        return out.finish(
            agree=same, submissions=args.n, notebooks=len(stock_scores), workers=args.workers,
            cpus=os.cpu_count(), stock_s=round(stock_time, 3), ours_s=round(ours_time, 3),
            ours_in_process_s=round(info["in_process"], 3), statuses=info["statuses"],
            ratio=round(stock_time / ours_time, 2),
            differing=[f"{student}/{notebook}" for student, notebook in differing])
    finally:
        shutil.rmtree(base, ignore_errors=True)
        if created_user:
            subprocess.run(["userdel", created_user], check=False)


if __name__ == "__main__":
    sys.exit(main())
