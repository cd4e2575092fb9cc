"""The grading service starts nothing for an assignment the course does not have.

Before the fix a course's trainer could POST ``autograde``/``sync`` for any well-formed
name (``/api/<course>/tidak-ada/autograde``): the root service started ``python -m
grading`` for it, which then failed. Now it answers 404 without starting a command.
In-process, with the hub's OAuth stood in (tests/support/service_auth.py).
"""

from __future__ import annotations

import pytest
from jupyterhub.services.auth import HubOAuthenticated
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from services.penilaian import app as penilaian
from tests.support.service_auth import fake_hub_user

pytestmark = pytest.mark.asyncio(loop_scope="module")
GRADING = "/services/penilaian/"
COURSE = "kursus-uji"


@pytest.fixture
async def grading(tmp_path, monkeypatch):
    course_dir = tmp_path / COURSE
    (course_dir / "source" / "ps1").mkdir(parents=True)
    started = []

    async def record(self, *args):
        started.append(args)
        return 0, "ok", ""

    monkeypatch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
    monkeypatch.setattr(penilaian.CourseHandler, "grading", record)
    app = penilaian.make_app(GRADING, {COURSE: str(course_dir)}, "nobody", 1,
                             f"sqlite:///{tmp_path / 'p.sqlite'}")
    sock, port = bind_unused_port()
    server = HTTPServer(app)
    server.add_sockets([sock])

    async def post(path: str):
        try:
            return await AsyncHTTPClient().fetch(
                f"http://127.0.0.1:{port}{GRADING}api/{COURSE}/{path}", method="POST", body=b"",
                headers={"X-Test-User": f"pelatih:formgrade-{COURSE}"})
        except HTTPClientError as exc:
            return exc.response

    yield post, started
    server.stop()


@pytest.mark.parametrize("action", ["autograde", "sync"])
async def test_unknown_assignment_is_404_and_starts_nothing(grading, action):
    post, started = grading
    response = await post(f"tidak-ada/{action}")
    assert response.code == 404
    assert started == []


async def test_a_known_assignment_still_runs(grading):
    post, started = grading
    response = await post("ps1/sync")
    assert response.code == 200, response.body
    assert started and started[0][:2] == ("sync", "ps1")
