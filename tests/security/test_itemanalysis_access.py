"""Who may see a course's item analysis, and what bad input gets (issue 12, point 3).

The analysis (``/services/penilaian/api/<course>/<assignment>/analisis``, its page and its
XLSX) belongs to the course's trainers only (hub group ``formgrade-<course>``, the check
of the grading service's other handlers). Learners, HR, an admin outside the group and a
trainer of another course get 403; an anonymous caller never gets the analysis. Bad
input is a 4xx, never a 500; the root service only reads (the gradebook read-only,
learners' notebooks as data, no link followed) and shows no learner's name or answer.

These endpoints are new, so there is no older code to attack first; each access test was
seen to fail with the group check removed from ``CourseAccess.course_dir``.
In-process, with the hub's OAuth stood in (tests/support/service_auth.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from jupyterhub.services.auth import HubOAuthenticated
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from services.penilaian import app as penilaian
from tests.support.itemanalysis_course import COURSE, PRE_ANSWERS, build_course
from tests.support.service_auth import fake_hub_user

pytestmark = pytest.mark.asyncio(loop_scope="module")
GRADING = "/services/penilaian/"
TRAINER = f"pelatih:trainer,formgrade-{COURSE}"
PATHS = [f"api/{COURSE}/pre-test/analisis", f"{COURSE}/pre-test/analisis",
         f"{COURSE}/pre-test/analisis.xlsx"]
REFUSED = ["1990010120150310001:learner", f"1990010120150310001:learner,nbgrader-{COURSE}",
           "sdm:hr", "admin:admin", "pelatih:trainer", "pelatih:trainer,formgrade-kursus-lain",
           "orang:"]
NASTY = ["..", "%2e%2e", "../../etc/passwd", "<script>", "x" * 300, "pre-test\n", "PRE-TEST",
         "\x00", "²", "pre test", "%00", "-pre"]


def fingerprint(folder: Path) -> dict[str, str]:
    """path -> sha256 of every file under ``folder`` (the analysis must change none)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("analisis-akses")
    course = build_course(root)
    broken = root / "rusak"
    shutil.copytree(course / "source", broken / "source")
    (broken / "gradebook.db").write_bytes(b"bukan basis data")
    return course, broken


@pytest.fixture(scope="module")
async def call(course):
    course_dir, broken = course
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
        app = penilaian.make_app(GRADING, {COURSE: str(course_dir), "rusak": str(broken)},
                                 "nobody", 1, "sqlite:///:memory:")
        sock, port = bind_unused_port()
        server = HTTPServer(app)
        server.add_sockets([sock])

        async def fetch(path: str, user: str | None, method: str = "GET"):
            headers = {"X-Test-User": user} if user else {}
            try:
                return await AsyncHTTPClient().fetch(
                    f"http://127.0.0.1:{port}{GRADING}{path}", method=method, headers=headers,
                    body=b"" if method in ("POST", "PUT", "PATCH") else None,
                    follow_redirects=False, allow_nonstandard_methods=True)
            except HTTPClientError as exc:
                return exc.response

        yield fetch
        server.stop()


async def test_the_course_trainer_gets_json_page_and_workbook(call):
    answer = await call(PATHS[0], TRAINER)
    assert answer.code == 200, answer.body
    data = json.loads(answer.body)
    assert [i["difficulty"] for i in data["items"]] == pytest.approx([0.8, 0.6, 0.6, 0.4])
    assert data["total"]["reliability"] == pytest.approx(8 / 39)
    page = await call(PATHS[1], TRAINER)
    assert page.code == 200
    text = page.body.decode()
    assert 'lang="id"' in text and "Tingkat kesukaran (p)" in text and "KR-20" in text
    assert "Cara membaca" in text and "<script" not in text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    book = await call(PATHS[2], TRAINER)
    assert book.code == 200 and "attachment" in book.headers["Content-Disposition"]
    assert "Butir" in openpyxl.load_workbook(io.BytesIO(book.body)).sheetnames


@pytest.mark.parametrize("user", REFUSED)
async def test_everyone_else_is_refused(call, user):
    for path in PATHS:
        answer = await call(path, user)
        assert answer.code == 403, (path, user, answer.code)
        assert b"tes_jawaban" not in (answer.body or b"")


async def test_an_anonymous_caller_never_gets_the_analysis(call):
    api = await call(PATHS[0], None)
    assert api.code == 403
    for path in PATHS[1:]:
        answer = await call(path, None)
        assert answer.code in (302, 403), (path, answer.code)  # to the hub's log-in, or refused
        assert b"tes_jawaban" not in (answer.body or b"")


async def test_no_learner_name_or_answer_is_shown(call):
    for path in PATHS[:2]:
        body = (await call(path, TRAINER)).body.decode()
        assert not any(learner in body for learner in [*PRE_ANSWERS, "asn-f"]), path
        assert "chr(67)" not in body  # a learner's unreadable answer cell stays unread


@pytest.mark.parametrize("value", NASTY)
async def test_bad_path_segments_are_4xx(call, value):
    segment = quote(value, safe="")
    for path in (f"api/{segment}/pre-test/analisis", f"api/{COURSE}/{segment}/analisis",
                 f"{segment}/pre-test/analisis", f"{COURSE}/{segment}/analisis",
                 f"{COURSE}/{segment}/analisis.xlsx"):
        answer = await call(path, TRAINER)
        assert 400 <= answer.code < 500, (path, answer.code)


async def test_unknown_course_or_assignment_is_404(call):
    for path in (f"api/{COURSE}/tidak-ada/analisis", "api/kursus-lain/pre-test/analisis",
                 f"{COURSE}/tidak-ada/analisis", f"{COURSE}/tidak-ada/analisis.xlsx"):
        assert (await call(path, TRAINER)).code == 404, path


async def test_other_methods_are_refused(call):
    for path in PATHS:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            answer = await call(path, TRAINER, method)
            assert 400 <= answer.code < 500, (path, method, answer.code)


async def test_an_unreadable_gradebook_is_a_4xx_with_a_reason(call):
    answer = await call("api/rusak/pre-test/analisis", "pelatih:trainer,formgrade-rusak")
    assert answer.code == 409
    assert "tidak dapat" in json.loads(answer.body)["message"]
    page = await call("rusak/pre-test/analisis", "pelatih:trainer,formgrade-rusak")
    assert page.code == 409 and b"Traceback" not in page.body


async def test_the_analysis_only_reads(call, course):
    course_dir, _ = course
    before = fingerprint(course_dir)
    for path in PATHS:
        assert (await call(path, TRAINER)).code == 200
    assert fingerprint(course_dir) == before


async def test_a_linked_notebook_is_not_followed(call, course, tmp_path):
    """Defence in depth (the service reads as root): a learner's notebook replaced by a
    symbolic link to another file is read as missing, never through the link."""
    course_dir, _ = course
    target = course_dir / "autograded" / "asn-a" / "pre-test" / "pre-test.ipynb"
    elsewhere = tmp_path / "lain.ipynb"
    nb = json.loads(target.read_text())
    for cell in nb["cells"]:
        if cell["metadata"]["nbgrader"].get("grade_id") == "jawaban_1":
            cell["source"] = 'jawaban_1 = "B"'
    elsewhere.write_text(json.dumps(nb))
    saved = target.read_bytes()
    target.unlink()
    os.symlink(elsewhere, target)
    try:
        data = json.loads((await call(PATHS[0], TRAINER)).body)
    finally:
        target.unlink()
        target.write_bytes(saved)
    counts = {o["option"]: o["count"] for o in data["items"][0]["options"]}
    assert counts["B"] == 0  # the link's answer was not read
    assert counts["(tidak terbaca)"] == 1 and counts["C"] == 3


async def test_page_text_is_escaped(call, course):
    course_dir, _ = course
    table = course_dir / "README-butir.md"
    saved = table.read_text()
    table.write_text(saved.replace("Mengenali mendengar aktif", "<script>alert(1)</script>"))
    try:
        page = await call(PATHS[1], TRAINER)
    finally:
        table.write_text(saved)
    assert page.code == 200
    assert b"<script>alert(1)" not in page.body and b"&lt;script&gt;alert(1)" in page.body
