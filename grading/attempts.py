"""Keep every submitted attempt (stock ``collect`` keeps only the latest) and choose which counts.

Attempts are copied from the exchange's inbound folder into
``<course>/attempts/<student>/<assignment>/<timestamp>/`` before collecting; they are
never deleted. ``counts="first"`` replaces the collected (latest) submission with the
student's first attempt; ``"latest"`` is nbgrader's behaviour.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import safecopy

log = logging.getLogger(__name__)

COUNTS = ("latest", "first")


@dataclass(frozen=True)
class Attempt:
    student: str
    assignment: str
    timestamp: str
    path: Path


def inbound_attempts(inbound: Path, assignment: str) -> list[Attempt]:
    found = []
    for path in inbound.glob(f"*+{assignment}+*"):
        parts = path.name.rsplit("+", 3)
        if len(parts) < 3 or parts[1] != assignment:
            continue
        found.append(Attempt(parts[0], assignment, parts[2], path))
    return sorted(found, key=lambda a: (a.student, a.timestamp))


def _safe_name(timestamp: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in timestamp)


def _default_copy(src: Path, dest: Path) -> None:
    safecopy.copy_tree(str(src), str(dest))


def archive(
    course_dir: Path, inbound: Path, assignment: str,
    allowed: Callable[[Attempt], bool] = lambda attempt: True,
    copy: Callable[[Path, Path], None] = _default_copy,
    refused: list | None = None,
) -> int:
    """Copy attempts not yet archived (only those ``allowed``); return how many were new.

    Copies never follow links (`grading.safecopy`); an attempt that cannot be copied safely
    is skipped with an error in the log (and ``(attempt, reason)`` appended to ``refused``),
    never stopping the others."""
    new = 0
    for attempt in inbound_attempts(inbound, assignment):
        if not allowed(attempt):
            continue
        target = course_dir / "attempts" / attempt.student / assignment / _safe_name(attempt.timestamp)
        if target.exists():
            continue
        tmp = target.with_name(target.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        try:
            copy(attempt.path, tmp)
        except (safecopy.UnsafeSubmission, OSError) as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            log.error("percobaan %s ditolak/tidak disimpan (attempt refused): %s", attempt.path, exc)
            if refused is not None:
                refused.append((attempt, str(exc)))
            continue
        tmp.rename(target)
        new += 1
    return new


def apply_counting_rule(course_dir: Path, assignment: str, counts: str) -> list[str]:
    """Make ``submitted/<student>/<assignment>`` the attempt that counts; return students changed."""
    if counts not in COUNTS:
        raise ValueError(f"counts must be one of {COUNTS}")
    if counts == "latest":
        return []
    changed = []
    for student_dir in sorted((course_dir / "attempts").glob(f"*/{assignment}")):
        student = student_dir.parent.name
        attempts = sorted(p for p in student_dir.iterdir() if not p.name.endswith(".partial"))
        if not attempts:
            continue
        chosen = attempts[0]
        submitted = course_dir / "submitted" / student / assignment
        stamp = (chosen / "timestamp.txt")
        current = (submitted / "timestamp.txt")
        if current.exists() and stamp.exists() and current.read_text() == stamp.read_text():
            continue
        tmp = submitted.with_name(submitted.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        safecopy.copy_tree(str(chosen), str(tmp))
        shutil.rmtree(submitted, ignore_errors=True)
        tmp.rename(submitted)
        changed.append(student)
    return changed
