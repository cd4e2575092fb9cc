"""A learner's assessments on their own server: fetch, open, submit, read the feedback.

A Jupyter server extension (``belajar.tugas``, enabled by ``asnhub.learnerconfig``) that
runs inside the learner's server, as the learner, and serves Indonesian pages under
``<base_url>belajar/tugas/<course>/<assignment>`` (``belajar.tugas_handlers``). Beranda
links there through the hub's spawn. The work itself is nbgrader's own, exactly as
JupyterLab's Assignments panel does it: its ``AssignmentList`` with the learner's
configuration on ``JUPYTER_CONFIG_PATH`` (the hardened exchange, the hub's course groups).

This module holds what the pages need to know and do, without the web: :class:`Tasks`
(the nbgrader calls, each refusing with an Indonesian :class:`TaskError`) and
:class:`TaskFacts` (one assignment as nbgrader lists it for this learner).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from asncore.timetext import timestamp_text

# course and assignment names as nbgrader makes folders of them; nothing else is routed
NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}"
# nbgrader's default Exchange.timestamp_format with Exchange.timezone "UTC"
STAMP = "%Y-%m-%d %H:%M:%S.%f UTC"
NOT_STARTED, SUBMITTED = "belum dikerjakan", "terkirim"


class TaskError(Exception):
    """Refused or failed: ``str(exc)`` is for the learner (Indonesian, says what to do)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def when_text(stamp: str | None) -> str:
    """nbgrader's submission time (UTC) in Ambon time: ``1 Maret 2026 pukul 11.30 WIT``."""
    if not stamp:
        return "–"
    try:
        return timestamp_text(dt.datetime.strptime(stamp, STAMP))
    except ValueError:
        return stamp


@dataclass
class TaskFacts:
    """One assignment as nbgrader lists it for this learner."""

    course: str
    assignment: str
    released: bool = False
    fetched: bool = False
    notebooks: list[str] = field(default_factory=list)  # relative to the server's root
    submissions: list[str] = field(default_factory=list)  # nbgrader timestamps, oldest first
    feedback_to_fetch: bool = False  # the trainer released feedback not fetched yet
    feedback: dict[str, Path] = field(default_factory=dict)  # notebook id -> fetched HTML

    @property
    def state(self) -> str:
        return SUBMITTED if self.submissions else NOT_STARTED

    @property
    def last_submitted(self) -> str | None:
        return self.submissions[-1] if self.submissions else None

    @property
    def known(self) -> bool:
        return self.released or self.fetched or bool(self.submissions)


def facts_from_listing(listing: list[dict], course: str, assignment: str,
                       root_dir: str | Path) -> TaskFacts:
    """:class:`TaskFacts` from ``AssignmentList.list_assignments`` values (released ones
    have status released/fetched; submitted ones carry their ``submissions``)."""
    facts = TaskFacts(course, assignment)
    root = Path(root_dir)
    for item in listing:
        if item.get("course_id") != course or item.get("assignment_id") != assignment:
            continue
        status = item.get("status")
        if status in ("released", "fetched"):
            facts.released = True
            if status == "fetched":
                facts.fetched = True
                facts.notebooks = sorted(
                    str(Path(nb["path"]).relative_to(root)) if Path(nb["path"]).is_absolute()
                    else nb["path"] for nb in item.get("notebooks", []))
        elif status == "submitted":
            subs = sorted(item.get("submissions", []), key=lambda s: s["timestamp"])
            facts.submissions = [s["timestamp"] for s in subs]
            if subs:
                facts.feedback_to_fetch = bool(subs[-1].get("has_exchange_feedback")) and (
                    not subs[-1].get("has_local_feedback") or bool(subs[-1].get("feedback_updated")))
            for sub in reversed(subs):  # the latest submission with feedback fetched
                found = {nb["notebook_id"]: Path(nb["local_feedback_path"])
                         for nb in sub.get("notebooks", [])
                         if nb.get("has_local_feedback") and nb.get("local_feedback_path")}
                if found:
                    facts.feedback = {k: (v if v.is_absolute() else root / v)
                                      for k, v in found.items()}
                    break
    if not facts.fetched:
        local = root / course / assignment  # path_includes_course: ~/<course>/<assignment>/
        if local.is_dir():
            facts.fetched = True
            facts.notebooks = sorted(str(p.relative_to(root)) for p in local.glob("*.ipynb"))
    return facts


class Tasks:
    """nbgrader's Assignments-panel machinery for one learner's server."""

    def __init__(self, root_dir: str, student: str, parent=None):
        from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

        self.root_dir = str(root_dir)
        self.student = student
        self.manager = AssignmentList(parent=parent)
        self.manager.root_dir = self.root_dir

    # -- what the learner may see ------------------------------------------------------

    def courses(self) -> set[str]:
        """The learner's courses, from the hub's groups (nbgrader's own auth plugin)."""
        from nbgrader.auth import Authenticator

        try:
            with self.manager.get_assignment_dir_config() as config:
                return set(Authenticator(config=config).get_student_courses(self.student) or ())
        except Exception as exc:  # noqa: BLE001 - the hub unreachable, the config unreadable
            self.manager.log.error("courses of %s: %r", self.student, exc)
            raise TaskError("Daftar kursus Anda tidak dapat dibaca dari hub saat ini. Muat "
                            "ulang halaman ini sebentar lagi.", 503) from None

    def check_course(self, course: str) -> None:
        if course not in self.courses():
            raise TaskError(f"Anda tidak terdaftar sebagai peserta kursus \u201c{course}\u201d. "
                            "Penilaian hanya dapat dikerjakan dari kursus Anda sendiri: kembali "
                            "ke Beranda.", 403)

    def facts(self, course: str, assignment: str) -> TaskFacts:
        self.check_course(course)
        listed = self.manager.list_assignments(course_id=course)
        if not listed.get("success"):
            self.manager.log.error("list %s: %s", course, listed.get("value"))
            raise TaskError("Daftar penilaian tidak dapat dibaca saat ini. Muat ulang halaman "
                            "ini sebentar lagi; bila tetap gagal, hubungi pelatih kursus.", 503)
        facts = facts_from_listing(listed["value"], course, assignment, self.root_dir)
        if not facts.known:
            raise TaskError(f"Penilaian \u201c{assignment}\u201d belum dibagikan oleh pelatih "
                            f"kursus \u201c{course}\u201d. Kembali ke Beranda dan coba lagi nanti.",
                            404)
        return facts

    # -- what the learner may do ------------------------------------------------------

    def _run(self, what: str, result: dict, message: str) -> None:
        if not result.get("success"):
            self.manager.log.error("%s: %s", what, result.get("value"))
            raise TaskError(message, 500)

    def open(self, course: str, assignment: str) -> TaskFacts:
        """Fetch the assignment if it is not in the learner's folder yet (their work is
        never overwritten), then its facts (the notebooks to open)."""
        facts = self.facts(course, assignment)
        if not facts.fetched:
            if not facts.released:
                raise TaskError("Soal penilaian ini tidak lagi dibagikan pelatih, dan belum ada "
                                "di folder Anda. Hubungi pelatih kursus.", 404)
            self._run(f"fetch {course}/{assignment}",
                      self.manager.fetch_assignment(course, assignment),
                      "Soal tidak dapat diambil. Coba lagi; bila tetap gagal, hubungi pelatih "
                      "kursus dan sebutkan nama penilaian ini.")
            facts = self.facts(course, assignment)
        if not facts.notebooks:
            raise TaskError(f"Folder {course}/{assignment} di JupyterLab Anda tidak berisi "
                            "notebook soal. Hubungi pelatih kursus.", 500)
        return facts

    def submit(self, course: str, assignment: str) -> TaskFacts:
        facts = self.facts(course, assignment)
        if not facts.fetched:
            raise TaskError("Soal belum diambil, jadi belum ada jawaban untuk dikirim. Tekan "
                            "\u201cKerjakan\u201d dulu, isi jawaban, simpan, lalu kirim.", 409)
        before = facts.last_submitted
        self._run(f"submit {course}/{assignment}",
                  self.manager.submit_assignment(course, assignment),
                  "Jawaban belum terkirim. Pastikan notebook sudah disimpan lalu coba lagi; "
                  "bila tetap gagal, hubungi pelatih kursus.")
        facts = self.facts(course, assignment)
        if facts.last_submitted in (None, before):
            raise TaskError("Jawaban belum terkirim (tidak tercatat di folder kiriman). Coba "
                            "lagi; bila tetap gagal, hubungi pelatih kursus.", 500)
        return facts

    def fetch_feedback(self, course: str, assignment: str) -> TaskFacts:
        facts = self.facts(course, assignment)
        if not facts.submissions:
            raise TaskError("Belum ada jawaban terkirim untuk penilaian ini, jadi belum ada "
                            "umpan balik.", 409)
        if facts.feedback_to_fetch:
            self._run(f"fetch_feedback {course}/{assignment}",
                      self.manager.fetch_feedback(course, assignment),
                      "Umpan balik tidak dapat diambil. Coba lagi sebentar lagi.")
            facts = self.facts(course, assignment)
        if not facts.feedback:
            raise TaskError("Umpan balik belum dibagikan oleh pelatih. Coba lagi setelah "
                            "penilaian Anda selesai dinilai.", 404)
        return facts


def _jupyter_server_extension_points():
    return [{"module": "belajar.tugas"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Only on a learner's server (a hub user's, not a service such as a formgrader)."""
    student = os.environ.get("JUPYTERHUB_USER")
    if not student or os.environ.get("JUPYTERHUB_SERVICE_NAME"):
        serverapp.log.info("belajar.tugas: not a learner's server, no pages added")
        return
    from .tugas_handlers import routes

    web_app = serverapp.web_app
    web_app.settings["belajar_tugas"] = Tasks(serverapp.root_dir, student, parent=serverapp)
    web_app.add_handlers(".*$", routes(web_app.settings["base_url"]))
    serverapp.log.info("belajar.tugas: assessment pages under %sbelajar/tugas/",
                       web_app.settings["base_url"])
