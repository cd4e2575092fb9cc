"""Issue 10 §5, review/DESIGN §6: a person removed from the roster keeps nothing running.

Before the fix, a roster import that dropped someone only set ``active = False``: their
server (and anything it had started) kept running as them, and their API tokens and log-in
cookie kept working until they expired; the hub only logged "stale auth info".

Also through the real hub: someone else's failed log-ins from another address do not
lock the owner out (issue 10 §5 throttling, ``asnhub.auth``).

Runs a real hub as root (tests/support/hub.py). The hub imports the platform from the
environment it runs in: run with ``PYTHONPATH=<checkout>`` to test the checkout.
"""

from __future__ import annotations

import csv
import io
import pwd
import time
from pathlib import Path

import pytest
import requests

from asnhub import demo
from tests.support.client import HubSession, TokenClient
from tests.support.hub import REAL_HUB, run_cli, running_hub

pytestmark = REAL_HUB


@pytest.fixture(scope="module")
def hub():
    with running_hub("sec-akun") as hub:
        yield hub


def uid_processes(uid: int) -> list[int]:
    """Running processes of ``uid``; a zombie has ended (its parent, the hub, reaps it at
    its next poll) and is not counted."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid != uid:
                    continue
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (FileNotFoundError, IndexError):
                continue
            if state != "Z":
                pids.append(int(entry.name))
    return pids


def roster_without(username: str) -> str:
    rows = list(csv.reader(io.StringIO(demo.demo_csv())))
    nip = rows[0].index("nip")
    out = io.StringIO()
    csv.writer(out).writerows([r for r in rows if r[nip] != username])
    return out.getvalue()


def test_removed_person_loses_server_processes_tokens_and_cookie(hub, tmp_path):
    person = hub.by_role("learner")[2]
    session = HubSession(hub.url)
    assert session.login(person.username, person.password)
    token = session.new_token(person.username)
    client = TokenClient(hub.url, token)
    client.start_server(person.username)
    # a process the learner leaves behind, outside the server's process group
    out = client.execute(person.username, "import subprocess\n"
                         "p = subprocess.Popen(['sleep', '3600'], start_new_session=True)\n"
                         "p.pid")
    assert out["error"] is None, out
    uid = pwd.getpwnam(hub.unix_name(person.username)).pw_uid
    assert uid_processes(uid), "the learner's server is not running"
    assert client.get("/hub/api/user").status_code == 200

    roster = tmp_path / "roster.csv"
    roster.write_text(roster_without(person.username))
    roster.chmod(0o644)
    result = run_cli(["roster", "import", str(roster)], hub.settings_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 dinonaktifkan" in result.stdout

    # their token and their hub cookie no longer work
    assert client.get("/hub/api/user").status_code == 403
    assert session.api("GET", "/user").status_code == 403
    # every process of theirs ends, the escaped one too
    deadline = time.monotonic() + 20
    while uid_processes(uid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert uid_processes(uid) == [], "the removed person's processes still run"
    # and the hub sees the server gone (its poll), so it is not served any more
    admin = hub.by_role("admin")[0]
    admin_session = HubSession(hub.url)
    assert admin_session.login(admin.username, admin.password)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        model = admin_session.api("GET", f"/users/{person.username}").json()
        if not model.get("servers"):
            break
        time.sleep(2)
    assert not model.get("servers"), model
    # and they cannot log in again
    assert not HubSession(hub.url).login(person.username, person.password)


def login_from(hub, ip: str, username: str, password: str) -> bool:
    session = HubSession(hub.url)
    session.http.headers["X-Real-IP"] = ip
    return session.login(username, password)


def test_failures_from_elsewhere_do_not_lock_the_owner_out(hub):
    victim = hub.by_role("hr")[0]
    fail_until_waiting(hub, "203.0.113.7", victim.username)  # allowed_failed_logins: 3
    # the attacker's own source waits ...
    assert not login_from(hub, "203.0.113.7", victim.username, victim.password)
    # ... the owner, elsewhere, waits seconds at most
    deadline = time.monotonic() + 40
    while not login_from(hub, "198.51.100.9", victim.username, victim.password):
        assert time.monotonic() < deadline, "the owner is locked out by someone else"
        time.sleep(2)


def fail_until_waiting(hub, ip: str, username: str, limit: int = 3) -> None:
    """Counted failures until the back-off of (username, ip) is 8 s: each one after the
    free ones must wait out the previous back-off (1, 2, 4 s) to be counted at all."""
    for i in range(limit):
        login_from(hub, ip, username, f"salah-{i}")
    for pause in (1.2, 2.2, 4.2):
        time.sleep(pause)
        login_from(hub, ip, username, f"salah-{pause}")


def test_refused_log_in_tells_how_long_to_wait(hub):
    learner = hub.by_role("learner")[-1]
    fail_until_waiting(hub, "203.0.113.8", learner.username)
    session = HubSession(hub.url)
    session.http.headers["X-Real-IP"] = "203.0.113.8"
    session.http.get(f"{hub.url}/hub/login", timeout=10)
    r = session.http.post(
        f"{hub.url}/hub/login?next=",
        data={"username": learner.username, "password": learner.password,
              "_xsrf": session.http.cookies.get("_xsrf", path="/hub/")},
        allow_redirects=False, timeout=30,
    )
    assert r.status_code == 200 and "detik" in r.text, r.text[-2000:]
    assert requests.get(f"{hub.url}/hub/api/", timeout=10).status_code == 200


def test_admin_sets_a_password_through_the_hub(hub):
    admin, learner = hub.by_role("admin")[0], hub.by_role("learner")[3]
    session = HubSession(hub.url)
    assert session.login(admin.username, admin.password)
    new = "Pelayanan-Prima-2027"
    r = session.http.post(
        f"{hub.url}/hub/change-password/{learner.username}",
        data={"new_password": new, "new_password_confirmation": new,
              "_xsrf": session.http.cookies.get("_xsrf", path="/hub/")},
        timeout=30,
    )
    assert r.status_code == 200 and "alert-success" in r.text, r.text[-1500:]
    assert HubSession(hub.url).login(learner.username, new)
