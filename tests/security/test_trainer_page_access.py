"""Who may use the trainer page of a course and its job API (issue 13, point 4).

The pages (``/services/penilaian/``, ``/services/penilaian/<course>/``), the buttons'
form posts (``<course>/<assignment>/<aksi>``) and the JSON API (``api/<course>/<assignment>/
<aksi>``, ``api/<course>/jobs/<id>``) belong to the course's trainers only (hub group
``formgrade-<course>``). A learner, HR, an admin outside the group and a trainer of
another course get 403 and start nothing; a job is readable only under its own course,
by that course's trainers; an unknown assignment or job is 404; a second start while the
course is at work is 409 "Sedang berjalan: …". The cookie/xsrf path and the released
files are proven on the real hub (tests/security/test_trainer_page_hub.py).

These routes are new, so there is no older code to attack first; each access test was
seen to fail with the group check removed from ``CourseAccess.course_path``.
In-process, with the hub's OAuth stood in (tests/support/service_auth.py).
"""

from __future__ import annotations

import asyncio
import json
import shutil

import pytest
from jupyterhub.services.auth import HubOAuthenticated
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from services.penilaian import app as penilaian
from tests.support.itemanalysis_course import COURSE, build_course
from tests.support.service_auth import call_service, fake_hub_user

pytestmark = pytest.mark.asyncio(loop_scope="module")
GRADING = "/services/penilaian/"
OTHER = "kursus-lain"
TRAINER = f"pelatih:trainer,formgrade-{COURSE}"
OTHER_TRAINER = f"pelatih2:trainer,formgrade-{OTHER}"
REFUSED = ["1990010120150310001:learner", f"1990010120150310001:learner,nbgrader-{COURSE}",
           "sdm:hr", "admin:admin", "pelatih:trainer", OTHER_TRAINER]
ACTIONS = ["rilis", "kumpulkan", "nilai-otomatis", "sinkronkan", "umpan-balik"]


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    root = tmp_path_factory.mktemp("halaman-pelatih")
    course = build_course(root)
    other = root / OTHER
    shutil.copytree(course / "source", other / "source")
    return course, other, root


@pytest.fixture(scope="module")
async def service(courses):
    course, other, root = courses
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
        # no grader accounts: a step that needs one fails at once, running nothing
        app = penilaian.make_app(GRADING, {COURSE: str(course), OTHER: str(other)}, "nobody", 1,
                                 f"sqlite:///{root / 'platform.sqlite'}",
                                 exchange_dir=str(root / "exchange"),
                                 titles={COURSE: "Kursus Uji"})
        sock, port = bind_unused_port()
        server = HTTPServer(app)
        server.add_sockets([sock])
        base = f"http://127.0.0.1:{port}{GRADING}"

        async def fetch(path, user, method="GET", body=None):
            return await call_service(AsyncHTTPClient(), base, path, user, method, body)

        fetch.app = app
        yield fetch
        server.stop()


async def wait_finished(fetch, course, job_id, user):
    for _ in range(100):
        job = json.loads((await fetch(f"api/{course}/jobs/{job_id}", user)).body)["job"]
        if job["state"] != "running":
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("job still running")


async def test_the_trainer_sees_the_course_page(service):
    listing = await service("", TRAINER)
    assert listing.code == 200
    text = listing.body.decode()
    assert f'href="{GRADING}{COURSE}/"' in text and OTHER not in text
    page = await service(f"{COURSE}/", TRAINER)
    assert page.code == 200, page.body[:2000]
    text = page.body.decode()
    assert 'lang="id"' in text and "Penilaian — Kursus Uji" in text
    for label in ("Rilis", "Kumpulkan", "Nilai otomatis", "Sinkronkan ke SDM", "Umpan balik"):
        assert f">{label}<" in text
    # the fast overview: five graded learners and one waiting for a manual grade
    assert text.count('class="lencana dinilai"') == 5
    assert "perlu dinilai manual" in text and 'id="tabel-hasil"' in text
    assert f"{COURSE}/pre-test/analisis" in text
    assert "script-src" not in page.headers["Content-Security-Policy"]  # no job: no script


@pytest.mark.parametrize("user", REFUSED)
async def test_everyone_else_is_refused_and_starts_nothing(service, user):
    jobs = service.app.settings["jobs"]
    before = set(jobs.by_id)
    paths = [(f"{COURSE}/", "GET"), (f"{COURSE}/?tugas=pre-test", "GET")]
    paths += [(f"{COURSE}/pre-test/{a}", "POST") for a in ACTIONS]
    paths += [(f"api/{COURSE}/pre-test/{a}", "POST") for a in ACTIONS]
    paths += [(f"api/{COURSE}/jobs/x", "GET")]
    for path, method in paths:
        answer = await service(path, user, method)
        assert answer.code == 403, (path, user, answer.code)
        assert b"asn-a" not in (answer.body or b"")
    assert set(jobs.by_id) == before
    listing = await service("", user)
    if user == OTHER_TRAINER:  # their own course only
        assert listing.code == 200 and COURSE not in listing.body.decode().replace(OTHER, "")
    else:
        assert listing.code == 403


async def test_an_anonymous_caller_is_refused(service):
    assert (await service(f"api/{COURSE}/pre-test/rilis", None, "POST")).code == 403
    assert (await service(f"api/{COURSE}/jobs/x", None)).code == 403
    for path in ("", f"{COURSE}/"):
        assert (await service(path, None)).code in (302, 403)


async def test_a_job_is_read_only_under_its_own_course(service):
    started = await service(f"api/{OTHER}/pre-test/umpan-balik", OTHER_TRAINER, "POST")
    assert started.code == 202, started.body
    job_id = json.loads(started.body)["job"]["id"]
    job = await wait_finished(service, OTHER, job_id, OTHER_TRAINER)
    assert job["state"] == "failed" and "akun penilai" in job["result"]  # nothing ran
    assert (await service(f"api/{COURSE}/jobs/{job_id}", TRAINER)).code == 404
    assert (await service(f"api/{OTHER}/jobs/{job_id}", TRAINER)).code == 403
    assert (await service(f"api/{COURSE}/jobs/tidak-ada", TRAINER)).code == 404


async def test_unknown_assignment_action_or_choice_is_404(service):
    for path, method in ((f"api/{COURSE}/tidak-ada/rilis", "POST"),
                         (f"{COURSE}/tidak-ada/rilis", "POST"),
                         (f"api/{COURSE}/pre-test/hapus", "POST"),
                         (f"{COURSE}/?tugas=tidak-ada", "GET"),
                         ("kursus-entah/", "GET"),
                         ("api/kursus-entah/pre-test/rilis", "POST")):
        answer = await service(path, TRAINER, method)
        assert answer.code == 404, (path, answer.code)


async def test_a_second_start_while_one_runs_is_409(service):
    jobs, lock = service.app.settings["jobs"], asyncio.Lock()
    service.app.settings["locks"][COURSE] = lock
    release = asyncio.Event()

    async def slow(job):
        await release.wait()
        return "selesai"

    running = jobs.start(COURSE, "pre-test", "rilis", lock, slow)
    try:
        answer = await service(f"api/{COURSE}/post-test/kumpulkan", TRAINER, "POST")
        assert answer.code == 409
        assert json.loads(answer.body)["message"].startswith("Sedang berjalan: Rilis pre-test")
        page = await service(f"{COURSE}/post-test/kumpulkan", TRAINER, "POST")
        assert page.code == 409 and "Sedang berjalan: Rilis pre-test" in page.body.decode()
        shown = (await service(f"{COURSE}/", TRAINER)).body.decode()
        assert "disabled" in shown and "<script>" in shown
        assert jobs.latest[COURSE] is running
    finally:
        release.set()
    await wait_finished(service, COURSE, running.id, TRAINER)
    # the synchronous endpoints hold the same lock: a job waits its turn, never runs beside
    async with lock:
        assert (await service(f"api/{COURSE}/pre-test/sinkronkan", TRAINER, "POST")).code == 409
