"""Per-learner cgroups: one limit on the total memory, CPU share and process count of all
of a learner's processes together (issue 10 §7). The rlimits of :mod:`asnhub.spawner`
still bind each process on top of it.

What the machine offers is found once, at hub start (:func:`detect`, setting
``unix.cgroups``: ``auto`` tries v2, then v1):

- **v2**: a ``cgroup2`` mount (``/sys/fs/cgroup`` first) whose ``cgroup.controllers``
  offers memory, cpu or pids. A learner's cgroup is ``<mount>/asn-ambon/<unix user>``;
  the controllers are enabled in ``cgroup.subtree_control`` of the mount's root and of
  ``asn-ambon`` when a server is started. Files: ``memory.max`` (and ``memory.swap.max``
  0), ``cpu.weight`` (and ``cpu.max``), ``pids.max``.
- **v1**: a ``cgroup`` mount per controller (``memory``, ``cpu`` -- also co-mounted as
  ``cpu,cpuacct`` -- and ``pids``); the learner's cgroup is ``<mount>/asn-ambon/<unix
  user>`` in each. Files: ``memory.limit_in_bytes`` (and ``memory.memsw.limit_in_bytes``
  at the same value: no swap), ``cpu.shares`` (weight x 1024 / 100, so the defaults
  agree) and ``cpu.cfs_quota_us``, ``pids.max``.
- **none**: neither, or the hierarchy cannot be written (the hub is not root): the
  rlimits are then all there is, and the hub says so at start.

A hybrid machine (v1 hierarchies plus a cgroup2 mount without these controllers, as
systemd's hybrid mode makes) uses v1.

The spawner makes the learner's cgroup before the server starts (:func:`create`); the
server's process joins it in the child, as root, before it becomes the learner
(:func:`joiner`), so every process the learner starts is in it and cannot leave (the
cgroup files are root's). When the server has stopped and every process of the learner
has ended, the cgroup is removed (:func:`remove`).
"""

from __future__ import annotations

import errno
import os
import re
import signal
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

CONTROLLERS = ("memory", "cpu", "pids")
MODES = ("auto", "v2", "v1", "off")
BASE = "asn-ambon"  # <mount>/asn-ambon/<unix user>
PREFERRED_V2 = "/sys/fs/cgroup"
MB = 1024 * 1024
CPU_PERIOD_US = 100_000
MIN_CPU_QUOTA_US = 1_000  # the kernel refuses a shorter quota
V1_SHARES_PER_WEIGHT = 1024 / 100  # v1's default 1024 shares is v2's default weight 100
# swap accounting is not always there (v1 without swapaccount, v2 without swap): skipped
OPTIONAL_FILES = frozenset({"memory.swap.max", "memory.memsw.limit_in_bytes"})
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]*")


class CgroupsUnavailable(ValueError):
    """``unix.cgroups`` asks for a hierarchy this machine does not offer."""


class CgroupError(RuntimeError):
    """A learner's cgroup could not be made or joined (the server does not start)."""


@dataclass(frozen=True)
class Mount:
    path: str
    fstype: str
    options: frozenset[str]


def read_mounts(text: str | None = None) -> list[Mount]:
    """The mount table: ``text`` in the format of ``/proc/self/mounts``, else that file."""
    if text is None:
        text = Path("/proc/self/mounts").read_text()
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            path = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
            mounts.append(Mount(path, fields[2], frozenset(fields[3].split(","))))
    return mounts


@dataclass(frozen=True)
class Hierarchy:
    """Where the hierarchy of each controller in use is mounted. ``version`` is "v2" (one
    mount for all), "v1" (a mount per controller) or "none" (``reason`` says why)."""

    version: str = "none"
    roots: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _unwritable(paths: Iterable[str]) -> str:
    return ", ".join(sorted(p for p in set(paths) if not os.access(p, os.W_OK)))


def find_v2(mounts: list[Mount]) -> Hierarchy:
    found = sorted((m for m in mounts if m.fstype == "cgroup2"),
                   key=lambda m: m.path != PREFERRED_V2)
    if not found:
        return Hierarchy(reason="tidak ada cgroup2 terpasang")
    seen = []
    for mount in found:
        offered = set(_read(Path(mount.path) / "cgroup.controllers").split())
        usable = [c for c in CONTROLLERS if c in offered]
        if not usable:
            seen.append(f"{mount.path} hanya menawarkan {' '.join(sorted(offered)) or 'nihil'}")
        elif _unwritable([mount.path]):
            seen.append(f"{mount.path} tidak dapat ditulis (hub bukan root?)")
        else:
            return Hierarchy("v2", {c: mount.path for c in usable})
    return Hierarchy(reason="; ".join(seen))


def find_v1(mounts: list[Mount]) -> Hierarchy:
    roots: dict[str, str] = {}
    for mount in mounts:
        if mount.fstype == "cgroup":
            for controller in CONTROLLERS:
                if controller in mount.options:
                    roots.setdefault(controller, mount.path)
    if not roots:
        return Hierarchy(reason="tidak ada hierarki cgroup v1 memory/cpu/pids")
    unwritable = _unwritable(roots.values())
    if unwritable:
        return Hierarchy(reason=f"{unwritable} tidak dapat ditulis (hub bukan root?)")
    return Hierarchy("v1", {c: roots[c] for c in CONTROLLERS if c in roots})


def detect(mode: str = "auto", mounts: list[Mount] | None = None) -> Hierarchy:
    """The hierarchy to use for ``unix.cgroups`` = ``mode``. Read-only. ``auto`` falls
    back to "none" with the reason; "v2" or "v1" that the machine does not offer raises
    :class:`CgroupsUnavailable` (the hub does not start with limits it cannot keep)."""
    if mode not in MODES:
        raise ValueError(f"unix.cgroups: {mode!r} bukan salah satu dari {', '.join(MODES)}")
    if mode == "off":
        return Hierarchy(reason="dimatikan (unix.cgroups: off)")
    table = read_mounts() if mounts is None else mounts
    tried = []
    for version, find in (("v2", find_v2), ("v1", find_v1)):
        if mode in ("auto", version):
            found = find(table)
            if found.version != "none":
                return found
            tried.append(f"{version}: {found.reason}")
    reason = "; ".join(tried)
    if mode != "auto":
        raise CgroupsUnavailable(
            f"unix.cgroups: '{mode}' diminta, tetapi mesin ini tidak menyediakannya ({reason}); "
            "pakai 'auto' atau 'off' (the requested cgroup version is not available here)"
        )
    return Hierarchy(reason=reason)


@dataclass(frozen=True)
class Limits:
    """A learner's limits; 0 means none (``cpu_weight`` is relative, never a cap)."""

    memory_mb: int = 0
    cpu_weight: int = 100
    cpu_max_cores: float = 0.0
    processes: int = 0

    @classmethod
    def from_unix(cls, unix: Mapping) -> Limits:
        """From the ``unix`` settings section (``max_processes`` also feeds pids.max)."""
        return cls(
            memory_mb=int(unix.get("memory_total_mb", 0)),
            cpu_weight=int(unix.get("cpu_weight", 100)),
            cpu_max_cores=float(unix.get("cpu_max_cores", 0)),
            processes=int(unix.get("max_processes", 0)),
        )


def values(version: str, limits: Limits) -> dict[str, list[tuple[str, str]]]:
    """controller -> [(file, value)] for a learner's cgroup, in the order to write them."""
    memory = str(limits.memory_mb * MB) if limits.memory_mb else None
    quota = (max(round(limits.cpu_max_cores * CPU_PERIOD_US), MIN_CPU_QUOTA_US)
             if limits.cpu_max_cores else None)
    pids = [("pids.max", str(limits.processes) if limits.processes else "max")]
    if version == "v2":
        return {
            "memory": [("memory.max", memory or "max"),
                       ("memory.swap.max", "0" if memory else "max")],
            "cpu": [("cpu.weight", str(limits.cpu_weight)),
                    ("cpu.max", f"{quota or 'max'} {CPU_PERIOD_US}")],
            "pids": pids,
        }
    if version == "v1":
        shares = min(max(round(limits.cpu_weight * V1_SHARES_PER_WEIGHT), 2), 262144)
        return {
            # memory+swap may never be below memory: lift it first, then set both equal
            "memory": [("memory.memsw.limit_in_bytes", "-1"),
                       ("memory.limit_in_bytes", memory or "-1"),
                       ("memory.memsw.limit_in_bytes", memory or "-1")],
            "cpu": [("cpu.shares", str(shares)),
                    ("cpu.cfs_period_us", str(CPU_PERIOD_US)),
                    ("cpu.cfs_quota_us", str(quota) if quota else "-1")],
            "pids": pids,
        }
    return {}


def _checked(name: str) -> str:
    """A Unix name as one path component (never ``..`` or a path)."""
    if not _NAME.fullmatch(name or ""):
        raise ValueError(f"nama akun Unix tidak sah untuk cgroup: {name!r}")
    return name


@dataclass(frozen=True)
class Plan:
    """The hierarchy found at start, the learners' limits and the cgroup base name."""

    hierarchy: Hierarchy
    limits: Limits = Limits()
    base: str = BASE

    @property
    def active(self) -> bool:
        return self.hierarchy.version in ("v1", "v2")

    def _roots(self) -> dict[str, list[str]]:
        """mount -> its controllers in use (v2 and co-mounted v1: several)."""
        by_root: dict[str, list[str]] = {}
        for controller, root in self.hierarchy.roots.items():
            by_root.setdefault(root, []).append(controller)
        return by_root

    def base_dirs(self) -> list[Path]:
        return [Path(root) / self.base for root in self._roots()]

    def dirs(self, name: str) -> list[Path]:
        """The learner ``name``'s cgroup directories (none without cgroups)."""
        return [base / _checked(name) for base in self.base_dirs()]

    def describe(self) -> str:
        """What the announcement at start says about cgroups (Indonesian)."""
        if not self.active:
            return (f"tanpa cgroup ({self.hierarchy.reason}; tidak dibatasi: total memori "
                    "per peserta, bagian CPU)")
        said, lim, roots = [], self.limits, self.hierarchy.roots
        if "memory" in roots:
            said.append(f"memori total {lim.memory_mb} MB" if lim.memory_mb
                        else "memori total tanpa batas")
        if "cpu" in roots:
            said.append(f"bobot CPU {lim.cpu_weight} (relatif, bawaan 100)")
            if lim.cpu_max_cores:
                said.append(f"CPU paling banyak {lim.cpu_max_cores:g} inti")
        if "pids" in roots:
            said.append(f"proses {lim.processes}" if lim.processes else "proses tanpa batas")
        missing = [c for c in CONTROLLERS if c not in roots]
        return (f"cgroup {self.hierarchy.version} ({', '.join(said)}"
                + (f"; controller tidak tersedia: {', '.join(missing)}" if missing else "")
                + ")")

    def as_config(self) -> dict:
        """Plain data for a traitlets config value (:meth:`from_config` reads it back)."""
        h, lim = self.hierarchy, self.limits
        return {
            "version": h.version, "roots": dict(h.roots), "reason": h.reason, "base": self.base,
            "limits": {"memory_mb": lim.memory_mb, "cpu_weight": lim.cpu_weight,
                       "cpu_max_cores": lim.cpu_max_cores, "processes": lim.processes},
        }

    @classmethod
    def from_config(cls, config: Mapping) -> Plan:
        if not config:
            return cls(Hierarchy(reason="tidak dikonfigurasi"))
        hierarchy = Hierarchy(config["version"], dict(config["roots"]), config.get("reason", ""))
        return cls(hierarchy, Limits(**config["limits"]), config.get("base", BASE))


def plan_for(unix: Mapping, base: str = BASE, mounts: list[Mount] | None = None) -> Plan:
    """Detect the hierarchy for the ``unix`` settings and pair it with their limits."""
    return Plan(detect(unix.get("cgroups", "auto"), mounts), Limits.from_unix(unix), base)


def _write(path: Path, value: str) -> None:
    try:
        with open(path, "w") as f:
            f.write(value)
    except OSError as e:
        raise CgroupError(f"cgroup: menulis '{value}' ke {path} gagal: {e}") from e


def _enable(subtree_control: Path, controllers: list[str]) -> None:
    """Turn on ``controllers`` for the children of a v2 cgroup (already on: nothing)."""
    on = set(_read(subtree_control).split())
    wanted = [c for c in controllers if c not in on]
    if wanted:
        _write(subtree_control, " ".join(f"+{c}" for c in wanted))


def create(plan: Plan, name: str) -> list[Path]:
    """Make the learner ``name``'s cgroup with the plan's limits; its directories. Safe to
    repeat: an existing cgroup (a server that ended with the hub) gets the limits again."""
    if not plan.active:
        return []
    name = _checked(name)
    table = values(plan.hierarchy.version, plan.limits)
    made = []
    for root, controllers in plan._roots().items():
        base = Path(root) / plan.base
        learner = base / name
        for attempt in (1, 2):  # another hub may remove an empty base between the steps
            try:
                base.mkdir(mode=0o755, exist_ok=True)
                if plan.hierarchy.version == "v2":
                    _enable(Path(root) / "cgroup.subtree_control", controllers)
                    _enable(base / "cgroup.subtree_control", controllers)
                learner.mkdir(mode=0o755, exist_ok=True)
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
            except OSError as e:
                raise CgroupError(f"cgroup: membuat {learner} gagal: {e}") from e
        for controller in controllers:
            for filename, value in table[controller]:
                if filename in OPTIONAL_FILES and not (learner / filename).exists():
                    continue
                _write(learner / filename, value)
        made.append(learner)
    return made


def joiner(plan: Plan, name: str) -> Callable[[], None]:
    """What the server's child runs as root, after fork and before it becomes the learner:
    it moves itself (and so everything it will start) into the learner's cgroup. Only
    ``os`` calls, the paths worked out beforehand: it runs between fork and exec."""
    procs = [str(d / "cgroup.procs") for d in plan.dirs(name)]

    def join() -> None:
        pid = str(os.getpid()).encode()
        for path in procs:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, pid)
            finally:
                os.close(fd)

    return join


def _kill_members(directory: Path) -> None:
    for pid in _read(directory / "cgroup.procs").split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


def remove(plan: Plan, name: str, wait: float = 2.0) -> list[Path]:
    """Remove the learner ``name``'s cgroup; the directories that stayed (busy after
    ``wait`` seconds, or refused). Call it once the learner's processes have ended: one
    still inside (one that changed its uid, which ending by user misses) is killed."""
    left = []
    deadline = time.monotonic() + wait
    for directory in plan.dirs(name):
        while True:
            try:
                directory.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError as e:
                if e.errno != errno.EBUSY or time.monotonic() >= deadline:
                    left.append(directory)
                    break
                _kill_members(directory)
                time.sleep(0.05)
    return left
