"""A small city and the competency service in-process, for the tests of ASN's voice
(issue 11: reaction survey, training-needs self-assessment).

The hub's OAuth is replaced by :func:`tests.support.service_auth.fake_hub_user`
(``X-Test-User: name:group``); the platform database (migrated SQLite), the catalogue of
the real ``courses/``, the report cache and Tornado are real.

The city (:data:`PEOPLE`): seven Pengawas in Bidang Pelayanan of Dinas Kesehatan, two
Pelaksana and one Pengawas in Dukcapil, an HR officer and an admin. Every learner has a
progress event in :data:`MODULE` (so may answer its survey); only the first three have
one in :data:`OTHER_MODULE`. The first four of Bidang Pelayanan are measured at level 1 on
M.03 (Komunikasi), which Pengawas need at level 2 (migration 0002's seed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from sqlalchemy import create_engine, func, insert, inspect, select, text
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from asncore.constants import LOCAL_TZ
from asncore.db import Employee, ItemScore, ProgressEvent, Unit, session_factory
from asncore.settings import DEFAULTS
from services.kompetensi.app import make_app
from tests.support.service_auth import call_service

PREFIX = "/services/kompetensi/"
COURSES = Path(__file__).resolve().parents[2] / "courses"
YEAR = dt.datetime.now(LOCAL_TZ).year
MODULE = "komunikasi-pelayanan"
OTHER_MODULE = "manajemen-waktu"
HIDDEN = "kurang dari 5 responden — tidak ditampilkan"

UNITS = [
    {"code": "DINKES", "name": "Dinas Kesehatan", "parent_code": None},
    {"code": "DINKES-YAN", "name": "Bidang Pelayanan Kesehatan", "parent_code": "DINKES"},
    {"code": "DUKCAPIL", "name": "Dinas Kependudukan dan Pencatatan Sipil", "parent_code": None},
]


def nip(serial: int) -> str:
    return f"199001012015031{serial:03d}"


# username -> (unit, position type, role)
PEOPLE = {
    **{nip(i): ("DINKES-YAN", "Pengawas", "learner") for i in range(1, 8)},
    nip(8): ("DUKCAPIL", "Pelaksana", "learner"),
    nip(9): ("DUKCAPIL", "Pelaksana", "learner"),
    nip(10): ("DUKCAPIL", "Pengawas", "learner"),
    "sdm": ("DINKES", "Administrator", "hr"),
    "admin": ("DINKES", "Administrator", "admin"),
}
LEARNERS = [u for u, (_, _, role) in PEOPLE.items() if role == "learner"]
YAN = [u for u in LEARNERS if PEOPLE[u][0] == "DINKES-YAN"]


def populate_city(url: str) -> None:
    sessions = session_factory(url)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with sessions() as db, db.begin():
        db.execute(insert(Unit), UNITS)
        db.execute(insert(Employee), [
            {"username": u, "nip": u if u[0].isdigit() else f"19800101200501{i:04d}",
             "name": f"Pegawai {i}", "unit_code": unit, "position": "Staf",
             "position_type": ptype, "grade": "III/a", "status": "PNS", "role": role,
             "courses": "", "active": True}
            for i, (u, (unit, ptype, role)) in enumerate(PEOPLE.items())])
        events = [(u, MODULE) for u in LEARNERS] + [(u, OTHER_MODULE) for u in LEARNERS[:3]]
        db.execute(insert(ProgressEvent), [
            {"event_id": f"ev-{i}", "username": u, "kind": "lesson", "module": m,
             "lesson": "01-x", "exercise": None, "score": 1.0, "duration_s": 1.0,
             "client_ts": now.isoformat(), "received_at": now}
            for i, (u, m) in enumerate(events)])
        # measured levels: M.03 level 1 for the first four of Bidang Pelayanan (three
        # post-test items each: the reports claim no level on fewer, reports.engine)
        db.execute(insert(ItemScore), [
            {"course": MODULE, "assignment": "post-test", "username": u, "notebook": "post",
             "grade_id": f"q{k}", "competency": "M.03", "level": 1, "score": 1.0,
             "max_score": 1.0, "kind": "post", "needs_manual": False, "submitted_at": now}
            for u in YAN[:4] for k in (1, 2, 3)])


def db_fingerprint(url: str) -> str:
    """A hash of every row of every table."""
    engine = create_engine(url)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            digest.update(table.encode())
            for row in sorted(repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{table}"'))):
                digest.update(row.encode())
    engine.dispose()
    return digest.hexdigest()


def count(url: str, model) -> int:
    """Rows of ``model``'s table in the platform database at ``url``."""
    with session_factory(url)() as db:
        return db.scalar(select(func.count()).select_from(model))


class Service:
    """The running app and a client: ``await service.call(path, user, method, body)``."""

    def __init__(self, url: str, evaluation: dict | None = None):
        self.url = url
        extra = {"evaluation": {**DEFAULTS["evaluation"], **evaluation}} if evaluation else {}
        self.app = make_app(url, PREFIX, COURSES, **extra)
        sock, self.port = bind_unused_port()
        self.server = HTTPServer(self.app)
        self.server.add_sockets([sock])
        self.client = AsyncHTTPClient()

    async def call(self, path: str, user: str | None, method: str = "GET", body=None,
                   headers: dict | None = None):
        return await call_service(self.client, f"http://127.0.0.1:{self.port}{PREFIX}", path,
                                  user, method, body, headers)

    async def json(self, path: str, user: str, **kw) -> dict:
        answer = await self.call(path, user, **kw)
        assert answer.code == 200, (path, answer.code, answer.body)
        return json.loads(answer.body)

    def stop(self) -> None:
        self.server.stop()


def learner(username: str) -> str:
    return f"{username}:learner"


HR, ADMIN = "sdm:hr", "admin:admin"


def answer(relevance=4, clarity=4, usefulness=4, improvement="") -> dict:
    return {"relevance": relevance, "clarity": clarity, "usefulness": usefulness,
            "improvement": improvement}
