"""The HR API benchmark in CI size: a real hub, a small synthetic city, concurrent clients.
It checks the script runs end to end and reports; the latency goal lives in the script."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
BENCH = Path(__file__).resolve().parents[2] / "benchmarks/reports_api.py"


def test_reports_api_benchmark_smoke():
    r = subprocess.run([sys.executable, str(BENCH), "-n", "150", "--clients", "5", "--requests", "8"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "warm: 40 requests from 5 concurrent clients" in r.stdout
    assert "overall p95" in r.stdout and "ratio:" in r.stdout
