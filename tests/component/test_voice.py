"""ASN's voice (issue 11) through the competency service, in-process: the reaction survey
and the training-needs self-assessment are stored per learner (and module or year),
replaced when answered again, and aggregated for HR beside the measured levels.

The hub's OAuth is replaced by a fixed user model per request (``X-Test-User``, see
tests/support/voice_service.py); the database, catalogue, report cache and Tornado are real.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jupyterhub.services.auth import HubOAuthenticated

from asncore.db import NeedsAssessment, NeedsRating, ReactionSurvey
from tests.support.service_auth import fake_hub_user
from tests.support.voice_service import (
    HIDDEN,
    HR,
    LEARNERS,
    MODULE,
    OTHER_MODULE,
    YAN,
    YEAR,
    Service,
    answer,
    count,
    learner,
    populate_city,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
REPO = Path(__file__).resolve().parents[2]
DUKCAPIL = [u for u in LEARNERS if u not in YAN]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def city(tmp_path, monkeypatch):
    monkeypatch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    populate_city(url)
    return url


@pytest.fixture
async def service(city):
    running = Service(city)
    yield running
    running.stop()


def entry_of(payload: dict, module: str = MODULE) -> dict:
    return next(m for m in payload["modules"] if m["module"] == module)


# ---- the survey -----------------------------------------------------------------------


async def test_a_survey_answer_is_stored_once_per_learner_and_module(service):
    me = learner(YAN[0])
    r = await service.call(f"api/me/survei/{MODULE}", me, "PUT", answer(5, 4, 3, " Lebih banyak contoh. "))
    assert r.code == 200, r.body
    mine = await service.json(f"api/me/survei/{MODULE}", me)
    assert (mine["relevance"], mine["clarity"], mine["usefulness"]) == (5, 4, 3)
    assert mine["improvement"] == "Lebih banyak contoh." and mine["year"] == YEAR
    declared = yaml.safe_load((REPO / "courses" / MODULE / "module.yaml").read_text())["version"]
    assert mine["title"] == "Komunikasi Pelayanan Publik" and mine["module_version"] == declared

    await service.call(f"api/me/survei/{MODULE}", me, "PUT", answer(2, 2, 2))  # answered again
    await service.call(f"api/me/survei/{OTHER_MODULE}", me, "PUT", answer(3, 3, 3))
    everything = await service.json("api/me/survei", me)
    assert [(a["module"], a["relevance"], a["improvement"]) for a in everything["answers"]] == [
        (MODULE, 2, ""), (OTHER_MODULE, 3, "")]
    assert count(service.url, ReactionSurvey) == 2


async def test_only_a_learner_with_progress_in_the_module_may_answer(service):
    r = await service.call(f"api/me/survei/{OTHER_MODULE}", learner(YAN[6]), "PUT", answer())
    assert r.code == 409 and "belum mengerjakan" in r.body.decode()
    r = await service.call("api/me/survei/e-government", learner(YAN[0]), "PUT", answer())
    assert r.code == 409
    assert count(service.url, ReactionSurvey) == 0


async def test_hr_reads_means_distributions_and_sorted_texts(service):
    texts = ["zaman", "Contoh kasus", "", "akses internet lambat", "", "Bagus"]
    for i, user in enumerate(YAN[:6]):
        await service.call(f"api/me/survei/{MODULE}", learner(user), "PUT",
                           answer(1 + i % 5, 4, 5 - i % 2, texts[i]))
    payload = await service.json(f"api/hr/survei?tahun={YEAR}", HR)
    assert payload["min_group_size"] == 5 and [q["key"] for q in payload["questions"]] == [
        "relevance", "clarity", "usefulness"]
    entry = entry_of(payload)
    assert entry["shown"] and entry["respondents"] == 6
    relevance = entry["questions"]["relevance"]  # 1, 2, 3, 4, 5, 1
    assert relevance == {"mean": 2.67, "distribution": {"1": 2, "2": 1, "3": 1, "4": 1, "5": 1}}
    assert entry["questions"]["clarity"]["mean"] == 4.0
    assert entry["questions"]["usefulness"]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 3, "5": 3}
    assert entry["improvements"] == ["akses internet lambat", "Bagus", "Contoh kasus", "zaman"]
    [unit] = entry["units"]  # everyone in one unit: nothing left to subtract
    assert unit["unit_code"] == "DINKES-YAN" and unit["respondents"] == 6
    assert unit["improvements"] == entry["improvements"]
    assert [m["module"] for m in payload["modules"]] == [MODULE]  # nobody answered the others

    # re-answering replaces: the count stays, the mean moves
    await service.call(f"api/me/survei/{MODULE}", learner(YAN[0]), "PUT", answer(5, 4, 5))
    entry = entry_of(await service.json("api/hr/survei", HR))
    assert entry["respondents"] == 6 and entry["questions"]["relevance"]["mean"] == 3.33
    assert (await service.json(f"api/hr/survei?tahun={YEAR - 1}", HR))["modules"] == []


async def test_the_group_size_is_the_setting(city):
    service = Service(city, evaluation={"min_group_size": 2})
    try:
        for user in YAN[:5] + DUKCAPIL[:2]:
            await service.call(f"api/me/survei/{MODULE}", learner(user), "PUT", answer())
        entry = entry_of(await service.json("api/hr/survei", HR))
        assert {u["unit_code"]: u.get("respondents") for u in entry["units"]} == {
            "DINKES-YAN": 5, "DUKCAPIL": 2}
        await service.call(f"api/me/survei/{MODULE}", learner(DUKCAPIL[2]), "PUT", answer())
        entry = entry_of(await service.json("api/hr/survei", HR))
        assert entry["units"][1] == {"unit_code": "DUKCAPIL", "unit_name": entry["units"][1]["unit_name"],
                                     "shown": True, **{k: entry["units"][1][k] for k in (
                                         "respondents", "questions", "improvements")}}
    finally:
        service.stop()


# ---- the training-needs self-assessment -----------------------------------------------


async def test_a_self_assessment_is_stored_per_learner_and_year_and_replaced(service):
    me = learner(YAN[0])
    assert (await service.call("api/me/kebutuhan", me)).code == 404
    r = await service.call("api/me/kebutuhan", me, "PUT",
                           {"ratings": {"M.03": 2, "M.01": 4}, "modules": [OTHER_MODULE, MODULE]})
    assert r.code == 200, r.body
    mine = await service.json(f"api/me/kebutuhan?tahun={YEAR}", me)
    assert mine["ratings"] == {"M.01": 4, "M.03": 2} and mine["modules"] == sorted([MODULE, OTHER_MODULE])
    await service.call("api/me/kebutuhan", me, "PUT", {"ratings": {"T.SPBE": 1}})
    mine = await service.json("api/me/kebutuhan", me)
    assert mine["ratings"] == {"T.SPBE": 1} and mine["modules"] == []
    r = await service.call(f"api/me/kebutuhan?tahun={YEAR + 1}", me, "PUT", {"modules": [MODULE]})
    assert r.code == 200  # planning next year is a separate assessment
    assert count(service.url, NeedsAssessment) == 2 and count(service.url, NeedsRating) == 1


async def test_the_form_shows_level_descriptions_and_saves(service):
    me = learner(YAN[1])
    page = await service.call("kebutuhan", me)
    assert page.code == 200
    html = page.body.decode()
    assert "Berpartisipasi dalam kelompok kerja." in html  # M.02 level 1 (migration 0005)
    assert 'name="level-M.03"' in html and 'name="modul"' in html
    assert "Level yang dibutuhkan jabatan Anda: 2" in html  # Pengawas, from the report
    assert "<script" not in html
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert "style-src 'sha256-" in page.headers["Content-Security-Policy"]
    saved = await service.call(f"kebutuhan?tahun={YEAR}", me, "POST",
                               f"level-M.03=3&level-M.01=&modul={MODULE}&_xsrf=x", FORM)
    assert saved.code == 200 and 'id="tersimpan"' in saved.body.decode()
    assert (await service.json("api/me/kebutuhan", me))["ratings"] == {"M.03": 3}
    refused = await service.call("kebutuhan", me, "POST", f"level-M.03=9&modul={MODULE}", FORM)
    assert refused.code == 400 and 'id="pesan"' in refused.body.decode()
    assert (await service.json("api/me/kebutuhan", me))["ratings"] == {"M.03": 3}
    past = await service.call(f"kebutuhan?tahun={YEAR - 1}", me)
    assert past.code == 200 and 'id="hanya-baca"' in past.body.decode()


async def test_hr_reads_needs_beside_measured_levels(service):
    for user, level in zip(YAN[:5], (1, 2, 3, 1, 2)):
        await service.call("api/me/kebutuhan", learner(user), "PUT", {"ratings": {"M.03": level}})
    await service.call("api/me/kebutuhan", learner(YAN[0]), "PUT",
                       {"ratings": {"M.03": 1, "M.01": 3}, "modules": [MODULE, OTHER_MODULE]})
    for user in YAN[1:3]:
        await service.call("api/me/kebutuhan", learner(user), "PUT",
                           {"ratings": {"M.03": 2 if user == YAN[1] else 3}, "modules": [MODULE]})
    for user in DUKCAPIL:
        await service.call("api/me/kebutuhan", learner(user), "PUT", {"ratings": {"M.03": 1}})
    payload = await service.json(f"api/hr/kebutuhan?tahun={YEAR}", HR)
    groups = {(g["unit_code"], g["position_type"]): g for g in payload["groups"]}
    yan = groups[("DINKES-YAN", "Pengawas")]
    assert yan["shown"] and yan["employees"] == 7 and yan["respondents"] == 5
    m03 = next(c for c in yan["competencies"] if c["code"] == "M.03")
    assert m03["required"] == [2] and m03["measured"] == 4 and m03["mean_measured"] == 1.0
    assert m03["self"] == {"shown": True, "rated": 5, "mean_self": 1.8, "below_required": 2}
    m01 = next(c for c in yan["competencies"] if c["code"] == "M.01")
    assert m01["self"] == {"shown": False, "note": HIDDEN}  # one rating only
    requests = {m["module"]: m["requests"] for m in yan["modules"]}
    assert requests == {"e-government": 0, MODULE: 3, OTHER_MODULE: 1, "penanganan-pengaduan": 0}
    for key in (("DUKCAPIL", "Pelaksana"), ("DUKCAPIL", "Pengawas")):
        assert not groups[key]["shown"] and "respondents" not in groups[key]
    only = await service.json("api/hr/kebutuhan?unit=DUKCAPIL", HR)
    assert {g["unit_code"] for g in only["groups"]} == {"DUKCAPIL"}

    page = await service.call(f"hr/suara-asn?tahun={YEAR}", HR)
    assert page.code == 200
    html = page.body.decode()
    assert 'id="kebutuhan-pelatihan"' in html and "2 dari 5" in html and "1.80" in html
    assert HIDDEN in html and "<script" not in html
    assert (await service.call(f"hr?tahun={YEAR}", HR)).body.decode().count("hr/suara-asn") == 1


async def test_learner_home_links_to_the_self_assessment(service):
    home = await service.call("", learner(YAN[0]))
    assert home.code == 200 and 'href="/services/kompetensi/kebutuhan"' in home.body.decode()
