"""The pages of ``belajar.tugas`` on a learner's server (Indonesian, no script).

Under ``<base_url>belajar/tugas/<course>/<assignment>``:

- ``GET``                      the assignment's state and its buttons;
- ``POST kerjakan``            fetch when not fetched yet, then open the notebook in JupyterLab;
- ``GET kirim`` / ``POST kirim``  the confirmation, then the submission and its time (WIT);
- ``POST umpan-balik``         fetch the released feedback, then show it;
- ``GET umpan-balik``          the feedback page; ``GET umpan-balik/<notebook>.html`` the
                               feedback file itself, inert (CSP sandbox, no script).

Every request is the server owner's (JupyterHub's single-user auth refuses anyone else);
every POST carries the page's own ``_xsrf``; the course must be one of the learner's.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import jinja2
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from asncore.assignments import assignment_title
from asncore.style import base_css

from . import feedback_text
from .tugas import NAME, TaskError, TaskFacts, Tasks, when_text

TEMPLATES = Path(__file__).parent / "templates" / "tugas"
PAGE_CSP = "; ".join([
    "frame-ancestors 'none'", "default-src 'none'", "style-src 'unsafe-inline'",
    "img-src 'self' data:", "frame-src 'self'", "form-action 'self'", "base-uri 'none'",
])
# nbgrader's feedback (sanitised HTML) shown inside our own page only, with no script
FEEDBACK_CSP = "; ".join([
    "sandbox", "frame-ancestors 'self'", "default-src 'none'", "style-src 'unsafe-inline'",
    "img-src data:", "font-src data:", "form-action 'none'", "base-uri 'none'",
])
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                          undefined=jinja2.StrictUndefined)
_env.globals["base_css"] = base_css()  # the platform's house style (asncore/style)


def hub_base_url(base_url: str) -> str:
    """The hub's base URL from this server's ``<hub base>user/<name>/``."""
    env = os.environ.get("JUPYTERHUB_BASE_URL")
    if env:
        return env if env.endswith("/") else env + "/"
    head, sep, _ = base_url.rstrip("/").rpartition("/user/")
    return (head + "/") if sep else "/"


def beranda_url(base_url: str) -> str:
    """Beranda on the competency service (its name: the end of ``$KOMPETENSI_URL``)."""
    service = (os.environ.get("KOMPETENSI_URL") or "/services/kompetensi").rstrip("/")
    return f"{hub_base_url(base_url)}services/{quote(service.rsplit('/', 1)[-1])}/"


class TaskPage(JupyterHandler):
    """Base of every page: the names from the route, the learner's :class:`Tasks`."""

    @property
    def content_security_policy(self) -> str:
        return PAGE_CSP

    @property
    def tasks(self) -> Tasks:
        return self.settings["belajar_tugas"]

    def page_url(self, course: str, assignment: str, *rest: str) -> str:
        return url_path_join(self.base_url, "belajar/tugas", quote(course), quote(assignment),
                             *rest)

    def show(self, template: str, status: int = 200, **values) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(_env.get_template(template).render(
            beranda=beranda_url(self.base_url), xsrf=self.xsrf_form_html(), **values))

    def refuse(self, exc: TaskError, course: str, assignment: str) -> None:
        self.show("galat.html", exc.status, message=str(exc), title=assignment_title(assignment),
                  course=course, back=self.page_url(course, assignment))

    def describe(self, facts: TaskFacts) -> dict:
        return {
            "facts": facts, "course": facts.course, "assignment": facts.assignment,
            "title": assignment_title(facts.assignment),
            "submitted": when_text(facts.last_submitted),
            "count": len(facts.submissions),
            "here": self.page_url(facts.course, facts.assignment),
            "lab": url_path_join(self.base_url, "lab/tree"),
        }


class OverviewHandler(TaskPage):
    @web.authenticated
    def get(self, course: str, assignment: str):
        try:
            facts = self.tasks.facts(course, assignment)
        except TaskError as exc:
            return self.refuse(exc, course, assignment)
        self.show("tugas.html", **self.describe(facts))


class OpenHandler(TaskPage):
    @web.authenticated
    def post(self, course: str, assignment: str):
        try:
            facts = self.tasks.open(course, assignment)
        except TaskError as exc:
            return self.refuse(exc, course, assignment)
        if len(facts.notebooks) == 1:
            return self.redirect(self.lab_link(facts.notebooks[0]))
        self.show("buka.html", notebooks=[(Path(nb).name, self.lab_link(nb))
                                          for nb in facts.notebooks], **self.describe(facts))

    def lab_link(self, notebook: str) -> str:
        return url_path_join(self.base_url, "lab/tree", *map(quote, Path(notebook).parts))


class SubmitHandler(TaskPage):
    @web.authenticated
    def get(self, course: str, assignment: str):
        try:
            facts = self.tasks.facts(course, assignment)
        except TaskError as exc:
            return self.refuse(exc, course, assignment)
        self.show("kirim.html", done=False, **self.describe(facts))

    @web.authenticated
    def post(self, course: str, assignment: str):
        if self.get_body_argument("konfirmasi", "") != "ya":
            return self.redirect(self.page_url(course, assignment, "kirim"))
        try:
            facts = self.tasks.submit(course, assignment)
        except TaskError as exc:
            return self.refuse(exc, course, assignment)
        self.show("kirim.html", done=True, **self.describe(facts))


class FeedbackHandler(TaskPage):
    @web.authenticated
    def get(self, course: str, assignment: str):
        try:
            facts = self.tasks.facts(course, assignment)
            if not facts.feedback:
                raise TaskError("Umpan balik belum diambil. Tekan \u201cLihat umpan balik\u201d "
                                "di halaman penilaian ini.", 404)
        except TaskError as exc:
            return self.refuse(exc, course, assignment)
        files = [(nb, self.page_url(course, assignment, "umpan-balik", quote(nb) + ".html"))
                 for nb in sorted(facts.feedback)]
        self.show("umpan_balik.html", files=files, **self.describe(facts))

    @web.authenticated
    def post(self, course: str, assignment: str):
        try:
            self.tasks.fetch_feedback(course, assignment)
        except TaskError as exc:
            return self.refuse(exc, course, assignment)
        self.redirect(self.page_url(course, assignment, "umpan-balik"))


class FeedbackFileHandler(TaskPage):
    """The fetched feedback HTML of one notebook, read from the learner's own folder, only
    a name nbgrader listed; sandboxed so that nothing in it runs or reaches the server."""

    @property
    def content_security_policy(self) -> str:
        return FEEDBACK_CSP

    @web.authenticated
    def get(self, course: str, assignment: str, notebook: str):
        try:
            facts = self.tasks.facts(course, assignment)
        except TaskError as exc:
            raise web.HTTPError(exc.status) from None
        path = facts.feedback.get(notebook)
        if path is None or not path.is_file():
            raise web.HTTPError(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(feedback_text.indonesian(path.read_text(encoding="utf-8", errors="replace")))


def routes(base_url: str) -> list[tuple]:
    page = rf"belajar/tugas/({NAME})/({NAME})"
    return [(url_path_join(base_url, pattern), handler) for pattern, handler in [
        (page, OverviewHandler),
        (page + "/kerjakan", OpenHandler),
        (page + "/kirim", SubmitHandler),
        (page + "/umpan-balik", FeedbackHandler),
        (page + rf"/umpan-balik/({NAME})\.html", FeedbackFileHandler),
    ]]
