"""What a learner can do to their own score through the notebook they submit.

Issue 10, point 2 (security review H4, M2). Runs our autograde (sandboxed, as root) on
nbgrader's quickstart course and on a multiple-choice course built from the platform's
own pre-test (assessments/e-government/source/pre-test).
"""

from __future__ import annotations

import os
import re
import shutil

import nbformat
import pytest

from benchmarks import ag_course as C
from grading.autograde import autograde
from tests.component.conftest import base_dir, course, course_template, sandbox_user  # noqa: F401

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRETEST = os.path.join(REPO, "assessments", "e-government", "source", "pre-test", "pre-test.ipynb")
WRONG_SCORE = 1.5   # problem1 with C.WRONG (see tests/component/test_autograde.py)


def _tag_test_cells(directory, tag="skip-execution"):
    path = os.path.join(directory, "problem1.ipynb")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        nbg = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbg.get("grade") and not nbg.get("solution"):
            cell.metadata.setdefault("tags", []).append(tag)
    nbformat.write(nb, path)


def test_skip_execution_tag_on_test_cells_earns_nothing(course, sandbox_user):
    C.submit(course, "jujur", answers=C.WRONG)
    C.submit(course, "penanda", answers=C.WRONG, edit=_tag_test_cells)
    results = {r.student: r for r in autograde(course, "ps1", sandbox_user=sandbox_user)}
    assert results["jujur"].score == WRONG_SCORE
    assert results["penanda"].score == WRONG_SCORE, "skip-execution tags raised the score"
    assert results["penanda"].status == "flagged" and "tag sel" in results["penanda"].reason
    graded = nbformat.read(os.path.join(course, "autograded", "penanda", "ps1", "problem1.ipynb"), 4)
    assert not any("skip-execution" in c.metadata.get("tags", []) for c in graded.cells)


# -- multiple choice -----------------------------------------------------------------------

def _keys(nb) -> dict:
    keys = {}
    for cell in nb.cells:
        m = re.search(r'### BEGIN SOLUTION\n(jawaban_\d+) = "(\w)"', cell.source)
        if m:
            keys[m[1]] = m[2]
    return keys


@pytest.fixture(scope="module")
def mc_template(base_dir):
    """The e-government pre-test as an nbgrader course (generated once per module)."""
    course_dir = os.path.join(base_dir, "mc-template", "pretest")
    os.makedirs(os.path.join(course_dir, "source", "pre-test"))
    shutil.copy(PRETEST, os.path.join(course_dir, "source", "pre-test"))
    with open(os.path.join(course_dir, "nbgrader_config.py"), "w") as f:
        f.write("c = get_config()\nc.CourseDirectory.course_id = 'pretest'\n"
                "c.ClearSolutions.code_stub = {'python': ''}\n")
    C.run([C.NBGRADER, "generate_assignment", "pre-test", "--force"], cwd=course_dir)
    return course_dir


@pytest.fixture
def mc(mc_template, base_dir):
    import uuid

    dest = os.path.join(base_dir, "mc-" + uuid.uuid4().hex[:8], "pretest")
    shutil.copytree(mc_template, dest)
    os.chmod(os.path.dirname(dest), 0o755)
    os.chmod(dest, 0o700)
    yield dest
    shutil.rmtree(os.path.dirname(dest), ignore_errors=True)


def _mc_submit(course_dir, student, answer_source):
    """answer_source(name, key) -> the learner's source of answer cell `name`."""
    keys = _keys(nbformat.read(PRETEST, as_version=4))
    dest = os.path.join(course_dir, "submitted", student, "pre-test")
    shutil.copytree(os.path.join(course_dir, "release", "pre-test"), dest)
    path = os.path.join(dest, "pre-test.ipynb")
    nb = nbformat.read(path, as_version=4)
    for name, key in keys.items():
        C.set_solution(nb, name, answer_source(name, key))
    nbformat.write(nb, path)
    with open(os.path.join(dest, "timestamp.txt"), "w") as f:
        f.write("2026-11-01 10:00:00 UTC")
    return keys


def _wrong(key):
    return "A" if key != "A" else "B"


ALWAYS_EQUAL = ('class J(str):\n'
                '    strip = lambda s, *a: s\n'
                '    upper = lambda s: s\n'
                '    __eq__ = lambda s, o: True\n'
                '    __hash__ = str.__hash__\n'
                '    __contains__ = lambda s, o: True\n')


def test_multiple_choice_str_subclass_does_not_pass(mc, sandbox_user):
    keys = _mc_submit(mc, "jujur", lambda name, key: f'{name} = " {key.lower()}"  # jawaban saya')
    _mc_submit(mc, "salah", lambda name, key: f'{name} = "{_wrong(key)}"')
    _mc_submit(mc, "licik", lambda name, key: ALWAYS_EQUAL + f'{name} = J("{_wrong(key)}")')
    results = {r.student: r for r in autograde(mc, "pre-test", sandbox_user=sandbox_user)}
    assert results["jujur"].score == results["jujur"].max_score == len(keys)
    assert results["jujur"].status == "graded", results["jujur"].reason
    assert results["salah"].score == 0
    assert results["licik"].score == 0, "a str subclass with its own __eq__ passed the tests"


def test_multiple_choice_added_cell_cannot_replace_the_answer(mc, sandbox_user):
    """The answer is what the answer cell holds as data; a cell the learner adds after it
    (redefining the answer as an object) is not run."""
    keys = _mc_submit(mc, "tambah", lambda name, key: f'{name} = "{_wrong(key)}"')
    path = os.path.join(mc, "submitted", "tambah", "pre-test", "pre-test.ipynb")
    nb = nbformat.read(path, as_version=4)
    for i in reversed(range(len(nb.cells))):
        name = nb.cells[i].metadata.get("nbgrader", {}).get("grade_id", "")
        if name in keys:
            nb.cells.insert(i + 1, nbformat.v4.new_code_cell(
                ALWAYS_EQUAL + f'{name} = J("{_wrong(keys[name])}")'))
    nbformat.write(nb, path)
    result, = autograde(mc, "pre-test", sandbox_user=sandbox_user)
    assert result.score == 0, "an added cell replaced the answers with always-equal objects"
