"""Single-user servers as the learner's own Unix user (or, in dev mode, as the operator).

With isolation (issue 10 §7), a learner's server and everything it starts run under
resource limits set before the switch to the learner's user, so they cannot be raised:
writable memory per process (RLIMIT_DATA), processes per learner (RLIMIT_NPROC, counted
per Unix user) and file size (RLIMIT_FSIZE) -- settings ``unix.max_*``. Rlimits only:
there is no cgroup here, so no CPU share and no total memory per learner (a learner's
processes together may use max_processes x max_memory_mb); the hub says so at start.

When a server stops (stopped, culled, or found dead) every process of the learner's Unix
user ends with it, and leftovers are ended before a new start: nothing a learner started
outlives the server to squat the platform's ports or keep working.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import resource
import sys

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner, set_user_setuid
from traitlets import Dict, Integer, Unicode

from . import unixusers
from .unixusers import unix_name

MB = 1024 * 1024
# setting key -> (resource, unit in bytes or 1, what it limits)
LIMITS = {
    "max_memory_mb": ("RLIMIT_DATA", MB, "memori tulis per proses (MB)"),
    "max_processes": ("RLIMIT_NPROC", 1, "proses per peserta"),
    "max_file_mb": ("RLIMIT_FSIZE", MB, "ukuran berkas (MB)"),
}


def spawner_limits(unix: dict, announce: bool = True) -> dict[str, int]:
    """The rlimits (resource name -> value) for learners' servers from the ``unix``
    settings; 0 in a setting means no limit. With ``announce``, says on stderr (the hub's
    log at start) which limits are active and what is not limited."""
    limits = {LIMITS[key][0]: unix[key] * LIMITS[key][1] for key in LIMITS if unix.get(key)}
    if announce:
        active = [f"{LIMITS[k][2]} {unix[k]}" for k in LIMITS if unix.get(k)]
        off = [LIMITS[k][2] for k in LIMITS if not unix.get(k)]
        print(
            "Batas sumber daya server peserta (rlimit, tanpa cgroup): "
            + (", ".join(active) or "tidak ada")
            + (f"; tanpa batas: {', '.join(off)}" if off else "")
            + "; tidak dibatasi: bagian CPU, total memori per peserta. Semua proses "
            "peserta dihentikan bersama servernya.",
            file=sys.stderr,
            flush=True,
        )
    return limits


def _apply_limits(limits: dict[str, int]) -> None:
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


class RosterSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that runs ``<prefix><hub name>`` instead of the hub name,
    under :data:`limits`, and ends every process of that user when the server stops."""

    user_prefix = Unicode("asn-", config=True, help="Prefix of learners' Unix names.")
    limits = Dict(
        value_trait=Integer(), config=True,
        help="Resource limits of learners' servers: resource module name (RLIMIT_*) -> "
        "value, set as soft and hard limit before switching to the learner.",
    )

    @property
    def system_user(self) -> str:
        return unix_name(self.user.name, self.user_prefix)

    def make_preexec_fn(self, name):
        become = set_user_setuid(unix_name(name, self.user_prefix))
        limits = dict(self.limits)

        def preexec() -> None:
            _apply_limits(limits)  # as root, hard limits too: the learner cannot raise them
            become()

        return preexec

    def user_env(self, env):
        entry = pwd.getpwnam(self.system_user)
        env["USER"] = self.system_user
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell or "/bin/bash"
        return env

    async def _end_user_processes(self, why: str) -> None:
        name = self.system_user

        def end() -> int:
            ended = 0
            for _ in range(10):  # rounds: a forking process cannot outrun it
                left = unixusers.processes_of(name)
                if not left:
                    break
                ended += len(unixusers.end_processes(left, grace=2.0 if ended == 0 else 0.5))
            return ended

        ended = await asyncio.get_running_loop().run_in_executor(None, end)
        if ended:
            self.log.info("Ended %d leftover process(es) of %s (%s)", ended, name, why)

    async def start(self):
        if os.geteuid() == 0:
            await self._end_user_processes("before start")
        return await super().start()

    async def run_post_stop_hook(self):
        """Every process of the learner ends with the server (JupyterHub calls this after
        a stop, a cull, or finding the server dead)."""
        if os.geteuid() == 0:
            await self._end_user_processes("server stopped")
        return super().run_post_stop_hook()


class DevSpawner(SimpleLocalProcessSpawner):
    """Development mode only: every server runs as the operator, homes under the data dir."""

    def make_preexec_fn(self, name):
        os.makedirs(self.home_dir, 0o700, exist_ok=True)
        return super().make_preexec_fn(name)
