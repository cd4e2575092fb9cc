"""benchmarks.outcome: what every benchmark prints and the exit status it returns. A missed
goal or a disagreement with the stock tool is exit status 1; a goal that does not apply at
the run's size (smoke runs) is not a failure."""

import json

import pytest

from benchmarks.outcome import Outcome


@pytest.mark.parametrize(("agree", "goal_met", "status"), [
    (True, True, 0), (True, None, 0), (True, False, 1), (False, True, 1), (False, None, 1),
])
def test_exit_status_and_json(capsys, agree, goal_met, status):
    out = Outcome("bench_x", as_json=True)
    out.say("human text")
    assert out.finish(agree=agree, goal="p95 <= 100 ms", goal_met=goal_met, p95_ms=87.5) == status
    captured = capsys.readouterr()
    result = json.loads(captured.out)  # stdout holds only the JSON object
    assert result == {"benchmark": "bench_x", "p95_ms": 87.5, "agree": agree,
                      "goal": "p95 <= 100 ms", "goal_met": goal_met, "ok": status == 0}
    assert "human text" in captured.err


def test_text_mode_says_whether_the_goal_was_met(capsys):
    out = Outcome("bench_x", as_json=False)
    assert out.finish(agree=True, goal="ours <= 1 s", goal_met=False, ours_s=1.2) == 1
    assert capsys.readouterr().out == "goal: ours <= 1 s: NOT met\n"


def test_a_run_that_fails_before_comparing(capsys):
    assert Outcome("bench_x", as_json=True).fail("stock nbgrader autograde failed") == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"benchmark": "bench_x", "ok": False,
                                        "error": "stock nbgrader autograde failed"}
    assert "stock nbgrader autograde failed" in captured.err
