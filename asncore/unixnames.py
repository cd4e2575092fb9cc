"""Hub user name -> Unix user name: the one mapping, keyed and opaque.

People log in with their NIP, and a NIP is a birth date, an appointment date, a gender
digit and a sequence number. Unix names are world-readable (``/etc/passwd``, the
listing of ``/home``, ``ps``), so the name must not carry it: it is
``<prefix>`` + 12 base32 characters of HMAC-SHA256(platform key, hub name).

Keyed, not a plain hash: NIPs are few enough (dates x sequence numbers) for anyone to
hash them all and read the table back. The key is 32 random bytes in
``<data_dir>/unix-names.key`` (root, 0600), made by ``asn-ambon init``; it is part of
the platform's state: losing it renames nobody but orphans every learner's home (back
it up with the databases).

Accounts made by releases before this one were named ``<prefix><hub name>``
(:func:`legacy_name`); ``asnhub.unixusers.adopt_legacy`` renames them at the next
roster import (``asn-ambon start`` runs one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable
from pathlib import Path

KEY_FILE = "unix-names.key"
KEY_BYTES = 32
NAME_CHARS = 12  # 60 bits: no collision among a city's staff, 22 characters at most


def key_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / KEY_FILE


def ensure_key(data_dir: str | Path) -> Path:
    """Create the key if it is missing (never replaced: names depend on it)."""
    path = key_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(fd, "wb") as f:
        f.write(os.urandom(KEY_BYTES))
        f.flush()
        os.fsync(f.fileno())
    return path


def read_key(path: str | Path) -> bytes:
    key = Path(path).read_bytes()
    if len(key) < KEY_BYTES:
        raise ValueError(
            f"{path}: kunci nama akun Unix rusak (the Unix-name key is shorter than "
            f"{KEY_BYTES} bytes); restore it from the backup of the data directory"
        )
    return key


def unix_name(username: str, prefix: str, key: bytes) -> str:
    """The Unix name of the hub user ``username``."""
    digest = hmac.new(key, username.encode("utf-8"), hashlib.sha256).digest()
    return prefix + base64.b32encode(digest).decode("ascii").lower()[:NAME_CHARS]


def legacy_name(username: str, prefix: str) -> str:
    """The name releases before the keyed mapping gave ``username`` (kept to rename)."""
    return f"{prefix}{username}"


def namer(settings: dict) -> Callable[[str], str]:
    """hub name -> Unix name for this platform (settings as :func:`asncore.settings.load`
    returns them); the key is created on first use."""
    key = read_key(ensure_key(settings["data_dir"]))
    prefix = settings["unix"]["user_prefix"]
    return lambda username: unix_name(username, prefix, key)
