"""The modules the platform offers, read from ``courses/<id>/module.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asncore.modules import load_module


@dataclass(frozen=True)
class Module:
    id: str
    version: int
    title: str
    jp: float
    lessons: tuple[str, ...]
    competencies: tuple[dict, ...]


def load_catalogue(courses_dir: Path | str) -> dict[str, Module]:
    """Every valid module under ``courses_dir``; an invalid one stops the service with
    the checker's messages (the trainer runs ``python -m belajar check`` first)."""
    modules = {}
    for folder in sorted(Path(courses_dir).glob("*/module.yaml")):
        data = load_module(folder.parent)
        modules[data["id"]] = Module(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            jp=float(data["jp"]),
            lessons=tuple(lesson["id"] for lesson in data["lessons"]),
            competencies=tuple(data.get("competencies", ())),
        )
    return modules
