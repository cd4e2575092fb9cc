"""The trainer page of a course (issue 13, point 4) and the job API behind its buttons.

    GET  /services/penilaian/                                   -> the caller's courses
    GET  /services/penilaian/<course>/[?tugas=<assignment>]     -> the course page
    POST /services/penilaian/<course>/<assignment>/<aksi>       -> form: start a job, 303 back
    POST /services/penilaian/api/<course>/<assignment>/<aksi>   -> 202 {"job": {...}}
    GET  /services/penilaian/api/<course>/jobs/<id>             -> {"job": {...}}

``<aksi>``: rilis, kumpulkan, nilai-otomatis, sinkronkan, umpan-balik (:mod:`.actions`).
One job per course at a time: a second start gets 409 "Sedang berjalan: …". A course's
trainers only (:class:`.access.CourseAccess`); a job is read only under its own course.

The page works without script (a form per button, a link to reload); with it, a small
inline script (allowed by its hash, as the base handler allows the inline CSS) polls the
running job and reloads the page when it ends.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import quote

from jupyterhub.utils import url_path_join
from tornado import web

from asncore.db import session_factory

from ..base import JsonApiHandler, ServiceHandler, page_csp
from . import actions
from .access import CourseAccess, taught_courses
from .coursestate import course_states, learner_names, result_rows
from .jobs import ACTIONS, Busy

_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def platform_sessions(settings: dict):
    """The platform database's sessions, made once (None when it cannot be opened)."""
    if "platform_sessions" not in settings:
        try:
            settings["platform_sessions"] = session_factory(settings["platform_url"])
        except Exception:  # noqa: BLE001 - the page still works with student ids only
            settings["platform_sessions"] = None
    return settings["platform_sessions"]


class TrainerMixin(CourseAccess):
    def course_of(self, course: str) -> actions.Course:
        path = self.course_path(course)
        s = self.settings
        return actions.Course(
            id=course, dir=path, exchange=actions.exchange_of(s.get("exchange_dir"), course),
            grader=(s.get("graders") or {}).get(course), sandbox_user=s["sandbox_user"],
            workers=s["workers"], platform_url=s["platform_url"], root_cwd=s["root_cwd"],
            sessions=platform_sessions(s))

    def start_job(self, course: str, assignment: str, action: str):
        if action not in ACTIONS:
            raise web.HTTPError(404, "aksi tidak dikenal")
        self.course_dir(course, assignment)  # the checks, before anything starts
        target = self.course_of(course)
        step = actions.STEPS[action]
        lock = self.settings["locks"].setdefault(course, asyncio.Lock())
        return self.settings["jobs"].start(course, assignment, action, lock,
                                           lambda job: step(job, target))


class PageHandler(ServiceHandler):
    """Pages whose inline script is allowed by its hash (and may call this service)."""

    def get_template_namespace(self):
        namespace = super().get_template_namespace()
        namespace.update(hub_base=self.settings.get("hub_base", "/"), quote=quote)
        return namespace

    def finish(self, chunk=None):
        if chunk is not None:
            self.write(chunk)
        if self._headers.get("Content-Type", "").startswith("text/html") and self._write_buffer:
            page = b"".join(self._write_buffer).decode("utf-8", "replace")
            scripts = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                              for s in _SCRIPT.findall(page)})
            policy = page_csp(page)
            if scripts:
                policy += "; script-src " + " ".join(scripts) + "; connect-src 'self'"
            self.set_header("Content-Security-Policy", policy)
            return web.RequestHandler.finish(self)
        return super().finish()


class CoursesPage(PageHandler):
    @web.authenticated
    def get(self):
        courses = taught_courses(self.current_user, self.settings["courses"])
        if not courses:
            raise web.HTTPError(403, "Halaman ini untuk pelatih: Anda tidak mengajar kursus apa pun")
        titles = self.settings.get("titles") or {}
        self.render("kursus_saya.html", prefix=self.settings["prefix"],
                    courses=[(c, titles.get(c, c)) for c in courses])


class CoursePage(TrainerMixin, PageHandler):
    @web.authenticated
    async def get(self, course: str):
        await self.show(course)

    async def show(self, course: str, message: str = "", status: int = 200):
        target = self.course_of(course)
        chosen = self.get_query_argument("tugas", None)

        def read():
            states = course_states(target.dir, target.exchange, course, target.sessions)
            return states

        states = await asyncio.get_running_loop().run_in_executor(None, read)
        names = [s.name for s in states]
        jobs = self.settings["jobs"]
        latest = jobs.latest.get(course)
        if chosen is not None and chosen not in names:
            raise web.HTTPError(404, f"tugas '{chosen[:40]}' tidak ada di kursus ini")
        if chosen is None:
            chosen = (latest.assignment if latest and latest.assignment in names else
                      next((s.name for s in states if s.collected), names[0] if names else None))
        selected = next((s for s in states if s.name == chosen), None)
        table = []
        if selected is not None:
            students = [r.student for r in selected.rows]
            found = await asyncio.get_running_loop().run_in_executor(
                None, learner_names, target.sessions, students)
            table = result_rows(selected.rows, found)
        prefix = self.settings["prefix"]
        titles = self.settings.get("titles") or {}
        self.set_status(status)
        self.render(
            "kursus.html", prefix=prefix, course=course, title=titles.get(course, course),
            states=states, selected=selected, table=table, actions=ACTIONS,
            job=latest, running=jobs.running(course), message=message,
            xsrf_token=self.xsrf_token.decode() if latest and latest.state == "running" else "",
            course_url=url_path_join(prefix, quote(course, safe="")) + "/",
            formgrader_url=f"{self.settings['hub_base']}services/{quote(course, safe='')}/formgrader",
        )


class ActionForm(TrainerMixin, PageHandler):
    """A button of the course page: start the job, back to the page (303)."""

    @web.authenticated
    async def post(self, course: str, assignment: str, action: str):
        try:
            job = self.start_job(course, assignment, action)
        except Busy as exc:
            self.request.query_arguments.pop("tugas", None)
            await CoursePage.show(self, course, message=str(exc), status=409)
            return
        url = url_path_join(self.settings["prefix"], quote(course, safe="")) + "/"
        self.redirect(f"{url}?tugas={quote(assignment, safe='')}&pekerjaan={job.id}#pekerjaan",
                      status=303)


class ActionApi(TrainerMixin, JsonApiHandler):
    @web.authenticated
    def post(self, course: str, assignment: str, action: str):
        try:
            job = self.start_job(course, assignment, action)
        except Busy as exc:
            raise web.HTTPError(409, str(exc)) from None
        self.write_json({"success": True, "job": job.to_dict()}, 202)


class JobApi(TrainerMixin, JsonApiHandler):
    @web.authenticated
    def get(self, course: str, job_id: str):
        self.course_path(course)
        job = self.settings["jobs"].by_id.get(job_id)
        if job is None or job.course != course:
            raise web.HTTPError(404, "pekerjaan tidak dikenal di kursus ini")
        self.write_json({"success": True, "job": job.to_dict()})


ACTION_PATTERN = "(" + "|".join(re.escape(a) for a in ACTIONS) + ")"


def routes(prefix: str) -> list[tuple[str, type]]:
    return [
        (url_path_join(prefix, ""), CoursesPage),
        (url_path_join(prefix, r"api/([^/]+)/jobs/([^/]+)"), JobApi),
        (url_path_join(prefix, rf"api/([^/]+)/([^/]+)/{ACTION_PATTERN}"), ActionApi),
        (url_path_join(prefix, r"([^/]+)/"), CoursePage),
        (url_path_join(prefix, rf"([^/]+)/([^/]+)/{ACTION_PATTERN}"), ActionForm),
    ]


def course_titles(courses_dir: str | Path, courses) -> dict[str, str]:
    """course id -> the title of the module of the same id (``courses/<id>/module.yaml``)."""
    import yaml

    titles = {}
    for course in courses:
        try:
            data = yaml.safe_load((Path(courses_dir) / course / "module.yaml").read_text("utf-8"))
            titles[course] = str(data.get("title") or course)
        except (OSError, ValueError, AttributeError, yaml.YAMLError):
            titles[course] = course
    return titles
