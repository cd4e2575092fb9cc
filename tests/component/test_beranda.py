"""Beranda, the learner's home at /services/kompetensi/ (issue 13, point 1), in-process.

The hub's OAuth is replaced by ``tests.support.service_auth.fake_hub_user`` (header
``X-Test-User: name:group[,group]``); the platform database (migrated SQLite), the
catalogue of the real ``courses/``, the real ``assessments/`` sources and Tornado are real.
The real log-in path to this page is proven in tests/browser/test_login_journey.py.

The city: Maria (PNS, learner of komunikasi-pelayanan, lesson 01 done, pre-test synced and
graded, post-test synced with an item waiting for the trainer), Yohanes (PPPK, in no course),
Pak Ruben (trainer of komunikasi-pelayanan).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from jupyterhub.services.auth import HubOAuth, HubOAuthenticated
from sqlalchemy import insert
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from asncore.db import Employee, ItemScore, ProgressEvent, Unit, session_factory
from services.kompetensi.app import make_app
from services.kompetensi.catalogue import load_catalogue
from tests.support.service_auth import fake_hub_user

pytestmark = pytest.mark.asyncio(loop_scope="module")
ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/services/kompetensi/"
MODULE = "komunikasi-pelayanan"
MARIA, YOHANES, RUBEN = "199001012015032001", "199203152019031002", "pelatih1"
LEARNER = f"{MARIA}:learner,nbgrader-{MODULE}"
# submitted 1 March 2026 at 02:30 UTC = 11.30 WIT (UTC+9)
SUBMITTED = dt.datetime(2026, 3, 1, 2, 30)


def populate(url: str, catalogue) -> None:
    sessions = session_factory(url)
    module = catalogue[MODULE]
    first = module.lessons[0]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with sessions() as db, db.begin():
        db.execute(insert(Unit), [{"code": "DINKES", "name": "Dinas Kesehatan", "parent_code": None}])
        db.execute(insert(Employee), [
            {"username": u, "nip": nip, "name": name, "unit_code": "DINKES", "position": "Staf",
             "position_type": "Pelaksana", "grade": "III/a", "status": status, "role": role,
             "courses": "", "active": True}
            for u, nip, name, status, role in [
                (MARIA, MARIA, "Maria Latumahina", "PNS", "learner"),
                (YOHANES, YOHANES, "Yohanes Pattiasina", "PPPK", "learner"),
                (RUBEN, "198001012005011001", "Ruben Sahetapy", "PNS", "trainer")]])
        db.execute(insert(ProgressEvent), [
            {"event_id": f"ev-{i}", "username": MARIA, "kind": "exercise", "module": MODULE,
             "lesson": first, "exercise": exercise, "score": 1.0, "duration_s": 30.0,
             "client_ts": now.isoformat(), "received_at": now}
            for i, exercise in enumerate(module.exercises(first))])
        db.execute(insert(ItemScore), [
            {"course": MODULE, "assignment": assignment, "username": MARIA, "notebook": "n",
             "grade_id": f"q{k}", "competency": "M.03", "level": 1, "score": score,
             "max_score": 2.0, "kind": kind, "needs_manual": manual, "submitted_at": SUBMITTED}
            for assignment, kind, k, score, manual in [
                ("pre-test", "pre", 1, 2.0, False), ("pre-test", "pre", 2, 1.5, False),
                ("post-test", "post", 1, 2.0, False), ("post-test", "post", 2, 0.0, True)]])


def fake_exchange(root: Path) -> dict:
    """The trainer released the pre-test and the written task (not the post-test, which
    has synced scores); Maria submitted the written task on 2 March 2026, 01.00 UTC."""
    outbound = root / "exchange" / MODULE / "outbound"
    for assignment in ("pre-test", "tugas-tertulis"):
        (outbound / assignment).mkdir(parents=True)
    inbound = root / "exchange" / MODULE / "inbound"
    (inbound / f"{MARIA}+tugas-tertulis+2026-03-02 01:00:00.000000 UTC+YWJj").mkdir(parents=True)
    return {"assessments": {"exchange_dir": str(root / "exchange"),
                            "courses_root": str(root / "kursus")},
            "unix": {"user_prefix": "t-"}}


@pytest.fixture(scope="module")
async def service(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
    # as JupyterHub gives it (already URL-escaped), as in its own tests: catches escaping bugs
    monkeypatch_module.setenv("JUPYTERHUB_BASE_URL", "/@/space%20word/")
    HubOAuth.clear_instance()  # a singleton: one made by an earlier test has another base URL
    url = f"sqlite:///{tmp_path_factory.mktemp('beranda') / 'k.sqlite'}"
    session_factory(url)
    catalogue = load_catalogue(ROOT / "courses", url)
    populate(url, catalogue)
    app = make_app(url, PREFIX, ROOT / "courses", assessments_dir=ROOT / "assessments",
                   assessment_places=fake_exchange(tmp_path_factory.mktemp("exchange")))
    sock, port = bind_unused_port()
    server = HTTPServer(app)
    server.add_sockets([sock])
    client = AsyncHTTPClient()

    async def page(user: str | None):
        headers = {"X-Test-User": user} if user else {}
        try:
            return await client.fetch(f"http://127.0.0.1:{port}{PREFIX}", headers=headers,
                                      follow_redirects=False, request_timeout=60)
        except HTTPClientError as exc:
            return exc.response

    yield page, catalogue
    server.stop()
    HubOAuth.clear_instance()


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def element(html: str, element_id: str) -> str:
    """The markup from the element with ``element_id`` to the end of its line block."""
    found = re.search(rf'<(\w+)[^>]*id="{re.escape(element_id)}".*?</\1>', html, re.DOTALL)
    assert found, f"no element #{element_id}"
    return found.group(0)


async def test_a_card_per_module_with_progress_and_the_next_lesson(service):
    page, catalogue = service
    answer = await page(LEARNER)
    assert answer.code == 200
    html = answer.body.decode()
    assert "<h1>Beranda</h1>" in html
    for module in catalogue.values():
        card = element(html, f"modul-{module.id}")
        assert module.title in card and f"{module.jp:g} JP" in card
        assert f"dari {len(module.lessons)} pelajaran selesai" in card
        assert 'id="lanjutkan-' + module.id + '"' in card and ">Lanjutkan</a>" in card
    mine = element(html, f"modul-{MODULE}")
    module = catalogue[MODULE]
    assert f'<progress max="{len(module.lessons)}" value="1"' in mine
    assert f"Pelajaran 2: {module.lesson_titles[1]}" in mine  # lesson 01 is done
    link = re.search(rf'id="lanjutkan-{MODULE}" href="([^"]+)"', mine).group(1)
    # through the hub's spawn (starts a stopped server), then the lesson as an app (Voilà)
    # as distributed into ~/modul/<module>/<notebook> by belajar.distribute; the base_url is the hub's
    assert link.startswith("/@/space%20word/hub/spawn?next=")
    assert unquote(link.split("next=", 1)[1]) == (
        f"/@/space%20word/user/{MARIA}/voila/render/modul/{MODULE}/{module.lesson_notebooks[1]}")
    # the card says what is left in words, not as a list of exercise ids
    assert "post-test menunggu penilaian pelatih" in mine and module.exercises(module.lessons[1])[0] not in mine
    # a module not started opens at its first lesson
    other = element(html, "modul-manajemen-waktu")
    assert "Pelajaran 1: " in other and '<progress max="5" value="0"' in other


async def test_jp_bar_pns_minimum_and_pppk_ceiling(service):
    page, _ = service
    pns = (await page(LEARNER)).body.decode()
    assert '<progress id="jp-bar" max="20" value="0"' in pns
    assert "dari paling sedikit 20 JP setahun" in text_of(pns)
    pppk = text_of((await page(f"{YOHANES}:learner")).body.decode())
    assert "paling lama 24 JP" in pppk and "bukan target" in pppk
    assert "dari paling sedikit" not in pppk


async def test_assessments_of_my_courses_with_their_state(service):
    page, _ = service
    html = (await page(LEARNER)).body.decode()
    pre = text_of(element(html, f"penilaian-{MODULE}-pre-test"))
    assert "dinilai skor 3.5 dari 4" in pre
    assert "terkirim 1 Maret 2026 pukul 11.30 WIT" in pre  # Ambon time, Indonesian format
    post = text_of(element(html, f"penilaian-{MODULE}-post-test"))  # synced, not released
    assert "menunggu penilaian pelatih" in post
    task = text_of(element(html, f"penilaian-{MODULE}-tugas-tertulis"))
    assert "terkirim 2 Maret 2026 pukul 10.00 WIT" in task and "skor" not in task
    # order: pre-test first, post-test last
    assert html.index(f"penilaian-{MODULE}-pre-test") < html.index(
        f"penilaian-{MODULE}-tugas-tertulis") < html.index(f"penilaian-{MODULE}-post-test")
    # only the learner's own courses
    assert 'id="penilaian-manajemen-waktu' not in html
    # each row opens the assignment's page on the learner's own server, through the spawn
    link = re.search(rf'id="buka-{MODULE}-tugas-tertulis" href="([^"]+)"', html).group(1)
    assert link.startswith("/@/space%20word/hub/spawn?next=")
    assert unquote(link.split("next=", 1)[1]) == (
        f"/@/space%20word/user/{MARIA}/belajar/tugas/{MODULE}/tugas-tertulis")
    assert "Assignments" not in html
    # someone in no course
    assert "Belum ada penilaian untuk Anda" in (await page(f"{YOHANES}:learner")).body.decode()


async def test_an_unreleased_source_is_not_listed(service):
    page, _ = service
    html = (await page(f"{MARIA}:learner,nbgrader-manajemen-waktu")).body.decode()
    # manajemen-waktu has sources in assessments/ but nothing released in the exchange
    assert (ROOT / "assessments" / "manajemen-waktu" / "source").is_dir()
    assert 'id="penilaian-manajemen-waktu' not in html


async def test_links_no_script_and_staff_sections(service):
    page, _ = service
    answer = await page(LEARNER)
    html = answer.body.decode()
    for href in (f"{PREFIX}profil", f"{PREFIX}kebutuhan"):
        assert f'href="{href}"' in html
    assert "<script" not in html and " on" + "click" not in html
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "style-src 'sha256-" in csp
    assert 'name="viewport"' in html and "@media (max-width" in html
    assert 'id="tugas-staf"' not in html and 'id="dasbor-sdm"' not in html
    trainer = (await page(f"{RUBEN}:trainer,formgrade-{MODULE}")).body.decode()
    assert f'id="pelatih-{MODULE}" href="/@/space%20word/services/penilaian/{MODULE}/"' in trainer
    assert f'id="formgrader-{MODULE}" href="/@/space%20word/services/{MODULE}/"' in trainer


async def test_anonymous_is_sent_to_log_in(service):
    page, _ = service
    answer = await page(None)
    assert answer.code in (302, 403)
    assert "Beranda" not in (answer.body or b"").decode()
