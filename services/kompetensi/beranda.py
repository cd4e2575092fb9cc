"""What Beranda (the learner's home, issue 13) shows beyond the progress summary: where
"Lanjutkan" leads, the learner's assessments with their state, and the staff's links.

Lessons live in the learner's own server: ``belajar.distribute`` copies
``courses/<module>/<notebook>`` to ``~/modul/<module>/<notebook>``, and the server opens
in the home folder, so a lesson is ``<base_url>user/<name>/lab/tree/modul/<module>/<notebook>``.
The link goes through the hub's ``spawn?next=...``: a running server is opened at once,
a stopped one is started first and then opened (Beranda itself starts no server).

An assessment's state rests only on what the platform knows: item scores synced from the
course's gradebook. Fetching and submitting happen in JupyterLab's Assignments panel.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from asncore.db import ItemScore
from reports.render import timestamp_text

from .catalogue import Module

LEARNER_COURSE_GROUP = "nbgrader-"  # asnhub.auth: a learner of <course> is in nbgrader-<course>
TRAINER_COURSE_GROUP = "formgrade-"  # a trainer of <course>; the formgrader service is <course>
GRADED, WAITING, NOT_GRADED = "dinilai", "menunggu penilaian pelatih", "belum dinilai"
ASSIGNMENT_TITLES = {"pre-test": "Pre-test", "post-test": "Post-test",
                     "tugas-tertulis": "Tugas tertulis"}
ASSIGNMENT_ORDER = {"pre-test": 0, "post-test": 2}  # anything else in between


def hub_base_url(hub_prefix: str) -> str:
    """The hub's ``base_url`` from its ``hub_prefix`` (``<base_url>hub/``)."""
    base = hub_prefix[: -len("hub/")] if hub_prefix.endswith("hub/") else "/"
    return base if base.endswith("/") else base + "/"


def lab_url(base_url: str, username: str) -> str:
    """JupyterLab on the learner's server (its Assignments panel fetches and submits)."""
    return f"{base_url}user/{quote(username, safe='')}/lab"


def lesson_url(base_url: str, username: str, module_id: str, notebook: str) -> str:
    return (f"{lab_url(base_url, username)}/tree/modul/"
            f"{quote(module_id, safe='')}/{quote(notebook, safe='')}")


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


def source_assignments(assessments_dir: str | None, course: str) -> list[str]:
    if not assessments_dir:
        return []
    source = Path(assessments_dir) / course / "source"
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))


def _assignment_key(name: str) -> tuple[int, str]:
    return ASSIGNMENT_ORDER.get(name, 1), name


def assignment_title(name: str) -> str:
    return ASSIGNMENT_TITLES.get(name) or name.replace("-", " ").capitalize()


def my_assessments(db: Session, username: str, courses: list[str], assessments_dir: str | None,
                   catalogue: dict[str, Module]) -> list[dict]:
    """The assignments of the learner's courses (the course sources, plus any with synced
    scores) with their state: ``dinilai`` with the score, ``menunggu penilaian pelatih``
    while a synced item still needs a trainer's grade, else ``belum dinilai``."""
    if not courses:
        return []
    scored = db.execute(
        select(ItemScore.course, ItemScore.assignment, func.sum(ItemScore.score),
               func.sum(ItemScore.max_score), func.max(case((ItemScore.needs_manual, 1), else_=0)),
               func.max(ItemScore.submitted_at))
        .where(ItemScore.username == username, ItemScore.course.in_(courses))
        .group_by(ItemScore.course, ItemScore.assignment)
    ).all()
    scores = {(c, a): (s, m, bool(manual), at) for c, a, s, m, manual, at in scored}
    rows = []
    for course in courses:
        names = set(source_assignments(assessments_dir, course))
        names |= {a for c, a in scores if c == course}
        module = catalogue.get(course)
        for name in sorted(names, key=_assignment_key):
            row = {"course": course, "course_title": module.title if module else course,
                   "assignment": name, "title": assignment_title(name), "state": NOT_GRADED,
                   "score": None, "max_score": None, "submitted": None}
            if (course, name) in scores:
                score, max_score, manual, submitted_at = scores[(course, name)]
                row.update(state=WAITING if manual else GRADED, score=score, max_score=max_score,
                           submitted=timestamp_text(submitted_at) if submitted_at else None)
            rows.append(row)
    return rows


def by_course(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """The assessment rows grouped under their course's title, in the rows' order."""
    groups: dict[str, tuple[str, list[dict]]] = {}
    for row in rows:
        groups.setdefault(row["course"], (row["course_title"], []))[1].append(row)
    return list(groups.values())


def staff_links(groups, base_url: str) -> list[dict]:
    """The formgrader of each course the caller teaches (service name = course id)."""
    return [{"course": course, "url": f"{base_url}services/{quote(course, safe='')}/"}
            for course in courses_in(groups, TRAINER_COURSE_GROUP)]
