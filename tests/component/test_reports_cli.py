"""``python -m reports build`` on a platform database, as HR would run it on the server."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from benchmarks.platform_data import populate

REPO = Path(__file__).resolve().parents[2]

YEAR = dt.date.today().year


@pytest.fixture(scope="module")
def settings_file(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports-cli")
    path = root / "settings.yaml"
    path.write_text(yaml.safe_dump({"data_dir": str(root / "var")}))
    populate(f"sqlite:///{root / 'var' / 'kompetensi.sqlite'}", n=48, year=YEAR)
    return path


def run(settings_file: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reports", "--settings", str(settings_file), "build", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


def test_build_for_one_unit_writes_every_output(settings_file, tmp_path):
    r = run(settings_file, "--year", str(YEAR), "--unit", "OPD01", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    names = {p.name for p in tmp_path.iterdir()}
    assert {"laporan.xlsx", "laporan.html", "levels.csv", "jp.csv", "unit_summary.csv", "gain.csv"} <= names
    units = set(pd.read_csv(tmp_path / "unit_summary.csv")["unit_code"])
    assert units == {"OPD01", "OPD01-1", "OPD01-2"}  # the unit and its sub-units only
    sheet = openpyxl.load_workbook(tmp_path / "laporan.xlsx")["Profil Kompetensi"]
    header, *rows = list(sheet.values)
    assert rows and {row[header.index("Unit")] for row in rows} <= {"Bidang 1 Dinas Uji 01", "Bidang 2 Dinas Uji 01"}
    html = (tmp_path / "laporan.html").read_text()
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_unknown_unit_is_refused_with_the_known_ones(settings_file, tmp_path):
    r = run(settings_file, "--unit", "TIDAKADA", "--out", str(tmp_path / "x"))
    assert r.returncode == 1
    assert "unit 'TIDAKADA' tidak dikenal" in r.stderr and "OPD01" in r.stderr
    assert not (tmp_path / "x").exists()
