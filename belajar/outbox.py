"""A private JSON-lines file of events waiting to be delivered.

Several kernels of the same learner may write at once, so every access holds an
exclusive ``flock`` on a sibling ``.lock`` file. Removal rewrites the file atomically
(temporary file in the same directory, then ``os.replace``). The directory is created
0700 and the files 0600: the outbox holds the learner's scores.
"""

import contextlib
import json
import logging
import os
from pathlib import Path

from asncore.fileio import atomic_write

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX; single-kernel use only
    fcntl = None

log = logging.getLogger(__name__)


class Outbox:
    def __init__(self, path):
        self.path = Path(path).expanduser()
        self._lock_path = self.path.with_name(self.path.name + ".lock")

    def append(self, event: dict) -> None:
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._locked():
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)

    def read(self) -> list[dict]:
        with self._locked():
            return self._read_unlocked()

    def remove(self, event_ids) -> None:
        """Drop the events with these ids; events appended meanwhile are kept."""
        event_ids = set(event_ids)
        with self._locked():
            keep = [e for e in self._read_unlocked() if e.get("event_id") not in event_ids]
            self._rewrite_unlocked(keep)

    def _read_unlocked(self) -> list[dict]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        events = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s:%d: unreadable outbox line skipped", self.path, number)
                continue
            if isinstance(event, dict):
                events.append(event)
        return events

    def _rewrite_unlocked(self, events) -> None:
        lines = "".join(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
                        for event in events)
        atomic_write(self.path, lines, mode=0o600, durable=True)

    def _ensure_dir(self) -> None:
        directory = self.path.parent
        if not directory.is_dir():
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(directory, 0o700)

    @contextlib.contextmanager
    def _locked(self):
        self._ensure_dir()
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock
