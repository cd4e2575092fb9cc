"""reports.followup (issue 11, point 5): hand-made frames -> hand-computed rows.

The city (semester rows, evaluated on 1 December 2026, no holiday calendar):

- units DINAS with sub-unit DINAS-A, and KEC;
- p1-p6 in DINAS-A, p7 in DINAS, p8 in KEC, p9 in KEC but inactive; p10 in DINAS-A from
  2025, moved to KEC on 1 April 2026;
- module credits (platform): p1-p5 on 10 March 2026 (3 JP each), p10 on 1 May 2026 (2 JP),
  p9 on 1 March 2026 (inactive: not counted); p1 also an external activity (8 JP, February);
- pre/post (course c1): p1-p5 40% -> 70%, p6 50% -> 50% (post 10 March); p7 pre only;
  p8 20% -> 60% with the post at 2026-06-30 16:00 UTC = 1 July 01:00 WIT (second semester);
- IKM: DINAS 2025-S2 service A 2 x all-2 (50.00 D); DINAS 2026-S2 service A 3 x all-4 and
  service B 1 x all-2: pooled NRR (3*4 + 2) / 4 = 3.5 -> 87.50 B (the mean of the two
  services' indexes would be 75); KEC 2026-Q1 2 x all-3 and 2026-Q2 2 x all-4 -> S1 87.50;
- complaints: DINAS c1 received Mon 1 Sep 2025, verified the next day, followed up on the
  4th, closed: all in time; DINAS c2 received Mon 3 Aug 2026, never handled: late and open.

DINAS rows (DINAS-A rolled up): 2025-S2 IKM 50.00, complaints 1 (100%/100%, backlog 0),
8 employees (p1-p7, p10), nobody trained; 2026-S1 7 employees, 5 completed (5/7), 5 modules,
15 + 8 = 23 JP, gain (5 x 30 + 0) / 6 = 25.0 from 6 people; 2026-S2 IKM 87.50, complaints 1
(0%/0%, backlog 1). First training 2026-S1: before 2025-S2, after 2026-S2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from reports.followup import (
    ComplaintRecord,
    FollowupConfig,
    FollowupInputs,
    choose_granularity,
    followup,
    period_containing,
    periods_between,
)

AS_OF = dt.datetime(2026, 12, 1, 3, 0)


def ikm(unit: str, service: str, period: str, answer: int, respondents: int) -> list[dict]:
    counts = {f"answers_{a}": (respondents if a == answer else 0) for a in (1, 2, 3, 4)}
    return [{"unit_code": unit, "service": service, "period": period, "element": f"U{e}",
             **counts} for e in range(1, 10)]


def scores_of(user: str, pre: float | None, post: float | None, post_at: dt.datetime,
             course: str = "c1") -> list[dict]:
    rows = []
    for kind, score, at in (("pre", pre, dt.datetime(2026, 2, 1)), ("post", post, post_at)):
        if score is not None:
            rows.append({"username": user, "course": course, "assignment": kind, "kind": kind,
                         "notebook": kind, "grade_id": "q1", "competency": "M.03",
                         "item_level": 2, "score": score, "max_score": 10.0,
                         "submitted_at": at})
    return rows


def credit(user: str, day: dt.date, jp: float, kind: str = "platform") -> dict:
    return {"username": user, "jp": jp, "end_date": day, "kind": kind}


def city(**change) -> FollowupInputs:
    march = dt.datetime(2026, 3, 10, 2)
    items = [r for i in range(1, 6) for r in scores_of(f"p{i}", 4, 7, march)]
    items += scores_of("p6", 5, 5, march) + scores_of("p7", 6, None, march)
    items += scores_of("p8", 2, 6, dt.datetime(2026, 6, 30, 16))
    items.append({**items[0], "grade_id": "q0", "score": 0.0, "max_score": 0.0})  # no evidence
    frames = {
        "units": pd.DataFrame({"code": ["DINAS", "DINAS-A", "KEC"],
                               "name": ["Dinas", "Bidang A", "Kecamatan"],
                               "parent_code": [None, "DINAS", None]}),
        "employees": pd.DataFrame(
            [(f"p{i}", "DINAS-A", True) for i in range(1, 7)]
            + [("p7", "DINAS", True), ("p8", "KEC", True), ("p9", "KEC", False),
               ("p10", "KEC", True)], columns=["username", "unit_code", "active"]),
        "unit_history": pd.DataFrame({"username": ["p10", "p10"],
                                      "unit_code": ["DINAS-A", "KEC"],
                                      "valid_from": [dt.date(2025, 1, 1), dt.date(2026, 4, 1)]}),
        "item_scores": pd.DataFrame(items),
        "jp_entries": pd.DataFrame(
            [credit(f"p{i}", dt.date(2026, 3, 10), 3.0) for i in range(1, 6)]
            + [credit("p1", dt.date(2026, 2, 1), 8.0, "external"),
               credit("p10", dt.date(2026, 5, 1), 2.0), credit("p9", dt.date(2026, 3, 1), 4.0)]),
        "ikm_counts": pd.DataFrame(
            ikm("DINAS", "A", "2025-S2", 2, 2) + ikm("DINAS", "A", "2026-S2", 4, 3)
            + ikm("DINAS", "B", "2026-S2", 2, 1) + ikm("KEC", "A", "2026-Q1", 3, 2)
            + ikm("KEC", "A", "2026-Q2", 4, 2)),
        "complaints": [
            ComplaintRecord("DINAS", "closed", dt.datetime(2025, 9, 1, 1),
                            dt.datetime(2025, 9, 2, 1), dt.datetime(2025, 9, 4, 1),
                            dt.datetime(2025, 9, 10, 1)),
            ComplaintRecord("DINAS", "submitted", dt.datetime(2026, 8, 3, 1)),
        ],
    }
    frames.update(change)
    return FollowupInputs(**frames)


def rows_of(result, unit: str) -> dict:
    return {r.period: r for r in result.rows if r.unit_code == unit}


def test_periods():
    assert period_containing(dt.date(2026, 7, 1), "semester").label == "2026-S2"
    assert period_containing(dt.date(2026, 5, 31), "quarter").label == "2026-Q2"
    assert [p.label for p in periods_between(dt.date(2025, 12, 31), dt.date(2026, 3, 1),
                                             "month")] == ["2025-12", "2026-01", "2026-02",
                                                           "2026-03"]
    assert choose_granularity({"2026-Q1", "2026-S1", "2026-03"}) == "semester"
    assert choose_granularity({"2026-Q1", "2025"}) == "year"
    assert choose_granularity(set()) == "semester"
    with pytest.raises(ValueError):
        FollowupConfig(granularity="minggu")


def test_rows_per_unit_and_period_in_order():
    result = followup(city(), FollowupConfig(as_of=AS_OF))
    assert result.granularity == "semester"
    assert [(r.unit_code, r.period) for r in result.rows] == [
        ("DINAS", "2025-S2"), ("DINAS", "2026-S1"), ("DINAS", "2026-S2"),
        ("KEC", "2026-S1"), ("KEC", "2026-S2")]  # from each unit's first feedback on


def test_ikm_is_pooled_over_the_units_services_and_finer_periods():
    rows = rows_of(followup(city(), FollowupConfig(as_of=AS_OF)), "DINAS")
    assert (rows["2025-S2"].ikm_index, rows["2025-S2"].ikm_grade) == (Decimal("50.00"), "D")
    late = rows["2026-S2"]
    assert (late.ikm_index, late.ikm_grade, late.ikm_label) == (Decimal("87.50"), "B", "Baik")
    assert (late.ikm_respondents, late.ikm_services) == (4, 2)
    assert rows["2026-S1"].ikm_index is None and rows["2026-S1"].ikm_services == 0
    kec = rows_of(followup(city(), FollowupConfig(as_of=AS_OF)), "KEC")["2026-S1"]
    assert (kec.ikm_index, kec.ikm_services) == (Decimal("87.50"), 2)


def test_a_survey_coarser_than_the_rows_is_left_out():
    quarters = followup(city(), FollowupConfig(granularity="quarter", as_of=AS_OF))
    assert all(r.ikm_index is None for r in quarters.rows if r.unit_code == "DINAS")
    assert rows_of(quarters, "KEC")["2026-Q1"].ikm_index == Decimal("75.00")
    years = rows_of(followup(city(), FollowupConfig(granularity="year", as_of=AS_OF)), "DINAS")
    assert (years["2025"].ikm_index, years["2026"].ikm_index) == (Decimal("50.00"),
                                                                  Decimal("87.50"))


def test_complaint_handling_beside_it():
    rows = rows_of(followup(city(), FollowupConfig(as_of=AS_OF)), "DINAS")
    early, late = rows["2025-S2"], rows["2026-S2"]
    assert (early.complaints_received, early.verified_share, early.followed_up_share,
            early.backlog) == (1, 1.0, 1.0, 0)
    assert (late.complaints_received, late.verified_share, late.followed_up_share,
            late.backlog) == (1, 0.0, 0.0, 1)
    assert late.calendar_complete is False  # no holiday calendar given
    middle = rows["2026-S1"]
    assert (middle.complaints_received, middle.verified_share, middle.backlog) == (
        None, None, None)


def test_training_rolls_up_sub_units_and_follows_moves():
    rows = rows_of(followup(city(), FollowupConfig(as_of=AS_OF)), "DINAS")
    before, trained = rows["2025-S2"], rows["2026-S1"]
    assert (before.employees, before.completed, before.jp_credited) == (8, 0, 0.0)
    assert before.completion_share == 0.0
    assert (trained.employees, trained.completed, trained.modules_completed) == (7, 5, 5)
    assert trained.completion_share == pytest.approx(5 / 7)
    assert trained.jp_credited == pytest.approx(23.0)
    kec = rows_of(followup(city(), FollowupConfig(as_of=AS_OF)), "KEC")["2026-S1"]
    assert (kec.employees, kec.completed, kec.jp_credited) == (2, 1, 2.0)  # p9 inactive


def test_gain_is_a_group_mean_shown_from_five_people():
    result = followup(city(), FollowupConfig(as_of=AS_OF))
    trained = rows_of(result, "DINAS")["2026-S1"]
    assert (trained.gain_people, trained.gain_hidden) == (6, False)
    assert trained.mean_gain == pytest.approx(25.0)
    kec = rows_of(result, "KEC")
    assert (kec["2026-S1"].gain_people, kec["2026-S1"].mean_gain,
            kec["2026-S1"].gain_hidden) == (0, None, False)  # p8's post-test is in July (WIT)
    assert (kec["2026-S2"].gain_people, kec["2026-S2"].mean_gain,
            kec["2026-S2"].gain_hidden) == (None, None, True)
    strict = followup(city(), FollowupConfig(as_of=AS_OF, min_group_size=7))
    trained = rows_of(strict, "DINAS")["2026-S1"]
    assert (trained.gain_people, trained.mean_gain, trained.gain_hidden) == (None, None, True)


def test_no_row_is_about_one_person():
    for row in followup(city(), FollowupConfig(as_of=AS_OF)).rows:
        assert not any(f"p{i}" in str(v) for v in vars(row).values() for i in range(1, 11))


def test_before_and_after_the_first_training():
    by_unit = {c.unit_code: c for c in followup(city(), FollowupConfig(as_of=AS_OF)).comparisons}
    dinas = by_unit["DINAS"]
    assert (dinas.status, dinas.first_training) == ("ok", "2026-S1")
    assert (dinas.before.period, dinas.after.period) == ("2025-S2", "2026-S2")
    assert dinas.ikm_change == pytest.approx(37.5)
    assert (dinas.verified_share_change, dinas.followed_up_share_change) == (-1.0, -1.0)
    assert dinas.backlog_change == 1
    kec = by_unit["KEC"]  # first module in May 2026, first survey in January 2026
    assert (kec.status, kec.first_training, kec.before) == ("no_before", "2026-S1", None)
    assert kec.ikm_change is None


def test_units_without_training_or_without_later_feedback():
    untrained = city(jp_entries=pd.DataFrame([credit("p1", dt.date(2026, 2, 1), 8.0, "external")]))
    by_unit = {c.unit_code: c for c in followup(untrained, FollowupConfig(as_of=AS_OF)).comparisons}
    assert by_unit["DINAS"].status == "no_training" and by_unit["DINAS"].first_training is None
    early_only = city(ikm_counts=pd.DataFrame(ikm("DINAS", "A", "2025-S2", 2, 2)),
                      complaints=[])
    (dinas,) = followup(early_only, FollowupConfig(as_of=AS_OF)).comparisons
    assert (dinas.status, dinas.before.period, dinas.after) == ("no_after", "2025-S2", None)


def test_one_unit_and_an_unknown_one():
    result = followup(city(), FollowupConfig(as_of=AS_OF), unit="KEC")
    assert {r.unit_code for r in result.rows} == {"KEC"}
    assert [c.unit_code for c in result.comparisons] == ["KEC"]
    assert result.granularity == "semester"
    quiet = followup(city(), FollowupConfig(as_of=AS_OF), unit="DINAS-A")  # no feedback of its own
    assert quiet.rows and all(r.ikm_index is None for r in quiet.rows)
    assert quiet.comparisons[0].status == "no_before"
    with pytest.raises(KeyError):
        followup(city(), FollowupConfig(as_of=AS_OF), unit="TIDAKADA")


def test_nothing_imported_yet():
    empty = FollowupInputs()
    assert followup(empty, FollowupConfig(as_of=AS_OF)).rows == []
    result = followup(city(ikm_counts=pd.DataFrame(ikm("DINAS", "A", "2025-S2", 2, 2))[:0],
                           complaints=[]), FollowupConfig(as_of=AS_OF))
    assert (result.rows, result.comparisons) == ([], [])


def test_nothing_after_the_evaluation_day():
    result = followup(city(), FollowupConfig(as_of=dt.datetime(2026, 5, 1)))
    assert max(r.end for r in result.rows) == dt.date(2026, 6, 30)  # the period of 1 May
