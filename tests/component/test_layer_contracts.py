"""A deliberate upward import breaks the build: the same contracts, on a copy of the tree
with one import added where the layers forbid it, fail with the offending line."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("asn_ambon", "services", "asnhub", "reports", "grading", "belajar", "asncore")
LINT = Path(sys.executable).parent / "lint-imports"


def _copy_tree(dest: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(REPO / package, dest / package,
                        ignore=shutil.ignore_patterns("__pycache__", "templates"))
    shutil.copy(REPO / "pyproject.toml", dest / "pyproject.toml")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT), "--no-cache", "--no-logo", "pyproject.toml"], cwd=tree,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(("module", "line", "expected"), [
    ("asncore/constants.py", "import asnhub.roles", "asncore is not allowed to import asnhub"),
    ("grading/mapping.py", "from reports import frames", "grading is not allowed to import reports"),
    ("belajar/lesson.py", "import asncore.db", "belajar.lesson is not allowed to import asncore.db"),
    ("services/penilaian/app.py", "import services.kompetensi.hr",
     "services.penilaian is not allowed to import services.kompetensi"),
])
def test_an_upward_import_fails_the_contracts(tmp_path, module, line, expected):
    _copy_tree(tmp_path)
    assert _lint(tmp_path).returncode == 0, "the copy must pass before the change"
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{line}  # deliberate\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert expected in result.stdout, result.stdout
