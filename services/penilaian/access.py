"""Who may act on a course in the grading service: its trainers only (hub group
``formgrade-<course>``), on an assignment that exists in its ``source/``."""

from __future__ import annotations

import os

from tornado import web

from .coursestate import NAME

TRAINER_GROUP = "formgrade-"


def taught_courses(user_model: dict, known) -> list[str]:
    """The known courses whose trainer group the caller is in."""
    groups = user_model.get("groups") or []
    return sorted(g[len(TRAINER_GROUP):] for g in groups
                  if g.startswith(TRAINER_GROUP) and g[len(TRAINER_GROUP):] in known)


class CourseAccess:
    """A course's trainers only (hub group ``formgrade-<course>``), a known assignment."""

    def course_path(self, course: str) -> str:
        """The course folder, for the course's trainers: else 404 (unknown) or 403."""
        courses: dict[str, str] = self.settings["courses"]
        if course not in courses:
            raise web.HTTPError(404, "kursus tidak dikenal")
        if f"{TRAINER_GROUP}{course}" not in (self.current_user.get("groups") or []):
            raise web.HTTPError(403, "hanya pelatih kursus ini yang boleh menilai")
        return courses[course]

    def course_dir(self, course: str, assignment: str) -> str:
        courses: dict[str, str] = self.settings["courses"]
        if course not in courses or not NAME.fullmatch(assignment):  # "x\n" passes match
            raise web.HTTPError(404, "kursus atau tugas tidak dikenal")
        path = self.course_path(course)
        if not os.path.isdir(os.path.join(path, "source", assignment)):
            raise web.HTTPError(404, "tugas tidak dikenal di kursus ini")
        return path
