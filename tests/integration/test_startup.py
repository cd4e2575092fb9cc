"""Start-up and roster import through the real commands (`python -m asnhub ...`) as root."""

from __future__ import annotations

import csv
import pwd
import sqlite3
from pathlib import Path

import pytest
import yaml

from asncore import unixnames
from asncore.imports.roster import REQUIRED
from tests.support.hub import Hub, cleanup_root, make_settings, new_root, run_cli, stop_hub

pytestmark = pytest.mark.integration


@pytest.fixture
def env():
    root = new_root("st")
    settings = make_settings(root)
    (root / "home").mkdir()
    root.chmod(0o755)
    (root / "home").chmod(0o755)
    settings_file = root / "settings.yaml"
    settings_file.write_text(yaml.safe_dump(settings))
    yield root, settings, settings_file
    stop_hub(Hub(root, settings_file, settings, ""))
    cleanup_root(root)


def employee_count(settings) -> int:
    path = Path(settings["data_dir"]) / "kompetensi.sqlite"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return db.execute("select count(*) from employees").fetchone()[0]


def write_roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(REQUIRED)
        writer.writerows(rows)
    return path


GOOD = ["199005142015032001", "Maria", "DUKCAPIL", "Dinas Dukcapil", "Staf", "Pelaksana", "II/c", "PNS", "learner"]


def test_bad_roster_row_rejected_with_line_and_field_nothing_imported(env):
    root, settings, settings_file = env
    bad = list(GOOD)
    bad[0], bad[1] = "199005142015039001", "Budi"  # gender digit 9
    roster = write_roster(root / "roster.csv", [GOOD, bad])
    result = run_cli(["roster", "import", str(roster)], settings_file)
    assert result.returncode == 1  # refused input (asncore.commands)
    assert f"{roster}: baris 3, kolom 'nip'" in result.stderr
    assert "jenis kelamin" in result.stderr
    assert employee_count(settings) == 0
    # the good row's Unix user was not created either
    with pytest.raises(KeyError):
        pwd.getpwnam(unixnames.namer(settings)(GOOD[0]))


def test_good_roster_import_is_idempotent_and_creates_private_homes(env):
    root, settings, settings_file = env
    roster = write_roster(root / "roster.csv", [GOOD])
    first = run_cli(["roster", "import", str(roster)], settings_file)
    assert first.returncode == 0, first.stderr
    assert "1 akun baru" in first.stdout
    entry = pwd.getpwnam(unixnames.namer(settings)(GOOD[0]))
    assert Path(entry.pw_dir).stat().st_mode & 0o777 == 0o700
    creds = list((Path(settings["data_dir"]) / "credentials").glob("akun-baru-*.csv"))
    assert len(creds) == 1 and creds[0].stat().st_mode & 0o777 == 0o600
    second = run_cli(["roster", "import", str(roster)], settings_file)
    assert second.returncode == 0 and "0 akun baru, 0 diperbarui" in second.stdout
    assert employee_count(settings) == 1


def test_bad_setting_stops_start_with_key_and_reason(env):
    root, settings, settings_file = env
    settings_file.write_text(yaml.safe_dump({**settings, "hub": {"port": "delapan ribu"}}))
    result = run_cli(["start"], settings_file)
    assert result.returncode == 2
    assert "hub.port: Input should be a valid integer (got 'delapan ribu')" in result.stderr
    assert not Path(settings["data_dir"]).exists(), "start went on after a bad setting"


def test_start_without_root_is_refused_unless_dev_mode(env):
    root, settings, settings_file = env
    settings_file.chmod(0o644)
    result = run_cli(["init"], settings_file, user="nobody")
    assert result.returncode == 2
    assert "membutuhkan root" in result.stderr and "dev_mode" in result.stderr


def test_init_twice_keeps_demo_passwords(env):
    root, settings, settings_file = env
    assert run_cli(["init"], settings_file).returncode == 0
    creds = Path(settings["data_dir"]) / "demo-credentials.csv"
    before = creds.read_text()
    assert creds.stat().st_mode & 0o777 == 0o600 and creds.stat().st_uid == 0
    again = run_cli(["init"], settings_file)
    assert again.returncode == 0 and "0 akun baru" in again.stdout
    assert creds.read_text() == before
    assert "username,password,role" == before.splitlines()[0]


def test_reserved_username_refused_by_the_cli(env):
    root, settings, settings_file = env
    path = root / "roster.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*REQUIRED, "username"])
        writer.writerow([*GOOD, "sandbox"])
    result = run_cli(["roster", "import", str(path)], settings_file)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{path}: baris 2, kolom 'username'" in result.stderr
    assert employee_count(settings) == 0
    with pytest.raises(KeyError):
        pwd.getpwnam(settings["unix"]["user_prefix"] + "sandbox")


def test_unlock_command(env):
    root, _settings, settings_file = env
    roster = write_roster(root / "roster.csv", [GOOD])
    assert run_cli(["roster", "import", str(roster)], settings_file).returncode == 0
    done = run_cli(["akun", "buka-kunci", "19900514 201503 2 001"], settings_file)
    assert done.returncode == 0, done.stderr
    assert "Akun 199005142015032001 dibuka" in done.stdout
    unknown = run_cli(["akun", "buka-kunci", "199001012015031999"], settings_file)
    assert unknown.returncode == 1 and "tidak ada di roster" in unknown.stderr
