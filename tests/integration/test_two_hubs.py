"""Two hubs on one machine do not touch each other (issue 9, point 5).

Hub A runs with its own modules and exchange; a learner of A fetches and submits an
assignment. Then hub B starts on the same machine and environment, with its own data,
public and exchange directories and other modules, as a test run or a benchmark would
beside the live platform. A's learners still list, fetch and submit through A's exchange,
from a server that was running all along and from one started after B, and still receive
A's modules; B's learners see B's (empty) exchange. Nothing is written into the shared
environment (``sys.prefix``).
"""

from __future__ import annotations

import pwd
import subprocess
import sys
from pathlib import Path

import pytest

from asnhub.assessments import course_dir, grader_home, grader_name
from tests.support.client import HubSession, TokenClient
from tests.support.hub import REPO, running_hub
from tests.support.machine_state import legacy_states

pytestmark = pytest.mark.integration

COURSE, ASSIGNMENT = "kursus-uji", "tugas"
FIXTURE_ASSESSMENTS = str(REPO / "tests/fixtures/assessments")
FIXTURE_MODULES = str(REPO / "tests/fixtures/courses")  # only modul-uji


@pytest.fixture(scope="module")
def legacy_before():
    return legacy_states()


@pytest.fixture(scope="module")
def hub(legacy_before):
    overrides = {"assessments": {"dir": FIXTURE_ASSESSMENTS},
                 "learning": {"courses_dir": FIXTURE_MODULES}}
    with running_hub("2a", overrides) as hub:
        yield hub


def release(hub) -> None:
    """The course's grader generates and releases the assignment (nbgrader, as the formgrader
    would run it), into hub A's exchange."""
    grader = grader_name(COURSE, hub.prefix)
    env = ["env", f"HOME={grader_home(hub.settings, COURSE)}",
           f"PATH={Path(sys.executable).parent}:/usr/bin:/bin"]
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    for step in ("generate_assignment", "release_assignment"):
        done = subprocess.run(["runuser", "-u", grader, "--", *env, nbgrader, step, ASSIGNMENT, "--force"],
                              check=False, cwd=course_dir(hub.settings, COURSE),
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr


RELEASED = {(ASSIGNMENT, "released")}
FETCHED_AND_SUBMITTED = {(ASSIGNMENT, "fetched"), (ASSIGNMENT, "submitted")}


def listed(client: TokenClient, username: str) -> set[tuple[str, str]]:
    """The learner's Assignments panel for the course: {(assignment, status)}."""
    r = client.get(f"/user/{username}/assignments", params={"course_id": COURSE})
    body = r.json()
    assert body["success"], body
    return {(a["assignment_id"], a["status"]) for a in body["value"]}


def fetch(client: TokenClient, username: str) -> None:
    r = client.post(f"/user/{username}/assignments/fetch",
                    data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
    assert r.json()["success"], r.text


def submit(client: TokenClient, username: str) -> None:
    r = client.post(f"/user/{username}/assignments/submit",
                    data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
    assert r.json()["success"], r.text


def submissions(hub, username: str) -> list[Path]:
    inbound = Path(hub.settings["assessments"]["exchange_dir"]) / COURSE / "inbound"
    return sorted(inbound.glob(f"{username}+{ASSIGNMENT}+*"))


def home_modules(hub, username: str) -> set[str]:
    home = Path(pwd.getpwnam(hub.unix_name(username)).pw_dir)
    return {p.name for p in (home / "modul").iterdir() if p.is_dir()}


def client_of(hub, account) -> TokenClient:
    session = HubSession(hub.url)
    assert session.login(account.username, account.password)
    return TokenClient(hub.url, session.new_token(account.username))


def test_second_hub_leaves_first_hubs_learners_alone(hub, token_for, legacy_before):
    first, second = hub.by_role("learner")[:2]
    release(hub)
    a1 = token_for(first)
    a1.start_server(first.username)
    assert listed(a1, first.username) == RELEASED
    fetch(a1, first.username)
    submit(a1, first.username)
    assert len(submissions(hub, first.username)) == 1
    assert home_modules(hub, first.username) == {"modul-uji"}
    published_a = Path(hub.settings["public_dir"]) / "modul"

    # hub B: same machine and environment, its own directories, the repository's modules,
    # the same course id but nothing released in its exchange
    with running_hub("2b", {"assessments": {"dir": FIXTURE_ASSESSMENTS}}) as other:
        for key in ("data_dir", "public_dir"):
            assert hub.settings[key] != other.settings[key]
        assert hub.settings["assessments"]["exchange_dir"] != other.settings["assessments"]["exchange_dir"]
        b_learner = other.by_role("learner")[0]
        b1 = client_of(other, b_learner)
        b1.start_server(b_learner.username)
        assert listed(b1, b_learner.username) == set(), "B's learner sees another hub's exchange"
        assert "modul-uji" not in home_modules(other, b_learner.username)

        # A's learner whose server ran all along: the Assignments panel still reads A's exchange
        assert listed(a1, first.username) == FETCHED_AND_SUBMITTED
        submit(a1, first.username)
        assert len(submissions(hub, first.username)) == 2
        # A's learner whose server starts after B: A's modules, A's exchange
        a2 = token_for(second)
        a2.start_server(second.username)
        assert home_modules(hub, second.username) == {"modul-uji"}
        assert listed(a2, second.username) == RELEASED
        fetch(a2, second.username)
        submit(a2, second.username)
        assert len(submissions(hub, second.username)) == 1
        # and A's first learner after a restart of their server
        a1.stop_server(first.username)
        a1.start_server(first.username)
        assert listed(a1, first.username) == FETCHED_AND_SUBMITTED
        submit(a1, first.username)
        assert len(submissions(hub, first.username)) == 3

        assert {p.name for p in published_a.iterdir()} == {"modul-uji"}
        assert not list((Path(other.settings["assessments"]["exchange_dir"]) / COURSE / "inbound").iterdir())

    # B stopped and removed: A goes on
    assert listed(a2, second.username) == FETCHED_AND_SUBMITTED
    assert {p.name for p in published_a.iterdir()} == {"modul-uji"}
    assert legacy_states() == legacy_before, "a hub wrote into the shared environment"
