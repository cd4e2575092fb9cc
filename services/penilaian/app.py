"""The ``penilaian`` hub service: trainers start a sandboxed autograde of their own course.

The formgrader cannot autograde safely (it runs as the course's grader, which owns the
keys and the gradebook), and dropping to the sandbox user needs root. This small
hub-managed service runs as root, authenticates callers with HubOAuth, lets a caller act
only on courses whose ``formgrade-<course>`` group they are in, and runs
``python -m grading autograde`` for them, one run per course at a time. After a
successful autograde, and whenever the trainer asks (after grading written answers by
hand), it syncs the assignment's item scores to the competency database for HR.

    POST /services/penilaian/api/<course>/<assignment>/autograde   -> summary JSON
    POST /services/penilaian/api/<course>/<assignment>/sync        -> summary JSON
"""

from __future__ import annotations

import asyncio
import os
import re
import sys

from jupyterhub.services.auth import HubOAuthCallbackHandler
from jupyterhub.utils import url_path_join
from tornado import web

from asncore.settings import load, project_root
from asnhub import assessments

from ..base import JsonApiHandler, listen

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")


class CourseHandler(JsonApiHandler):
    """A course's trainers only; one grading command per course at a time."""

    def course_dir(self, course: str, assignment: str) -> str:
        courses: dict[str, str] = self.settings["courses"]
        if course not in courses or not _NAME.fullmatch(assignment):  # "x\n" passes match
            raise web.HTTPError(404, "kursus atau tugas tidak dikenal")
        if f"formgrade-{course}" not in (self.current_user.get("groups") or []):
            raise web.HTTPError(403, "hanya pelatih kursus ini yang boleh menilai")
        if not os.path.isdir(os.path.join(courses[course], "source", assignment)):
            raise web.HTTPError(404, "tugas tidak dikenal di kursus ini")
        return courses[course]

    async def grading(self, *args: str) -> tuple[int, str, str]:
        """``python -m grading ARGS`` from the repository; (exit code, stdout, stderr)."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "grading", *args,
            cwd=str(project_root()),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")

    async def sync(self, course_dir: str, assignment: str) -> tuple[int, str, str]:
        return await self.grading("sync", assignment, "--course-dir", course_dir,
                                  "--platform-url", self.settings["platform_url"])

    def lock(self, course: str) -> asyncio.Lock:
        return self.settings["locks"].setdefault(course, asyncio.Lock())


class AutogradeHandler(CourseHandler):
    @web.authenticated
    async def post(self, course: str, assignment: str):
        course_dir = self.course_dir(course, assignment)
        async with self.lock(course):
            code, out, err = await self.grading(
                "autograde", assignment, "--course-dir", course_dir,
                "--sandbox-user", self.settings["sandbox_user"], "--workers", str(self.settings["workers"]),
            )
            synced = await self.sync(course_dir, assignment) if code in (0, 1) else None
        self.finish({
            "success": code in (0, 1),  # 1: graded, some submissions flagged
            "flagged": code == 1,
            "summary": out,
            "error": err[-4000:] if code not in (0, 1) else "",
            "synced": synced is not None and synced[0] == 0,
            "sync_error": synced[2][-2000:] if synced and synced[0] != 0 else "",
        })


class SyncHandler(CourseHandler):
    """Scores (including hand-graded written answers) to the competency database."""

    @web.authenticated
    async def post(self, course: str, assignment: str):
        course_dir = self.course_dir(course, assignment)
        async with self.lock(course):
            code, out, err = await self.sync(course_dir, assignment)
        self.finish({"success": code == 0, "summary": out, "error": err[-4000:] if code else ""})


def make_app(prefix: str, courses: dict[str, str], sandbox_user: str, workers: int,
             platform_url: str) -> web.Application:
    return web.Application(
        [
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
            (url_path_join(prefix, r"api/([^/]+)/([^/]+)/autograde"), AutogradeHandler),
            (url_path_join(prefix, r"api/([^/]+)/([^/]+)/sync"), SyncHandler),
        ],
        courses=courses, sandbox_user=sandbox_user, workers=workers, locks={},
        platform_url=platform_url,
        cookie_secret=os.urandom(32),
    )


async def main() -> None:
    settings = load()  # the hub's file: $ASN_SETTINGS, relative paths from $ASN_ROOT
    cfg = settings["assessments"]
    app = make_app(
        os.environ["JUPYTERHUB_SERVICE_PREFIX"],
        {c: str(assessments.course_dir(settings, c)) for c in assessments.course_ids(cfg["dir"])},
        assessments.sandbox_name(settings["unix"]["user_prefix"]),
        cfg["grading_workers"],
        settings["database"]["platform_url"],
    )
    listen(app, os.environ["JUPYTERHUB_SERVICE_URL"])  # bodies capped before they are read
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
