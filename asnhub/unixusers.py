"""Hub user names -> Unix accounts, in one place.

People log in with their NIP (all digits). Debian's ``adduser`` refuses all-digit
names and tools such as ``chown`` read them as numeric UIDs, so every hub user maps
to ``<prefix><username>`` (default ``asn-199001012015031001``). Everything that needs
the system name (spawner, roster import, tests) calls :func:`unix_name`.
"""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

HOME_MODE = 0o700


def unix_name(username: str, prefix: str) -> str:
    return f"{prefix}{username}"


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def ensure_user(name: str, home_base: str) -> bool:
    """Create the Unix user ``name`` with a private home; True if it was created.

    Re-running is safe: an existing user keeps its files, only the home mode is
    (re)tightened to 0700 so no other learner can read it.
    """
    created = False
    if not exists(name):
        home = Path(home_base) / name
        subprocess.run(
            ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
             "--user-group", name],
            check=True,
            capture_output=True,
            text=True,
        )
        created = True
    entry = pwd.getpwnam(name)
    home = Path(entry.pw_dir)
    if not home.exists():
        home.mkdir(parents=True, mode=HOME_MODE)
        os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, HOME_MODE)
    return created


def require_root(purpose: str) -> None:
    if os.geteuid() != 0:
        raise PermissionError(
            f"{purpose} membutuhkan root (needs root): learners run as their own Unix "
            "users. Run as root, or choose development mode without isolation "
            "explicitly (hub.dev_mode: true in settings.yaml)."
        )
