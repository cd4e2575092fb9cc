"""The module checker running a module's cells in a real kernel, and ``python -m belajar
check`` as a subprocess. The checks that need no kernel are in tests/unit/test_belajar_check.py."""

import subprocess
import sys
from pathlib import Path

from belajar.check import check_module
from tests.support.lesson_module import GOOD_CELL, make_module

REPO = Path(__file__).resolve().parents[2]


def test_good_module_passes_with_execution(tmp_path):
    folder = make_module(tmp_path)
    assert check_module(folder, execute=True) == []


def test_failing_cell_is_reported(tmp_path):
    folder = make_module(tmp_path, cells=(GOOD_CELL, "x = 1", "hasil = 1 / 0"))
    (error,) = check_module(folder, execute=True)
    assert "01-mendengar-aktif.ipynb" in error
    assert "sel ke-3 ('hasil = 1 / 0') gagal dijalankan: ZeroDivisionError" in error


def test_cli_entry_point_runs(tmp_path):
    folder = make_module(tmp_path)
    result = subprocess.run([sys.executable, "-m", "belajar", "check", str(folder),
                             "--no-execute"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    bad = subprocess.run([sys.executable, "-m", "belajar", "check", str(tmp_path / "tidak-ada")],
                         cwd=REPO, capture_output=True, text=True)
    assert bad.returncode == 1 and "folder tidak ditemukan" in bad.stdout
