"""Fuzz of the competency service's HR/profile endpoints and of the grading service
(issue 10, point 6): wrong types, huge bodies, Unicode digits, negative and huge numbers,
missing fields, wrong methods. Every answer is a 4xx (or a 200 where the input is
harmless, e.g. an unknown competency filter), never a 5xx, and nothing is written: the
platform database is the same afterwards and no grading command is started.

In-process (the pattern of tests/component/test_kompetensi_hr.py): a fixed user model per
request (``X-Test-User: name:group``), the real apps, database and report cache. The
progress and events endpoints are fuzzed with their owner's tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from jupyterhub.services.auth import HubOAuthenticated
from sqlalchemy import create_engine, inspect, text
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from benchmarks.platform_data import populate
from services.kompetensi.app import make_app
from services.penilaian import app as penilaian
from tests.support.service_auth import fake_hub_user

pytestmark = pytest.mark.asyncio(loop_scope="module")
PREFIX = "/services/kompetensi/"
GRADING = "/services/penilaian/"
YEAR = dt.date.today().year
REPO = Path(__file__).resolve().parents[2]
COURSE = "kursus-uji"
ASSIGNMENT = re.compile(r"[a-z0-9][a-z0-9-]{0,60}")  # what penilaian accepts as a name

# values for every query parameter, and for path segments
NASTY = [
    "abc", "²⁰²⁶", "٢٠٢٦", "𝟚𝟘𝟚𝟞", "-1", "-2026", "0", "99999999999999999999999999",
    "1e309", "NaN", "Infinity", "-Infinity", "2026.5", "0x7ea", " 2026", "2026\n", "",
    "null", "[]", "{}", "true", "\x00", "%00", "../../etc/passwd", "<script>alert(1)</script>",
    "'; DROP TABLE employees; --", "=HYPERLINK(\"x\")", "x" * 5000, "ü" * 300,
]
QUERY_KEYS = ["tahun", "year", "unit", "status", "halaman", "kompetensi", "jenis_jabatan"]


def db_fingerprint(url: str) -> str:
    """A hash of every row of every table of the platform database."""
    engine = create_engine(url)
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).fetchall()
            digest.update(table.encode())
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode())
    engine.dispose()
    return digest.hexdigest()


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'k.sqlite'}"
    return url, populate(url, n=16, year=YEAR)


@pytest.fixture(scope="module")
async def services(city):
    started = []

    async def refuse_grading(self, *args):
        started.append(args)
        raise AssertionError(f"a grading command was started: {args}")

    url, nips = city
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
        patch.setattr(penilaian.CourseHandler, "grading", refuse_grading)
        apps = [make_app(url, PREFIX, REPO / "courses"),
                penilaian.make_app(GRADING, {COURSE: "/nonexistent/kursus"}, "nobody", 1, url)]
        servers, ports = [], []
        for app in apps:
            sock, port = bind_unused_port()
            server = HTTPServer(app)
            server.add_sockets([sock])
            servers.append(server)
            ports.append(port)
        client = AsyncHTTPClient()

        async def call(service: int, path: str, user: str | None, method: str = "GET",
                       body: bytes | str | None = None, headers: dict | None = None):
            prefix = (PREFIX, GRADING)[service]
            all_headers = {"X-Test-User": user} if user else {}
            all_headers.update(headers or {})
            if method in ("POST", "PUT", "PATCH") and body is None:
                body = b""
            try:
                return await client.fetch(
                    f"http://127.0.0.1:{ports[service]}{prefix}{path}", method=method, body=body,
                    headers=all_headers, follow_redirects=False, request_timeout=120,
                    allow_nonstandard_methods=True)
            except HTTPClientError as exc:
                return exc.response

        yield call, nips, started
        for server in servers:
            server.stop()


def users(nips):
    return [None, "sdm:hr", "admin:admin", f"{nips[0]}:learner", "pelatih:trainer",
            f"pelatih:trainer,formgrade-{COURSE}", "orang:"]


GET_PATHS = ["api/hr/employees", "api/hr/employees/{nip}", "api/hr/units", "api/hr/units/OPD00",
             "api/hr/jp", "api/me/profile", "api/me", "profil", "hr", "hr/pegawai/{nip}",
             "hr/unduh/laporan.xlsx", "hr/unduh/laporan.html", "hr/unduh/jp.csv",
             "hr/unduh/levels.csv", "api/health"]


def _check(answer, what) -> None:
    assert answer is not None, what
    assert answer.code < 500, (what, answer.code, answer.body[:300] if answer.body else b"")


async def test_query_parameters(services, city):
    call, nips, started = services
    started.clear()
    before = db_fingerprint(city[0])
    for path, key, value in itertools.product(GET_PATHS, QUERY_KEYS, NASTY):
        user = f"{nips[1]}:learner" if path in ("api/me/profile", "profil", "api/me") else "sdm:hr"
        answer = await call(0, path.format(nip=nips[1]) + f"?{key}={quote(value)}", user)
        _check(answer, (path, key, value))
        if key in ("tahun", "year") and path != "api/health" and path != "api/hr/employees" \
                and path != "api/me":
            assert 400 <= answer.code < 500, (path, key, value, answer.code)
        if key == "halaman" and path == "hr" and value != "":
            assert answer.code in (200, 400), (path, value, answer.code)
    assert db_fingerprint(city[0]) == before
    assert started == []


async def test_path_segments(services, city):
    call, nips, started = services
    started.clear()
    before = db_fingerprint(city[0])
    for value in NASTY + [nips[2] + "0", nips[2][:-1], "1" * 18]:
        segment = quote(value, safe="")
        for path in (f"api/hr/employees/{segment}", f"api/hr/units/{segment}",
                     f"hr/pegawai/{segment}", f"hr/unduh/{segment}.csv", f"hr/unduh/{segment}.xlsx",
                     f"hr/unduh/laporan.{segment}"):
            answer = await call(0, path, "sdm:hr")
            _check(answer, path)
            assert 400 <= answer.code < 500, (path, answer.code)
        paths = [f"api/{segment}/ps1/autograde", f"api/{segment}/{segment}/sync"]
        if not ASSIGNMENT.fullmatch(value):  # a well-formed name is graded (not fuzz)
            paths += [f"api/{COURSE}/{segment}/autograde", f"api/{COURSE}/{segment}/sync"]
        for path in paths:
            answer = await call(1, path, f"pelatih:trainer,formgrade-{COURSE}", "POST")
            _check(answer, path)
            assert 400 <= answer.code < 500, (path, answer.code)
    assert db_fingerprint(city[0]) == before
    assert started == []


async def test_methods_and_roles(services, city):
    call, nips, started = services
    started.clear()
    before = db_fingerprint(city[0])
    for path, user, method in itertools.product(GET_PATHS, users(nips),
                                                ("POST", "PUT", "DELETE", "PATCH", "OPTIONS")):
        answer = await call(0, path.format(nip=nips[1]), user, method, body=b'{"x": 1}')
        _check(answer, (path, user, method))
        assert 400 <= answer.code < 500, (path, user, method, answer.code)
    for user, method, action in itertools.product(users(nips), ("GET", "POST", "PUT", "DELETE"),
                                                  ("autograde", "sync")):
        if user == f"pelatih:trainer,formgrade-{COURSE}" and method == "POST":
            continue  # the one call that would start grading (refused by the patch)
        answer = await call(1, f"api/{COURSE}/ps1/{action}", user, method,
                            body=None if method == "GET" else b"{}")
        _check(answer, (action, user, method))
        assert 400 <= answer.code < 500, (action, user, method, answer.code)
    assert db_fingerprint(city[0]) == before
    assert started == []


HEADER = "nip,kegiatan,penyelenggara,tanggal_mulai,tanggal_selesai,jp,no_sertifikat\n"


def bad_uploads(nip: str) -> list[tuple[str, bytes, dict]]:
    """(what, body, headers): every one must be refused, nothing imported."""
    row = "{nip},Bimtek,Diskominfo,{start},{end},{jp},CERT-1\n"
    good = dict(nip=nip, start=f"{YEAR}-01-10", end=f"{YEAR}-01-11", jp="8")

    def csv_with(**change):
        return (HEADER + row.format(**{**good, **change})).encode()

    uploads = [
        ("empty", b"", {}),
        ("json", json.dumps({"nip": nip, "jp": 8}).encode(), {"Content-Type": "application/json"}),
        ("json list", b"[1, 2, 3]", {}),
        ("not utf-8", b"\xff\xfe\x00" * 1000, {}),
        ("header only", HEADER.encode(), {}),
        ("bom only", "\ufeff".encode(), {}),
        ("missing column", b"nip,kegiatan\n" + nip.encode() + b",x\n", {}),
        ("10k columns", (",".join(f"c{i}" for i in range(10_000)) + "\n").encode(), {}),
        ("nul bytes", csv_with(jp="8\x00"), {}),
        ("over 5 MB", HEADER.encode() + b"x" * (5 * 1024 * 1024 + 10), {}),
        ("far over the cap", b"x" * (20 * 1024 * 1024), {}),
        ("multipart without file", b"--b\r\nContent-Disposition: form-data; name=\"lain\"\r\n\r\nx\r\n--b--\r\n",
         {"Content-Type": "multipart/form-data; boundary=b"}),
        ("broken multipart", b"--b\r\nnonsense", {"Content-Type": "multipart/form-data; boundary=b"}),
        ("multipart no boundary", b"xx", {"Content-Type": "multipart/form-data"}),
        ("form urlencoded", b"berkas=%ZZ&&&=", {"Content-Type": "application/x-www-form-urlencoded"}),
    ]
    for name, value in [("jp", v) for v in ("NaN", "Infinity", "1e309", "-5", "0", "²", "٨",
                                            "99999999999999999999", "abc", "")] + \
                       [("start", v) for v in ("99999-01-01", "2026-13-01", "²⁰²⁶-01-01", "", "0000-00-00")] + \
                       [("nip", v) for v in ("١٩٩٠٠١٠١٢٠١٥٠٣١٠٠١", "-1", "1" * 200, "", nip + "0")]:
        uploads.append((f"{name}={value!r}", csv_with(**{name: value}), {}))
    return uploads


async def test_jp_import_refuses_and_writes_nothing(services, city):
    call, nips, started = services
    started.clear()
    before = db_fingerprint(city[0])
    for what, body, headers in bad_uploads(nips[3]):
        for path in ("api/hr/jp/import", "hr/jp/impor"):
            for user in ("sdm:hr", None, f"{nips[3]}:learner"):
                answer = await call(0, path, user, "POST", body=body, headers=headers)
                _check(answer, (what, path, user))
                if path == "api/hr/jp/import" or user != "sdm:hr":
                    assert 400 <= answer.code < 500, (what, path, user, answer.code)
                else:  # the page shows the refusal (200 with the errors) or a 4xx
                    assert answer.code < 300 and "gagal" in answer.body.decode() \
                        or 400 <= answer.code < 500, (what, path, answer.code)
    assert db_fingerprint(city[0]) == before
    assert started == []
