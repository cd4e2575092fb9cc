"""Issue 10 §7, review H6: learners' servers have limits, and nothing outlives them.

Before the fix, a learner's server ran with no limit on memory, processes or file size
(a fork bomb or a disk fill took the host down), and a process the learner started with
``setsid`` outlived the server (and could take the platform's ports when it restarted).

Runs a real hub as root (tests/support/hub.py). The hub imports the platform from the
environment it runs in: run with ``PYTHONPATH=<checkout>`` to test the checkout.
"""

from __future__ import annotations

import pwd
import time
from pathlib import Path

import pytest

from tests.support.client import logged_in
from tests.support.hub import REAL_HUB, running_hub

pytestmark = REAL_HUB


@pytest.fixture(scope="module")
def hub():
    with running_hub("sec-server") as hub:
        yield hub


@pytest.fixture(scope="module")
def client_for(hub):
    return lambda account: logged_in(hub.url, account)


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


def test_learner_server_runs_under_limits_it_cannot_raise(hub, client_for):
    learner = hub.by_role("learner")[0]
    client = client_for(learner)
    client.start_server(learner.username)
    code = (
        "import resource\n"
        "r = {n: resource.getrlimit(getattr(resource, n)) for n in "
        "('RLIMIT_DATA', 'RLIMIT_NPROC', 'RLIMIT_FSIZE')}\n"
        "try:\n"
        "    resource.setrlimit(resource.RLIMIT_NPROC, (resource.RLIM_INFINITY,) * 2)\n"
        "    raised = True\n"
        "except (ValueError, OSError):\n"
        "    raised = False\n"
        "(r, raised)"
    )
    out = client.execute(learner.username, code)
    assert out["error"] is None, out
    limits, raised = eval(out["result"])
    infinity = -1
    assert limits["RLIMIT_DATA"][1] not in (infinity,) and limits["RLIMIT_DATA"][1] <= 2048 * 2**20
    assert limits["RLIMIT_NPROC"][1] not in (infinity,) and limits["RLIMIT_NPROC"][1] <= 256
    assert limits["RLIMIT_FSIZE"][1] not in (infinity,) and limits["RLIMIT_FSIZE"][1] <= 1024 * 2**20
    assert not raised, "the learner raised their own process limit"
    assert "Batas sumber daya server peserta" in hub.log()


def test_processes_a_learner_leaves_end_with_the_server(hub, client_for):
    learner = hub.by_role("learner")[1]
    client = client_for(learner)
    client.start_server(learner.username)
    out = client.execute(learner.username, "import subprocess\n"
                         "p = subprocess.Popen(['sleep', '3600'], start_new_session=True)\n"
                         "p.pid")
    assert out["error"] is None, out
    escaped = int(out["result"])
    uid = pwd.getpwnam(hub.unix_name(learner.username)).pw_uid
    assert escaped in uid_processes(uid)
    r = client.delete(f"/hub/api/users/{learner.username}/server")
    assert r.status_code in (202, 204), r.text
    deadline = time.monotonic() + 60
    while uid_processes(uid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert uid_processes(uid) == [], "a learner's process outlived their server"
