"""A small city and the competency service in-process, for the follow-up page and the HR
uploads of the evaluation loop (issue 11, points 5 and 7).

The hub's OAuth is replaced by :func:`tests.support.service_auth.fake_hub_user`
(``X-Test-User: name:group``); the platform database (migrated SQLite), the catalogue of the
real ``courses/``, the report cache and Tornado are real.

The city: the units of ``examples/unit.csv``; six learners in Dinas Kesehatan (DINKES) and
one in its Puskesmas Contoh A (PKM-CONTOH-A), three in Dukcapil; a trainer, an HR officer and
an admin. Training (2026, first semester):

- DINKES 1-5 and PKM-CONTOH-A 7 finish a platform module (3 JP, 20 March); DINKES 1 also has
  an external activity (8 JP, 1 May). Their pre-test is 4/10 (February), their post-test
  7/10 (20 March), PKM-CONTOH-A 7's post-test 8/10;
- DUKCAPIL 8 finishes a module on 2 April; DUKCAPIL 8 and 9 go from 5/10 to 6/10.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
from pathlib import Path

import openpyxl
from sqlalchemy import create_engine, insert, inspect, text
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from asncore.db import Employee, ItemScore, JpEntry, session_factory
from asncore.imports.units import import_units
from services.kompetensi.app import make_app
from tests.support.service_auth import call_service

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
PREFIX = "/services/kompetensi/"
HR, ADMIN, TRAINER = "sdm:hr", "admin:admin", "pelatih:trainer"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_KINDS = ("ikm", "pengaduan", "libur")
IKM_HEADER = ("unit,layanan,periode,Persyaratan,\"Sistem, Mekanisme, dan Prosedur\","
              "Waktu Penyelesaian,Biaya/Tarif,Produk Spesifikasi Jenis Pelayanan,"
              "Kompetensi Pelaksana,Perilaku Pelaksana,"
              "\"Penanganan Pengaduan, Saran dan Masukan\",Sarana dan Prasarana")


def nip(serial: int) -> str:
    return f"199001012015031{serial:03d}"


PEOPLE = {  # username -> (unit, role)
    **{nip(i): ("DINKES", "learner") for i in range(1, 7)},
    nip(7): ("PKM-CONTOH-A", "learner"),
    **{nip(i): ("DUKCAPIL", "learner") for i in range(8, 11)},
    "pelatih": ("BKPSDM", "trainer"),
    "sdm": ("BKPSDM", "hr"),
    "admin": ("BKPSDM", "admin"),
}
LEARNER = f"{nip(1)}:learner"


def _utc(year, month, day, hour=3) -> dt.datetime:
    return dt.datetime(year, month, day, hour)


def _test_items(username: str, course: str, pre: float, post: float,
                pre_at: dt.datetime, post_at: dt.datetime) -> list[dict]:
    return [{"course": course, "assignment": f"{kind}-test", "username": username,
             "notebook": kind, "grade_id": "q1", "competency": "M.03", "level": 2,
             "score": score, "max_score": 10.0, "kind": kind, "needs_manual": False,
             "submitted_at": at}
            for kind, score, at in (("pre", pre, pre_at), ("post", post, post_at))]


def _module_credit(username: str, day: dt.date, jp: float = 3.0, kind: str = "platform",
                   ref: str = "modul:komunikasi-pelayanan") -> dict:
    return {"username": username, "year": day.year, "activity": "Komunikasi Pelayanan",
            "provider": "BKPSDM", "jp": jp, "source_ref": ref, "start_date": day,
            "end_date": day, "certificate_no": None, "kind": kind}


def populate_city(url: str) -> None:
    import_units(url, EXAMPLES / "unit.csv")
    items, ledger = [], []
    for i in (1, 2, 3, 4, 5, 7):
        items += _test_items(nip(i), "komunikasi", 4.0, 8.0 if i == 7 else 7.0,
                             _utc(2026, 2, 10), _utc(2026, 3, 20))
        ledger.append(_module_credit(nip(i), dt.date(2026, 3, 20)))
    ledger.append(_module_credit(nip(1), dt.date(2026, 5, 1), 8.0, "external", "sertifikat:x-1"))
    for i in (8, 9):
        items += _test_items(nip(i), "komunikasi", 5.0, 6.0, _utc(2026, 3, 2), _utc(2026, 3, 9))
    ledger.append(_module_credit(nip(8), dt.date(2026, 4, 2)))
    with session_factory(url)() as db, db.begin():
        db.execute(insert(Employee), [
            {"username": u, "nip": u if u[0].isdigit() else f"19800101200501{i:04d}",
             "name": f"Pegawai {i}", "unit_code": unit, "position": "Staf",
             "position_type": "Pelaksana", "grade": "III/a", "status": "PNS", "role": role,
             "courses": "", "active": True}
            for i, (u, (unit, role)) in enumerate(PEOPLE.items())])
        db.execute(insert(ItemScore), items)
        db.execute(insert(JpEntry), ledger)


def ikm_rows(unit: str, period: str, answer: int, respondents: int = 5,
             service: str = "Layanan Uji") -> list[str]:
    return [",".join([unit, service, period] + [str(answer)] * 9)] * respondents


def ikm_csv(*rows: str) -> bytes:
    return ("\n".join([IKM_HEADER, *rows]) + "\n").encode()


GOOD_IKM = ikm_csv(*ikm_rows("DINKES", "2025-S2", 2), *ikm_rows("DINKES", "2026-S2", 3),
                   *ikm_rows("DUKCAPIL", "2026-S1", 4))
COMPLAINTS = (EXAMPLES / "pengaduan-contoh.csv").read_bytes()
HOLIDAYS = (EXAMPLES / "hari-libur-2026.csv").read_bytes()
GOOD_FILES = {"ikm": GOOD_IKM, "pengaduan": COMPLAINTS, "libur": HOLIDAYS}


def as_xlsx(csv_bytes: bytes) -> bytes:
    """The CSV's rows (``#`` comment lines dropped) as the first sheet of a workbook."""
    import csv

    lines = [line for line in csv_bytes.decode("utf-8-sig").splitlines()
             if not line.startswith("#")]
    book = openpyxl.Workbook()
    for row in csv.reader(lines):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def multipart(filename: str, data: bytes, content_type: str = "application/octet-stream",
              field: str = "berkas") -> tuple[bytes, dict]:
    """A browser-style form upload: (body, headers)."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def db_fingerprint(url: str) -> str:
    """A hash of every row of every table."""
    engine = create_engine(url)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            digest.update(table.encode())
            rows = conn.execute(text(f'SELECT * FROM "{table}"'))
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode())
    engine.dispose()
    return digest.hexdigest()


def count(url: str, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
    engine.dispose()
    return n


class Service:
    """The running app and a client: ``await service.call(path, user, method, body)``."""

    def __init__(self, url: str):
        self.url = url
        self.app = make_app(url, PREFIX, REPO / "courses")
        sock, self.port = bind_unused_port()
        self.server = HTTPServer(self.app)
        self.server.add_sockets([sock])
        self.client = AsyncHTTPClient()

    async def call(self, path: str, user: str | None = HR, method: str = "GET",
                   body: bytes | str | None = None, headers: dict | None = None):
        return await call_service(self.client, f"http://127.0.0.1:{self.port}{PREFIX}", path,
                                  user, method, body, headers, timeout=120)

    async def upload(self, kind: str, data: bytes, content_type: str = "text/csv",
                     user: str | None = HR):
        """POST ``data`` as the raw body of ``api/hr/impor/<kind>``."""
        return await self.call(f"api/hr/impor/{kind}", user, "POST", data,
                               {"Content-Type": content_type})

    async def json(self, path: str, user: str = HR, **kw) -> dict:
        answer = await self.call(path, user, **kw)
        assert answer.code == 200, (path, answer.code, answer.body[:500])
        return json.loads(answer.body)

    def stop(self) -> None:
        self.server.stop()
