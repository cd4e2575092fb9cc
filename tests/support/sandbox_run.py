"""Fixtures that run notebook cells through the real autograde executor as a sandbox user
(import them into a test module: ``from tests.support.sandbox_run import run, zygote``).

- zygote (module): the pre-imported fork server of grading.executor.
- run: ``run(sources, **limits)`` executes the cells as ``sandbox_user`` in a fresh work
  directory holding a ``data.txt``; returns the executor's result.
"""

import shutil

import pytest

from grading import sandbox
from grading.executor import Zygote, run_notebook


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


@pytest.fixture
def run(zygote, sandbox_user, tmp_path):
    user = sandbox.resolve_sandbox_user(sandbox_user)
    root = sandbox.make_run_root()
    (tmp_path / "data.txt").write_text("isi")

    def _run(sources, **limits):
        workdir = sandbox.make_workdir(root, str(tmp_path), user)
        return run_notebook(zygote, list(enumerate(sources)), workdir, user,
                            sandbox.Limits(**limits))

    yield _run
    shutil.rmtree(root, ignore_errors=True)
