"""Issue 11, point 4 through the competency service, in-process: HR reads the ranking and
the recommendations, accepts a unit's recommendation as a plan (assigning its modules,
once), downloads "Rencana Pengembangan Kompetensi"; the learner sees the module as
assigned.

The hub's OAuth is replaced by a fixed user model per request (``X-Test-User``, see
tests/support/service_auth.py); the database, catalogue, report cache and Tornado are
real. The city: tests/support/plans_city.py.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from jupyterhub.services.auth import HubOAuthenticated

from asncore.db import DevelopmentPlan, DevelopmentPlanItem, ModuleAssignment
from tests.support.plans_city import (
    GOOD_UNIT,
    PERIOD,
    REASONS,
    TARGET,
    WEAK_UNIT,
    populate_plans_city,
)
from tests.support.service_auth import fake_hub_user
from tests.support.voice_service import (
    ADMIN,
    HR,
    LEARNERS,
    YAN,
    Service,
    count,
    db_fingerprint,
    learner,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
DUKCAPIL = [u for u in LEARNERS if u not in YAN]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
MODULES = ["komunikasi-pelayanan", "penanganan-pengaduan"]


@pytest.fixture
def city(tmp_path, monkeypatch):
    monkeypatch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    populate_plans_city(url)
    return url


@pytest.fixture
async def service(city):
    running = Service(city)
    yield running
    running.stop()


async def accept(service, unit: str = WEAK_UNIT, user: str = HR, **extra):
    return await service.call("api/hr/rencana", user, "POST",
                              {"unit": unit, "periode": PERIOD, **extra})


async def test_the_ranking_puts_the_weakest_unit_first_with_the_parts_of_its_score(service):
    ranking = await service.json(f"api/hr/evaluasi/peringkat?periode={PERIOD}", HR)
    assert (ranking["period"], ranking["target_period"]) == (PERIOD, TARGET)
    weak, good = ranking["units"]
    assert (weak["unit"], weak["rank"], good["unit"], good["rank"]) == (WEAK_UNIT, 1, GOOD_UNIT, 2)
    ikm, complaints, gaps = (weak["parts"][k] for k in ("ikm", "pengaduan", "kompetensi"))
    assert (ikm["index"], ikm["grade"], ikm["weakest"][0]["code"]) == (91.14, "A", "U7")
    assert (complaints["followed_up_share"], complaints["verified_share"], complaints["part"]) == (
        0.6, 1.0, 20.0)
    assert (gaps["below"], gaps["measured"], gaps["part"]) == (4, 4, 100.0)
    assert weak["score"] == round((11.8 + 20.0 + 100.0) / 3, 1)
    assert good["parts"]["kompetensi"]["part"] is None  # nobody measured there
    assert (good["parts"]["ikm"]["part"], good["parts"]["pengaduan"]["part"]) == (6.7, 0.0)
    assert [s["unit"] for s in ranking["services"]] == [WEAK_UNIT, GOOD_UNIT]
    # no ?periode=: the latest period with IKM data
    assert (await service.json("api/hr/evaluasi/peringkat", ADMIN))["period"] == PERIOD


async def test_the_weak_unit_gets_modules_people_and_reasons_the_good_unit_none(service):
    weak = await service.json(f"api/hr/rekomendasi?periode={PERIOD}&unit={WEAK_UNIT}", HR)
    assert weak["reasons"] == REASONS
    assert [m["module"] for m in weak["modules"]] == MODULES
    komunikasi, pengaduan = weak["modules"]
    assert komunikasi["reason"] == ("IKM Perilaku Pelaksana 2,41 (D); "
                                    "4 dari 4 pegawai di bawah level 2 Komunikasi")
    reasons = {p["username"]: p["reason"] for p in komunikasi["people"]}
    assert set(reasons) == set(YAN)
    assert {reasons[u] for u in YAN[:4]} == {"level 1 Komunikasi, dibutuhkan 2"}
    assert {reasons[u] for u in YAN[4:]} == {"belum ada bukti level Komunikasi, Pelayanan Publik"}
    assert pengaduan["reason"] == "40% laporan terlambat ditindaklanjuti (2 dari 5)"
    assert {p["username"] for p in pengaduan["people"]} == set(YAN)

    good = await service.json(f"api/hr/rekomendasi?periode={PERIOD}&unit={GOOD_UNIT}", HR)
    assert good["signals"] == [] and good["modules"] == []
    everyone = await service.json(f"api/hr/rekomendasi?periode={PERIOD}", HR)
    assert [u["unit"] for u in everyone["units"]] == [WEAK_UNIT]


async def test_accepting_assigns_the_modules_once_and_the_learner_sees_them(service):
    before = await service.json("api/me/progress", learner(YAN[0]))
    assert not any(m["ditugaskan"] for m in before["modules"])

    first = await accept(service)
    assert first.code == 201, first.body
    plan = json.loads(first.body)["plan"]
    assert (plan["status"], plan["accepted_by"], plan["target_period"]) == ("accepted", "sdm", TARGET)
    assert plan["reasons"] == REASONS
    assert len(plan["items"]) == len(plan["assignments"]) == 2 * len(YAN)
    assert {(a["module"], a["period"]) for a in plan["assignments"]} == {(m, TARGET) for m in MODULES}

    again = await accept(service)  # idempotent: same plan, nothing new
    assert again.code == 200 and json.loads(again.body)["created"] is False
    assert json.loads(again.body)["plan"]["id"] == plan["id"]
    assert (count(service.url, DevelopmentPlan), count(service.url, DevelopmentPlanItem),
            count(service.url, ModuleAssignment)) == (1, 2 * len(YAN), 2 * len(YAN))
    draft = await accept(service, status="draf")
    assert draft.code == 409

    mine = await service.json("api/me/progress", learner(YAN[0]))
    by_id = {m["id"]: m for m in mine["modules"]}
    assert by_id["komunikasi-pelayanan"]["ditugaskan"] is True
    assert by_id["komunikasi-pelayanan"]["penugasan"]["periode"] == TARGET
    assert by_id["komunikasi-pelayanan"]["penugasan"]["oleh"] == "sdm"
    assert by_id["manajemen-waktu"]["ditugaskan"] is False
    assert by_id["manajemen-waktu"]["penugasan"] is None
    home = (await service.call("", learner(YAN[0]))).body.decode()
    assert 'id="ditugaskan-komunikasi-pelayanan"' in home and "Ditugaskan" in home
    assert 'id="ditugaskan-manajemen-waktu"' not in home
    other = await service.json("api/me/progress", learner(DUKCAPIL[0]))
    assert not any(m["ditugaskan"] for m in other["modules"])

    listed = await service.json(f"api/hr/rencana?periode={PERIOD}", HR)
    assert [p["unit"] for p in listed["plans"]] == [WEAK_UNIT]
    recommendation = await service.json(f"api/hr/rekomendasi?periode={PERIOD}&unit={WEAK_UNIT}", HR)
    assert all(p["assigned"] for m in recommendation["modules"] for p in m["people"])


async def test_a_draft_is_replaced_by_the_accepted_plan(service):
    draft = await accept(service, status="draf")
    assert draft.code == 201 and json.loads(draft.body)["plan"]["status"] == "draft"
    assert count(service.url, ModuleAssignment) == 0
    accepted = await accept(service)
    assert accepted.code == 201 and json.loads(accepted.body)["plan"]["status"] == "accepted"
    assert count(service.url, DevelopmentPlan) == 1
    assert count(service.url, ModuleAssignment) == 2 * len(YAN)


async def test_a_unit_with_good_figures_cannot_be_accepted(service):
    before = db_fingerprint(service.url)
    answer = await accept(service, GOOD_UNIT)
    assert answer.code == 422 and "tidak mendapat rekomendasi" in json.loads(answer.body)["message"]
    assert db_fingerprint(service.url) == before


async def test_the_page_accepts_with_a_form_and_shows_the_plan(service):
    page = await service.call(f"hr/evaluasi?periode={PERIOD}", HR)
    assert page.code == 200
    html = page.body.decode()
    assert "script" not in page.headers["Content-Security-Policy"]
    assert "<script" not in html
    for text in ("Layanan terlemah", 'id="tabel-peringkat"', f'id="unit-{WEAK_UNIT}"',
                 "Terima sebagai rencana", f'id="terima-{WEAK_UNIT}"', "40% laporan terlambat",
                 f"hr/unduh/rencana-{PERIOD}.xlsx", "hr/evaluasi/impor", "hr/tindak-lanjut",
                 'name="_xsrf"'):
        assert text in html, text
    assert f'id="terima-{GOOD_UNIT}"' not in html

    posted = await service.call("hr/evaluasi/terima", HR, "POST",
                                f"unit={WEAK_UNIT}&periode={PERIOD}", headers=FORM)
    assert posted.code == 303
    assert posted.headers["Location"].endswith(f"hr/evaluasi?periode={PERIOD}#unit-{WEAK_UNIT}")
    assert count(service.url, ModuleAssignment) == 2 * len(YAN)
    html = (await service.call(f"hr/evaluasi?periode={PERIOD}", HR)).body.decode()
    assert f'id="rencana-{WEAK_UNIT}"' in html and "Rencana diterima oleh sdm" in html
    assert f'id="terima-{WEAK_UNIT}"' not in html


async def test_the_plan_workbook(service):
    def sheet_rows(body: bytes):
        book = openpyxl.load_workbook(io.BytesIO(body))
        assert book.sheetnames == ["Rencana Pengembangan Kompetensi", "Peringkat Unit", "Keterangan"]
        rows = list(book["Rencana Pengembangan Kompetensi"].values)
        header = rows[0]
        return [dict(zip(header, row)) for row in rows[1:]], list(book["Peringkat Unit"].values)

    answer = await service.call(f"hr/unduh/rencana-{PERIOD}.xlsx", HR)
    assert answer.code == 200
    assert answer.headers["Content-Disposition"].endswith(
        f'rencana-pengembangan-kompetensi-{PERIOD}.xlsx"')
    lines, ranking = sheet_rows(answer.body)
    assert len(lines) == 2 * len(YAN) and {r["Status"] for r in lines} == {"Usulan"}
    assert {r["Kode modul"] for r in lines} == set(MODULES)
    assert {r["NIP"] for r in lines} == set(YAN)
    assert ranking[1][1] == WEAK_UNIT

    await accept(service)
    lines, _ = sheet_rows((await service.call(f"hr/unduh/rencana-{PERIOD}.xlsx", ADMIN)).body)
    assert {r["Status"] for r in lines} == {"Diterima"} and {r["Diterima oleh"] for r in lines} == {"sdm"}
    assert lines[0]["Alasan (unit)"].startswith("IKM Perilaku Pelaksana 2,41 (D)")


async def test_hr_routes_refuse_learners_and_trainers(service):
    paths = [f"api/hr/evaluasi/peringkat?periode={PERIOD}", f"api/hr/rekomendasi?periode={PERIOD}",
             "api/hr/rencana", f"hr/evaluasi?periode={PERIOD}", f"hr/unduh/rencana-{PERIOD}.xlsx"]
    for user in (learner(YAN[0]), "pelatih:trainer"):
        for path in paths:
            assert (await service.call(path, user)).code == 403, (user, path)
        assert (await accept(service, user=user)).code == 403
    for path in paths[:3]:
        assert (await service.call(path, None)).code == 403
    assert count(service.url, DevelopmentPlan) == 0


async def test_the_mapping_setting_reaches_the_service(city):
    evaluation = {"recommendations": {"modules_for": {"U7": ["e-government"]},
                                      "weak_element_grades": ["C", "D"],
                                      "complaint_min_share": 0.8, "gap_min_share": 0.2}}
    service = Service(city, evaluation=evaluation)
    try:
        weak = await service.json(f"api/hr/rekomendasi?periode={PERIOD}&unit={WEAK_UNIT}", HR)
        by_module = {m["module"]: m for m in weak["modules"]}
        assert set(by_module) == {"e-government", "komunikasi-pelayanan"}  # no complaint module
        assert by_module["e-government"]["reason"] == "IKM Perilaku Pelaksana 2,41 (D)"
    finally:
        service.stop()
