"""Learners' Unix accounts: create, rename from the old naming, find and end processes.

Every hub user maps to an opaque ``<prefix><12 characters>`` Unix name through the one
keyed mapping :mod:`asncore.unixnames` (a NIP in ``/etc/passwd`` would show every
employee's birth date and gender to every learner). Callers pass that mapping around
as ``name_of`` (``asncore.unixnames.namer(settings)``).
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from asncore.unixnames import legacy_name

HOME_MODE = 0o700
# The comment (GECOS) of every account the roster import creates: an existing account
# without it is someone else's and is never adopted (see :func:`reserved_reason`).
ACCOUNT_MARKER = "asn-ambon roster"
# Hub names whose Unix name belongs to the platform: the sandbox user and every course's
# grader (asnhub.assessments.sandbox_name / grader_name), present or future.
RESERVED_NAMES = frozenset({"sandbox"})
RESERVED_PREFIXES = ("g-",)
MAX_UNIX_NAME = 32  # useradd's limit


def reserved_reason(
    username: str, name_of: Callable[[str], str],
    platform_users: set[str] | frozenset[str] = frozenset(), isolation: bool = True,
) -> str | None:
    """Why the hub name ``username`` may not be given to a person, or None.

    Refused: the sandbox's and the graders' names; with isolation, a Unix name that is too
    long, or that already exists as an account neither on the roster (``platform_users``:
    the platform database's usernames) nor made by the roster import (its comment).
    """
    if username in RESERVED_NAMES or username.startswith(RESERVED_PREFIXES):
        return ("nama ini milik akun platform (grader kursus/sandbox), pilih username lain "
                "(reserved for the platform's grader or sandbox account)")
    if not isolation:
        return None
    name = name_of(username)
    if len(name) > MAX_UNIX_NAME:
        return f"nama akun Unix '{name}' lebih dari {MAX_UNIX_NAME} karakter (too long)"
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None
    if username in platform_users or entry.pw_gecos == ACCOUNT_MARKER:
        return None
    return (f"akun sistem '{name}' sudah ada dan bukan akun roster, pilih username lain "
            "(an existing system account is never adopted)")


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def ensure_user(name: str, home_base: str) -> bool:
    """Create the Unix user ``name`` with a private home; True if it was created.

    Re-running is safe: an existing user keeps its files, only the home mode is
    (re)tightened to 0700 so no other learner can read it. The roster import only calls
    this for names :func:`reserved_reason` accepted, so no foreign account is adopted.
    """
    created = False
    if not exists(name):
        home = Path(home_base) / name
        subprocess.run(
            ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
             "--comment", ACCOUNT_MARKER, "--user-group", name],
            check=True,
            capture_output=True,
            text=True,
        )
        created = True
    entry = pwd.getpwnam(name)
    if entry.pw_gecos != ACCOUNT_MARKER:  # a roster account made before the marker
        subprocess.run(["usermod", "--comment", ACCOUNT_MARKER, name],
                       check=True, capture_output=True, text=True)
    home = Path(entry.pw_dir)
    if not home.exists():
        home.mkdir(parents=True, mode=HOME_MODE)
        os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, HOME_MODE)
    return created


def adopt_legacy(username: str, name: str, prefix: str, home_base: str) -> bool:
    """Rename the account older releases made for ``username`` (``<prefix><NIP>``, home
    ``<home_base>/<prefix><NIP>``) to ``name``, moving the home and renaming the user's
    group; uid, gid and files stay. True if renamed. Only a roster-made account (its
    comment) is touched, and never over an existing ``name``. Its processes are ended
    first (``usermod`` refuses to rename a user with running processes)."""
    old = legacy_name(username, prefix)
    if old == name or exists(name) or not exists(old):
        return False
    if pwd.getpwnam(old).pw_gecos != ACCOUNT_MARKER:
        return False
    for _ in range(10):
        left = processes_of(old)
        if not left:
            break
        end_processes(left, grace=2.0)
    home = Path(home_base) / name
    subprocess.run(["usermod", "--login", name, "--home", str(home), "--move-home", old],
                   check=True, capture_output=True, text=True)
    if _group_exists(old):
        subprocess.run(["groupmod", "--new-name", name, old],
                       check=True, capture_output=True, text=True)
    return True


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def require_root(purpose: str) -> None:
    if os.geteuid() != 0:
        raise PermissionError(
            f"{purpose} membutuhkan root (needs root): learners run as their own Unix "
            "users. Run as root, or choose development mode without isolation "
            "explicitly (hub.dev_mode: true in settings.yaml)."
        )


# -- processes -------------------------------------------------------------------------

def _proc_ids() -> list[int]:
    return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit()]


def processes_of(name: str) -> list[int]:
    """Every process running as the Unix user ``name`` (none if there is no such user)."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return []
    pids = []
    for pid in _proc_ids():
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                pids.append(pid)
        except FileNotFoundError:
            pass
    return pids


def session_of(pid: int, hub_user: str) -> list[int]:
    """``pid`` and every process of its session, if ``pid`` is a server of the hub user
    ``hub_user`` (its environment says so: a recorded pid may have been reused)."""
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        sid = os.getsid(pid)
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return []
    if f"JUPYTERHUB_USER={hub_user}".encode() not in environ:
        return []
    members = []
    for other in _proc_ids():
        try:
            if os.getsid(other) == sid:
                members.append(other)
        except ProcessLookupError:
            pass
    return members


def end_processes(pids: list[int], grace: float = 5.0) -> list[int]:
    """SIGTERM ``pids``, SIGKILL what is left after ``grace`` seconds; the pids that were
    running. Kernels and shells get their chance to save, nothing survives."""
    running = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
            running.append(pid)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    alive = list(running)
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in alive if _alive(pid)]
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return running


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; its parent reaps it
