"""The admin page's roster import (services/kompetensi/rosterupload.py) runs the platform's
own ``asn-ambon roster import`` as a child process: a good file adds the people and
reports their initial passwords; a bad file reports every row and field and changes
nothing; a workbook is refused before anything runs; the uploaded name never reaches a
path. Settings in dev mode (no Unix users), databases in a temporary folder."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from pathlib import Path

import bcrypt
import pytest
import yaml
from sqlalchemy import select

from asncore.db import Employee, session_factory
from asnhub import hubdb
from asnhub.demo import demo_csv
from services.kompetensi import rosterupload
from services.kompetensi.rosterupload import import_roster, safe_name
from tests.support.evaluation_city import db_fingerprint

REPO = Path(__file__).resolve().parents[2]
NEW_NIP = "199601012020121001"  # PNS: born 1996-01-01, CPNS 2020-12, male, serial 001
NEW_ROW = (f"{NEW_NIP},Abraham Pattimura,DUKCAPIL,Dinas Kependudukan dan Pencatatan Sipil,"
           "Pengolah Data Kependudukan,Pelaksana,II/b,PNS,peserta,\n")


@pytest.fixture
def platform(tmp_path, monkeypatch):
    settings = {"data_dir": str(tmp_path / "var"), "public_dir": str(tmp_path / "publik"),
                "hub": {"dev_mode": True}}
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(settings))
    monkeypatch.setenv("ASN_SETTINGS", str(path))
    monkeypatch.setenv("ASN_ROOT", str(REPO))
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the checkout, not the installed copy
    return tmp_path / "var"


def fingerprints(var: Path) -> tuple[str, str]:
    return (db_fingerprint(f"sqlite:///{var / 'kompetensi.sqlite'}"),
            db_fingerprint(f"sqlite:///{var / 'jupyterhub.sqlite'}"))


def test_good_roster_adds_people_and_reports_their_passwords(platform):
    first = asyncio.run(import_roster(demo_csv().encode(), "roster-demo.csv"))
    assert first.success, (first.message, first.errors)
    assert len(first.new_accounts) == len(demo_csv().splitlines()) - 1
    second = asyncio.run(import_roster((demo_csv() + NEW_ROW).encode(), "roster-baru.csv"))
    assert second.success and second.file == "roster-baru.csv"
    assert second.message.startswith("Roster roster-baru.csv: 1 akun baru, 0 diperbarui, 0 dinonaktifkan")
    [account] = second.new_accounts
    assert account["username"] == NEW_NIP and account["role"] == "learner"
    url = f"sqlite:///{platform / 'kompetensi.sqlite'}"
    with session_factory(url)() as db:
        assert db.get(Employee, NEW_NIP).active
    with hubdb.session_factory(f"sqlite:///{platform / 'jupyterhub.sqlite'}")() as db:
        stored = db.execute(select(hubdb.UserInfo.password).where(
            hubdb.UserInfo.username == NEW_NIP)).scalar_one()
    assert bcrypt.checkpw(account["password"].encode(), stored)


def test_bad_roster_lists_rows_and_fields_and_changes_nothing(platform):
    assert asyncio.run(import_roster(demo_csv().encode(), "awal.csv")).success
    before = fingerprints(platform)
    rows = list(csv.reader(io.StringIO(demo_csv())))
    rows[2][0] = "12345"  # line 3: NIP too short
    rows[4][8] = "raja"  # line 5: no such role
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    bad = out.getvalue() + NEW_ROW  # a good new person too: not added either
    result = asyncio.run(import_roster(bad.encode(), "roster-salah.csv"))
    assert not result.success
    assert "tidak ada yang diimpor" in result.message
    text = "\n".join(result.errors)
    assert "roster-salah.csv: baris 3, kolom 'nip'" in text, text
    assert "roster-salah.csv: baris 5, kolom 'peran'" in text, text
    assert "asn-roster-" not in text + result.message  # no server path shown
    assert fingerprints(platform) == before


def test_workbook_is_refused_before_anything_runs(platform, monkeypatch):
    monkeypatch.setattr(rosterupload, "import_command", lambda path: pytest.fail("ran"))
    result = asyncio.run(import_roster(b"PK\x03\x04 not really", "roster.xlsx"))
    assert not result.success and "CSV UTF-8" in result.message


@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/cron.d/evil", "evil.csv"), ("..\\..\\Windows\\roster.csv", "roster.csv"),
    ("/etc/passwd", "passwd.csv"), ("..", "roster.csv"), ("", "roster.csv"), (None, "roster.csv"),
    (".bashrc", "bashrc.csv"), ("roster januari 2026.csv", "roster_januari_2026.csv"),
    ("a\x00b.csv", "a_b.csv"),
])
def test_uploaded_name_never_becomes_a_path(raw, shown, monkeypatch, tmp_path):
    assert safe_name(raw) == shown
    seen = []
    monkeypatch.setattr(rosterupload, "import_command", lambda path: seen.append(path) or [
        sys.executable, "-c", "import sys; print(open(sys.argv[1]).read(), end='')", str(path)])
    result = asyncio.run(import_roster(b"isi", raw))
    [path] = seen
    assert path.name == shown and path.parent.name.startswith("asn-roster-")
    assert not path.parent.exists()  # removed after the import
    assert result.success and result.file == shown
