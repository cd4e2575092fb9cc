"""The modules the platform offers, read from ``courses/<id>/module.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from asncore.competencies import known_codes
from asncore.modules import load_module


@dataclass(frozen=True)
class Module:
    id: str
    version: int
    title: str
    jp: float
    lessons: tuple[str, ...]
    competencies: tuple[dict, ...]


def load_catalogue(courses_dir: Path | str, platform_url: str) -> dict[str, Module]:
    """Every valid module under ``courses_dir``, checked against the competency dictionary
    of ``platform_url``; an invalid one stops the service with the checker's messages
    (the trainer runs ``asn-ambon modul periksa`` first)."""
    codes = known_codes(platform_url)
    modules = {}
    for folder in sorted(Path(courses_dir).glob("*/module.yaml")):
        data = load_module(folder.parent, codes)
        modules[data["id"]] = Module(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            jp=float(data["jp"]),
            lessons=tuple(lesson["id"] for lesson in data["lessons"]),
            competencies=tuple(data.get("competencies", ())),
        )
    return modules
