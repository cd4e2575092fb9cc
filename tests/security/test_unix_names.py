"""Issue 10 §5: a learner's Unix name tells nobody who they are.

Before the fix every person mapped to ``asn-<NIP>``. A NIP is the birth date, the date of
appointment, the gender and a sequence number (PP 11/2017 on NIP format; BKN's NIP
layout), so every learner read every employee's birth date and gender in
``/etc/passwd``, in the listing of ``/home`` and in ``ps``. Now the name is keyed and
opaque (``asncore.unixnames``) and accounts of the old form are renamed, files kept.

Runs a real hub as root (tests/support/hub.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import subprocess
from pathlib import Path

import pytest

from asnhub import demo
from tests.support.client import logged_in
from tests.support.hub import REAL_HUB, run_cli, running_hub

pytestmark = REAL_HUB


@pytest.fixture(scope="module")
def hub():
    with running_hub("sec-nama") as hub:
        yield hub


@pytest.fixture(scope="module")
def client_for(hub):
    return lambda account: logged_in(hub.url, account)


def nips(hub) -> set[str]:
    return {a.username for a in hub.accounts if a.username.isdigit()}


def birth_dates(hub) -> set[str]:
    return {nip[:8] for nip in nips(hub)}


LOOK_AROUND = """
import json, os, subprocess
home_base = {home_base!r}
out = {{
    "passwd": open("/etc/passwd").read(),
    "group": open("/etc/group").read(),
    "home": sorted(os.listdir(home_base)),
    "ps": subprocess.run(["ps", "-eo", "user:64,args"], capture_output=True, text=True).stdout,
}}
print(json.dumps(out))
"""


def test_a_learner_sees_no_nip_or_birth_date_in_passwd_home_or_ps(hub, client_for):
    me, other = hub.by_role("learner")[:2]
    client_for(other).start_server(other.username)  # someone else is at work
    mine = client_for(me)
    mine.start_server(me.username)
    result = mine.execute(me.username, LOOK_AROUND.format(home_base=hub.settings["unix"]["home_base"]))
    assert result["error"] is None, result
    seen = json.loads(result["stdout"])
    assert len(seen["home"]) >= 2, seen["home"]  # the homes are there to look at
    for where in ("passwd", "group", "home"):
        text = json.dumps(seen[where])
        leaked = sorted(n for n in nips(hub) | birth_dates(hub) if n in text)
        assert not leaked, f"{where} shows {leaked}"
    others = nips(hub) - {me.username}
    leaked = sorted(n for n in others | {n[:8] for n in others} if n in seen["ps"])
    assert not leaked, f"ps shows {leaked}:\n{seen['ps']}"
    # and the learner's processes do run under the opaque name
    assert hub.unix_name(me.username) in seen["ps"]
    assert me.username not in hub.unix_name(me.username)


def test_the_name_cannot_be_recomputed_without_the_platform_key(hub):
    """Keyed, not a plain hash: NIPs are few enough (dates x sequence) to enumerate."""
    import hashlib

    person = hub.by_role("learner")[0]
    name = hub.unix_name(person.username)[len(hub.prefix):]
    for digest in (hashlib.sha256, hashlib.sha1, hashlib.md5):
        plain = digest(person.username.encode()).hexdigest()
        assert name not in plain
    key = Path(hub.settings["data_dir"]) / "unix-names.key"
    assert key.stat().st_uid == 0 and key.stat().st_mode & 0o077 == 0


def test_an_account_of_the_old_form_is_renamed_with_its_files(hub, client_for, tmp_path):
    person = hub.by_role("learner")[3]
    client_for(person).start_server(person.username)
    client_for(person).stop_server(person.username)
    new = hub.unix_name(person.username)
    entry = pwd.getpwnam(new)
    # put the account back in the form older releases made: asn-<NIP>, /home/asn-<NIP>
    legacy = f"{hub.prefix}{person.username}"
    legacy_home = Path(hub.settings["unix"]["home_base"]) / legacy
    subprocess.run(["usermod", "--login", legacy, "--home", str(legacy_home), "--move-home", new],
                   check=True)
    subprocess.run(["groupmod", "--new-name", legacy, new], check=True)
    (legacy_home / "catatan.txt").write_text("milik peserta")
    os.chown(legacy_home / "catatan.txt", entry.pw_uid, entry.pw_gid)

    roster = tmp_path / "roster.csv"
    roster.write_text(demo.demo_csv())
    done = run_cli(["roster", "import", str(roster)], hub.settings_file)
    assert done.returncode == 0, done.stdout + done.stderr

    with pytest.raises(KeyError):
        pwd.getpwnam(legacy)
    renamed = pwd.getpwnam(new)
    assert renamed.pw_uid == entry.pw_uid
    assert Path(renamed.pw_dir).name == new and not legacy_home.exists()
    assert (Path(renamed.pw_dir) / "catatan.txt").read_text() == "milik peserta"
    assert person.username not in Path("/etc/group").read_text()
    # and the person works as before
    client = client_for(person)
    client.start_server(person.username)
    out = client.execute(person.username, "open('catatan.txt').read()")
    assert out["error"] is None and "milik peserta" in out["result"], out


def test_demo_roster_usernames_are_nips():
    """The checks above look for NIPs: the demo roster's learners log in with theirs."""
    rows = list(csv.DictReader(io.StringIO(demo.demo_csv())))
    learners = [r for r in rows if r.get("peran", r.get("role", "")) in ("", "learner", "peserta")]
    assert learners and all(r["nip"].isdigit() and len(r["nip"]) == 18 for r in learners)
