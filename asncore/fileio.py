"""One way to write a file so that readers never see half of it.

A temporary file in the same directory, then ``os.replace``: on success the new content
replaces the old in one step; on any error the temporary file is removed and the old
file stays as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | os.PathLike, mode: int = 0o644, uid: int | None = None,
                gid: int | None = None, durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` for the caller to write; on success it
    gets ``mode`` (and owner, when given) and replaces ``path``; on error it is removed.
    ``durable``: flush it to disk first, so a power cut cannot leave an empty file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        if durable:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if uid is not None or gid is not None:
            os.chown(tmp, -1 if uid is None else uid, -1 if gid is None else gid)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: str | os.PathLike, data: str | bytes, mode: int = 0o644,
                 uid: int | None = None, gid: int | None = None, durable: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; return the path."""
    with atomic_path(path, mode, uid, gid, durable) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
    return Path(path)
