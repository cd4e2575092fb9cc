"""Issue 10, point 1: a module's JP rests on evidence the server controls.

Attacks a learner can run with their own hub token against the competency service
(in-process, the real courses, a migrated SQLite database; the hub's OAuth replaced by a
fixed user per request as in tests/component/test_kompetensi_hr.py). Each attack was run
against the code before the fix and succeeded there (the test failed); see the closing
note of issue 10.

The server's clock is the app setting ``clock`` (naive UTC), so "enough real time" is
simulated without sleeping; the client's ``client_ts`` and ``duration_s`` never count.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
import yaml
from jupyterhub.services.auth import HubOAuthenticated
from sqlalchemy import func, select
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from asncore.db import ItemScore, JpEntry, ProgressEvent, session_factory
from asncore.events import make_event
from services.kompetensi.app import make_app
from services.kompetensi.catalogue import notebook_exercises

pytestmark = pytest.mark.asyncio(loop_scope="module")
PREFIX = "/services/kompetensi/"
COURSES = Path(__file__).resolve().parents[2] / "courses"
MODULE = "komunikasi-pelayanan"
# The module as published: its JP, its lessons' minutes and the exercises each notebook
# declares (read from the files, so the attacks follow the lessons as they change).
SPEC = yaml.safe_load((COURSES / MODULE / "module.yaml").read_text(encoding="utf-8"))
MODULE_JP = float(SPEC["jp"])
MODULE_MINUTES = sum(lesson["minutes"] for lesson in SPEC["lessons"])
EXERCISES = {lesson["id"]: list(notebook_exercises(COURSES / MODULE / lesson["notebook"])[0])
             for lesson in SPEC["lessons"]}
N_EXERCISES = sum(map(len, EXERCISES.values()))
# server minutes between the events of two lessons: the whole module then spans
# (lessons - 1) x STEP, at least the 50 % of its minutes the credit rule asks
STEP = max(20, -(-MODULE_MINUTES // (2 * (len(EXERCISES) - 1))))


class Clock:
    """The service's clock: naive UTC, moved by the test."""

    def __init__(self):
        self.now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += dt.timedelta(minutes=minutes)


@pytest.fixture(scope="module")
async def service(tmp_path_factory, monkeypatch_module):
    def fake_user(handler):
        raw = handler.request.headers.get("X-Test-User")
        return {"name": raw, "groups": ["learner"], "kind": "user"} if raw else None

    monkeypatch_module.setattr(HubOAuthenticated, "get_current_user", fake_user)
    url = f"sqlite:///{tmp_path_factory.mktemp('jp') / 'k.sqlite'}"
    app = make_app(url, PREFIX, COURSES)
    clock = Clock()
    app.settings["clock"] = clock
    sock, port = bind_unused_port()
    server = HTTPServer(app)
    server.add_sockets([sock])
    client = AsyncHTTPClient()

    async def call(path: str, user: str, body=None):
        kw = {"method": "POST", "body": body if isinstance(body, bytes) else json.dumps(body)} \
            if body is not None else {}
        try:
            return await client.fetch(f"http://127.0.0.1:{port}{PREFIX}{path}",
                                      headers={"X-Test-User": user}, request_timeout=60, **kw)
        except HTTPClientError as exc:
            return exc.response

    yield call, session_factory(url), clock, app
    server.stop()


def lesson_events(module: str, lessons, duration_s: float = 1.0) -> list[dict]:
    return [make_event("lesson", module, lesson, None, 1.0, duration_s) for lesson in lessons]


def exercise_events(lesson: str, exercises, **kw) -> list[dict]:
    return [make_event("exercise", MODULE, lesson, ex, 1.0, **kw) for ex in exercises]


def grade_post_test(sessions, username: str, share: float, needs_manual: bool = False) -> None:
    """What ``asn-ambon grading sync`` writes for a graded post-test of the module's course."""
    with sessions() as db, db.begin():
        for i in range(4):
            db.add(ItemScore(course=MODULE, assignment="post-test", username=username,
                             notebook="post-test", grade_id=f"soal-{i}", competency="M.03",
                             level=2, score=10 * share, max_score=10.0, kind="post",
                             needs_manual=needs_manual and i == 0))


def ledger(sessions, username: str) -> list[tuple[str, float]]:
    with sessions() as db:
        return [(e.source_ref, e.jp) for e in
                db.scalars(select(JpEntry).where(JpEntry.username == username))]


def event_count(sessions) -> int:
    with sessions() as db:
        return db.scalar(select(func.count(ProgressEvent.id)))


async def progress(call, user: str) -> dict:
    r = await call("api/me/progress", user)
    assert r.code == 200, r.body
    return json.loads(r.body)


def module_state(summary: dict, module: str = MODULE) -> dict:
    return next(m for m in summary["modules"] if m["id"] == module)


async def test_attack_forged_lesson_done_events_credit_no_jp(service):
    """Issue 10's repro: a "lesson done" event for every lesson (20 then), 1 s each, no
    exercise answered."""
    call, sessions, _clock, app = service
    user = "penyerang-1"
    forged = [e for module in app.settings["catalogue"].values()
              for e in lesson_events(module.id, module.lessons)]
    assert len(forged) == sum(len(m.lessons) for m in app.settings["catalogue"].values()) >= 20
    r = await call("api/me/events", user, {"events": forged})
    assert r.code == 200, r.body
    assert json.loads(r.body)["jp_credited"] == []
    assert ledger(sessions, user) == []
    summary = await progress(call, user)
    assert summary["jp_year"] == 0
    state = module_state(summary)
    assert not state["jp_credited"]
    assert any(m.startswith("latihan belum dijawab: ") for m in state["missing"])


async def test_attack_all_exercises_in_seconds_credit_no_jp(service):
    """Every exercise answered and a passed post-test, but within seconds of server time;
    the client claims an hour per exercise and back-dates its timestamps."""
    call, sessions, clock, _app = service
    user = "penyerang-2"
    grade_post_test(sessions, user, 1.0)
    events = []
    for lesson, exercises in EXERCISES.items():
        events += exercise_events(lesson, exercises, duration_s=3600.0,
                                  now=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    events += lesson_events(MODULE, EXERCISES, duration_s=3600.0)
    r = await call("api/me/events", user, {"events": events[:10]})
    assert r.code == 200, r.body
    clock.advance(0.5)
    r = await call("api/me/events", user, {"events": events[10:]})
    assert r.code == 200, r.body
    assert json.loads(r.body)["jp_credited"] == []
    assert ledger(sessions, user) == []
    state = module_state(await progress(call, user))
    assert not state["jp_credited"]
    assert "waktu belajar belum cukup" in " ".join(state["missing"])
    assert not any("latihan" in m or "post-test" in m for m in state["missing"])


async def test_attack_no_passed_post_test_credits_no_jp(service):
    """Everything done over enough server time, but no post-test: no JP, and the learner is
    told "menunggu post-test"; a failed or not yet hand-graded post-test credits nothing."""
    call, sessions, clock, _app = service
    user = "penyerang-3"
    for lesson, exercises in EXERCISES.items():
        r = await call("api/me/events", user,
                       {"events": exercise_events(lesson, exercises) + lesson_events(MODULE, [lesson])})
        assert r.code == 200, r.body
        clock.advance(STEP)
    assert ledger(sessions, user) == []
    state = module_state(await progress(call, user))
    assert not state["jp_credited"] and state["missing"] == ["menunggu post-test"]

    grade_post_test(sessions, user, 0.9, needs_manual=True)
    state = module_state(await progress(call, user))
    assert not state["jp_credited"] and ledger(sessions, user) == []
    assert "post-test" in state["missing"][0]

    with sessions() as db, db.begin():
        for row in db.scalars(select(ItemScore).where(ItemScore.username == user)):
            row.needs_manual, row.score = False, 5.0  # graded: 50% < the 60% pass mark
    state = module_state(await progress(call, user))
    assert not state["jp_credited"] and ledger(sessions, user) == []
    assert "post-test" in state["missing"][0] and "60" in state["missing"][0]


_VALID = {"kind": "exercise", "module": MODULE, "lesson": "01-mendengar-aktif",
          "exercise": "parafrase-akta", "score": 1.0, "duration_s": 3.0,
          "client_ts": "2026-11-27T10:00:00.000+00:00"}


def valid(**changes) -> dict:
    """A well-formed event with a fresh id, with ``changes`` applied."""
    return {"event_id": uuid.uuid4().hex, **_VALID, **changes}


MALFORMED_BODIES = {
    "event is a number": b'{"events": [1]}',
    "event is a list": b'{"events": [["a"]]}',
    "event is null": b'{"events": [null]}',
    "valid event then a number": json.dumps({"events": [valid(), 1]}).encode(),
    "events is a string": b'{"events": "x"}',  # this one and the next two: 400 already
    "body is a list": b"[]",
    "body is not json": b"{not json",
    "body is not utf-8": b'{"events": ["\xff\xfe"]}',
    "deeply nested": b'{"events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "infinite duration": json.dumps({"events": [valid(duration_s=float("inf"))]}).encode(),
    "NaN score": json.dumps({"events": [valid(score=float("nan"))]}).encode(),
    "boolean score": json.dumps({"events": [valid(score=True)]}).encode(),
    "missing field": json.dumps({"events": [{k: v for k, v in valid().items() if k != "score"}]}).encode(),
    "extra field": json.dumps({"events": [valid(extra=1)]}).encode(),
    "overlong event id": json.dumps({"events": [valid(event_id="x" * 10_000)]}).encode(),
    "overlong client_ts": json.dumps({"events": [valid(client_ts="2" * 10_000)]}).encode(),
    "exercise id with control characters": json.dumps({"events": [valid(exercise="a\nb")]}).encode(),
    "exercise not in the lesson": json.dumps({"events": [valid(exercise="tidak-ada")]}).encode(),
    "unknown module": json.dumps({"events": [valid(module="tidak-ada")]}).encode(),
    "huge list of numbers": json.dumps({"events": [1] * 400}).encode(),
}


@pytest.mark.parametrize("name", sorted(MALFORMED_BODIES))
async def test_attack_malformed_event_bodies_answer_4xx_and_write_nothing(service, name):
    call, sessions, _clock, _app = service
    before = event_count(sessions)
    r = await call("api/me/events", "penyerang-4", MALFORMED_BODIES[name])
    assert 400 <= r.code < 500, (r.code, r.body[:300])
    assert json.loads(r.body)["success"] is False
    assert event_count(sessions) == before


@pytest.mark.parametrize("year", ["abc", "²⁰²⁶", "٢٠٢٦", "", "-1", "99999", "2026.0", " 2026"])
async def test_attack_malformed_progress_year_answers_400(service, year):
    call, _sessions, _clock, _app = service
    from urllib.parse import quote

    r = await call(f"api/me/progress?year={quote(year)}", "penyerang-4")
    assert r.code == 400, (r.code, r.body[:300])
    assert json.loads(r.body)["success"] is False


async def test_honest_learner_gets_the_jp_exactly_once(service):
    """Every exercise answered over (lessons - 1) x STEP minutes of server time (>= 50% of
    the lessons' minutes), lessons marked done, then the post-test graded at 80%: the
    module's JP, once."""
    call, sessions, clock, _app = service
    user = "peserta-jujur"
    for lesson, exercises in EXERCISES.items():
        r = await call("api/me/events", user,
                       {"events": exercise_events(lesson, exercises) + lesson_events(MODULE, [lesson])})
        assert r.code == 200 and json.loads(r.body)["jp_credited"] == []
        clock.advance(STEP)
    state = module_state(await progress(call, user))
    assert state["missing"] == ["menunggu post-test"]
    assert state["study_minutes"] == pytest.approx(STEP * (len(EXERCISES) - 1))
    assert state["study_minutes"] >= 0.5 * MODULE_MINUTES
    page = (await call("", user)).body.decode()  # the learner's page says the same
    assert "menunggu post-test" in page and f"{N_EXERCISES} / {N_EXERCISES}" in page

    grade_post_test(sessions, user, 0.8)
    summary = await progress(call, user)
    state = module_state(summary)
    assert state["jp_credited"] and state["missing"] == []
    assert summary["jp_year"] == MODULE_JP
    assert ledger(sessions, user) == [(f"modul:{MODULE}", MODULE_JP)]
    assert "JP sudah dicatat" in (await call("", user)).body.decode()

    # more events, a re-sync, another look: never a second credit
    clock.advance(5)
    r = await call("api/me/events", user, {"events": lesson_events(MODULE, EXERCISES)})
    assert r.code == 200 and json.loads(r.body)["jp_credited"] == []
    assert (await progress(call, user))["jp_year"] == MODULE_JP
    assert ledger(sessions, user) == [(f"modul:{MODULE}", MODULE_JP)]
