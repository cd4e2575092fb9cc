"""The state of a learner's assessments on Beranda (issue 13, point 1), from a fake exchange
and course tree in tmp_path, as the kompetensi service reads them (by folder names only):
released = ``<exchange>/<course>/outbound/<a>``; submitted = the learner's own
``<exchange>/<course>/inbound/<student>+<a>+<time>+<random>``; feedback =
``<course dir>/feedback/<student>/<a>/*.html``; graded = synced item scores.
Also the learner-server side's reading of nbgrader's listing (``belajar.tugas``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import insert

from asncore.db import ItemScore, session_factory
from asnhub.assessments import course_dir
from belajar.tugas import facts_from_listing, when_text
from services.kompetensi import beranda

COURSE = "komunikasi-pelayanan"
ME, OTHER = "199001012015032001", "1990010120150320011"  # OTHER starts with ME's name


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


@pytest.fixture
def places(tmp_path) -> dict:
    settings = {"assessments": {"exchange_dir": str(tmp_path / "exchange"),
                                "courses_root": str(tmp_path / "kursus")},
                "unix": {"user_prefix": "t-"}}
    course = tmp_path / "exchange" / COURSE
    for assignment in ("pre-test", "tugas-tertulis", "post-test"):
        (course / "outbound" / assignment).mkdir(parents=True)
    (course / "outbound" / ".hidden").mkdir()
    (course / "outbound" / "a-file").write_text("")
    (course / "inbound").mkdir()
    return settings


def submit(settings: dict, student: str, assignment: str, moment: dt.datetime,
           course: str = COURSE) -> Path:
    folder = (Path(settings["assessments"]["exchange_dir"]) / course / "inbound"
              / f"{student}+{assignment}+{stamp(moment)}+Zm9vYmFy")
    folder.mkdir(parents=True)
    return folder


def feedback(settings: dict, student: str, assignment: str) -> None:
    folder = course_dir(settings, COURSE) / "feedback" / student / assignment
    folder.mkdir(parents=True)
    (folder / f"{assignment}.html").write_text("<p>bagus</p>")


@pytest.fixture
def db(tmp_path):
    sessions = session_factory(f"sqlite:///{tmp_path / 'k.sqlite'}")
    with sessions() as session:
        yield session


def score(db, assignment: str, points: list[tuple[float, bool]], user: str = ME) -> None:
    db.execute(insert(ItemScore), [
        {"course": COURSE, "assignment": assignment, "username": user, "notebook": assignment,
         "grade_id": f"q{k}", "competency": "M.03", "level": 1, "score": s, "max_score": 2.0,
         "kind": "task", "needs_manual": manual, "submitted_at": dt.datetime(2026, 3, 1, 2, 30)}
        for k, (s, manual) in enumerate(points)])
    db.commit()


def rows(db, settings, user: str = ME, courses=(COURSE,)) -> dict[str, dict]:
    found = beranda.my_assessments(db, user, list(courses), settings, {}, "/hub base/")
    return {r["assignment"]: r for r in found}


def test_only_released_assignments_are_listed(places):
    assert beranda.released_assignments(places["assessments"]["exchange_dir"], COURSE) == [
        "post-test", "pre-test", "tugas-tertulis"]
    assert beranda.released_assignments(places["assessments"]["exchange_dir"], "lain") == []
    assert beranda.released_assignments(None, COURSE) == []
    assert beranda.released_assignments(places["assessments"]["exchange_dir"], "..") == []


def test_a_released_assignment_not_submitted_is_not_started(db, places):
    found = rows(db, places)
    assert set(found) == {"pre-test", "tugas-tertulis", "post-test"}
    assert {r["state"] for r in found.values()} == {beranda.NOT_STARTED}
    assert all(r["submitted"] is None and not r["feedback"] for r in found.values())
    link = found["pre-test"]["url"]
    assert link.startswith("/hub base/hub/spawn?next=")
    assert unquote(link.split("next=", 1)[1]) == f"/hub base/user/{ME}/belajar/tugas/{COURSE}/pre-test"


def test_my_submission_makes_it_sent_with_the_last_time_in_wit(db, places):
    submit(places, ME, "pre-test", dt.datetime(2026, 3, 1, 2, 30))
    submit(places, ME, "pre-test", dt.datetime(2026, 3, 2, 15, 5))  # 3 March 00.05 WIT
    found = rows(db, places)
    assert found["pre-test"]["state"] == beranda.SUBMITTED == "terkirim"
    assert found["pre-test"]["submitted"] == "3 Maret 2026 pukul 00.05 WIT"
    assert found["tugas-tertulis"]["state"] == beranda.NOT_STARTED


def test_another_learners_submission_never_shows(db, places):
    # OTHER's name begins with ME's; a name with "+" cannot pose as ME either
    submit(places, OTHER, "pre-test", dt.datetime(2026, 3, 1, 2, 30))
    submit(places, f"{ME}+x", "post-test", dt.datetime(2026, 3, 1, 2, 30))
    (Path(places["assessments"]["exchange_dir"]) / COURSE / "inbound" / f"{ME}+tugas-tertulis+bukan-waktu+x").mkdir()
    assert beranda.my_submissions(places["assessments"]["exchange_dir"], COURSE, ME) == {}
    assert {r["state"] for r in rows(db, places).values()} == {beranda.NOT_STARTED}
    assert rows(db, places, user=OTHER)["pre-test"]["state"] == beranda.SUBMITTED
    assert beranda.my_submissions(places["assessments"]["exchange_dir"], COURSE, "*") == {}


def test_synced_scores_make_it_graded_or_waiting(db, places):
    submit(places, ME, "pre-test", dt.datetime(2026, 3, 1, 2, 30))
    score(db, "pre-test", [(2.0, False), (1.5, False)])
    score(db, "post-test", [(2.0, False), (0.0, True)])
    found = rows(db, places)
    assert (found["pre-test"]["state"], found["pre-test"]["score"], found["pre-test"]["max_score"]) == (
        beranda.GRADED, 3.5, 4.0)
    assert found["post-test"]["state"] == beranda.WAITING
    # the score's submission time when the inbound folder no longer holds it
    assert found["post-test"]["submitted"] == "1 Maret 2026 pukul 11.30 WIT"
    # another learner's scores are not mine
    score(db, "tugas-tertulis", [(2.0, False)], user=OTHER)
    assert rows(db, places)["tugas-tertulis"]["state"] == beranda.NOT_STARTED


def test_an_assignment_with_scores_is_listed_even_when_no_longer_released(db, places, tmp_path):
    score(db, "kuis-lama", [(1.0, False)])
    assert rows(db, places)["kuis-lama"]["state"] == beranda.GRADED
    assert set(rows(db, None)) == {"kuis-lama"}  # no exchange known: scores only


def test_feedback_is_available_when_the_course_generated_html_for_me(db, places):
    feedback(places, OTHER, "pre-test")
    assert not rows(db, places)["pre-test"]["feedback"]
    feedback(places, ME, "pre-test")
    assert rows(db, places)["pre-test"]["feedback"]
    assert not beranda.feedback_ready(course_dir(places, COURSE), "..", "pre-test")


def test_courses_i_am_not_in_are_not_read(db, places):
    assert rows(db, places, courses=()) == {}
    assert rows(db, places, courses=("manajemen-waktu",)) == {}


# -- the learner's server side (belajar.tugas) -----------------------------------------


def test_when_text_is_ambon_time_in_indonesian():
    assert when_text("2026-03-01 02:30:00.000000 UTC") == "1 Maret 2026 pukul 11.30 WIT"
    assert when_text(None) == "–"


def test_facts_from_nbgrader_listing(tmp_path):
    home = tmp_path / "home"
    work = home / COURSE / "pre-test"
    work.mkdir(parents=True)
    (work / "pre-test.ipynb").write_text("{}")
    fb = work / "feedback" / "2026-03-02 15:05:00.000000 UTC"
    fb.mkdir(parents=True)
    (fb / "pre-test.html").write_text("<p>bagus</p>")
    listing = [
        {"course_id": COURSE, "assignment_id": "pre-test", "status": "fetched",
         "notebooks": [{"notebook_id": "pre-test", "path": str(work / "pre-test.ipynb")}]},
        {"course_id": COURSE, "assignment_id": "post-test", "status": "released", "notebooks": []},
        {"course_id": COURSE, "assignment_id": "pre-test", "status": "submitted", "submissions": [
            {"timestamp": "2026-03-02 15:05:00.000000 UTC", "has_exchange_feedback": True,
             "has_local_feedback": True, "feedback_updated": False,
             "notebooks": [{"notebook_id": "pre-test", "has_local_feedback": True,
                            "local_feedback_path": str(fb / "pre-test.html")}]},
            {"timestamp": "2026-03-01 02:30:00.000000 UTC", "notebooks": []}]},
    ]
    facts = facts_from_listing(listing, COURSE, "pre-test", home)
    assert facts.released and facts.fetched and facts.state == "terkirim"
    assert facts.notebooks == [f"{COURSE}/pre-test/pre-test.ipynb"]
    assert facts.last_submitted == "2026-03-02 15:05:00.000000 UTC"
    assert facts.feedback == {"pre-test": fb / "pre-test.html"} and not facts.feedback_to_fetch
    post = facts_from_listing(listing, COURSE, "post-test", home)
    assert post.released and not post.fetched and post.state == "belum dikerjakan"
    assert not facts_from_listing(listing, "lain", "pre-test", home).known
