"""Jobs of the trainer page: a grading run that starts at once and is polled.

One job per course at a time: the course's lock (the one the synchronous ``autograde`` /
``sync`` endpoints take) is held while a job runs, and a second start while one runs is
refused with what is running. A job runs ``python -m grading`` commands one after the
other, as root (the sandboxed autograde and the sync, which need it) or as the course's
grader (every other nbgrader command: :class:`Grader`), and keeps their output lines as
its progress. Jobs live in memory: a restart forgets them (what they did is in the
course's files, the gradebook and the platform database).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import pwd
import secrets
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from reports.render import timestamp_text

ACTIONS = {  # URL name -> button label (Bahasa Indonesia)
    "rilis": "Rilis",
    "kumpulkan": "Kumpulkan",
    "nilai-otomatis": "Nilai otomatis",
    "sinkronkan": "Sinkronkan ke SDM",
    "umpan-balik": "Umpan balik",
}
STATE_TEXT = {"running": "sedang berjalan", "done": "selesai", "failed": "gagal"}
MAX_LINES = 300  # progress lines kept per job (the last ones)


@dataclass
class Job:
    course: str
    assignment: str
    action: str
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    state: str = "running"
    progress: list[str] = field(default_factory=list)
    result: str = ""
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    finished: dt.datetime | None = None

    @property
    def label(self) -> str:
        return f"{ACTIONS[self.action]} {self.assignment}"

    def add_output(self, text: str) -> None:
        """Output lines as progress; a progress bar redrawn with ``\\r`` replaces its line."""
        for line in text.splitlines():
            line = line.split("\r")[-1].rstrip()
            if not line:
                continue
            bar = line.split("[", 1)[0]
            if "[" in line and self.progress and self.progress[-1].startswith(bar) and "/" in line:
                self.progress[-1] = line
            else:
                self.progress.append(line)
        del self.progress[:-MAX_LINES]

    def to_dict(self) -> dict:
        return {
            "id": self.id, "course": self.course, "assignment": self.assignment,
            "action": self.action, "label": self.label, "state": self.state,
            "state_text": STATE_TEXT[self.state], "progress": list(self.progress),
            "result": self.result,
            "started": self.started.isoformat(), "started_text": timestamp_text(self.started),
            "finished": self.finished.isoformat() if self.finished else None,
        }


class Busy(Exception):
    """A job (or a synchronous run) of the course is running: ``str()`` says which."""


class Jobs:
    """Every job of this service's life; at most one running per course."""

    def __init__(self):
        self.by_id: dict[str, Job] = {}
        self.latest: dict[str, Job] = {}  # course -> its newest job
        self._tasks: set[asyncio.Task] = set()

    def running(self, course: str) -> Job | None:
        job = self.latest.get(course)
        return job if job and job.state == "running" else None

    def start(self, course: str, assignment: str, action: str, lock: asyncio.Lock,
              work: Callable[[Job], Awaitable[str]]) -> Job:
        """Start ``work(job)`` (returns the result text; raises :class:`JobFailed`) under
        the course's ``lock``; :class:`Busy` when the course is already at work."""
        current = self.running(course)
        if current is not None:
            raise Busy(f"Sedang berjalan: {current.label} (dimulai {timestamp_text(current.started)}). "
                       "Tunggu sampai selesai, lalu coba lagi.")
        if lock.locked():
            raise Busy("Sedang berjalan: penilaian lain untuk kursus ini. Tunggu sampai selesai, "
                       "lalu coba lagi.")
        job = Job(course, assignment, action)
        self.by_id[job.id] = job
        self.latest[course] = job
        task = asyncio.get_running_loop().create_task(self._run(job, lock, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, job: Job, lock: asyncio.Lock, work) -> None:
        try:
            async with lock:
                job.result = await work(job)
                job.state = "done"
        except JobFailed as exc:
            job.result, job.state = str(exc), "failed"
        except Exception as exc:  # noqa: BLE001 - a job never dies silently
            job.result, job.state = f"Gagal karena kesalahan di server: {exc}", "failed"
        finally:
            job.finished = dt.datetime.now(dt.timezone.utc)


class JobFailed(Exception):
    """A step failed: the message (Bahasa Indonesia) is the job's result."""


@dataclass(frozen=True)
class Grader:
    """The course's grader account and the environment its formgrader runs with
    (``asnhub.assessments.formgrader_services``)."""

    user: str
    home: str
    jupyter_config_path: str = ""

    def process_options(self, course_dir: str) -> dict:
        """``asyncio.create_subprocess_exec`` options: the grader's uid, gid and groups, a
        clean environment, the course folder as working directory. Never root."""
        entry = pwd.getpwnam(self.user)
        if entry.pw_uid == 0:
            raise JobFailed(f"akun penilai {self.user} adalah root: perintah tidak dijalankan")
        env = {
            "HOME": self.home,
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "USER": self.user, "LOGNAME": self.user,
            # the code this service runs (its checkout when readable, else the installed copy)
            "PYTHONPATH": os.environ.get("ASN_ROOT") or os.getcwd(),
        }
        if self.jupyter_config_path:
            env["JUPYTER_CONFIG_PATH"] = self.jupyter_config_path
        return {"user": entry.pw_uid, "group": entry.pw_gid,
                "extra_groups": os.getgrouplist(self.user, entry.pw_gid),
                "env": env, "cwd": course_dir}


async def run_grading(job: Job, args: list[str], *, grader: Grader | None, course_dir: str,
                      root_cwd: str) -> tuple[int, str]:
    """``python -m grading ARGS`` (as ``grader`` when given, else as this service), its
    output streamed into the job's progress; (exit code, the whole output)."""
    if grader is not None:
        options = grader.process_options(course_dir)
        argv = [sys.executable, "-P", "-m", "grading", *args]
    else:
        options = {"cwd": root_cwd}
        argv = [sys.executable, "-m", "grading", *args]
    proc = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        stdin=asyncio.subprocess.DEVNULL, **options)
    chunks, pending = [], ""
    while True:
        data = await proc.stdout.read(4096)
        if not data:
            break
        text = data.decode(errors="replace")
        chunks.append(text)
        pending += text
        cut = max(pending.rfind("\n"), pending.rfind("\r"))
        if cut >= 0:  # whole lines only: a line split across reads stays one line
            job.add_output(pending[:cut + 1])
            pending = pending[cut + 1:]
    job.add_output(pending)
    return await proc.wait(), "".join(chunks)
