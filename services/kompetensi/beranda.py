"""What Beranda (the learner's home, issue 13) shows beyond the progress summary: where
"Lanjutkan" leads, the learner's assessments with their state, and the staff's links.

Lessons live in the learner's own server: ``belajar.distribute`` copies
``courses/<module>/<notebook>`` to ``~/modul/<module>/<notebook>``, and the server opens
in the home folder. "Lanjutkan" opens a lesson as an app (Voilà, issue 13):
``<base_url>user/<name>/voila/render/modul/<module>/<notebook>``; the same notebook in
JupyterLab is ``<base_url>user/<name>/lab/tree/modul/<module>/<notebook>``.
The link goes through the hub's ``spawn?next=...``: a running server is opened at once,
a stopped one is started first and then opened (Beranda itself starts no server).

An assessment is listed once its trainer released it (``<exchange>/<course>/outbound/<a>``)
or scores of it were synced. Its state rests only on facts the platform sees, read as root
without a subprocess: the learner's own submissions in the inbound folder (by folder name),
item scores synced from the course's gradebook, feedback generated in the course folder.
Fetching, submitting and reading feedback happen on the learner's own server, on the pages
of ``belajar.tugas`` (``/user/<name>/belajar/tugas/<course>/<assignment>``): Beranda links
there through the hub's spawn.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from asncore.assignments import assignment_key, assignment_title
from asncore.db import ItemScore
from asnhub.assessments import GRADING_SERVICE, course_dir
from reports.render import timestamp_text

from .catalogue import Module

LEARNER_COURSE_GROUP = "nbgrader-"  # asnhub.auth: a learner of <course> is in nbgrader-<course>
TRAINER_COURSE_GROUP = "formgrade-"  # a trainer of <course>; the formgrader service is <course>
NOT_STARTED, SUBMITTED = "belum dikerjakan", "terkirim"
GRADED, WAITING = "dinilai", "menunggu penilaian pelatih"
FEEDBACK_READY = "umpan balik tersedia"
# nbgrader's default Exchange.timestamp_format with Exchange.timezone "UTC"
SUBMISSION_STAMP = "%Y-%m-%d %H:%M:%S.%f UTC"


def hub_base_url(hub_prefix: str) -> str:
    """The hub's ``base_url`` from its ``hub_prefix`` (``<base_url>hub/``)."""
    base = hub_prefix[: -len("hub/")] if hub_prefix.endswith("hub/") else "/"
    return base if base.endswith("/") else base + "/"


def lab_url(base_url: str, username: str) -> str:
    """JupyterLab on the learner's server (its Assignments panel fetches and submits)."""
    return f"{base_url}user/{quote(username, safe='')}/lab"


def _lesson_path(module_id: str, notebook: str) -> str:
    return f"modul/{quote(module_id, safe='')}/{quote(notebook, safe='')}"


def lesson_url(base_url: str, username: str, module_id: str, notebook: str) -> str:
    """The lesson as an app (Voilà, in the learner's own server): no code, no key press;
    its top bar links back to Beranda and to the same notebook in JupyterLab."""
    return f"{base_url}user/{quote(username, safe='')}/voila/render/{_lesson_path(module_id, notebook)}"


def lesson_lab_url(base_url: str, username: str, module_id: str, notebook: str) -> str:
    """The same lesson as a notebook in JupyterLab."""
    return f"{lab_url(base_url, username)}/tree/{_lesson_path(module_id, notebook)}"


def module_lab_url(hub_url: str, username: str, module_id: str) -> str:
    """A module's folder in JupyterLab (the card's "Buka di JupyterLab"), through the hub's
    spawn; ``hub_url`` is ``<base_url>hub/`` as Beranda's template has it."""
    base_url = hub_base_url(hub_url)
    return open_via_spawn(base_url, f"{lab_url(base_url, username)}/tree/modul/"
                                    f"{quote(module_id, safe='')}")


def open_via_spawn(base_url: str, target: str) -> str:
    """``target`` on the learner's server, started first by the hub when it is stopped."""
    return f"{base_url}hub/spawn?next={quote(target, safe='')}"


def next_lesson(module: Module, lessons_done) -> tuple[int, str, str] | None:
    """(index, notebook, title) of the first lesson not done; the first lesson again when
    all are done; None when the catalogue lacks the notebook names."""
    if not module.lesson_notebooks:
        return None
    done = set(lessons_done)
    index = next((i for i, lesson in enumerate(module.lessons) if lesson not in done), 0)
    titles = module.lesson_titles or module.lessons
    return index, module.lesson_notebooks[index], titles[index]


# what a card's own lines already say (the exercise count, the minutes): the full notes,
# with every exercise id, stay on the profile page
_SAID_ON_CARD = ("latihan belum dijawab", "waktu belajar belum cukup")


def card_notes(summary: dict) -> list[str]:
    """What still stands before the module's JP, short enough for a card."""
    if summary["jp_credited"]:
        return []
    return [note for note in summary["missing"] if not note.startswith(_SAID_ON_CARD)]


def module_cards(progress: dict, catalogue: dict[str, Module], base_url: str,
                 username: str) -> list[dict]:
    """One card per module of the progress summary, with where "Lanjutkan" leads."""
    cards = []
    for summary in progress["modules"]:
        module = catalogue.get(summary["id"])
        following = next_lesson(module, summary["lessons_done"]) if module else None
        card = {**summary, "next": None, "notes": card_notes(summary)}
        if following:
            index, notebook, title = following
            card["next"] = {
                "number": index + 1,
                "title": title,
                "url": open_via_spawn(base_url, lesson_url(base_url, username, module.id,
                                                           notebook)),
            }
        cards.append(card)
    return cards


def courses_in(groups, prefix: str) -> list[str]:
    return sorted(g[len(prefix):] for g in groups or ()
                  if g.startswith(prefix) and len(g) > len(prefix))


def _is_plain_name(name: str) -> bool:
    """A single path component nbgrader could have made (no separator, not . or ..)."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")


def released_assignments(exchange_dir: str | Path | None, course: str) -> list[str]:
    """The assignments the course's trainer released: ``<exchange>/<course>/outbound/<a>``."""
    if not exchange_dir or not _is_plain_name(course):
        return []
    outbound = Path(exchange_dir) / course / "outbound"
    try:
        return sorted(e.name for e in os.scandir(outbound)
                      if e.is_dir(follow_symlinks=False) and not e.name.startswith("."))
    except OSError:
        return []


def submission_time(stamp: str) -> dt.datetime | None:
    """nbgrader's submission timestamp (``2026-03-01 02:30:00.000000 UTC``) as naive UTC."""
    try:
        return dt.datetime.strptime(stamp, SUBMISSION_STAMP)
    except ValueError:
        return None


def my_submissions(exchange_dir: str | Path | None, course: str,
                   student: str) -> dict[str, dt.datetime]:
    """{assignment: time of the last submission} of ``student`` (the hub name) in the
    course's inbound folder, from the folder names ``<student>+<assignment>+<time>+<random>``
    alone (one listing, nothing opened). Only names whose first field IS the student count:
    another learner's submissions never show."""
    if not exchange_dir or not _is_plain_name(course) or not student or "+" in student:
        return {}
    mine = f"{student}+"
    latest: dict[str, dt.datetime] = {}
    try:
        entries = list(os.scandir(Path(exchange_dir) / course / "inbound"))
    except OSError:
        return {}
    for entry in entries:
        if not entry.name.startswith(mine):
            continue
        fields = entry.name.split("+")
        if len(fields) not in (3, 4) or fields[0] != student:
            continue
        moment = submission_time(fields[2])
        if moment is None or not entry.is_dir(follow_symlinks=False):
            continue
        if fields[1] not in latest or moment > latest[fields[1]]:
            latest[fields[1]] = moment
    return latest


def feedback_ready(course_path: Path | None, student: str, assignment: str) -> bool:
    """The trainer generated feedback: ``<course dir>/feedback/<student>/<assignment>/*.html``."""
    if course_path is None or not (_is_plain_name(student) and _is_plain_name(assignment)):
        return False
    folder = course_path / "feedback" / student / assignment
    try:
        return any(e.name.endswith(".html") and e.is_file(follow_symlinks=False)
                   for e in os.scandir(folder))
    except OSError:
        return False


def task_url(base_url: str, username: str, course: str, assignment: str) -> str:
    """The assignment's page on the learner's own server (``belajar.tugas``)."""
    return (f"{base_url}user/{quote(username, safe='')}/belajar/tugas/"
            f"{quote(course, safe='')}/{quote(assignment, safe='')}")


def _course_path(settings: dict | None, course: str) -> Path | None:
    if not settings or not _is_plain_name(course):
        return None
    return course_dir(settings, course)


def _synced_scores(db: Session, username: str, courses: list[str]) -> dict:
    scored = db.execute(
        select(ItemScore.course, ItemScore.assignment, func.sum(ItemScore.score),
               func.sum(ItemScore.max_score), func.max(case((ItemScore.needs_manual, 1), else_=0)),
               func.max(ItemScore.submitted_at))
        .where(ItemScore.username == username, ItemScore.course.in_(courses))
        .group_by(ItemScore.course, ItemScore.assignment)
    ).all()
    return {(c, a): (s, m, bool(manual), at) for c, a, s, m, manual, at in scored}


def my_assessments(db: Session, username: str, courses: list[str], settings: dict | None,
                   catalogue: dict[str, Module], base_url: str = "/") -> list[dict]:
    """The released assignments of the learner's courses (plus any with synced scores),
    each with its state from what the platform sees: ``dinilai`` (synced scores),
    ``menunggu penilaian pelatih`` (a synced item still needs a trainer), ``terkirim`` (a
    submission in the inbound folder), else ``belum dikerjakan``; whether feedback exists;
    and the link to its page on the learner's server. ``settings`` gives the exchange and
    course folders (read as root; None: scores only)."""
    if not courses:
        return []
    scores = _synced_scores(db, username, courses)
    exchange = (settings or {}).get("assessments", {}).get("exchange_dir")
    rows = []
    for course in courses:
        names = set(released_assignments(exchange, course))
        names |= {a for c, a in scores if c == course}
        sent = my_submissions(exchange, course, username) if names else {}
        course_path = _course_path(settings, course)
        module = catalogue.get(course)
        for name in sorted(names, key=assignment_key):
            last_sent = sent.get(name)
            row = {"course": course, "course_title": module.title if module else course,
                   "assignment": name, "title": assignment_title(name),
                   "state": SUBMITTED if last_sent else NOT_STARTED,
                   "score": None, "max_score": None,
                   "submitted": timestamp_text(last_sent) if last_sent else None,
                   "feedback": feedback_ready(course_path, username, name),
                   "url": open_via_spawn(base_url, task_url(base_url, username, course, name))}
            if (course, name) in scores:
                score, max_score, manual, submitted_at = scores[(course, name)]
                row.update(state=WAITING if manual else GRADED, score=score, max_score=max_score)
                if not last_sent and submitted_at:
                    row["submitted"] = timestamp_text(submitted_at)
            rows.append(row)
    return rows


def by_course(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """The assessment rows grouped under their course's title, in the rows' order."""
    groups: dict[str, tuple[str, list[dict]]] = {}
    for row in rows:
        groups.setdefault(row["course"], (row["course_title"], []))[1].append(row)
    return list(groups.values())


def staff_links(groups, base_url: str) -> list[dict]:
    """For each course the caller teaches: its trainer page in the grading service
    (release, collect, autograde, sync, feedback, results) and its formgrader (written
    answers graded by hand; service name = course id)."""
    return [{"course": course,
             "url": f"{base_url}services/{GRADING_SERVICE}/{quote(course, safe='')}/",
             "formgrader_url": f"{base_url}services/{quote(course, safe='')}/"}
            for course in courses_in(groups, TRAINER_COURSE_GROUP)]
