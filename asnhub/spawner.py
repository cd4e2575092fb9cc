"""Single-user servers as the learner's own Unix user (or, in dev mode, as the operator)."""

from __future__ import annotations

import os
import pwd

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner, set_user_setuid
from traitlets import Unicode

from .unixusers import unix_name


class RosterSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that runs ``<prefix><hub name>`` instead of the hub name."""

    user_prefix = Unicode("asn-", config=True, help="Prefix of learners' Unix names.")

    @property
    def system_user(self) -> str:
        return unix_name(self.user.name, self.user_prefix)

    def make_preexec_fn(self, name):
        return set_user_setuid(unix_name(name, self.user_prefix))

    def user_env(self, env):
        entry = pwd.getpwnam(self.system_user)
        env["USER"] = self.system_user
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell or "/bin/bash"
        return env


class DevSpawner(SimpleLocalProcessSpawner):
    """Development mode only: every server runs as the operator, homes under the data dir."""

    def make_preexec_fn(self, name):
        os.makedirs(self.home_dir, 0o700, exist_ok=True)
        return super().make_preexec_fn(name)
