"""Progress from a learner's own kernel to the competency service, and JP credit (issue 3;
the evidence rule of issue 10: exercises answered, server time, post-test passed)."""

from __future__ import annotations

import time

import pytest

from asncore.db import ItemScore, session_factory
from tests.support.hub import REPO, running_hub

pytestmark = pytest.mark.integration

LESSON_CODE = """
from belajar import Pelajaran
p = Pelajaran("modul-uji", {lesson!r})
w = p.pilihan_ganda("soal-1", "Dua tambah dua?", ["3", "4"], 1, ["Kurang satu.", "Benar."])
w.choice.value = {answer}
w.button.click()
print(p.complete())
"""


@pytest.fixture(scope="module")
def hub():
    courses = str(REPO / "tests/fixtures/courses")
    # modul-uji declares 20 minutes: 0.1% of them (1.2 s) of server time is enough here;
    # the time rule itself is tested with a controlled clock in tests/security
    with running_hub("pg", {"learning": {"courses_dir": courses, "min_time_share": 0.001}}) as hub:
        yield hub


def progress(client) -> dict:
    r = client.get("/services/kompetensi/api/me/progress")
    assert r.status_code == 200, r.text
    return r.json()


def module_state(client) -> dict:
    return next(m for m in progress(client)["modules"] if m["id"] == "modul-uji")


def test_modules_are_distributed_into_the_learners_home(hub, token_for):
    learner = hub.by_role("learner")[0]
    client = token_for(learner)
    client.start_server(learner.username)
    out = client.execute(learner.username, "import os; sorted(os.listdir(os.path.expanduser('~/modul/modul-uji')))")
    assert out["result"] == "['01-satu.ipynb', '02-dua.ipynb']", out


def test_kernel_events_recorded_and_module_jp_credited_once(hub, token_for):
    learner = hub.by_role("learner")[0]
    client = token_for(learner)
    client.start_server(learner.username)
    assert module_state(client)["lessons_done"] == []

    out = client.execute(learner.username, LESSON_CODE.format(lesson="01-satu", answer=1))
    assert out["error"] is None, out
    assert out["stdout"].strip() == "(1.0, 1, 1, True)"  # delivered to the service
    state = module_state(client)
    assert state["lessons_done"] == ["01-satu"] and not state["completed"]
    assert state["exercise_best_scores"] == {"soal-1": 1.0}
    assert progress(client)["jp_year"] == 0

    time.sleep(1.5)
    out = client.execute(learner.username, LESSON_CODE.format(lesson="02-dua", answer=0))
    assert out["error"] is None, out
    state = module_state(client)
    assert state["completed"] and state["completion"] == 1.0
    assert state["missing"] == ["menunggu post-test"] and not state["jp_credited"]
    assert progress(client)["jp_year"] == 0

    # the trainer's grading sync writes the post-test of the course with the module's id
    with session_factory(f"sqlite:///{hub.settings['data_dir']}/kompetensi.sqlite")() as db:
        db.add(ItemScore(course="modul-uji", assignment="post-test", username=learner.username,
                         notebook="post-test", grade_id="q1", competency="M.03", level=2,
                         score=0.8, max_score=1.0, kind="post"))
        db.commit()
    summary = progress(client)
    assert summary["jp_year"] == 2.0 and summary["jp_target"] == 20.0
    assert [e["source"] for e in summary["ledger"]] == ["modul:modul-uji"]

    # doing a lesson again never credits the module twice
    client.execute(learner.username, LESSON_CODE.format(lesson="02-dua", answer=1))
    assert progress(client)["jp_year"] == 2.0


def test_forged_event_for_another_user_is_refused(hub, token_for):
    me, other = hub.by_role("learner")[:2]
    forged = {
        "event_id": "f" * 32, "kind": "lesson", "module": "modul-uji", "lesson": "01-satu",
        "exercise": None, "score": 1.0, "duration_s": 1.0,
        "client_ts": "2026-11-27T10:00:00.000+00:00", "username": other.username,
    }
    r = token_for(me).post("/services/kompetensi/api/me/events", json={"events": [forged]})
    assert r.status_code == 400
    body = r.json()
    assert body["success"] is False and body["rejected"][0]["event_id"] == "f" * 32
    assert "token" in body["rejected"][0]["error"]
    assert module_state(token_for(other))["lessons_done"] == []
    # and without any token nothing is accepted at all
    import requests

    anon = requests.post(f"{hub.url}/services/kompetensi/api/me/events", json={"events": []})
    assert anon.status_code == 403


def test_bad_events_rejected_good_ones_kept(hub, token_for):
    learner = hub.by_role("learner")[2]
    good = {
        "event_id": "a" * 32, "kind": "exercise", "module": "modul-uji", "lesson": "01-satu",
        "exercise": "soal-1", "score": 0.5, "duration_s": 3.0,
        "client_ts": "2026-11-27T10:00:00.000+00:00",
    }
    bad_module = {**good, "event_id": "b" * 32, "module": "tidak-ada"}
    bad_score = {**good, "event_id": "c" * 32, "score": 7}
    client = token_for(learner)
    # a malformed event refuses the whole batch: nothing is written
    r = client.post("/services/kompetensi/api/me/events", json={"events": [bad_module, good, bad_score, good]})
    assert r.status_code == 400 and [x["index"] for x in r.json()["rejected"]] == [2]
    assert module_state(client)["exercise_best_scores"] == {}
    # one naming an unknown module is listed; the good ones are kept
    r = client.post("/services/kompetensi/api/me/events", json={"events": [bad_module, good, good]})
    body = r.json()
    assert body["accepted"] == 1 and body["duplicates"] == 1
    assert [x["index"] for x in body["rejected"]] == [0]
    assert module_state(client)["exercise_best_scores"] == {"soal-1": 0.5}
    assert client.post("/services/kompetensi/api/me/events", data=b"{not json").status_code == 400
    assert client.post("/services/kompetensi/api/me/events", json={"events": [1]}).status_code == 400
    for year in ("abc", "²⁰²⁶"):
        assert client.get(f"/services/kompetensi/api/me/progress?year={year}").status_code == 400
