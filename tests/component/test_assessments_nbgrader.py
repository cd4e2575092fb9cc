"""What real nbgrader makes of one course (subprocesses: gradebook, kernel): the generated
release holds no keys and the source passes ``nbgrader validate``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.assessments import (
    ASSESSMENTS,
    ASSIGNMENTS,
    FULL_COURSE,
    _assert_release_clean,
    _meta,
)

BIN = Path(sys.executable).parent  # nbgrader needs `alembic` on PATH


def _nbgrader(cwd, *args):
    # Only the course's own nbgrader_config.py: any other on the machine (a user's, or one
    # an older hub wrote into <venv>/etc/jupyter) is not what these assessments are about.
    isolated = Path(cwd).parent / "jupyter-config"
    isolated.mkdir(exist_ok=True)
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               JUPYTER_NO_CONFIG="1", JUPYTER_CONFIG_DIR=str(isolated))
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def generated_course(tmp_path_factory):
    course = tmp_path_factory.mktemp("kursus") / FULL_COURSE
    shutil.copytree(ASSESSMENTS / FULL_COURSE, course)
    shutil.copy(ASSESSMENTS / "nbgrader_common.py", course.parent / "nbgrader_common.py")
    for assignment in ASSIGNMENTS:
        done = _nbgrader(course, "generate_assignment", assignment, "--force")
        assert done.returncode == 0, done.stdout + done.stderr
    return course


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_generated_release_has_no_keys(generated_course, assignment):
    release = generated_course / "release" / assignment
    assert not (release / "kompetensi.yaml").exists()
    nb = json.loads((release / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    _assert_release_clean(nb, assignment)
    for cell in nb["cells"]:
        meta = _meta(cell)
        if meta.get("grade") and not meta.get("solution") or meta.get("locked"):
            assert cell["metadata"].get("editable") is False and cell["metadata"].get("deletable") is False


def test_source_passes_validation(generated_course):
    done = _nbgrader(generated_course, "validate", "source/pre-test/pre-test.ipynb")
    assert "Success! Your notebook passes all the tests." in done.stdout, done.stdout + done.stderr
