"""The HR API benchmark in CI size: a real hub, a small synthetic city, concurrent clients.
The script exits 1 when the p95 goal (100 ms) is missed or a request fails, so this test
fails on a latency regression too."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def test_reports_api_benchmark_smoke():
    r = subprocess.run([sys.executable, "-m", "benchmarks.bench_reports_api", "-n", "150",
                        "--clients", "5", "--requests", "8", "--json"],
                       cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    result = json.loads(r.stdout)
    assert result["ok"] is True and result["goal_met"] is True, result
    assert result["requests"] == 40 and result["clients"] == 5
    assert set(result["endpoints"]) <= {"profil", "unit", "jp"}
    assert 0 < result["p95_ms"] <= 100
