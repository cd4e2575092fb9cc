"""Single-user servers as the learner's own Unix user (or, in dev mode, as the operator).

With isolation (issue 10 §7), a learner's server and everything it starts run under
resource limits set before the switch to the learner's user, so they cannot be raised:
writable memory per process (RLIMIT_DATA), processes per learner (RLIMIT_NPROC, counted
per Unix user) and file size (RLIMIT_FSIZE) -- settings ``unix.max_*``. On top of them,
where the machine offers cgroups (:mod:`asnhub.cgroups`, v2 or v1), all of a learner's
processes together get one total memory, a CPU share (optionally a cap) and a process
count: the server's process joins the learner's cgroup before it becomes the learner, and
the cgroup is removed after the stop. Without cgroups there is no CPU share and no total
memory per learner (together up to max_processes x max_memory_mb). There is no disk quota
per learner unless the homes' filesystem has quotas. The hub says at start which hold.

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

from asncore import unixnames

from . import cgroups, unixusers

MB = 1024 * 1024
# setting key -> (resource, unit in bytes or 1, what it limits)
LIMITS = {
    "max_memory_mb": ("RLIMIT_DATA", MB, "memori tulis per proses (MB)"),
    "max_processes": ("RLIMIT_NPROC", 1, "proses per peserta"),
    "max_file_mb": ("RLIMIT_FSIZE", MB, "ukuran berkas (MB)"),
}


# mount options that enforce per-user disk quotas (ext4/xfs)
USER_QUOTA_OPTIONS = ("usrquota", "usrjquota", "uquota", "quota")


def home_quota(home_base: str, mounts: list[cgroups.Mount] | None = None) -> str | None:
    """The per-user quota option of the filesystem holding the learners' homes, or None."""
    holder = None
    for mount in cgroups.read_mounts() if mounts is None else mounts:
        holds = home_base == mount.path or home_base.startswith(mount.path.rstrip("/") + "/")
        if holds and (holder is None or len(mount.path) >= len(holder.path)):
            holder = mount
    options = sorted(holder.options) if holder else []
    return next((o for o in options if o.split("=")[0] in USER_QUOTA_OPTIONS), None)


def spawner_limits(
    unix: dict, announce: bool = True, cgroup: cgroups.Plan | None = None
) -> dict[str, int]:
    """The rlimits (resource name -> value) for learners' servers from the ``unix``
    settings; 0 in a setting means no limit. With ``announce``, says on stderr (the hub's
    log at start) which limits are active -- the ``cgroup`` plan's, the rlimits, disk
    quota -- and what is not limited."""
    limits = {LIMITS[key][0]: unix[key] * LIMITS[key][1] for key in LIMITS if unix.get(key)}
    if announce:
        plan = cgroup or cgroups.Plan(cgroups.Hierarchy(reason="tidak dikonfigurasi"))
        active = [f"{LIMITS[k][2]} {unix[k]}" for k in LIMITS if unix.get(k)]
        off = [LIMITS[k][2] for k in LIMITS if not unix.get(k)]
        quota = home_quota(unix.get("home_base", "/home"))
        print(
            f"Batas sumber daya server peserta: {plan.describe()} + rlimit ("
            + (", ".join(active) or "tidak ada")
            + ")"
            + (f"; tanpa batas: {', '.join(off)}" if off else "")
            + "; kuota disk per peserta: "
            + (f"sistem berkas home dipasang dengan {quota} (batasnya diatur di luar "
               "platform, setquota)" if quota else "tidak aktif (hanya ukuran per berkas)")
            + ". Semua proses peserta dihentikan bersama servernya.",
            file=sys.stderr,
            flush=True,
        )
    return limits


def _apply_limits(limits: dict[str, int]) -> None:
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


class IndonesianProgress:
    """What the "starting" page (spawn_pending.html) shows while a server starts, in
    Bahasa Indonesia (JupyterHub's own first and last events are translated there)."""

    async def progress(self):
        yield {"progress": 40, "message": "Menyiapkan modul pelajaran dan ruang kerja Anda…"}


class RosterSpawner(IndonesianProgress, LocalProcessSpawner):
    """LocalProcessSpawner that runs ``<prefix><hub name>`` instead of the hub name,
    under :data:`limits`, and ends every process of that user when the server stops."""

    user_prefix = Unicode("asn-", config=True, help="Prefix of learners' Unix names.")
    names_key_file = Unicode(
        config=True, help="The platform's Unix-name key (asncore.unixnames), root-only."
    )
    limits = Dict(
        value_trait=Integer(), config=True,
        help="Resource limits of learners' servers: resource module name (RLIMIT_*) -> "
        "value, set as soft and hard limit before switching to the learner.",
    )
    cgroup = Dict(
        config=True,
        help="The learners' cgroup plan found at hub start (asnhub.cgroups.Plan.as_config: "
        "hierarchy, limits); empty or version 'none': no cgroup, rlimits only.",
    )

    @property
    def system_user(self) -> str:
        return self.unix_name(self.user.name)

    def unix_name(self, username: str) -> str:
        """The learner's opaque Unix name (asncore.unixnames, the one mapping)."""
        key = unixnames.read_key(self.names_key_file)
        return unixnames.unix_name(username, self.user_prefix, key)

    def make_preexec_fn(self, name):
        become = set_user_setuid(self.unix_name(name))
        limits = dict(self.limits)
        join_cgroup = cgroups.joiner(self._cgroup_plan(), self.system_user)

        def preexec() -> None:
            join_cgroup()  # as root: the learner cannot move out again
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

    def _cgroup_plan(self) -> cgroups.Plan:
        return cgroups.Plan.from_config(self.cgroup)

    async def start(self):
        if os.geteuid() == 0:
            await self._end_user_processes("before start")
            plan = self._cgroup_plan()
            if plan.active:  # an error here stops the start: no server without its limits
                made = cgroups.create(plan, self.system_user)
                self.log.info("cgroup %s of %s: %s", plan.hierarchy.version,
                              self.system_user, ", ".join(map(str, made)))
        return await super().start()

    async def run_post_stop_hook(self):
        """Every process of the learner ends with the server (JupyterHub calls this after
        a stop, a cull, or finding the server dead); then its cgroup goes."""
        if os.geteuid() == 0:
            await self._end_user_processes("server stopped")
            plan, name = self._cgroup_plan(), self.system_user
            left = await asyncio.get_running_loop().run_in_executor(
                None, cgroups.remove, plan, name)
            for directory in left:
                self.log.warning("cgroup %s of %s still busy, left in place", directory, name)
        return super().run_post_stop_hook()


class DevSpawner(IndonesianProgress, SimpleLocalProcessSpawner):
    """Development mode only: every server runs as the operator, homes under the data dir."""

    def make_preexec_fn(self, name):
        os.makedirs(self.home_dir, 0o700, exist_ok=True)
        return super().make_preexec_fn(name)
