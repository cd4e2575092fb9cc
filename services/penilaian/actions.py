"""The five buttons of the trainer page as job steps (see :mod:`.jobs`).

==============  ================================================  ===================
button          ``python -m grading`` commands                    runs as
==============  ================================================  ===================
Rilis           ``rilis`` (mapping checked, generate, release)    the course's grader
Kumpulkan       ``collect`` (HardenedCollect from the course)     the course's grader
Nilai otomatis  ``autograde`` (sandboxed), then ``sync``          root (drops to the sandbox)
Sinkronkan      ``sync``                                          root (platform database)
Umpan balik     ``feedback`` (generate, no hidden tests, release) the course's grader
==============  ================================================  ===================

``rilis`` gets the dictionary's competency codes from this service: the grader cannot
read the platform database. Each step's result is a sentence in Bahasa Indonesia made
from what the course's folders show afterwards.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from asncore.competencies import known_codes

from .coursestate import assignment_state, synced_counts
from .jobs import Grader, Job, JobFailed, run_grading


@dataclass(frozen=True)
class Course:
    """Everything a job needs to know about its course."""

    id: str
    dir: str
    exchange: str  # <exchange>/<course>
    grader: Grader | None
    sandbox_user: str
    workers: int
    platform_url: str
    root_cwd: str
    sessions: object = None  # platform DB sessions (for the summaries), or None


def _tail(output: str, lines: int = 12) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])


async def _as_grader(job: Job, course: Course, args: list[str], what: str,
                     ok=(0,)) -> tuple[int, str]:
    if course.grader is None:
        raise JobFailed(f"{what} gagal: akun penilai kursus {course.id} tidak dikenal")
    code, out = await run_grading(job, args, grader=course.grader, course_dir=course.dir,
                                  root_cwd=course.root_cwd)
    if code not in ok:
        raise JobFailed(f"{what} gagal (kode {code}):\n{_tail(out)}")
    return code, out


async def _as_root(job: Job, course: Course, args: list[str], what: str,
                   ok=(0,)) -> tuple[int, str]:
    code, out = await run_grading(job, args, grader=None, course_dir=course.dir,
                                  root_cwd=course.root_cwd)
    if code not in ok:
        raise JobFailed(f"{what} gagal (kode {code}):\n{_tail(out)}")
    return code, out


async def _state(course: Course, assignment: str):
    def read():
        synced = synced_counts(course.sessions, course.id).get(assignment, 0)
        return assignment_state(course.dir, course.exchange, assignment, synced)

    return await asyncio.get_running_loop().run_in_executor(None, read)


def _sync_args(course: Course, assignment: str) -> list[str]:
    return ["sync", assignment, "--course-dir", course.dir, "--platform-url", course.platform_url]


async def release(job: Job, course: Course) -> str:
    codes = await asyncio.get_running_loop().run_in_executor(None, known_codes, course.platform_url)
    job.add_output("Memeriksa pemetaan kompetensi dan membuat versi peserta (tanpa kunci jawaban)…")
    await _as_grader(job, course, ["rilis", job.assignment, "--course-dir", course.dir,
                                   "--kode", ",".join(sorted(codes))], "Rilis")
    state = await _state(course, job.assignment)
    if not state.released:
        raise JobFailed(f"Rilis gagal: {job.assignment} tidak ada di folder pertukaran")
    return f"{state.title} dirilis: peserta kini dapat mengambilnya."


async def collect(job: Job, course: Course) -> str:
    code, out = await _as_grader(job, course, ["collect", job.assignment, "--course-dir", course.dir],
                                 "Kumpulkan", ok=(0, 1))
    state = await _state(course, job.assignment)
    text = f"{state.collected} kiriman terkumpul."
    if code == 1:
        text += " Sebagian kiriman ditolak (bukan milik peserta yang namanya tertera, atau tidak aman): lihat rincian."
    return text


async def autograde(job: Job, course: Course) -> str:
    code, _ = await _as_root(job, course, [
        "autograde", job.assignment, "--course-dir", course.dir,
        "--sandbox-user", course.sandbox_user, "--workers", str(course.workers)],
        "Nilai otomatis", ok=(0, 1))
    job.add_output("Mengirim nilai ke basis data kompetensi (SDM)…")
    synced = await run_grading(job, _sync_args(course, job.assignment), grader=None,
                               course_dir=course.dir, root_cwd=course.root_cwd)
    state = await _state(course, job.assignment)
    text = (f"{state.graded} kiriman dinilai otomatis: {state.manual} menunggu penilaian manual, "
            f"{state.flagged} ditandai.")
    if synced[0] == 0:
        text += f" Nilai {state.synced} peserta tersinkron ke SDM."
    else:
        text += f" Sinkronisasi ke SDM gagal:\n{_tail(synced[1])}"
    return text


async def sync(job: Job, course: Course) -> str:
    await _as_root(job, course, _sync_args(course, job.assignment), "Sinkronkan ke SDM")
    state = await _state(course, job.assignment)
    return f"Nilai {state.synced} peserta tersinkron ke SDM."


async def feedback(job: Job, course: Course) -> str:
    await _as_grader(job, course, ["feedback", job.assignment, "--course-dir", course.dir],
                     "Umpan balik")
    state = await _state(course, job.assignment)
    return f"Umpan balik dirilis untuk {state.feedback} peserta (tanpa tes tersembunyi)."


STEPS = {"rilis": release, "kumpulkan": collect, "nilai-otomatis": autograde,
         "sinkronkan": sync, "umpan-balik": feedback}


def exchange_of(exchange_dir: str | None, course: str) -> str:
    return str(Path(exchange_dir or "/nonexistent") / course)
