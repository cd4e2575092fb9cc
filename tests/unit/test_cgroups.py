"""Per-learner cgroups (asnhub.cgroups) on fake mount tables and fake cgroup trees under
tmp_path: which hierarchy is chosen, what is written where, and how the spawner and the
start announcement use it. The real kernel is tests/security/test_servers_cgroup.py."""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path

import pytest
from traitlets.config import Config

from asncore import settings as s
from asnhub import cgroups, configure, spawner

MB = 2**20
# this machine: systemd's hybrid layout (v1 controllers, cgroup2 offering hugetlb only)
HYBRID = """\
tmpfs {root} tmpfs rw,relatime,mode=755 0 0
cgroup {root}/cpu cgroup rw,relatime,cpu 0 0
cgroup {root}/cpuacct cgroup rw,relatime,cpuacct 0 0
cgroup {root}/cpuset cgroup rw,relatime,cpuset 0 0
cgroup {root}/memory cgroup rw,relatime,memory 0 0
cgroup {root}/pids cgroup rw,relatime,pids 0 0
cgroup {root}/systemd cgroup rw,relatime,name=systemd 0 0
cgroup2 {root}/unified cgroup2 rw,relatime 0 0
"""
# Debian 12: pure v2
UNIFIED = "cgroup2 {root} cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n"
V2_CONTROLLERS = "cpuset cpu io memory hugetlb pids rdma misc\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def mounts(template: str, root: Path) -> list[cgroups.Mount]:
    return cgroups.read_mounts(template.format(root=root))


@pytest.fixture
def hybrid(tmp_path) -> list[cgroups.Mount]:
    root = tree(tmp_path / "cg", {"unified/cgroup.controllers": "hugetlb\n"})
    for name in ("cpu", "cpuacct", "cpuset", "memory", "pids", "systemd"):
        (root / name).mkdir()
    return mounts(HYBRID, root)


@pytest.fixture
def unified(tmp_path) -> list[cgroups.Mount]:
    root = tree(tmp_path / "cg", {"cgroup.controllers": V2_CONTROLLERS,
                                  "cgroup.subtree_control": ""})
    return mounts(UNIFIED, root)


UNIX = s.DEFAULTS["unix"]


# -- reading the mount table ------------------------------------------------------------

def test_mount_table_is_parsed_with_its_escapes():
    table = cgroups.read_mounts("cgroup2 /run/my\\040cgroups cgroup2 rw,nsdelegate 0 0\n"
                                "short line\n")
    assert table == [cgroups.Mount("/run/my cgroups", "cgroup2",
                                   frozenset({"rw", "nsdelegate"}))]


# -- detection --------------------------------------------------------------------------

def test_hybrid_machine_uses_v1_since_cgroup2_offers_none_of_the_controllers(hybrid, tmp_path):
    found = cgroups.detect("auto", hybrid)
    root = tmp_path / "cg"
    assert found.version == "v1"
    assert found.roots == {"memory": str(root / "memory"), "cpu": str(root / "cpu"),
                           "pids": str(root / "pids")}  # not cpuacct, cpuset or systemd


def test_pure_v2_machine_uses_v2_for_all_three(unified, tmp_path):
    found = cgroups.detect("auto", unified)
    assert found.version == "v2"
    assert found.roots == {c: str(tmp_path / "cg") for c in ("memory", "cpu", "pids")}


def test_v2_uses_the_controllers_it_offers(tmp_path):
    root = tree(tmp_path / "cg", {"cgroup.controllers": "cpu memory\n"})
    found = cgroups.detect("auto", mounts(UNIFIED, root))
    assert found.version == "v2" and set(found.roots) == {"memory", "cpu"}
    assert "controller tidak tersedia: pids" in cgroups.Plan(found).describe()


def test_v2_prefers_sys_fs_cgroup_among_several_mounts(tmp_path, monkeypatch):
    first = tree(tmp_path / "other", {"cgroup.controllers": V2_CONTROLLERS})
    main = tree(tmp_path / "main", {"cgroup.controllers": V2_CONTROLLERS})
    monkeypatch.setattr(cgroups, "PREFERRED_V2", str(main))
    table = mounts(UNIFIED, first) + mounts(UNIFIED, main)
    assert set(cgroups.detect("v2", table).roots.values()) == {str(main)}


def test_v1_co_mounted_cpu_cpuacct_counts_as_cpu(tmp_path):
    (tmp_path / "cpu,cpuacct").mkdir()
    (tmp_path / "cpuset").mkdir()
    table = cgroups.read_mounts(f"cgroup {tmp_path}/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\n"
                                f"cgroup {tmp_path}/cpuset cgroup rw,cpuset 0 0\n")
    found = cgroups.detect("auto", table)
    assert found.version == "v1" and found.roots == {"cpu": f"{tmp_path}/cpu,cpuacct"}


def test_no_cgroups_means_none_with_the_reason(tmp_path):
    found = cgroups.detect("auto", cgroups.read_mounts(f"tmpfs {tmp_path} tmpfs rw 0 0\n"))
    assert found.version == "none" and found.roots == {}
    assert "v2: tidak ada cgroup2" in found.reason and "v1: tidak ada hierarki" in found.reason
    assert cgroups.Plan(found).describe().startswith("tanpa cgroup (v2: ")


def test_a_hierarchy_the_hub_cannot_write_is_not_used(hybrid, monkeypatch):
    monkeypatch.setattr(cgroups.os, "access", lambda path, mode: False)
    found = cgroups.detect("auto", hybrid)
    assert found.version == "none" and "tidak dapat ditulis (hub bukan root?)" in found.reason


def test_a_version_asked_for_but_missing_stops_the_start(hybrid, unified):
    with pytest.raises(cgroups.CgroupsUnavailable, match=r"unix.cgroups: 'v2' diminta.*hugetlb"):
        cgroups.detect("v2", hybrid)
    with pytest.raises(cgroups.CgroupsUnavailable, match="'v1' diminta"):
        cgroups.detect("v1", unified)
    assert cgroups.detect("v1", hybrid).version == "v1"
    with pytest.raises(ValueError, match="v3"):
        cgroups.detect("v3", hybrid)


def test_off_reads_nothing(monkeypatch):
    monkeypatch.setattr(cgroups, "read_mounts", lambda text=None: pytest.fail("read mounts"))
    found = cgroups.detect("off")
    assert found.version == "none" and "unix.cgroups: off" in found.reason


# -- values -----------------------------------------------------------------------------

def test_v2_values_from_the_default_settings():
    assert cgroups.values("v2", cgroups.Limits.from_unix(UNIX)) == {
        "memory": [("memory.max", str(4096 * MB)), ("memory.swap.max", "0")],
        "cpu": [("cpu.weight", "100"), ("cpu.max", "max 100000")],
        "pids": [("pids.max", "256")],
    }


def test_v1_values_from_the_default_settings():
    assert cgroups.values("v1", cgroups.Limits.from_unix(UNIX)) == {
        "memory": [("memory.memsw.limit_in_bytes", "-1"),
                   ("memory.limit_in_bytes", str(4096 * MB)),
                   ("memory.memsw.limit_in_bytes", str(4096 * MB))],
        "cpu": [("cpu.shares", "1024"), ("cpu.cfs_period_us", "100000"),
                ("cpu.cfs_quota_us", "-1")],
        "pids": [("pids.max", "256")],
    }


@pytest.mark.parametrize("weight, shares", [(1, 10), (50, 512), (100, 1024), (10000, 102400)])
def test_v1_shares_follow_the_weight(weight, shares):
    cpu = dict(cgroups.values("v1", cgroups.Limits(cpu_weight=weight))["cpu"])
    assert cpu["cpu.shares"] == str(shares)


def test_cpu_cap_in_cores_and_zero_means_no_limit():
    limits = cgroups.Limits(memory_mb=0, cpu_weight=200, cpu_max_cores=1.5, processes=0)
    v2, v1 = cgroups.values("v2", limits), cgroups.values("v1", limits)
    assert dict(v2["cpu"]) == {"cpu.weight": "200", "cpu.max": "150000 100000"}
    assert dict(v1["cpu"])["cpu.cfs_quota_us"] == "150000"
    assert v2["memory"] == [("memory.max", "max"), ("memory.swap.max", "max")]
    assert v1["memory"][1] == ("memory.limit_in_bytes", "-1")
    assert v2["pids"] == v1["pids"] == [("pids.max", "max")]
    tiny = cgroups.values("v2", cgroups.Limits(cpu_max_cores=0.001))
    assert dict(tiny["cpu"])["cpu.max"] == "1000 100000"  # the kernel's minimum quota


# -- creating, joining, removing --------------------------------------------------------

def test_create_on_v2_enables_the_controllers_and_writes_the_limits(unified, tmp_path):
    plan = cgroups.plan_for(UNIX, mounts=unified)
    root = tmp_path / "cg"
    [learner] = cgroups.create(plan, "asn-abc123")
    assert learner == root / "asn-ambon" / "asn-abc123" and plan.dirs("asn-abc123") == [learner]
    assert (root / "cgroup.subtree_control").read_text() == "+memory +cpu +pids"
    assert (root / "asn-ambon/cgroup.subtree_control").read_text() == "+memory +cpu +pids"
    assert (learner / "memory.max").read_text() == str(4096 * MB)
    assert not (learner / "memory.swap.max").exists()  # no swap accounting here: skipped
    assert (learner / "cpu.weight").read_text() == "100"
    assert (learner / "cpu.max").read_text() == "max 100000"
    assert (learner / "pids.max").read_text() == "256"


def test_create_again_rewrites_the_limits_and_enables_nothing_twice(unified, tmp_path):
    root = tmp_path / "cg"
    tree(root, {"cgroup.subtree_control": "cpu memory pids\n",
                "asn-ambon/cgroup.subtree_control": "memory cpu pids\n",
                "asn-ambon/asn-x/memory.swap.max": "max", "asn-ambon/asn-x/pids.max": "9"})
    cgroups.create(cgroups.plan_for(UNIX, mounts=unified), "asn-x")
    assert (root / "cgroup.subtree_control").read_text() == "cpu memory pids\n"
    assert (root / "asn-ambon/asn-x/memory.swap.max").read_text() == "0"
    assert (root / "asn-ambon/asn-x/pids.max").read_text() == "256"


def test_create_on_v1_makes_one_dir_per_controller(hybrid, tmp_path):
    root = tmp_path / "cg"
    tree(root, {"memory/asn-ambon/asn-x/memory.memsw.limit_in_bytes": "9223372036854771712"})
    plan = cgroups.plan_for(dict(UNIX, cpu_max_cores=2), mounts=hybrid)
    made = cgroups.create(plan, "asn-x")
    assert made == [root / c / "asn-ambon/asn-x" for c in ("memory", "cpu", "pids")]
    assert (made[0] / "memory.limit_in_bytes").read_text() == str(4096 * MB)
    assert (made[0] / "memory.memsw.limit_in_bytes").read_text() == str(4096 * MB)
    assert (made[1] / "cpu.shares").read_text() == "1024"
    assert (made[1] / "cpu.cfs_quota_us").read_text() == "200000"
    assert (made[2] / "pids.max").read_text() == "256"
    assert not (made[1] / "pids.max").exists() and not (made[2] / "cpu.shares").exists()


def test_without_cgroups_nothing_is_made(tmp_path):
    plan = cgroups.Plan(cgroups.Hierarchy(reason="x"))
    assert not plan.active and cgroups.create(plan, "asn-x") == [] and plan.dirs("asn-x") == []
    cgroups.joiner(plan, "asn-x")()  # nothing to join
    assert cgroups.remove(plan, "asn-x") == []


@pytest.mark.parametrize("name", ["", "..", "../etc", "a/b", ".hidden", "x\0y"])
def test_a_name_is_one_path_component(unified, name):
    plan = cgroups.plan_for(UNIX, mounts=unified)
    with pytest.raises(ValueError, match="tidak sah"):
        plan.dirs(name)


def test_joiner_writes_the_childs_own_pid_in_every_hierarchy(hybrid):
    plan = cgroups.plan_for(UNIX, mounts=hybrid)
    dirs = cgroups.create(plan, "asn-x")
    for d in dirs:
        (d / "cgroup.procs").touch()  # the kernel makes it in a real cgroup
    cgroups.joiner(plan, "asn-x")()
    assert [(d / "cgroup.procs").read_text() for d in dirs] == [str(os.getpid())] * 3


def test_joining_a_missing_cgroup_fails(hybrid):
    """No cgroup, no server: the child's exception stops the spawn."""
    with pytest.raises(FileNotFoundError):
        cgroups.joiner(cgroups.plan_for(UNIX, mounts=hybrid), "asn-never-made")()


def test_remove_deletes_the_learners_dirs_only(hybrid, tmp_path):
    plan = cgroups.plan_for(UNIX, mounts=hybrid)
    for name in ("asn-x", "asn-y"):
        for d in plan.dirs(name):
            d.mkdir(parents=True)
    assert cgroups.remove(plan, "asn-x") == []
    assert not any(d.exists() for d in plan.dirs("asn-x"))
    assert all(d.is_dir() for d in plan.dirs("asn-y") + plan.base_dirs())
    assert cgroups.remove(plan, "asn-x") == []  # already gone: fine


def test_remove_kills_what_is_still_inside_then_retries(hybrid, monkeypatch):
    plan = cgroups.plan_for(UNIX, mounts=hybrid)
    memory = plan.dirs("asn-x")[0]
    tree(memory, {"cgroup.procs": "4242\n"})
    busy = {"left": 2}
    real_rmdir = Path.rmdir

    def rmdir(self):
        if self == memory and busy["left"]:
            busy["left"] -= 1
            raise OSError(errno.EBUSY, "busy")
        (self / "cgroup.procs").unlink(missing_ok=True)
        real_rmdir(self)

    killed = []
    monkeypatch.setattr(Path, "rmdir", rmdir)
    monkeypatch.setattr(cgroups.os, "kill", lambda pid, sig: killed.append((pid, sig)))
    assert cgroups.remove(plan, "asn-x") == []
    assert killed == [(4242, cgroups.signal.SIGKILL)] * 2 and not memory.exists()


def test_remove_gives_up_on_a_busy_cgroup_and_says_which(hybrid, monkeypatch):
    plan = cgroups.plan_for(UNIX, mounts=hybrid)
    for d in plan.dirs("asn-x"):
        d.mkdir(parents=True)

    def busy(self):
        raise OSError(errno.EBUSY, "busy")

    monkeypatch.setattr(Path, "rmdir", busy)
    assert cgroups.remove(plan, "asn-x", wait=0.1) == plan.dirs("asn-x")


# -- the plan as configuration, the announcement ----------------------------------------

def test_plan_travels_through_the_config(hybrid):
    plan = cgroups.plan_for(dict(UNIX, cpu_max_cores=0.5), mounts=hybrid)
    assert cgroups.Plan.from_config(plan.as_config()) == plan
    assert not cgroups.Plan.from_config({}).active


def test_describe_names_the_mechanism_and_each_limit(hybrid):
    plan = cgroups.plan_for(dict(UNIX, cpu_max_cores=1.5), mounts=hybrid)
    assert plan.describe() == ("cgroup v1 (memori total 4096 MB, bobot CPU 100 (relatif, "
                               "bawaan 100), CPU paling banyak 1.5 inti, proses 256)")
    unlimited = cgroups.plan_for(dict(UNIX, memory_total_mb=0, max_processes=0), mounts=hybrid)
    assert "memori total tanpa batas" in unlimited.describe()
    assert "proses tanpa batas" in unlimited.describe()


def test_start_announcement_says_cgroup_rlimits_and_disk(hybrid, capsys):
    plan = cgroups.plan_for(UNIX, mounts=hybrid)
    limits = spawner.spawner_limits(UNIX, cgroup=plan)
    assert limits == {"RLIMIT_DATA": 2048 * MB, "RLIMIT_NPROC": 256, "RLIMIT_FSIZE": 1024 * MB}
    said = capsys.readouterr().err
    assert said.startswith("Batas sumber daya server peserta: cgroup v1 (memori total 4096 MB, "
                           "bobot CPU 100 (relatif, bawaan 100), proses 256) + rlimit (")
    assert "proses per peserta 256" in said
    assert "kuota disk per peserta: " in said


def test_home_quota_is_read_from_the_mount_holding_the_homes():
    table = cgroups.read_mounts("/dev/sda1 / ext4 rw,relatime 0 0\n"
                                "/dev/sdb1 /home ext4 rw,usrjquota=aquota.user,jqfmt=vfsv1 0 0\n"
                                "/dev/sdc1 /homework xfs rw,uquota 0 0\n")
    assert spawner.home_quota("/home", table) == "usrjquota=aquota.user"
    assert spawner.home_quota("/home/asn-x", table) == "usrjquota=aquota.user"
    assert spawner.home_quota("/srv/homes", table) is None
    assert spawner.home_quota("/homework/a", table) == "uquota"


# -- settings and hub configuration -----------------------------------------------------

def test_settings_defaults_and_bounds(tmp_path):
    assert {k: UNIX[k] for k in ("memory_total_mb", "cpu_weight", "cpu_max_cores", "cgroups")} \
        == {"memory_total_mb": 4096, "cpu_weight": 100, "cpu_max_cores": 0, "cgroups": "auto"}
    f = tmp_path / "settings.yaml"
    f.write_text("unix:\n  cpu_max_cores: 2\n  cgroups: 'off'\n")
    assert s.load(f)["unix"]["cpu_max_cores"] == 2
    for text, key in [("cpu_weight: 0", "unix.cpu_weight"), ("cpu_weight: 10001", "unix.cpu_weight"),
                      ("memory_total_mb: -1", "unix.memory_total_mb"),
                      ("cgroups: v3", "unix.cgroups"), ("cpu_max_cores: -0.5", "unix.cpu_max_cores")]:
        f.write_text(f"unix:\n  {text}\n")
        with pytest.raises(s.SettingsError, match=key.replace(".", r"\.")):
            s.load(f)


def build(overrides: dict) -> Config:
    c = Config()
    configure.update_spawner(c, s.resolve(s.deep_merge(s.DEFAULTS, overrides)))
    return c


def test_configured_spawner_gets_the_plan_found_at_start(hybrid, monkeypatch, capsys):
    monkeypatch.setattr(cgroups, "read_mounts", lambda text=None: hybrid)
    c = build({"unix": {"memory_total_mb": 1024}})
    plan = cgroups.Plan.from_config(c.RosterSpawner.cgroup)
    assert plan.hierarchy.version == "v1" and plan.limits.memory_mb == 1024
    assert "cgroup v1 (memori total 1024 MB" in capsys.readouterr().err
    off = cgroups.Plan.from_config(build({"unix": {"cgroups": "off"}}).RosterSpawner.cgroup)
    assert not off.active
    assert "cgroup" not in build({"hub": {"dev_mode": True}}).RosterSpawner


def test_configured_version_missing_stops_the_hub(hybrid, monkeypatch):
    monkeypatch.setattr(cgroups, "read_mounts", lambda text=None: hybrid)
    with pytest.raises(cgroups.CgroupsUnavailable, match="unix.cgroups: 'v2'"):
        build({"unix": {"cgroups": "v2"}})


# -- the spawner's use of it ------------------------------------------------------------

class Learner(spawner.RosterSpawner):
    """RosterSpawner with a fixed Unix name (how names are made is not under test here)."""

    @property
    def system_user(self) -> str:
        return "asn-x"

    def unix_name(self, username: str) -> str:
        return "asn-x"


def test_spawner_child_joins_the_cgroup_and_the_stop_removes_it(hybrid, monkeypatch):
    plan = cgroups.plan_for(UNIX, mounts=hybrid)
    dirs = cgroups.create(plan, "asn-x")  # what start() does before the spawn
    for d in dirs:
        (d / "cgroup.procs").touch()  # the kernel makes it in a real cgroup
    learner = Learner(cgroup=plan.as_config(), limits={})
    monkeypatch.setattr(spawner, "set_user_setuid", lambda name: (lambda: None))
    learner.make_preexec_fn("x")()  # in this process: join, no rlimit, no user switch
    assert all((d / "cgroup.procs").read_text() == str(os.getpid()) for d in dirs)
    for d in dirs:  # a real cgroup's files go with rmdir; fake ones must go first
        for f in d.iterdir():
            f.unlink()

    async def no_processes(self, why):
        return None

    monkeypatch.setattr(Learner, "_end_user_processes", no_processes)
    monkeypatch.setattr(spawner.os, "geteuid", lambda: 0)
    asyncio.run(learner.run_post_stop_hook())
    assert not any(d.exists() for d in dirs)
