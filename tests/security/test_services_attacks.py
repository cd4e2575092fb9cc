"""Attacks on the competency and grading services (issue 10, point 6; review M4, M5, L3, L10).

In-process, as tests/component/test_kompetensi_hr.py: the hub's OAuth is replaced by a
fixed user model per request (header ``X-Test-User: name:group``); the database, the
report cache, the engine and Tornado are real.

Each test was run against the code before the fix and failed there (the attack worked):
- body: a 50 MB Content-Length got no answer until the whole body was sent (buffered
  before the auth check), and neither service's ``main`` capped the server's body size;
- years: ``?tahun=²⁰²⁶`` and ``?halaman=²`` answered 500;
- profile storm: every ``api/me/profile?tahun=`` built the whole city's report;
- headers: HR pages and JSON had no ``Cache-Control: no-store`` and no CSP.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import re
import socket
from pathlib import Path

import pytest
from jupyterhub.services.auth import HubOAuthenticated
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from benchmarks.platform_data import populate
from services.kompetensi import reportcache
from services.kompetensi.app import make_app
from tests.support.service_auth import fake_hub_user

pytestmark = pytest.mark.asyncio(loop_scope="module")
PREFIX = "/services/kompetensi/"
YEAR = dt.date.today().year
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('attacks') / 'k.sqlite'}"
    return url, populate(url, n=24, year=YEAR)


@pytest.fixture(scope="module")
def builds():
    """Every report build: (year, unit, number of employees in its inputs)."""
    seen = []
    real = reportcache.build

    def counting(inputs, config):
        seen.append((config.year, config.unit, len(inputs.employees)))
        return real(inputs, config)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reportcache, "build", counting)
        yield seen


@pytest.fixture(scope="module")
async def service(city, builds):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
        url, nips = city
        app = make_app(url, PREFIX, REPO / "courses")
        sock, port = bind_unused_port()
        server = HTTPServer(app)
        server.add_sockets([sock])
        client = AsyncHTTPClient()

        async def get(path: str, user: str | None = "sdm:hr", **kw):
            headers = {"X-Test-User": user} if user else {}
            headers.update(kw.pop("headers", {}))
            try:
                return await client.fetch(f"http://127.0.0.1:{port}{PREFIX}{path}", headers=headers,
                                          follow_redirects=False, request_timeout=120, **kw)
            except HTTPClientError as exc:
                return exc.response

        yield get, nips, app, port
        server.stop()


def raw_request(port: int, head: str, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send ``head`` (and ``body``) on a raw connection; whatever the server answers within
    ``wait`` seconds (b"" when it says nothing: it is still waiting for the body)."""
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.settimeout(wait)
        conn.sendall(head.encode() + body)
        try:
            return conn.recv(65536)
        except TimeoutError:
            return b""


# ---- M5: bodies are refused before they are read, and before the auth check -------------


@pytest.mark.parametrize("path", ["api/me/events", "api/hr/jp/import", "hr/jp/impor", "api/me"])
async def test_an_oversized_body_is_refused_before_it_is_read(service, path):
    get, nips, app, port = service
    head = (f"POST {PREFIX}{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {50_000_000}\r\n\r\n")
    for user in (None, "sdm:hr", f"{nips[0]}:learner"):
        extra = f"X-Test-User: {user}\r\n" if user else ""
        answer = await asyncio.to_thread(raw_request, port, head.replace("\r\n\r\n", f"\r\n{extra}\r\n"),
                                         b"{" * 1000)
        status = answer.split(b"\r\n", 1)[0]
        assert status.startswith(b"HTTP/1.1 4"), (path, user, answer[:200])
        assert b" 413 " in status or (user is None and b" 403 " in status), (path, user, status)


async def test_an_anonymous_body_is_refused_before_it_is_read(service):
    """Anonymous (no token, no cookie): 403 at once, even for a body under the size cap."""
    get, nips, app, port = service
    head = (f"POST {PREFIX}api/me/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n")
    answer = await asyncio.to_thread(raw_request, port, head, b"{")
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]


async def test_a_chunked_body_over_the_cap_is_cut(service):
    get, nips, app, port = service
    head = (f"POST {PREFIX}api/me/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test-User: {nips[0]}:learner\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (1 << 20, b" " * (1 << 20))
    answer = await asyncio.to_thread(raw_request, port, head, chunk * 3)
    assert answer == b"" or answer.split(b"\r\n", 1)[0].split()[1][:1] == b"4", answer[:200]


async def test_the_jp_upload_still_takes_a_real_file(service):
    get, nips, app, port = service
    header = "nip,kegiatan,penyelenggara,tanggal_mulai,tanggal_selesai,jp,no_sertifikat\n"
    row = f"{nips[3]},Bimtek,Diskominfo,{YEAR}-02-10,{YEAR}-02-11,8,BODY-{YEAR}-1\n"
    done = await get("api/hr/jp/import", method="POST", body=header + row)
    assert done.code == 200, done.body
    form = ("--xx\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"jp.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" + header + row.replace("BODY-", "FORM-") + "\r\n--xx--\r\n")
    page = await get("hr/jp/impor", method="POST", body=form,
                     headers={"Content-Type": "multipart/form-data; boundary=xx"})
    assert page.code == 200 and "Berhasil: 1 kegiatan ditambahkan" in page.body.decode(), page.body


def test_both_services_cap_the_body_size_of_their_server(monkeypatch, tmp_path):
    """``main`` of each service listens with a body cap far below Tornado's 100 MB."""
    import services.kompetensi.__main__ as kompetensi_main
    import services.penilaian.app as penilaian

    class Stop(Exception):
        pass

    calls = []

    class FakeApp:
        def listen(self, *args, **kwargs):
            calls.append(kwargs)
            raise Stop

    settings = tmp_path / "settings.yaml"
    settings.write_text("{}\n")
    monkeypatch.setenv("ASN_SETTINGS", str(settings))
    monkeypatch.setenv("ASN_ROOT", str(REPO))
    monkeypatch.setenv("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/services/x/")
    monkeypatch.setattr(kompetensi_main, "make_app", lambda *a, **k: FakeApp())
    monkeypatch.setattr(penilaian, "make_app", lambda *a, **k: FakeApp())
    for main in (kompetensi_main.main, penilaian.main):
        with pytest.raises(Stop):
            asyncio.run(main())
    assert len(calls) == 2
    for kwargs in calls:
        assert 0 < kwargs.get("max_body_size", 100 << 20) <= 8 << 20, kwargs
        assert 0 < kwargs.get("max_buffer_size", 100 << 20) <= 16 << 20, kwargs


# ---- L3: year and page parameters ------------------------------------------------------


@pytest.mark.parametrize("raw", ["abc", "²⁰²⁶", "٢٠٢٦", "-2026", "99999999999999999999999", "1999",
                                 "2026.0", " 2026", "", "0x7ea"])
async def test_a_bad_year_is_400_in_indonesian(service, raw):
    get, nips, app, port = service
    from urllib.parse import quote

    for path, user in (("api/hr/units", "sdm:hr"), ("api/hr/jp", "sdm:hr"), ("hr", "sdm:hr"),
                       ("hr/unduh/jp.csv", "sdm:hr"), ("api/me/profile", f"{nips[0]}:learner"),
                       ("profil", f"{nips[0]}:learner")):
        r = await get(f"{path}?tahun={quote(raw)}", user=user)
        assert r.code == 400, (path, raw, r.code)
        assert "tahun" in r.body.decode(), (path, raw)


async def test_a_bad_page_number_is_not_a_500(service):
    get, nips, app, port = service
    for raw in ("²", "٣", "-1", "99999999999999999999999999", "x"):
        r = await get(f"hr?tahun={YEAR}&halaman={raw}")
        assert r.code in (200, 400), (raw, r.code)


# ---- M4: a learner's profile never builds the city's report ---------------------------


async def test_a_learner_cannot_make_city_wide_builds(service, builds):
    get, nips, app, port = service
    assert (await get("api/hr/units")).code == 200  # HR's current report is built and cached
    builds.clear()
    learner = f"{nips[4]}:learner"
    answers = await asyncio.gather(*(get(f"api/me/profile?tahun={y}", user=learner)
                                     for y in range(2000, 2101)))
    assert {a.code for a in answers} <= {200, 400, 404}
    city_wide = [b for b in builds if b[2] > 1]
    assert city_wide == [], f"{len(city_wide)} city-wide builds for one learner"
    assert (YEAR, None) in app.settings["reports"]._reports  # HR's report was not evicted
    mine = json.loads((await get(f"api/me/profile?tahun={YEAR}", user=learner)).body)
    hr_view = json.loads((await get(f"api/hr/employees/{nips[4]}")).body)
    assert mine["nip"] == nips[4]
    assert {k: v for k, v in mine.items() if k != "generated_at"} == {
        k: v for k, v in hr_view.items() if k != "generated_at"}


async def test_a_learner_asks_for_years_without_data(service):
    get, nips, app, port = service
    learner = f"{nips[5]}:learner"
    for year in (2000, YEAR - 30, YEAR + 1, 2100):
        r = await get(f"api/me/profile?tahun={year}", user=learner)
        assert r.code == 400, (year, r.code)
        assert "tahun" in json.loads(r.body)["message"]


# ---- L10: headers on every page and JSON answer ----------------------------------------


def _csp(headers) -> dict[str, list[str]]:
    policy = headers.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


async def test_pages_and_json_are_not_cached_and_carry_a_strict_csp(service):
    get, nips, app, port = service
    learner = f"{nips[6]}:learner"
    for path, user in (("hr", "sdm:hr"), ("api/hr/units", "sdm:hr"), ("api/hr/jp", "sdm:hr"),
                       (f"api/hr/employees/{nips[6]}", "sdm:hr"), (f"hr/pegawai/{nips[6]}", "sdm:hr"),
                       ("api/me/profile", learner), ("profil", learner), ("api/me", learner),
                       ("", learner), ("api/hr/units", learner), ("api/hr/units", None),
                       ("hr/unduh/laporan.xlsx", "sdm:hr")):
        r = await get(path, user=user)
        assert r.code in (200, 403), (path, r.code)
        assert r.headers.get("Cache-Control") == "no-store", (path, r.headers.get("Cache-Control"))
        assert r.headers.get("X-Content-Type-Options") == "nosniff", path
        csp = _csp(r.headers)
        assert csp.get("default-src") == ["'none'"], (path, csp)
        assert csp.get("frame-ancestors") == ["'none'"], (path, csp)
        for directive in ("script-src", "style-src", "img-src"):
            assert "'unsafe-inline'" not in csp.get(directive, []), (path, directive)
        assert "script-src" not in csp, (path, csp)
        if r.code == 200 and r.headers.get("Content-Type", "").startswith("text/html"):
            html = r.body.decode()
            for style in re.findall(r"<style[^>]*>(.*?)</style>", html, re.DOTALL):
                digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
                assert f"'sha256-{digest}'" in csp.get("style-src", []), path
