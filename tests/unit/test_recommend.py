"""Issue 11, point 4: the weakest units and what they should train next
(reports/recommend.py), on hand-made evidence; every figure below is worked out by hand.

The city: unit YAN (a health service) scores D on Perilaku Pelaksana (NRR 2,41) while its
other elements score 3,80; 2 of its 5 complaints due were followed up late; 3 of the 5
measured Pengawas are at level 1 on Komunikasi (M.03), which their position needs at
level 2. Unit CAPIL scores well everywhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from asncore.ikm import Counts, compute
from asncore.settings import DEFAULTS, validate
from reports.complaints import ComplaintSummary
from reports.ikm import IkmSummary
from reports.recommend import (
    Evidence,
    Level,
    ModuleInfo,
    Person,
    Rules,
    evaluate,
    next_period,
    percent,
    report_year,
)

PERIOD = "2026-S1"
GOOD = Counts(0, 0, 20, 80)  # NRR 3,80: element grade A
WEAK = Counts(10, 49, 31, 10)  # NRR 241/100 = 2,41: x 25 = 60,25, grade D
MODULES = {
    "komunikasi-pelayanan": ModuleInfo("komunikasi-pelayanan", "Komunikasi Pelayanan Publik", 3,
                                       (("M.03", 2), ("M.05", 2))),
    "manajemen-waktu": ModuleInfo("manajemen-waktu", "Manajemen Waktu dalam Pelayanan", 3,
                                  (("M.04", 2), ("T.WAKTU", 2))),
    "penanganan-pengaduan": ModuleInfo("penanganan-pengaduan", "Penanganan Pengaduan", 3,
                                       (("M.05", 2), ("T.PENGADUAN", 2))),
    "e-government": ModuleInfo("e-government", "E-Government dan SPBE", 3,
                               (("T.SPBE", 2), ("M.07", 2))),
}
COMPETENCIES = {"M.03": "Komunikasi", "M.04": "Orientasi pada Hasil", "M.05": "Pelayanan Publik",
                "M.07": "Mengelola Perubahan", "T.PENGADUAN": "Pengelolaan Pengaduan",
                "T.SPBE": "E-Government/SPBE", "T.WAKTU": "Manajemen Waktu"}
UNITS = {"DINKES": ("Dinas Kesehatan", None), "YAN": ("Bidang Pelayanan", "DINKES"),
         "CAPIL": ("Dukcapil", None)}


def ikm(unit: str, weak: dict[str, Counts] | None = None, service: str = "Poli Umum") -> IkmSummary:
    counts = {f"U{i}": GOOD for i in range(1, 10)} | (weak or {})
    r = compute(counts, "1/9")
    return IkmSummary(unit, None, service, PERIOD, r.respondents, r.index, r.grade, r.label,
                      r.elements, tuple(r.weakest(3)), "1/9")


def complaints(unit: str, due: int, in_time: int) -> ComplaintSummary:
    return ComplaintSummary(unit, None, PERIOD, dt.date(2026, 1, 1), dt.date(2026, 6, 30),
                            received=due, verify_due=due, verified_in_time=due,
                            verified_share=1.0, followup_due=due, followed_up_in_time=in_time,
                            followed_up_share=in_time / due, backlog=1, calendar_complete=True)


def person(username: str, unit: str) -> Person:
    return Person(username, f"nip-{username}", f"Pegawai {username}", unit, "Pengawas")


PEOPLE = [person(u, "YAN") for u in ("a1", "a2", "a3", "a4", "a5", "a6")] + [
    person(u, "CAPIL") for u in ("c1", "c2")]
LEVELS = {
    **{(u, "M.03"): Level(1, 2) for u in ("a1", "a2", "a3")},  # below
    ("a4", "M.03"): Level(2, 2), ("a4", "M.05"): Level(2, 2),  # meets both
    ("a6", "M.03"): Level(2, 2),  # meets M.03, nothing known on M.05
    ("c1", "M.03"): Level(3, 2), ("c2", "M.03"): Level(2, 2), ("c2", "M.05"): Level(2, 2),
}


def evidence(**change) -> Evidence:
    base = {"period": PERIOD, "units": UNITS,
            "ikm": [ikm("YAN", {"U7": WEAK}), ikm("CAPIL")],
            "complaints": [complaints("YAN", 5, 3), complaints("CAPIL", 4, 4)],
            "people": PEOPLE, "levels": LEVELS, "competencies": COMPETENCIES,
            "modules": MODULES, "needs_year": 2026,
            "requests": {"a6": frozenset({"komunikasi-pelayanan"}),
                         "a4": frozenset({"manajemen-waktu"}),
                         "c1": frozenset({"komunikasi-pelayanan"})}}
    return Evidence(**(base | change))


def rules(**recommendations) -> Rules:
    section = DEFAULTS["evaluation"]["recommendations"] | recommendations
    checked = validate({"evaluation": {"recommendations": section}})  # as a settings file
    return Rules.from_settings(checked.model_dump()["evaluation"])


def picks(plan) -> dict[str, str]:
    return {p.username: p.reason for p in plan.people}


def test_weak_element_and_low_levels_give_the_expected_modules_people_and_reasons():
    outcome = evaluate(evidence(), rules())
    yan = outcome.for_unit("YAN")
    assert yan.target_period == "2026-S2"
    assert [(s.key, s.text) for s in yan.signals] == [
        ("U7", "IKM Perilaku Pelaksana 2,41 (D)"),
        ("pengaduan_terlambat", "40% laporan terlambat ditindaklanjuti (2 dari 5)"),
        ("M.03", "3 dari 5 pegawai di bawah level 2 Komunikasi"),
    ]
    assert yan.reasons == ("IKM Perilaku Pelaksana 2,41 (D); 40% laporan terlambat "
                           "ditindaklanjuti (2 dari 5); 3 dari 5 pegawai di bawah level 2 Komunikasi")
    komunikasi, pengaduan = yan.modules
    assert komunikasi.module == "komunikasi-pelayanan"
    assert komunikasi.reason == ("IKM Perilaku Pelaksana 2,41 (D); "
                                 "3 dari 5 pegawai di bawah level 2 Komunikasi")
    assert picks(komunikasi) == {
        "a1": "level 1 Komunikasi, dibutuhkan 2",
        "a2": "level 1 Komunikasi, dibutuhkan 2",
        "a3": "level 1 Komunikasi, dibutuhkan 2",
        # a4 meets both of the module's competencies: not picked
        "a5": "belum ada bukti level Komunikasi, Pelayanan Publik",
        "a6": "meminta modul ini (analisis kebutuhan pelatihan 2026)",
    }
    assert pengaduan.module == "penanganan-pengaduan"
    assert pengaduan.reason == "40% laporan terlambat ditindaklanjuti (2 dari 5)"
    # nobody measured on M.05 / T.PENGADUAN except a4 (M.05 level 2)
    assert set(picks(pengaduan)) == {"a1", "a2", "a3", "a5", "a6"}
    assert picks(pengaduan)["a1"] == "belum ada bukti level Pelayanan Publik, Pengelolaan Pengaduan"
    # manajemen-waktu: a4 asked for it, but nothing in the unit calls for it
    assert "manajemen-waktu" not in {m.module for m in yan.modules}


def test_a_unit_with_good_figures_gets_nothing():
    capil = evaluate(evidence(), rules()).for_unit("CAPIL")
    assert capil.signals == () and capil.modules == ()  # c1 asked, but nothing is weak


def test_score_parts_and_ranking():
    outcome = evaluate(evidence(), rules())
    yan, capil = outcome.ranking
    assert (yan.unit_code, yan.rank, capil.unit_code, capil.rank) == ("YAN", 1, "CAPIL", 2)
    # IKM (8 x 3,80 + 2,41) / 9 x 25 = 91,138.. -> 91,14 (A); part (100 - 91,14) / 75 = 11,8
    assert (str(yan.ikm.index), yan.ikm.grade, yan.ikm.part) == ("91.14", "A", 11.8)
    assert yan.ikm.weakest[0] == ("U7", "Perilaku Pelaksana", Decimal("2.41"), "D")
    assert yan.complaints.part == 20.0  # mean of 0 % late verification and 40 % late follow-up
    assert yan.complaints.backlog == 1
    # (learner, competency) pairs measured: M.03 x 5 + M.05 x 1, 3 below -> 50 %
    assert (yan.gaps.measured, yan.gaps.below, yan.gaps.part) == (6, 3, 50.0)
    assert yan.score == pytest.approx((11.8 + 20.0 + 50.0) / 3, abs=0.05)
    assert (capil.ikm.part, capil.complaints.part, capil.gaps.part, capil.score) == (6.7, 0.0, 0.0, 2.2)
    # DINKES has no survey, no complaints and no learners of its own: not ranked (its
    # sub-unit is)
    assert outcome.for_unit("DINKES") is None
    assert [s.unit_code for s in outcome.services] == ["YAN", "CAPIL"]  # lowest IKM first


def test_the_mapping_setting_changes_the_outcome():
    # U7 mapped to e-government instead: the IKM reason moves there
    yan = evaluate(evidence(), rules(modules_for={"U7": ["e-government"]})).for_unit("YAN")
    by_module = {m.module: m for m in yan.modules}
    assert by_module["e-government"].reason == "IKM Perilaku Pelaksana 2,41 (D)"
    assert by_module["komunikasi-pelayanan"].reason == "3 dari 5 pegawai di bawah level 2 Komunikasi"
    assert "penanganan-pengaduan" not in by_module  # left out of the mapping: no module
    # nothing mapped and a stricter gap threshold: no module at all, the weaknesses still shown
    yan = evaluate(evidence(), rules(modules_for={}, gap_min_share=0.9)).for_unit("YAN")
    assert yan.modules == () and [s.key for s in yan.signals] == ["U7", "pengaduan_terlambat"]
    # a competency code overrides module.yaml; a module not in the catalogue is a warning
    outcome = evaluate(evidence(), rules(modules_for={"M.03": ["manajemen-waktu", "tidak-ada"]}))
    assert [m.module for m in outcome.for_unit("YAN").modules] == ["manajemen-waktu"]
    assert outcome.warnings and "tidak-ada" in outcome.warnings[0]
    # weak grades: with only D weak, a C element is no weakness
    c_only = evidence(ikm=[ikm("YAN", {"U3": Counts(0, 40, 60, 0)})])  # NRR 2,60 -> 65,00: C
    assert [s.key for s in evaluate(c_only, rules()).for_unit("YAN").signals][:1] == ["U3"]
    assert "U3" not in [s.key for s in evaluate(c_only, rules(weak_element_grades=["D"]))
                        .for_unit("YAN").signals]


def test_finished_modules_and_existing_assignments():
    done = evidence(finished=frozenset({("a1", "komunikasi-pelayanan"),
                                        ("a5", "komunikasi-pelayanan")}),
                    assigned=frozenset({("a2", "komunikasi-pelayanan")}))
    komunikasi = evaluate(done, rules()).for_unit("YAN").modules[0]
    assert "a1" in picks(komunikasi)  # finished, but still measured below: kept
    assert "a5" not in picks(komunikasi)  # finished, nothing measured: left out
    assert {p.username for p in komunikasi.people if p.assigned} == {"a2"}


def test_several_services_name_the_service():
    two = evidence(ikm=[ikm("YAN", {"U7": WEAK}, "Poli Umum"),
                        ikm("YAN", {"U3": WEAK}, "Rawat Inap")])
    texts = [s.text for s in evaluate(two, rules()).for_unit("YAN").signals if s.kind == "ikm"]
    assert texts == ["IKM Rawat Inap: Waktu Penyelesaian 2,41 (D)",  # equal NRR: by code
                     "IKM Poli Umum: Perilaku Pelaksana 2,41 (D)"]


def test_periods_and_words():
    assert [next_period(p) for p in ("2026", "2026-S1", "2026-S2", "2026-Q4", "2026-TW2",
                                     "2026-12", "2026-03")] == [
        "2027", "2026-S2", "2027-S1", "2027-Q1", "2026-Q3", "2027-01", "2026-04"]
    assert report_year("2026-S2", dt.date(2026, 12, 20)) == 2026  # levels as they stand now
    assert report_year("2025-S1", dt.date(2026, 12, 20)) == 2025
    assert (percent(0.4), percent(1 / 3), percent(0.125)) == ("40%", "33%", "13%")


def test_defaults_are_the_documented_mapping():
    mapping = Rules.from_settings().modules_for
    assert mapping["U7"] == ("komunikasi-pelayanan",)
    assert mapping["U3"] == ("manajemen-waktu",)
    assert mapping["U8"] == mapping["pengaduan_terlambat"] == ("penanganan-pengaduan",)
    assert mapping["U2"] == ("e-government",)
    assert not {"U1", "U4", "U5", "U9"} & set(mapping)
