"""The component tier: real nbgrader runs (subprocesses), kernels, in-process Tornado
services and HTTP servers on 127.0.0.1, and the benchmarks in smoke size. Slower than
tests/unit; needs no running hub.

Fixtures for the autograde tests and the autograde benchmark:

- sandbox_user (session): a throw-away system account (`useradd --system`), unique per run,
  removed at teardown. Tests that need it are skipped when not running as root.
- course_template (session): nbgrader quickstart `course101` with `ps1` generated, in a
  world-traversable base directory (so only the course directory's own mode protects it),
  built by `benchmarks.ag_course`.
- course (function): a fresh copy of the template, mode 0700, without submissions.
"""

import os
import shutil
import subprocess
import tempfile
import uuid

import pytest

from benchmarks import ag_course


@pytest.fixture(scope="session")
def sandbox_user():
    if os.getuid() != 0:
        pytest.skip("needs root to create the sandbox account and switch to it")
    name = "agt" + uuid.uuid4().hex[:8]
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False)


@pytest.fixture(scope="session")
def base_dir():
    base = tempfile.mkdtemp(prefix="ag-tests-")
    os.chmod(base, 0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def course_template(base_dir):
    return ag_course.make_template(os.path.join(base_dir, "template"))


@pytest.fixture
def course(course_template, base_dir):
    dest = os.path.join(base_dir, "c-" + uuid.uuid4().hex[:8], "course101")
    shutil.copytree(course_template, dest, symlinks=True)
    os.chmod(os.path.dirname(dest), 0o755)
    os.chmod(dest, 0o700)
    yield dest
    shutil.rmtree(os.path.dirname(dest), ignore_errors=True)
