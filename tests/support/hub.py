"""A real JupyterHub for tests: its own data dir, free ports, Unix user prefix; torn down.

Used by tests/integration and tests/browser. Starts ``python -m asnhub init`` and then
``jupyterhub`` exactly as ``make start`` does, as subprocesses, so a failing start shows
the hub's own log in the test output.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml

from asncore import unixnames
from asncore.settings import deep_merge
from asnhub import cgroups

# Marks of a test module that starts a real hub with real Unix users (needs root).
REAL_HUB = [
    pytest.mark.integration,
    pytest.mark.skipif(os.geteuid() != 0, reason="a real hub with Unix users: run as root"),
]
REPO = Path(__file__).resolve().parents[2]
_PREFIXES = itertools.count()


# Listening ports are taken below Linux's ephemeral range (32768-60999): a port chosen
# there can be taken by any outgoing connection before the hub or a service binds it.
_PORTS = range(20000, 32000)
_rng = random.Random()


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(count: int = 1) -> int:
    """The first of ``count`` consecutive free ports (formgraders use first_port + k)."""
    for _ in range(1000):
        first = _rng.randrange(_PORTS.start, _PORTS.stop - count)
        if all(_bindable(first + k) for k in range(count)):
            return first
    raise RuntimeError(f"no {count} free consecutive ports in {_PORTS}")


def run_cli(args: list[str], settings_file: Path, user: str | None = None, **kw):
    """``python -m asnhub ARGS`` with the test settings (optionally as another Unix user)."""
    cmd = [sys.executable, "-m", "asnhub", "--settings", str(settings_file), *args]
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, **kw)


@dataclass
class Account:
    username: str
    password: str
    role: str


@dataclass
class Hub:
    root: Path
    settings_file: Path
    settings: dict
    url: str
    accounts: list[Account] = field(default_factory=list)
    proc: subprocess.Popen | None = None

    @property
    def prefix(self) -> str:
        return self.settings["unix"]["user_prefix"]

    def unix_name(self, username: str) -> str:
        """The learner's Unix name, through the platform's one mapping and this hub's key."""
        return unixnames.namer(self.settings)(username)

    def by_role(self, role: str) -> list[Account]:
        return [a for a in self.accounts if a.role == role]

    def log(self) -> str:
        path = self.root / "hub.log"
        return path.read_text(errors="replace") if path.exists() else ""


def make_settings(root: Path, overrides: dict | None = None) -> dict:
    """Settings for a throw-away hub under ``root``; ``overrides`` deep-merged on top."""
    prefix = f"t{os.getpid() % 10000}{next(_PREFIXES)}-"  # unique per hub, <= 10 chars
    settings = {
        "data_dir": str(root / "var"),
        "public_dir": str(root / "publik"),  # its own modules and learners' Jupyter config
        "hub": {"port": free_port(), "ip": "127.0.0.1", "hub_port": free_port(),
                "proxy_api_port": free_port()},
        "unix": {"user_prefix": prefix, "home_base": str(root / "home")},
        "service": {"port": free_port()},
        "accounts": {"allowed_failed_logins": 3, "lockout_seconds": 600},
        "assessments": {"courses_root": str(root / "kursus"), "exchange_dir": str(root / "exchange"),
                        "first_port": free_port(count=16), "grading_port": free_port()},
    }
    return deep_merge(settings, overrides or {})


def start_hub(settings: dict, root: Path) -> Hub:
    settings_file = root / "settings.yaml"
    settings_file.write_text(yaml.safe_dump(settings))
    (root / "home").mkdir(exist_ok=True)
    os.chmod(root, 0o755)
    os.chmod(root / "home", 0o755)
    init = run_cli(["init"], settings_file)
    assert init.returncode == 0, init.stdout + init.stderr
    hub = Hub(root, settings_file, settings, f"http://127.0.0.1:{settings['hub']['port']}")
    with open(Path(settings["data_dir"]) / "demo-credentials.csv", newline="") as f:
        hub.accounts = [Account(**row) for row in csv.DictReader(f)]
    env = dict(os.environ, ASN_SETTINGS=str(settings_file))
    log = open(root / "hub.log", "w")
    hub.proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(REPO / "jupyterhub_config.py")],
        cwd=settings["data_dir"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if hub.proc.poll() is not None:
            stop_hub(hub)  # its proxy and services may still run
            raise RuntimeError("hub exited during start:\n" + hub.log())
        try:
            if requests.get(f"{hub.url}/hub/api/", timeout=2).status_code == 200:
                service = f"{hub.url}/services/{settings.get('service', {}).get('name', 'kompetensi')}/api/health"
                if requests.get(service, timeout=2).status_code == 200:
                    return hub
        except (requests.ConnectionError, requests.Timeout):  # a loaded machine answers late
            pass
        time.sleep(0.5)
    stop_hub(hub)
    raise RuntimeError("hub did not become ready in 60 s:\n" + hub.log())


def stop_hub(hub: Hub) -> None:
    if hub.proc and hub.proc.poll() is None:
        os.killpg(hub.proc.pid, signal.SIGTERM)
        try:
            hub.proc.wait(30)
        except subprocess.TimeoutExpired:
            pass
    if hub.proc:
        # a hub that died (e.g. a managed service failed to start) leaves its proxy and
        # services behind in its process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.proc.pid, signal.SIGKILL)
    # learners' servers run in their own sessions: end them, then remove the test users
    for entry in pwd.getpwall():
        if entry.pw_name.startswith(hub.prefix):
            subprocess.run(["pkill", "-KILL", "-u", entry.pw_name], check=False)
    plan = cgroups.Plan(cgroups.detect("auto"))
    for entry in pwd.getpwall():
        if entry.pw_name.startswith(hub.prefix):
            # a hub that died before its servers' stop hooks leaves their cgroups behind
            cgroups.remove(plan, entry.pw_name)
            subprocess.run(["userdel", "--remove", entry.pw_name], check=False,
                           capture_output=True)
    for base in plan.base_dirs():  # asn-ambon/ itself once empty (another hub's: busy)
        with contextlib.suppress(OSError):
            base.rmdir()


@contextlib.contextmanager
def running_hub(tag: str, overrides: dict | None = None):
    """A started hub in a fresh root directory; stopped and cleaned up on exit."""
    root = new_root(tag)
    hub = start_hub(make_settings(root, overrides), root)
    try:
        yield hub
    finally:
        stop_hub(hub)
        cleanup_root(root)


def new_root(tag: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"asn-{tag}-", dir="/tmp"))


def cleanup_root(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
