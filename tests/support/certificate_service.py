"""A few people and the competency service in-process, for the e-certificate tests
(issue 12, point 6).

The hub's OAuth is replaced by :func:`tests.support.service_auth.fake_hub_user`
(``X-Test-User: name:group``; no header: nobody logged in); the platform database
(migrated SQLite), the catalogue (the fixture module ``modul-uji``: two lessons of 10
minutes, one exercise each, 2 JP), the report cache and Tornado are real. The service's
clock is the app setting ``clock``, moved by the test, so "enough real time" needs no
sleeping. A learner earns the module's JP the honest way: every exercise answered over
20 minutes of server time, then a post-test synced at 80 % (:func:`earn_module`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from sqlalchemy import create_engine, insert, inspect, text
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from asncore.db import Employee, ItemScore, Unit, session_factory
from asncore.events import make_event
from services.kompetensi.app import make_app
from tests.support.service_auth import call_service

PREFIX = "/services/kompetensi/"
FIXTURE_COURSES = Path(__file__).resolve().parents[1] / "fixtures" / "courses"
MODULE, MODULE_TITLE = "modul-uji", "Modul Uji"
ORIGIN = "https://belajar.contoh.go.id"
NUMBER = r"ASN-AMB-[0-9]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"

YULIANA = "198503122010012003"  # PNS, female
JOHANIS = "199007152015031002"  # PNS, male
MARKUS = "199204202019031004"  # joins the roster after his credit
HR, ADMIN = "sdm", "admin"
PEOPLE = {  # username -> (NIP, name, role)
    YULIANA: (YULIANA, "Yuliana Sahetapy", "learner"),
    JOHANIS: (JOHANIS, "Johanis Latuheru", "learner"),
    HR: ("198001012005012001", "Maria Pattikawa", "hr"),
    ADMIN: ("197901012004011001", "Admin Platform", "admin"),
}
UNIT = {"code": "DUKCAPIL", "name": "Dinas Kependudukan dan Pencatatan Sipil",
        "parent_code": None}


def user(name: str) -> str:
    """The X-Test-User header value for one of :data:`PEOPLE`."""
    return f"{name}:{PEOPLE[name][2]}" if name in PEOPLE else f"{name}:learner"


class Clock:
    """The service's clock: naive UTC, moved by the test."""

    def __init__(self):
        self.now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += dt.timedelta(minutes=minutes)


def add_person(sessions, username: str, nip: str, name: str, role: str = "learner") -> None:
    with sessions() as db, db.begin():
        db.execute(insert(Employee), [{
            "username": username, "nip": nip, "name": name, "unit_code": UNIT["code"],
            "position": "Analis Layanan", "position_type": "Pelaksana", "grade": "III/a",
            "status": "PNS", "role": role, "courses": "", "active": True}])


def populate(url: str) -> None:
    sessions = session_factory(url)
    with sessions() as db, db.begin():
        db.execute(insert(Unit), [UNIT])
    for username, (nip, name, role) in PEOPLE.items():
        add_person(sessions, username, nip, name, role)


def db_fingerprint(url: str) -> str:
    """A hash of every row of every table of the platform database."""
    engine = create_engine(url)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            digest.update(table.encode())
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).fetchall()
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode())
    engine.dispose()
    return digest.hexdigest()


class Service:
    """The app on a free port of 127.0.0.1, with :meth:`call` for requests."""

    def __init__(self, url: str, origin: str = ORIGIN):
        self.url = url
        self.sessions = session_factory(url)
        self.app = make_app(url, PREFIX, FIXTURE_COURSES,
                            certificates={"header": ["Pemerintah Kota Ambon"],
                                          "issuer": "BKPSDM Kota Ambon", "place": "Ambon",
                                          "public_origin": origin})
        self.clock = Clock()
        self.app.settings["clock"] = self.clock
        sock, self.port = bind_unused_port()
        self.server = HTTPServer(self.app)
        self.server.add_sockets([sock])
        self.client = AsyncHTTPClient()

    async def call(self, path: str, as_user: str | None = None, method: str = "GET",
                   body=None, headers: dict | None = None):
        """``path`` under the service's prefix; ``as_user`` a name of :data:`PEOPLE` (or
        any learner name), None for nobody logged in."""
        return await call_service(self.client, f"http://127.0.0.1:{self.port}{PREFIX}", path,
                                  user(as_user) if as_user else None, method, body, headers)

    def stop(self) -> None:
        self.server.stop()

    async def answer_exercises(self, username: str) -> None:
        """Every exercise of :data:`MODULE`, 15 minutes of server time apart per lesson."""
        module = self.app.settings["catalogue"][MODULE]
        for lesson in module.lessons:
            events = [make_event("exercise", MODULE, lesson, x, 1.0)
                      for x in module.exercises(lesson)]
            answer = await self.call("api/me/events", username, "POST", {"events": events})
            assert answer.code == 200, answer.body
            self.clock.advance(15)

    def sync_post_test(self, username: str, share: float) -> None:
        """What ``asn-ambon grading sync`` writes for a graded post-test of the module."""
        with self.sessions() as db, db.begin():
            db.add(ItemScore(course=MODULE, assignment="post-test", username=username,
                             notebook="post-test", grade_id="soal-1", competency="M.03",
                             level=2, score=10 * share, max_score=10.0, kind="post"))

    async def progress(self, username: str) -> dict:
        answer = await self.call("api/me/progress", username)
        assert answer.code == 200, answer.body
        return next(m for m in json.loads(answer.body)["modules"] if m["id"] == MODULE)

    async def earn_module(self, username: str) -> dict:
        """The honest way to the module's JP; returns the module's progress entry."""
        await self.answer_exercises(username)
        self.sync_post_test(username, 0.8)
        return await self.progress(username)
