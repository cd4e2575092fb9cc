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

The trainer page of each course, with a button per step that starts a job and a result
table (:mod:`.coursepage`): ``GET /services/penilaian/`` and ``/services/penilaian/<course>/``.

The item analysis of an assignment (:mod:`grading.itemanalysis`), for the same trainers
only, read-only (the gradebook is opened read-only, learners' notebooks are parsed as data):

    GET  /services/penilaian/api/<course>/<assignment>/analisis    -> JSON
    GET  /services/penilaian/<course>/<assignment>/analisis        -> page (Bahasa Indonesia)
    GET  /services/penilaian/<course>/<assignment>/analisis.xlsx   -> workbook
"""

from __future__ import annotations

import asyncio
import functools
import os
import sys
from pathlib import Path

from jupyterhub.services.auth import HubOAuthCallbackHandler
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.escape import url_escape

from asncore.settings import load, project_root
from asnhub import assessments
from asnhub.publish import jupyter_config_dir
from grading.itemanalysis import EXPLANATIONS, FLAG_LABELS, KIND_LABELS, number_text
from grading.itemanalysis_load import PAIRS_FILE, analyse_assignment
from grading.itemanalysis_xlsx import xlsx_bytes

from ..base import JsonApiHandler, ServiceHandler, listen
from . import coursepage
from .access import CourseAccess
from .jobs import Grader, Jobs


class CourseHandler(CourseAccess, JsonApiHandler):
    """One grading command per course at a time."""

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


class AnalysisMixin(CourseAccess):
    """The item analysis of an assignment, computed off the event loop."""

    async def analysis(self, course: str, assignment: str):
        course_dir = self.course_dir(course, assignment)
        authored = self.settings.get("assessments_dir")
        pairs = Path(authored, course, PAIRS_FILE) if authored else None
        run = functools.partial(analyse_assignment, Path(course_dir), assignment, course=course,
                                pairs_file=pairs)
        try:
            return await asyncio.get_running_loop().run_in_executor(None, run)
        except ValueError as exc:  # a gradebook that cannot be read
            raise web.HTTPError(409, f"analisis butir belum dapat dibuat: {exc}") from None


class AnalysisApi(AnalysisMixin, JsonApiHandler):
    @web.authenticated
    async def get(self, course: str, assignment: str):
        self.write_json((await self.analysis(course, assignment)).to_dict())


class AnalysisPage(AnalysisMixin, ServiceHandler):
    @web.authenticated
    async def get(self, course: str, assignment: str):
        analysis = await self.analysis(course, assignment)
        base = url_path_join(self.settings["prefix"], url_escape(course), url_escape(assignment))
        self.render("analisis.html", a=analysis, num=number_text, flags=FLAG_LABELS,
                    kinds=KIND_LABELS, explanations=EXPLANATIONS,
                    xlsx_url=base + "/analisis.xlsx",
                    json_url=url_path_join(self.settings["prefix"], "api", url_escape(course),
                                           url_escape(assignment), "analisis"))


class AnalysisDownload(AnalysisMixin, ServiceHandler):
    @web.authenticated
    async def get(self, course: str, assignment: str):
        body = xlsx_bytes(await self.analysis(course, assignment))
        self.set_header("Content-Type",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.set_header("Content-Disposition",
                        f'attachment; filename="analisis-butir-{course}-{assignment}.xlsx"')
        self.finish(body)


def make_app(prefix: str, courses: dict[str, str], sandbox_user: str, workers: int,
             platform_url: str, assessments_dir: str | None = None, *,
             graders: dict[str, Grader] | None = None, exchange_dir: str | None = None,
             titles: dict[str, str] | None = None, hub_base: str = "/") -> web.Application:
    """``assessments_dir``: the authored ``assessments/`` folder, where each course's
    parallel-form table (``<course>/README-butir.md``) is read from. The trainer page
    (:mod:`.coursepage`): ``graders`` (course -> its grader account, which runs every
    nbgrader command but the sandboxed autograde), ``exchange_dir`` (nbgrader's exchange
    root), ``titles`` (course -> title), ``hub_base`` (the hub's base URL)."""
    return web.Application(
        [
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
            *coursepage.routes(prefix),
            (url_path_join(prefix, r"api/([^/]+)/([^/]+)/autograde"), AutogradeHandler),
            (url_path_join(prefix, r"api/([^/]+)/([^/]+)/sync"), SyncHandler),
            (url_path_join(prefix, r"api/([^/]+)/([^/]+)/analisis"), AnalysisApi),
            (url_path_join(prefix, r"([^/]+)/([^/]+)/analisis"), AnalysisPage),
            (url_path_join(prefix, r"([^/]+)/([^/]+)/analisis\.xlsx"), AnalysisDownload),
        ],
        courses=courses, sandbox_user=sandbox_user, workers=workers, locks={},
        platform_url=platform_url, prefix=url_path_join(prefix, ""),
        assessments_dir=assessments_dir,
        graders=graders or {}, exchange_dir=exchange_dir, titles=titles or {},
        hub_base=hub_base, jobs=Jobs(), root_cwd=str(project_root()),
        template_path=str(Path(__file__).parent / "templates"),
        cookie_secret=os.urandom(32),
    )


async def main() -> None:
    settings = load()  # the hub's file: $ASN_SETTINGS, relative paths from $ASN_ROOT
    cfg = settings["assessments"]
    courses = assessments.course_ids(cfg["dir"])
    graders = {c: Grader(assessments.grader_name(c, settings["unix"]["user_prefix"]),
                         str(assessments.grader_home(settings, c)),
                         str(jupyter_config_dir(settings))) for c in courses}
    app = make_app(
        os.environ["JUPYTERHUB_SERVICE_PREFIX"],
        {c: str(assessments.course_dir(settings, c)) for c in courses},
        assessments.sandbox_name(settings["unix"]["user_prefix"]),
        cfg["grading_workers"],
        settings["database"]["platform_url"],
        str(cfg["dir"]),
        graders=graders, exchange_dir=str(cfg["exchange_dir"]),
        titles=coursepage.course_titles(settings["learning"]["courses_dir"], courses),
        hub_base=os.environ.get("JUPYTERHUB_BASE_URL", "/"),
    )
    listen(app, os.environ["JUPYTERHUB_SERVICE_URL"])  # bodies capped before they are read
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
