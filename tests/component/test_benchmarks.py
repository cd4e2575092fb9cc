"""benchmarks/autograde.py -n 4 runs end to end and finds identical scores."""

import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_benchmark_smoke(course_template, sandbox_user):
    proc = subprocess.run(
        [sys.executable, os.path.join(REPO, "benchmarks", "autograde.py"), "-n", "4",
         "--template", course_template, "--sandbox-user", sandbox_user],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "scores identical" in proc.stdout and "speed-up" in proc.stdout
