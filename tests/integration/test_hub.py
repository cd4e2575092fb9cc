"""The platform on the real hub: log-in, isolation, roles, lockout (issue 2)."""

from __future__ import annotations

import pwd
import subprocess
import time

import pytest

from tests.support.client import HubSession

pytestmark = pytest.mark.integration


def run_as(user: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True)


def test_learner_server_runs_as_own_unix_user_and_kernel_computes(hub, token_for):
    learner = hub.by_role("learner")[0]
    client = token_for(learner)
    client.start_server(learner.username)
    out = client.execute(learner.username, "import os, pwd\nprint(pwd.getpwuid(os.getuid()).pw_name)\n1+1")
    assert out["error"] is None
    assert out["result"] == "2"
    assert out["stdout"].strip() == hub.unix_name(learner.username)
    home = pwd.getpwnam(hub.unix_name(learner.username)).pw_dir
    cwd = client.execute(learner.username, "import os; os.getcwd()")
    assert cwd["result"] == repr(home)


def test_learner_cannot_read_another_learners_home(hub, token_for):
    me, other = hub.by_role("learner")[:2]
    other_unix = hub.unix_name(other.username)
    other_home = pwd.getpwnam(other_unix).pw_dir
    secret = f"{other_home}/catatan.txt"
    written = run_as(other_unix, "sh", "-c", f"echo rahasia > {secret}")
    assert written.returncode == 0, written.stderr
    # as the Unix user, from a shell
    attempt = run_as(hub.unix_name(me.username), "cat", secret)
    assert attempt.returncode != 0 and "Permission denied" in attempt.stderr
    listing = run_as(hub.unix_name(me.username), "ls", other_home)
    assert listing.returncode != 0
    # and from the learner's own kernel on the hub
    client = token_for(me)
    client.start_server(me.username)
    out = client.execute(me.username, f"open({secret!r}).read()")
    assert out["error"] is not None and out["error"].startswith("PermissionError")


def test_jupyterlab_is_default_and_in_indonesian(hub, token_for):
    learner = hub.by_role("learner")[0]
    client = token_for(learner)
    client.start_server(learner.username)
    model = client.get(f"/hub/api/users/{learner.username}").json()
    assert model["servers"][""]["url"].endswith(f"/user/{learner.username}/")
    r = client.get(f"/user/{learner.username}/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert r.status_code == 200, r.text
    # overrides.json becomes the schema default; the learner may still choose another
    assert r.json()["schema"]["properties"]["locale"]["default"] == "id_ID"
    r = client.get(f"/user/{learner.username}/lab/api/translations/id_ID")
    assert r.status_code == 200 and r.json()["data"], "Indonesian language pack missing"
    # the spawner's default URL opens JupyterLab
    assert hub.settings.get("ui", {}).get("default_url", "/lab") == "/lab"


def test_service_me_returns_identity_role_and_unit(hub, token_for):
    learner = hub.by_role("learner")[0]
    r = token_for(learner).get("/services/kompetensi/api/me")
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["username"] == learner.username
    assert me["nip"] == learner.username
    assert me["role"] == "learner"
    assert me["unit"]["code"] and me["unit"]["name"]


def test_learner_refused_by_hr_endpoint_and_admin_api(hub, token_for):
    learner = hub.by_role("learner")[0]
    client = token_for(learner)
    assert client.get("/services/kompetensi/api/hr/employees").status_code == 403
    assert client.get("/hub/api/users").status_code == 403
    assert client.get("/hub/api/groups").status_code == 403
    other = hub.by_role("learner")[1]
    assert client.post(f"/hub/api/users/{other.username}/server").status_code in (403, 404)


def test_hr_reads_employees_but_not_admin_api(hub, token_for):
    hr = hub.by_role("hr")[0]
    client = token_for(hr)
    r = client.get("/services/kompetensi/api/hr/employees")
    assert r.status_code == 200, r.text
    names = {e["username"] for e in r.json()["employees"]}
    assert {a.username for a in hub.accounts} <= names
    assert client.get("/hub/api/users").status_code == 403


def test_trainer_refused_by_hr_endpoint(hub, token_for):
    trainer = hub.by_role("trainer")[0]
    assert token_for(trainer).get("/services/kompetensi/api/hr/employees").status_code == 403


def test_admin_sees_users_and_idle_culler_runs(hub, token_for):
    admin = hub.by_role("admin")[0]
    client = token_for(admin)
    users = client.get("/hub/api/users").json()
    assert admin.username in {u["name"] for u in users}
    services = client.get("/hub/api/services").json()
    assert "idle-culler" in services and services["idle-culler"]["pid"] > 0


def test_groups_come_from_roster_roles(hub, token_for):
    admin = hub.by_role("admin")[0]
    groups = {g["name"]: set(g["users"]) for g in token_for(admin).get("/hub/api/groups").json()}
    learner = hub.by_role("learner")[0]
    assert learner.username in groups["learner"]
    assert learner.username not in groups.get("hr", set())


def test_wrong_passwords_slow_the_guesser_not_others(hub):
    """Back-off, not a lock (asnhub.auth): after the free failures each counted failure
    doubles the wait (1, 2, 4 s ...) for that source; another account is not affected."""
    victim = hub.by_role("learner")[-1]
    session = HubSession(hub.url)
    limit = 3  # accounts.allowed_failed_logins in the test settings
    for _ in range(limit):
        assert not session.login(victim.username, "salah-sekali-123")
    for pause in (1.2, 2.2, 4.2):  # counted only once the previous wait is over
        time.sleep(pause)
        assert not session.login(victim.username, "salah-sekali-123")
    assert not HubSession(hub.url).login(victim.username, victim.password), "no back-off"
    other = hub.by_role("learner")[-2]
    assert HubSession(hub.url).login(other.username, other.password)
    # the wait is seconds, not minutes (at most accounts.account_backoff_seconds: 30)
    deadline = time.monotonic() + 40
    while not HubSession(hub.url).login(victim.username, victim.password):
        assert time.monotonic() < deadline, "still refused: a lock, not a back-off"
        time.sleep(2)


def test_nip_with_spaces_logs_in(hub):
    learner = hub.by_role("learner")[1]
    nip = learner.username
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert HubSession(hub.url).login(spaced, learner.password)


def test_after_log_in_the_hub_sends_everyone_to_beranda(hub):
    # JupyterHub.default_url (issue 13): /hub/ leads to the competency service's home,
    # not to the learner's server (that starts from Beranda's links)
    for role in ("learner", "hr"):
        person = hub.by_role(role)[0]
        session = HubSession(hub.url)
        assert session.login(person.username, person.password)
        r = session.http.get(f"{hub.url}/hub/", allow_redirects=False, timeout=30)
        assert r.status_code == 302 and r.headers["Location"].endswith("/services/kompetensi/")


def test_unknown_user_and_wrong_password_refused(hub):
    assert not HubSession(hub.url).login("199001012015031999", "apa-saja-12345")
    learner = hub.by_role("learner")[0]
    assert not HubSession(hub.url).login(learner.username, learner.password + "x")


def test_learner_changes_password_on_indonesian_page(hub, session_for):
    learner = hub.by_role("learner")[3]
    session = session_for(learner)
    page = session.http.get(f"{hub.url}/hub/change-password", timeout=30)
    assert "Ganti kata sandi" in page.text
    xsrf = session.http.cookies.get("_xsrf", path="/hub/")
    new = "Pelayanan-Prima-2026"
    r = session.http.post(
        f"{hub.url}/hub/change-password",
        data={"old_password": learner.password, "new_password": new,
              "new_password_confirmation": new, "_xsrf": xsrf},
        timeout=30,
    )
    assert "Kata sandi berhasil diganti" in r.text
    assert HubSession(hub.url).login(learner.username, new)
    assert not HubSession(hub.url).login(learner.username, learner.password)
