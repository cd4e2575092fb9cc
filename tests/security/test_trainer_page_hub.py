"""The trainer page's buttons on the real hub (issue 13, point 4): a button's form post
without the page's ``_xsrf`` field is refused (the hub's login cookie alone starts
nothing: a cross-site form cannot release or grade), a learner's token is refused, and
"Rilis" publishes the learner's version only: the released notebook has no solution
region, and nothing in the course or the exchange is left owned by root (the nbgrader
steps run as the course's grader).

The routes are new; the xsrf test was seen to fail with the handlers' HubOAuth user
lookup replaced by one that ignores xsrf, the answer-key test with ``rilis`` copying
``source/`` to the exchange instead of generating."""

from __future__ import annotations

import pwd
import re
import time
from pathlib import Path

import pytest

from asnhub.assessments import course_dir, grader_name
from tests.support.client import HubSession
from tests.support.hub import REAL_HUB
from tests.support.trainer_course import (ASSIGNMENT, COURSE, FIXTURE, hub_with_course,
                                          token_client, wait_for_service)

pytestmark = REAL_HUB
PAGE = f"/services/penilaian/{COURSE}/"


@pytest.fixture(scope="module")
def hub():
    with hub_with_course("tp") as hub:
        yield hub


@pytest.fixture(scope="module")
def trainer(hub):
    """The trainer's browser-like session, through the service's OAuth, on the page."""
    account = hub.by_role("trainer")[0]
    wait_for_service(token_client(hub, account), PAGE)
    session = HubSession(hub.url)
    assert session.login(account.username, account.password)
    page = session.http.get(hub.url + PAGE, timeout=60)
    assert page.status_code == 200, page.text[-2000:]
    return session


def page_xsrf(session, hub) -> str:
    text = session.http.get(hub.url + PAGE, timeout=60).text
    return re.search(r'name="_xsrf" value="([^"]+)"', text).group(1)


def test_a_form_post_without_xsrf_starts_nothing(hub, trainer):
    for data in ({}, {"_xsrf": "palsu"}):
        r = trainer.http.post(f"{hub.url}{PAGE}{ASSIGNMENT}/rilis", data=data,
                              allow_redirects=False, timeout=60)
        assert r.status_code == 403, (data, r.status_code)
    r = trainer.http.post(f"{hub.url}/services/penilaian/api/{COURSE}/{ASSIGNMENT}/rilis",
                          allow_redirects=False, timeout=60)
    assert r.status_code == 403
    assert "Pekerjaan terakhir" not in trainer.http.get(hub.url + PAGE, timeout=60).text
    exchange = Path(hub.settings["assessments"]["exchange_dir"]) / COURSE / "outbound"
    assert not (exchange / ASSIGNMENT).exists()


def test_a_learner_token_is_refused(hub):
    learner = token_client(hub, hub.by_role("learner")[0])
    assert learner.get(PAGE, allow_redirects=False).status_code == 403
    for path in (f"{PAGE}{ASSIGNMENT}/rilis", f"/services/penilaian/api/{COURSE}/{ASSIGNMENT}/rilis"):
        r = learner.post(path, allow_redirects=False)
        assert r.status_code == 403, (path, r.status_code)


def test_release_publishes_no_answer_key_and_leaves_nothing_to_root(hub, trainer):
    r = trainer.http.post(f"{hub.url}{PAGE}{ASSIGNMENT}/rilis",
                          data={"_xsrf": page_xsrf(trainer, hub)}, allow_redirects=False,
                          timeout=60)
    assert r.status_code == 303, r.text[-2000:]
    job_id = re.search(r"pekerjaan=([^&#]+)", r.headers["Location"]).group(1)
    api = token_client(hub, hub.by_role("trainer")[0])
    deadline = time.monotonic() + 240
    while True:
        job = api.get(f"/services/penilaian/api/{COURSE}/jobs/{job_id}").json()["job"]
        if job["state"] != "running" or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert job["state"] == "done", (job["result"], job["progress"][-20:])
    released = Path(hub.settings["assessments"]["exchange_dir"]) / COURSE / "outbound" / ASSIGNMENT
    text = (released / f"{ASSIGNMENT}.ipynb").read_text()
    source = (FIXTURE / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    assert "### BEGIN SOLUTION" in source  # the trainer's version has the key ...
    assert "### BEGIN SOLUTION" not in text and "END SOLUTION" not in text  # ... the released not
    uid = pwd.getpwnam(grader_name(COURSE, hub.prefix)).pw_uid
    for folder in (course_dir(hub.settings, COURSE), released):
        owners = {p.lstat().st_uid for p in [folder, *folder.rglob("*")]}
        assert owners == {uid}, (folder, owners)
