"""Issue 10 §7: a learner's processes *together* stay inside the learner's limits (cgroup),
and the learner's cgroup goes with the server.

Before this fix a learner's server had rlimits only, and rlimits are per process: two
processes, each under RLIMIT_DATA, together held more memory than any learner should; a
process that RLIMIT_NPROC does not bind (root before the server switches user, a setuid
helper) could fork without bound; nothing was left to clean up because nothing grouped a
learner's processes.

The first tests run on the machine itself, as root, with no hub: a learner's server is
stood in for by processes started the way ``RosterSpawner`` starts one (in the child, as
root: join the learner's cgroup, set the rlimits, become the learner), under a throw-away
Unix user and a cgroup base named for this run; both are removed at the end. On the code
before the fix (no ``asnhub.cgroups``) the same processes ran with the rlimits only, and
each attack below succeeded. The last test starts a real hub (tests/support/hub.py).
"""

from __future__ import annotations

import errno
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jupyterhub.spawner import set_user_setuid

from asnhub import unixusers
from asnhub.spawner import _apply_limits, spawner_limits

try:
    from asnhub import cgroups
except ImportError:  # the code before the fix: rlimits only, no cgroup
    cgroups = None

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="cgroups and Unix users: run as root")

_RUNS = itertools.count()


def _no_cgroup_here() -> str | None:
    """Why this machine cannot run these tests (None: it can)."""
    if cgroups is None:
        return None  # the old code: run the attacks as they were, with rlimits only
    hierarchy = cgroups.detect("auto")
    return None if hierarchy.version != "none" else hierarchy.reason


@pytest.fixture(scope="module")
def learner():
    """A throw-away Unix user standing in for a learner; removed with its processes."""
    name = f"asncg{os.getpid() % 100000}"
    subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", name], check=True, capture_output=True)
    try:
        yield name
    finally:
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)
        time.sleep(0.2)
        subprocess.run(["userdel", name], check=False, capture_output=True)


@pytest.fixture
def confine(learner):
    """``confine(unix_settings)`` -> (plan, preexec): the learner's cgroup for these settings
    (with a cgroup base unique to this test) and the child-side function the spawner runs
    before exec. The cgroup dirs and the base are removed after the test."""
    reason = _no_cgroup_here()
    if reason:
        pytest.skip(f"no cgroup hierarchy usable here: {reason}")
    made = []

    def make(unix: dict, as_learner: bool = True):
        rlimits = spawner_limits(unix, announce=False)
        plan = None
        if cgroups is not None:
            plan = cgroups.plan_for(unix, base=f"asn-ambon-test{os.getpid()}-{next(_RUNS)}")
            cgroups.create(plan, learner)
            made.append(plan)
        join = cgroups.joiner(plan, learner) if plan else (lambda: None)
        become = set_user_setuid(learner, chdir=False) if as_learner else (lambda: None)

        def preexec() -> None:
            join()
            _apply_limits(rlimits)
            become()

        return plan, preexec

    yield make
    subprocess.run(["pkill", "-KILL", "-u", learner], check=False)
    for plan in made:
        left = cgroups.remove(plan, learner)
        assert not left, f"cgroup dirs left behind: {left}"
        for base in plan.base_dirs():
            if base.exists():
                base.rmdir()


def run(code: str, preexec, **kw) -> subprocess.Popen:
    # preexec_fn: exactly how the spawner (jupyterhub's LocalProcessSpawner) starts a server
    return subprocess.Popen([sys.executable, "-c", code], preexec_fn=preexec, cwd="/",  # noqa: PLW1509
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, **kw)


def ended(proc: subprocess.Popen, within: float = 5.0) -> int | None:
    """The process's exit code once it ended (negative: killed by that signal), or None if
    it is still running after ``within`` seconds."""
    try:
        return proc.wait(within)
    except subprocess.TimeoutExpired:
        return None


# allocate and touch ``mb`` MB, say so, hold it until stdin closes
HOLD = """import sys
block = b"\\x01" * ({mb} * 2**20)
print("siap", flush=True)
sys.stdin.read()
"""


def test_two_processes_cannot_exceed_the_learners_total_memory(confine):
    total, each, per_process = 128, 90, 200  # each < per_process, 2 x each > total
    _, preexec = confine({"max_memory_mb": per_process, "max_processes": 64, "max_file_mb": 16,
                          "memory_total_mb": total, "cpu_weight": 100, "cpu_max_cores": 0})
    first = run(HOLD.format(mb=each), preexec)
    second = None
    try:
        assert first.stdout.readline() == "siap\n", "one process alone stays under the total"
        second = run(HOLD.format(mb=each), preexec)
        second.stdout.readline()  # "siap", or "" once the kernel ended it
        codes = [ended(first, 2.0), ended(second, 2.0)]
        alive = [code for code in codes if code is None]
        assert len(alive) < 2, (
            f"a learner's two processes hold {2 * each} MB together, over the learner's "
            f"total of {total} MB")
        assert -signal.SIGKILL in codes, f"expected the kernel to end one of them: {codes}"
    finally:
        for p in (first, second):
            if p is not None:
                p.kill()
                p.wait()


FORK_BOMB = """import errno, os, time
children, refused = [], None
for _ in range({tries}):
    try:
        pid = os.fork()
    except OSError as e:
        refused = errno.errorcode.get(e.errno)
        break
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    children.append(pid)
print(len(children), refused, flush=True)
for pid in children:
    os.kill(pid, 9)
for pid in children:
    os.waitpid(pid, 0)
"""


def test_process_limit_holds_whatever_the_uid(confine):
    """RLIMIT_NPROC counts per Unix user and does not bind root, nor a process that runs a
    setuid helper; the learner's cgroup counts every process in the learner's tree."""
    limit, tries = 16, 64
    _, preexec = confine({"max_memory_mb": 0, "max_processes": limit, "max_file_mb": 0,
                          "memory_total_mb": 0, "cpu_weight": 100, "cpu_max_cores": 0},
                         as_learner=False)
    bomb = run(FORK_BOMB.format(tries=tries), preexec)
    out, _ = bomb.communicate(timeout=60)
    made, refused = out.split()
    assert int(made) < limit, f"the fork bomb made {made} processes; the limit is {limit}"
    assert refused == errno.errorcode[errno.EAGAIN]


def test_learner_cannot_leave_or_loosen_its_cgroup(confine, learner):
    """Limits a learner could lift would be no limits: the learner can neither move its
    processes to another cgroup nor rewrite its own cgroup's limits."""
    plan, preexec = confine({"max_memory_mb": 0, "max_processes": 64, "max_file_mb": 0,
                             "memory_total_mb": 256, "cpu_weight": 100, "cpu_max_cores": 0})
    assert plan is not None, "the learner's processes are in no cgroup of their own"
    mine = [str(d) for d in plan.dirs(learner)]
    targets = [str(Path(root) / "cgroup.procs") for root in set(plan.hierarchy.roots.values())]
    targets += [str(Path(d) / name) for d in mine for name in os.listdir(d)
                if name.startswith(("memory.", "pids.", "cpu.")) and
                os.stat(Path(d) / name).st_mode & 0o200]
    code = ("import os\n"
            "done = []\n"
            f"for target in {targets!r}:\n"
            "    try:\n"
            "        with open(target, 'w') as f:\n"
            "            f.write(str(os.getpid()) if target.endswith('procs') else 'max')\n"
            "        done.append(target)\n"
            "    except OSError:\n"
            "        pass\n"
            "print(done)\n")
    proc = run(code, preexec)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert len(targets) > len(mine), "nothing to try"
    assert out.strip() == "[]", f"the learner moved out of or loosened its cgroup: {out}"


def test_cgroup_goes_with_the_server(confine, learner):
    plan, preexec = confine({"max_memory_mb": 0, "max_processes": 64, "max_file_mb": 0,
                             "memory_total_mb": 256, "cpu_weight": 100, "cpu_max_cores": 0})
    # the server starts a process in a session of its own, as a learner's daemon would
    code = ("import subprocess, sys\n"
            "p = subprocess.Popen(['sleep', '600'], start_new_session=True)\n"
            "print(p.pid, flush=True)\n"
            "sys.stdin.read()\n")
    server = run(code, preexec)
    daemon = int(server.stdout.readline())
    try:
        dirs = plan.dirs(learner)
        assert dirs and all(d.is_dir() for d in dirs)
        for d in dirs:
            members = (d / "cgroup.procs").read_text().split()
            assert str(daemon) in members, f"the daemon is not in {d}"
        # the spawner's stop: every process of the learner ends, then the cgroup goes
        for _ in range(10):
            left = unixusers.processes_of(learner)
            if not left:
                break
            unixusers.end_processes(left, grace=1.0)
        assert cgroups.remove(plan, learner) == []
        assert not any(d.exists() for d in dirs), "the learner's cgroup outlived the server"
    finally:
        server.kill()
        server.wait()


@pytest.mark.integration
def test_hub_starts_a_learners_server_in_its_cgroup():
    """The real hub: the learner's kernel runs in ``asn-ambon/<the learner's Unix name>``,
    the hub said at start which limits are active, and stopping the server removes the
    learner's cgroup."""
    from tests.support.client import HubSession, TokenClient
    from tests.support.hub import running_hub

    assert cgroups is not None, "no cgroup: the learner's server cannot be in one"
    reason = _no_cgroup_here()
    if reason:
        pytest.skip(f"no cgroup hierarchy usable here: {reason}")
    hierarchy = cgroups.detect("auto")
    bases = [Path(root) / cgroups.BASE for root in set(hierarchy.roots.values())]
    new_bases = [base for base in bases if not base.exists()]
    try:
        with running_hub("sec-cgroup") as hub:
            learner = hub.by_role("learner")[0]
            session = HubSession(hub.url)
            assert session.login(learner.username, learner.password)
            client = TokenClient(hub.url, session.new_token(learner.username))
            client.start_server(learner.username)
            out = client.execute(learner.username, "print(open('/proc/self/cgroup').read())")
            assert out["error"] is None, out
            name = hub.unix_name(learner.username)
            # /proc/self/cgroup: "id:controllers:path"; v2's line has no controllers
            lines = [line.split(":", 2) for line in out["stdout"].splitlines() if line]
            places = {path for _, controllers, path in lines
                      if (controllers == "") == (hierarchy.version == "v2")
                      and (hierarchy.version == "v2"
                           or set(controllers.split(",")) & set(hierarchy.roots))}
            assert places == {f"/{cgroups.BASE}/{name}"}, out["stdout"]
            assert f"Batas sumber daya server peserta: cgroup {hierarchy.version}" in hub.log()
            dirs = cgroups.Plan(hierarchy).dirs(name)
            assert all(d.is_dir() for d in dirs)
            r = client.delete(f"/hub/api/users/{learner.username}/server")
            assert r.status_code in (202, 204), r.text
            deadline = time.monotonic() + 60
            while any(d.exists() for d in dirs) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert not any(d.exists() for d in dirs), "the learner's cgroup outlived the server"
    finally:
        for base in new_bases:  # leave the machine as found; another hub may use it: then busy
            try:
                base.rmdir()
            except OSError:
                pass
