"""The modules the platform offers, read from ``courses/<id>/module.yaml`` and the lesson
notebooks it lists.

What the server needs to credit a module's JP (``progress.py``) comes from here, never
from a learner: the lessons, the minutes they declare, and the exercises each lesson's
notebook creates (``asncore.events.declared_exercises``: the literal ids of the
``Pelajaran`` exercise calls in its code cells). These are the published sources: the
same files every learner's server copies.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from asncore.competencies import known_codes
from asncore.events import declared_exercises
from asncore.modules import load_module

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Module:
    id: str
    version: int
    title: str
    jp: float
    lessons: tuple[str, ...]
    competencies: tuple[dict, ...]
    # minutes each lesson declares in module.yaml, in lesson order
    lesson_minutes: tuple[int, ...] = ()
    # the exercise ids each lesson's notebook creates, in lesson order
    lesson_exercises: tuple[tuple[str, ...], ...] = ()
    # why the server could not read a lesson's exercises; such a module is never credited
    problems: tuple[str, ...] = ()
    # each lesson's notebook file and title, in lesson order (Beranda's "Lanjutkan" link)
    lesson_notebooks: tuple[str, ...] = ()
    lesson_titles: tuple[str, ...] = ()

    @property
    def minutes(self) -> int:
        """The module's declared duration: the sum of its lessons' minutes."""
        return sum(self.lesson_minutes)

    def exercises(self, lesson: str) -> tuple[str, ...]:
        """The exercise ids the lesson declares (empty for an unknown lesson)."""
        for lesson_id, ids in zip(self.lessons, self.lesson_exercises):
            if lesson_id == lesson:
                return ids
        return ()


def notebook_exercises(path: Path) -> tuple[tuple[str, ...], list[str]]:
    """The exercise ids a lesson notebook declares and the problems reading them."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        sources = [
            "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in notebook["cells"] if cell.get("cell_type") == "code"
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return (), [f"{path}: notebook tidak dapat dibaca: {exc}"]
    ids, problems = declared_exercises(sources)
    return tuple(ids), [f"{path}: {p}" for p in problems]


def load_module_entry(folder: Path, codes) -> Module:
    data = load_module(folder, codes)
    lesson_exercises, problems = [], []
    for lesson in data["lessons"]:
        ids, found = notebook_exercises(folder / lesson["notebook"])
        lesson_exercises.append(ids)
        problems += found
    if problems:
        log.warning("module %s: its exercises cannot be read, its JP is never credited: %s",
                    data["id"], "; ".join(problems))
    return Module(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        jp=float(data["jp"]),
        lessons=tuple(lesson["id"] for lesson in data["lessons"]),
        competencies=tuple(data.get("competencies", ())),
        lesson_minutes=tuple(int(lesson["minutes"]) for lesson in data["lessons"]),
        lesson_exercises=tuple(lesson_exercises),
        problems=tuple(problems),
        lesson_notebooks=tuple(lesson["notebook"] for lesson in data["lessons"]),
        lesson_titles=tuple(lesson["title"] for lesson in data["lessons"]),
    )


def load_catalogue(courses_dir: Path | str, platform_url: str) -> dict[str, Module]:
    """Every valid module under ``courses_dir``, checked against the competency dictionary
    of ``platform_url``; an invalid one stops the service with the checker's messages
    (the trainer runs ``asn-ambon modul periksa`` first)."""
    codes = known_codes(platform_url)
    modules = {}
    for folder in sorted(Path(courses_dir).glob("*/module.yaml")):
        module = load_module_entry(folder.parent, codes)
        modules[module.id] = module
    return modules
