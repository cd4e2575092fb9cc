"""Released feedback holds no output of hidden-test cells (issue 10 point 2, review M2).

A learner's function can print what the hidden tests call it with and compare it to; the
output lands in the hidden-test cell, which nbgrader's feedback shows with the hidden lines
removed but their output kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchmarks import ag_course as C
from grading.autograde import autograde
from tests.component.conftest import base_dir, course, course_template, sandbox_user  # noqa: F401

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HIDDEN = "### BEGIN HIDDEN TESTS\nassert squares(7) == [1, 4, 9, 16, 25, 36, 49]\n### END HIDDEN TESTS\n"
SPY = ("class L(list):\n"
       "    def __eq__(self, other):\n"
       "        print('KUNCI' + '-BOCOR', other)\n"
       "        return list.__eq__(self, other)\n"
       "def squares(n):\n"
       "    print('DIPANGGIL-DENGAN', n)\n"
       "    if n < 1:\n"
       "        raise ValueError('n')\n"
       "    return L(i * i for i in range(1, n + 1))\n")


def test_feedback_has_no_hidden_test_output(course, sandbox_user):
    nb_path = os.path.join(course, "source", "ps1", "problem1.ipynb")
    nb = json.load(open(nb_path))
    test_cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")
                     and not c["metadata"]["nbgrader"].get("solution"))
    test_cell["source"] = "".join(test_cell["source"]) + "\n" + HIDDEN
    with open(nb_path, "w") as f:
        json.dump(nb, f)
    C.run([C.NBGRADER, "generate_assignment", "ps1", "--force"], cwd=course)
    C.submit(course, "pengintip", answers=dict(C.RIGHT, squares=SPY),
             edit=lambda d: open(os.path.join(d, "submission_secret.txt"), "w").write("r"))
    result, = autograde(course, "ps1", sandbox_user=sandbox_user)
    assert result.score == 3.0  # the spy is a correct answer
    exchange = os.path.join(os.path.dirname(course), "exchange")
    os.makedirs(os.path.join(exchange, "course101", "inbound"))
    fb = subprocess.run([sys.executable, "-m", "grading", "feedback", "ps1", "--course-dir", course,
                         "--exchange", exchange], cwd=REPO, capture_output=True, text=True,
                        timeout=300)
    assert fb.returncode == 0, fb.stdout + fb.stderr
    html = open(os.path.join(course, "feedback", "pengintip", "ps1", "problem1.html")).read()
    assert "squares(7)" not in html  # nbgrader's ClearHiddenTests: the source is gone
    assert "KUNCI-BOCOR" not in html and "DIPANGGIL-DENGAN 7" not in html, \
        "hidden-test output is in the released feedback"
