"""Issue 11, ASN's voice: what ASN say in the reaction survey and the training-needs
self-assessment stays theirs. HR sees groups of at least 5 only; a learner reads and
writes their own answers only; bad input is refused with a 4xx and writes nothing.

In-process (tests/support/voice_service.py): the hub's OAuth replaced by a fixed user per
request (``X-Test-User``); the database, catalogue, report cache and Tornado are real.
Each attack was run first against the code before issue 11 (the routes did not exist, so
every answer and aggregate below was missing there) and then against this code.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest

from tests.support.service_auth import fake_hub_user
from tests.support.voice_service import (ADMIN, HIDDEN, HR, LEARNERS, MODULE, OTHER_MODULE,
                                         YAN, YEAR, Service, answer, db_fingerprint, learner,
                                         populate_city)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
async def service(tmp_path, monkeypatch):
    from jupyterhub.services.auth import HubOAuthenticated

    monkeypatch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    populate_city(url)
    running = Service(url)
    yield running
    running.stop()


async def answer_survey(service, user: str, module: str = MODULE, **kw):
    r = await service.call(f"api/me/survei/{module}", learner(user), "PUT", answer(**kw))
    assert r.code == 200, r.body
    return r


async def save_needs(service, user: str, ratings: dict, modules=()):
    r = await service.call("api/me/kebutuhan", learner(user), "PUT",
                           {"ratings": ratings, "modules": list(modules)})
    assert r.code == 200, r.body
    return r


def module_entry(payload: dict, module: str = MODULE) -> dict:
    return next(m for m in payload["modules"] if m["module"] == module)


# ---- fewer than 5: nothing shown ------------------------------------------------------


async def test_reaction_results_of_fewer_than_five_are_not_shown(service):
    for i, user in enumerate(YAN[:4]):
        await answer_survey(service, user, relevance=1 + i, improvement=f"RAHASIA-{i} modul terlalu cepat")
    for path in (f"api/hr/survei?tahun={YEAR}", f"hr/suara-asn?tahun={YEAR}"):
        for user in (HR, ADMIN):
            r = await service.call(path, user)
            assert r.code == 200, (path, r.body)
            body = r.body.decode()
            assert "RAHASIA" not in body
            assert HIDDEN in body
    entry = module_entry(await service.json("api/hr/survei", HR))
    assert entry == {"module": MODULE, "title": entry["title"], "shown": False, "note": HIDDEN,
                     "units": []}  # no n, no mean, no distribution, no text

    await answer_survey(service, YAN[4], relevance=5, improvement="contoh kasus Ambon")
    entry = module_entry(await service.json("api/hr/survei", HR))
    assert entry["shown"] and entry["respondents"] == 5
    assert entry["questions"]["relevance"]["distribution"] == {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1}
    assert len(entry["improvements"]) == 5


async def test_a_small_unit_cannot_be_computed_from_the_difference(service):
    """6 in one unit and 1 in another: showing the big unit would give the single
    person's answers as total minus unit. Both units are hidden; the total is shown."""
    for user in YAN[:6]:
        await answer_survey(service, user, relevance=4, improvement="materi baik")
    await answer_survey(service, LEARNERS[7], relevance=1, improvement="RAHASIA-DUKCAPIL")
    entry = module_entry(await service.json("api/hr/survei", HR))
    assert entry["shown"] and entry["respondents"] == 7
    assert {u["unit_code"]: u["shown"] for u in entry["units"]} == {"DINKES-YAN": False,
                                                                    "DUKCAPIL": False}
    assert all("respondents" not in u and "improvements" not in u for u in entry["units"])
    page = (await service.call("hr/suara-asn", HR)).body.decode()
    assert page.count("RAHASIA-DUKCAPIL") == 1  # in the module's list only, never per unit


async def test_needs_of_a_small_group_are_not_shown(service):
    dukcapil = [u for u in LEARNERS if u not in YAN]
    for user in dukcapil:
        await save_needs(service, user, {"M.03": 1}, [OTHER_MODULE])
    payload = await service.json(f"api/hr/kebutuhan?tahun={YEAR}", HR)
    groups = [g for g in payload["groups"] if g["unit_code"] == "DUKCAPIL"]
    assert groups and all(not g["shown"] and g["note"] == HIDDEN for g in groups)
    for g in groups:
        assert "respondents" not in g and "modules" not in g
        assert all("self" not in c for c in g["competencies"])


# ---- one learner, another's answers ---------------------------------------------------


async def test_a_learner_cannot_read_another_learners_answers(service):
    victim, attacker = YAN[0], YAN[1]
    await answer_survey(service, victim, improvement="RAHASIA-KORBAN")
    await save_needs(service, victim, {"M.01": 2, "M.03": 5}, [OTHER_MODULE])
    await answer_survey(service, attacker, module=OTHER_MODULE)
    attempts = []
    for key in ("username", "user", "nip", "name", "pegawai", "id", "nama"):
        query = urlencode({key: victim})
        attempts += [f"api/me/survei?{query}", f"api/me/survei/{MODULE}?{query}",
                     f"api/me/kebutuhan?{query}", f"kebutuhan?{query}",
                     f"api/me/kebutuhan?tahun={YEAR}&{query}"]
    attempts += [f"api/me/survei/{victim}", "api/me/survei/1", f"api/me/kebutuhan/{victim}",
                 "api/me/kebutuhan/1", f"api/survei/{victim}", f"api/hr/survei/{victim}",
                 f"api/hr/survei/{MODULE}", f"api/hr/kebutuhan/{victim}", f"kebutuhan/{victim}",
                 "api/hr/survei", "api/hr/kebutuhan", "hr/suara-asn", f"api/hr/employees/{victim}",
                 f"hr/pegawai/{victim}", f"api/me/survei/{MODULE}"]
    for path in attempts:
        r = await service.call(path, learner(attacker))
        body = r.body.decode() if r.body else ""
        assert r.code != 200 or ("RAHASIA-KORBAN" not in body and victim not in body), path
        assert r.code < 500, (path, r.code)
        if path.startswith(("api/hr/", "hr/")):
            assert r.code in (403, 404), (path, r.code)
    own = await service.json("api/me/survei", learner(attacker))
    assert [a["module"] for a in own["answers"]] == [OTHER_MODULE]
    assert (await service.call(f"api/me/survei/{MODULE}", learner(attacker))).code == 404
    assert (await service.call("api/me/kebutuhan", learner(attacker))).code == 404


async def test_a_learner_cannot_write_someone_elses_answers(service):
    victim, attacker = YAN[0], YAN[1]
    await answer_survey(service, victim, relevance=5, improvement="asli")
    await save_needs(service, victim, {"M.01": 4})
    before = db_fingerprint(service.url)
    forged = [
        ("PUT", f"api/me/survei/{MODULE}", {**answer(relevance=1), "username": victim}),
        ("PUT", f"api/me/survei/{MODULE}", {**answer(relevance=1), "nip": victim}),
        ("PUT", f"api/me/survei/{MODULE}?username={victim}", answer(relevance=1)),
        ("PUT", f"api/me/survei/{MODULE}?nip={victim}", answer(relevance=1)),
        ("PUT", f"api/me/survei/{victim}", answer(relevance=1)),
        ("POST", "api/me/survei", {**answer(relevance=1), "module": MODULE, "username": victim}),
        ("PUT", "api/me/kebutuhan", {"ratings": {"M.01": 1}, "username": victim}),
        ("PUT", f"api/me/kebutuhan?username={victim}", {"ratings": {"M.01": 1}}),
        ("PUT", f"api/me/kebutuhan/{victim}", {"ratings": {"M.01": 1}}),
        ("POST", f"kebutuhan?username={victim}", "level-M.01=1"),
        ("POST", "kebutuhan", f"level-M.01=1&username={victim}"),
        ("POST", "kebutuhan", f"level-M.01=1&nip={victim}"),
        ("DELETE", f"api/me/survei/{MODULE}", None),
        ("DELETE", "api/me/kebutuhan", None),
    ]
    for method, path, body in forged:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if isinstance(body, str) else {}
        r = await service.call(path, learner(attacker), method, body, headers)
        assert 400 <= r.code < 500, (method, path, r.code)
    assert db_fingerprint(service.url) == before
    mine = await service.json(f"api/me/survei/{MODULE}", learner(victim))
    assert mine["relevance"] == 5 and mine["improvement"] == "asli"


async def test_hr_api_refuses_learners_and_trainers(service):
    await answer_survey(service, YAN[0])
    for path in ("api/hr/survei", "api/hr/kebutuhan", f"api/hr/survei?tahun={YEAR}",
                 "hr/suara-asn"):
        for user in (learner(YAN[0]), "pelatih:trainer", "orang:", None):
            r = await service.call(path, user)
            # a page sends an anonymous caller to the hub's log-in instead
            expected = (302,) if user is None and not path.startswith("api/") else (403,)
            assert r.code in expected, (path, user, r.code)
            assert b"relevance" not in (r.body or b"")
        for user in (HR, ADMIN):
            assert (await service.call(path, user)).code == 200, (path, user)


# ---- fuzz: 4xx, nothing written -------------------------------------------------------

NASTY_VALUES = [0, 6, -1, 3.0, 3.5, "3", "٣", "³", "𝟛", True, None, [], {}, 10 ** 100, "NaN"]


def bad_survey_bodies() -> list:
    bodies = [b"", b"{", b"[]", b"null", b"\"x\"", b"\xff\xfe", b'{"relevance": NaN}',
              b"[" * 100_000, json.dumps({"a": 1}).encode(), json.dumps(answer(improvement="x" * 1001)).encode(),
              json.dumps(answer(improvement="a\x00b")).encode(),
              json.dumps(answer(improvement="\u202e\x1b[31m")).encode(),
              json.dumps({**answer(), "extra": 1}).encode(),
              json.dumps({"relevance": 4, "clarity": 4}).encode(),
              json.dumps(answer(improvement=["x"])).encode(),
              b"x" * (2 * 1024 * 1024)]
    for key in ("relevance", "clarity", "usefulness"):
        for value in NASTY_VALUES:
            bodies.append(json.dumps({**answer(), key: value}).encode())
    return bodies


def bad_needs_bodies() -> list:
    bodies = [b"", b"{}", b"[]", b"{\"ratings\": []}", b"{\"ratings\": {}, \"modules\": []}",
              json.dumps({"ratings": {"X.99": 3}}).encode(),
              json.dumps({"ratings": {"M.01": 3}, "modules": ["tidak-ada"]}).encode(),
              json.dumps({"ratings": {"M.01": 3}, "modules": [MODULE, MODULE]}).encode(),
              json.dumps({"ratings": {"M.01": 3}, "modules": MODULE}).encode(),
              json.dumps({"ratings": {"M.01": 3}, "modules": [1]}).encode(),
              json.dumps({"ratings": {"M.01": 3}, "modules": [MODULE] * 10_000}).encode(),
              json.dumps({"ratings": {f"K{i}": 3 for i in range(5000)}}).encode(),
              b"x" * (2 * 1024 * 1024)]
    for value in NASTY_VALUES:
        bodies.append(json.dumps({"ratings": {"M.01": value}}).encode())
    return bodies


def bad_forms() -> list[str]:
    forms = ["", "level-M.01=", "level-X.99=3", "level-M.01=3&level-M.01=4", "modul=tidak-ada",
             f"modul={MODULE}&modul={MODULE}", "lain=1", "level-M.01=3" + "&modul=x" * 5000,
             "%ZZ=&&&=", "level-M.01=" + "9" * 5000]
    forms += [f"level-M.01={quote(str(v))}" for v in ("0", "6", "-1", "3.0", "٣", "³", "𝟛", " 3", "3 ")]
    return forms


async def test_fuzz_writes_are_refused_and_write_nothing(service):
    user = learner(YAN[2])
    before = db_fingerprint(service.url)
    for body in bad_survey_bodies():
        r = await service.call(f"api/me/survei/{MODULE}", user, "PUT", body)
        assert 400 <= r.code < 500, (body[:60], r.code, r.body[:200] if r.body else b"")
    for path in ("api/me/survei/tidak-ada", f"api/me/survei/{MODULE}?tahun=²⁰²⁶"):
        assert 400 <= (await service.call(path, user, "PUT", answer())).code < 500, path
    # a learner without any progress event in the module: 409, nothing stored
    assert (await service.call(f"api/me/survei/{OTHER_MODULE}", learner(YAN[5]), "PUT", answer())).code == 409
    for body in bad_needs_bodies():
        r = await service.call("api/me/kebutuhan", user, "PUT", body)
        assert 400 <= r.code < 500, (body[:60], r.code, r.body[:200] if r.body else b"")
    for year in ("²⁰²⁶", "٢٠٢٦", "abc", "-1", "1999", str(YEAR - 1), str(YEAR + 2), "", "2026.0"):
        for path in (f"api/me/kebutuhan?tahun={quote(year)}", f"kebutuhan?tahun={quote(year)}"):
            body = {"ratings": {"M.01": 3}} if path.startswith("api") else "level-M.01=3"
            r = await service.call(path, user, "PUT" if path.startswith("api") else "POST", body,
                                   {} if path.startswith("api") else
                                   {"Content-Type": "application/x-www-form-urlencoded"})
            assert 400 <= r.code < 500, (path, r.code)
    for form in bad_forms():
        r = await service.call("kebutuhan", user, "POST", form,
                               {"Content-Type": "application/x-www-form-urlencoded"})
        assert 400 <= r.code < 500, (form[:60], r.code)
    for method in ("POST", "PATCH", "DELETE"):
        for path in ("api/me/survei", f"api/me/survei/{MODULE}", "api/me/kebutuhan",
                     "api/hr/survei", "api/hr/kebutuhan", "hr/suara-asn"):
            r = await service.call(path, user if "hr" not in path else HR, method, b"{}")
            assert 400 <= r.code < 500, (method, path, r.code)
    assert db_fingerprint(service.url) == before


async def test_fuzz_reads_answer_4xx_never_5xx(service):
    await answer_survey(service, YAN[0])
    for value in ("²⁰²⁶", "٢٠٢٦", "abc", "-1", "1e4", "", "99999999999999999999", "\x00",
                  "<script>", "x" * 5000):
        for path, user in (("api/hr/survei", HR), ("api/hr/kebutuhan", HR), ("hr/suara-asn", HR),
                           ("api/me/kebutuhan", learner(YAN[0])), ("kebutuhan", learner(YAN[0]))):
            r = await service.call(f"{path}?tahun={quote(value)}", user)
            assert 400 <= r.code < 500, (path, value, r.code)
        if value.strip("\x00"):  # an empty unit (Tornado drops control characters) is every unit
            r = await service.call(f"api/hr/kebutuhan?unit={quote(value)}", HR)
            assert 400 <= r.code < 500, (value, r.code)
