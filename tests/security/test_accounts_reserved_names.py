"""Issue 10 §5, review L4: a roster username must not take over a platform or system account.

Hub user ``u`` runs as the Unix user ``<prefix>u``. Before the fix, a roster row with the
username ``g-<course>`` ran that person's server as the course's grader (answer keys,
gradebook), ``sandbox`` as the autograde sandbox, and any name whose ``<prefix>u`` was an
existing system account silently adopted that account.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import uuid

import pytest

from asncore import settings as settings_mod
from asncore import unixnames
from asncore.imports.roster import REQUIRED, RosterError
from asnhub import rosterload

HEADER = ",".join((*REQUIRED, "username"))
ROW = "199005142015032001,Maria,DUKCAPIL,Dinas Dukcapil,Staf,Pelaksana,II/c,PNS,learner,{}"


def make_settings(tmp_path, **overrides) -> dict:
    return settings_mod.resolve(
        settings_mod.deep_merge(
            settings_mod.DEFAULTS,
            settings_mod.deep_merge({"data_dir": str(tmp_path / "var"), "hub": {"dev_mode": True}},
                                    overrides),
        )
    )


def roster_file(tmp_path, username: str):
    path = tmp_path / "roster.csv"
    path.write_text(f"{HEADER}\n{ROW.format(username)}\n")
    return path


@pytest.mark.parametrize("username", ["sandbox", "g-e-government", "g-kursus-baru"])
def test_grader_and_sandbox_names_refused_at_import(tmp_path, username):
    cfg = make_settings(tmp_path)
    path = roster_file(tmp_path, username)
    with pytest.raises(RosterError) as err:
        rosterload.import_file(cfg, path)
    assert f"{path}: baris 2, kolom 'username'" in str(err.value)
    assert not (tmp_path / "var" / "credentials").exists()


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="creates a Unix account: run as root")


@needs_root
def test_existing_system_account_is_not_adopted(tmp_path):
    """The Unix name ``svc`` maps to already exists and the platform did not make it."""
    prefix = f"x{uuid.uuid4().hex[:4]}-"
    (tmp_path / "home").mkdir()
    cfg = make_settings(tmp_path, hub={"dev_mode": False},
                        unix={"user_prefix": prefix, "home_base": str(tmp_path / "home")})
    foreign = unixnames.namer(cfg)("svc")
    home = tmp_path / "svc-home"
    subprocess.run(["useradd", "--system", "--home-dir", str(home), "--no-create-home", foreign],
                   check=True, capture_output=True)
    try:
        path = roster_file(tmp_path, "svc")
        with pytest.raises(RosterError) as err:
            rosterload.import_file(cfg, path)
        assert f"{path}: baris 2, kolom 'username'" in str(err.value)
        assert "sudah ada" in str(err.value)
    finally:
        for entry in pwd.getpwall():
            if entry.pw_name.startswith(prefix):
                subprocess.run(["userdel", entry.pw_name], check=False, capture_output=True)


@needs_root
def test_roster_accounts_reimport_and_new_people_still_work(tmp_path):
    """The reservation must not refuse the platform's own accounts on a second import."""
    prefix = f"x{uuid.uuid4().hex[:4]}-"
    try:
        (tmp_path / "home").mkdir()
        cfg = make_settings(tmp_path, hub={"dev_mode": False},
                            unix={"user_prefix": prefix, "home_base": str(tmp_path / "home")})
        path = roster_file(tmp_path, "maria")
        assert len(rosterload.import_file(cfg, path).created) == 1
        assert rosterload.import_file(cfg, path).created == []
        pwd.getpwnam(unixnames.namer(cfg)("maria"))
    finally:
        for entry in pwd.getpwall():
            if entry.pw_name.startswith(prefix):
                subprocess.run(["userdel", "--remove", entry.pw_name], check=False,
                               capture_output=True)
