"""Issue 10 §7: the learners' server limits come from the settings and are announced at
start (the hub-level proof is tests/security/test_servers_limits.py)."""

from __future__ import annotations

import resource

from traitlets.config import Config

from asncore import settings as settings_mod
from asnhub import configure
from asnhub.spawner import spawner_limits


def test_default_limits_are_set_for_isolated_servers(capsys):
    cfg = settings_mod.resolve(settings_mod.deep_merge(settings_mod.DEFAULTS, {}))
    c = Config()
    configure.update_spawner(c, cfg)
    assert c.RosterSpawner.limits == {
        "RLIMIT_DATA": 2048 * 2**20, "RLIMIT_NPROC": 256, "RLIMIT_FSIZE": 1024 * 2**20,
    }
    said = capsys.readouterr().err
    assert "Batas sumber daya server peserta" in said and "proses per peserta 256" in said
    assert all(hasattr(resource, name) for name in c.RosterSpawner.limits)


def test_zero_means_no_limit_and_is_said(capsys):
    limits = spawner_limits({"max_memory_mb": 0, "max_processes": 100, "max_file_mb": 0})
    assert limits == {"RLIMIT_NPROC": 100}
    said = capsys.readouterr().err
    assert "tanpa batas: memori tulis per proses (MB), ukuran berkas (MB)" in said
