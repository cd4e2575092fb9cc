"""Issue 11, point 4: development plans are HR's to make. A learner cannot read the
recommendations or plans, cannot accept a plan and cannot assign themself a module; HR
cannot smuggle modules or people into a plan (the server computes them); bad input gets a
4xx, never a 5xx, and writes nothing.

In-process (tests/support/plans_city.py): the hub's OAuth replaced by a fixed user per
request (``X-Test-User``); the database, catalogue, report cache and Tornado are real.
Each attack was run first against the code before point 4 (the routes did not exist:
404, and no assignment could be made at all) and then against this code.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from jupyterhub.services.auth import HubOAuthenticated
from sqlalchemy import func, select

from asncore.db import DevelopmentPlan, ModuleAssignment, session_factory
from tests.support.plans_city import GOOD_UNIT, PERIOD, WEAK_UNIT, populate_plans_city
from tests.support.service_auth import fake_hub_user
from tests.support.voice_service import HR, YAN, Service, db_fingerprint, learner

pytestmark = pytest.mark.asyncio(loop_scope="module")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MODULE = "komunikasi-pelayanan"
NASTY = ["abc", "²⁰²⁶", "٢٠٢٦", "-1", "0", "99999999999999999999", "2026-S3", "2026-Q5",
         "2026-13", "1999", "2101", "NaN", "", "null", "\x00", "%00",
         "../../etc/passwd", "<script>alert(1)</script>", "'; DROP TABLE units; --",
         "=HYPERLINK(\"x\")", "x" * 5000, "ü" * 300]
# (" 2026" and "2026\n" are accepted spellings of 2026: asncore.periods folds whitespace)
HR_GETS = ["api/hr/evaluasi/peringkat", "api/hr/rekomendasi", "api/hr/rencana", "hr/evaluasi"]


@pytest.fixture
async def service(tmp_path, monkeypatch):
    monkeypatch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    populate_plans_city(url)
    running = Service(url)
    yield running
    running.stop()


def assignments(url: str) -> int:
    with session_factory(url)() as db:
        return db.scalar(select(func.count()).select_from(ModuleAssignment))


async def test_a_learner_cannot_read_recommendations_or_plans(service):
    await service.call("api/hr/rencana", HR, "POST", {"unit": WEAK_UNIT, "periode": PERIOD})
    for user in (learner(YAN[0]), "pelatih:trainer", "orang:"):
        for path in HR_GETS + [f"hr/unduh/rencana-{PERIOD}.xlsx"]:
            answer = await service.call(f"{path}?periode={PERIOD}&unit={WEAK_UNIT}", user)
            assert answer.code == 403, (user, path, answer.code)
            assert b"komunikasi" not in (answer.body or b""), (user, path)


async def test_a_learner_cannot_accept_a_plan_or_assign_themself_a_module(service):
    me = learner(YAN[0])
    before = db_fingerprint(service.url)
    body = {"unit": WEAK_UNIT, "periode": PERIOD}
    assert (await service.call("api/hr/rencana", me, "POST", body)).code == 403
    assert (await service.call("hr/evaluasi/terima", me, "POST",
                               f"unit={WEAK_UNIT}&periode={PERIOD}", headers=FORM)).code == 403
    # the learner's own routes take no assignment
    for method in ("POST", "PUT", "PATCH"):
        answer = await service.call("api/me/progress", me, method,
                                    {"modules": [{"id": MODULE, "ditugaskan": True}]})
        assert 400 <= answer.code < 500, (method, answer.code)
    event = {"event_id": "ev-tugas-1", "kind": "lesson", "module": MODULE,
             "lesson": "01-mendengar-aktif", "exercise": None, "score": 1.0, "duration_s": 1.0,
             "client_ts": "2026-01-01T00:00:00Z", "ditugaskan": True}
    assert (await service.call("api/me/events", me, "POST", {"events": [event]})).code == 400
    assert db_fingerprint(service.url) == before
    # asking for a module in the self-assessment is a request, not an assignment
    asked = await service.call("api/me/kebutuhan", me, "PUT", {"ratings": {}, "modules": [MODULE]})
    assert asked.code == 200, asked.body
    progress = await service.json(f"api/me/progress?ditugaskan=1&module={MODULE}", me)
    assert not any(m["ditugaskan"] for m in progress["modules"])
    assert assignments(service.url) == 0


async def test_hr_cannot_name_modules_or_people_in_a_plan(service):
    before = db_fingerprint(service.url)
    for extra in ({"modules": ["e-government"]}, {"username": YAN[0]},
                  {"items": [{"module": MODULE, "username": "sdm"}]}, {"accepted_by": "admin"}):
        answer = await service.call("api/hr/rencana", HR, "POST",
                                    {"unit": WEAK_UNIT, "periode": PERIOD, **extra})
        assert answer.code == 400, (extra, answer.code)
    answer = await service.call("hr/evaluasi/terima", HR, "POST",
                                f"unit={WEAK_UNIT}&periode={PERIOD}&modul={MODULE}", headers=FORM)
    assert answer.code == 400
    assert db_fingerprint(service.url) == before


async def test_bad_bodies_are_refused_and_write_nothing(service):
    before = db_fingerprint(service.url)
    bodies = [b"", b"{}", b"[]", b"null", b"\"x\"", b"{bad json", b"\xff\xfe", b"{\"unit\": NaN}",
              b"[" * 100_000, json.dumps({"unit": WEAK_UNIT}).encode(),
              json.dumps({"periode": PERIOD}).encode(),
              json.dumps({"unit": GOOD_UNIT, "periode": PERIOD}).encode(),  # nothing to plan
              json.dumps({"unit": "TIDAKADA", "periode": PERIOD}).encode(),
              json.dumps({"unit": WEAK_UNIT, "periode": PERIOD, "status": "selesai"}).encode(),
              json.dumps({"unit": [WEAK_UNIT], "periode": PERIOD}).encode(),
              json.dumps({"unit": WEAK_UNIT, "periode": 2026}).encode(),
              json.dumps({"unit": WEAK_UNIT, "periode": PERIOD, "x": "y" * 5000}).encode()]
    bodies += [json.dumps({"unit": WEAK_UNIT, "periode": v}).encode() for v in NASTY]
    bodies += [json.dumps({"unit": v, "periode": PERIOD}).encode() for v in NASTY]
    for body in bodies:
        answer = await service.call("api/hr/rencana", HR, "POST", body)
        assert 400 <= answer.code < 500, (body[:60], answer.code, answer.body[:200])
    forms = ["", "unit=&periode=", f"unit={WEAK_UNIT}", f"periode={PERIOD}",
             f"unit={WEAK_UNIT}&unit={GOOD_UNIT}&periode={PERIOD}", "unit=%ZZ&&&=",
             f"unit={GOOD_UNIT}&periode={PERIOD}"]
    forms += [f"unit={WEAK_UNIT}&periode={quote(v)}" for v in NASTY]
    for form in forms:
        answer = await service.call("hr/evaluasi/terima", HR, "POST", form, headers=FORM)
        assert 400 <= answer.code < 500, (form[:60], answer.code)
    assert db_fingerprint(service.url) == before


async def test_bad_queries_and_paths_answer_4xx_never_5xx(service):
    before = db_fingerprint(service.url)
    for path in HR_GETS:
        for key in ("periode", "unit"):
            for value in NASTY:
                answer = await service.call(f"{path}?{key}={quote(value)}", HR)
                assert answer.code < 500, (path, key, value, answer.code)
                if key == "periode" or path == "api/hr/rekomendasi":  # elsewhere unit is unused
                    assert 400 <= answer.code < 500, (path, key, value, answer.code)
    for value in NASTY + ["2026-S1x", "9999"]:
        answer = await service.call(f"hr/unduh/rencana-{quote(value, safe='')}.xlsx", HR)
        assert 400 <= answer.code < 500, (value, answer.code)
    for method in ("PUT", "DELETE", "PATCH"):
        for path in HR_GETS + ["hr/evaluasi/terima", f"hr/unduh/rencana-{PERIOD}.xlsx"]:
            answer = await service.call(path, HR, method, b"{}")
            assert 400 <= answer.code < 500, (path, method, answer.code)
    too_big = json.dumps({"unit": WEAK_UNIT, "periode": PERIOD, "pad": "x" * 10_000})
    assert (await service.call("api/hr/rencana", HR, "POST", too_big)).code == 413
    assert db_fingerprint(service.url) == before
    with session_factory(service.url)() as db:
        assert db.scalar(select(func.count()).select_from(DevelopmentPlan)) == 0
