"""The reports engine on small hand-computed cases: every expected number is worked out in
the comment next to it. Frames are built with the helpers below; anything a test does not
mention gets a neutral default (one unit "U", an active PNS learner, Pelaksana "Staf")."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from reports import frames
from reports.engine import Inputs, ReportConfig, build
from reports.schema import FrameError, empty, validate

YEAR = 2026


def person(username, unit="U", position="Staf", position_type="Pelaksana", **fields):
    return {
        "username": username,
        "nip": f"nip-{username}",
        "name": f"Nama {username}",
        "unit_code": unit,
        "position": position,
        "position_type": position_type,
        "status": fields.get("status", "PNS"),
        "role": "learner",
        "active": fields.get("active", True),
    }


def item(username, competency, level, score, max_score=10.0, kind="task", course="K1", at=None):
    """One graded item; the default kind "task" is a trainer-scored (rubric) item, which
    backs its level alone. Test items ("pre", "post") back a level only three at a time."""
    return {
        "username": username,
        "course": course,
        "assignment": f"{kind}-1",
        "kind": kind,
        "notebook": "nb",
        "grade_id": f"g-{level}-{score}",
        "competency": competency,
        "item_level": level,
        "score": score,
        "max_score": max_score,
        "submitted_at": pd.Timestamp(at) if at else None,
    }


def jp(username, hours, kind="platform", year=YEAR, activity="Modul"):
    return {
        "username": username,
        "year": year,
        "activity": activity,
        "provider": "BKPSDM",
        "jp": hours,
        "source_ref": f"ref-{activity}",
        "start_date": dt.date(year, 3, 1),
        "end_date": dt.date(year, 3, 2),
        "certificate_no": None,
        "kind": kind,
    }


def required(position_type, competency, level, position=None):
    return {
        "position_type": position_type,
        "position": position,
        "competency": competency,
        "level": level,
    }


def table(rows, spec):
    return pd.DataFrame(list(rows), columns=list(spec))


def dictionary(codes):
    return [{"code": c, "name": f"Kompetensi {c}", "kind": "technical"} for c in codes]


def inputs(people, items=(), units=None, needs=(), ledger=(), history=()):
    return Inputs(
        employees=table(people, frames.EMPLOYEES),
        units=table(units or [{"code": "U", "name": "Unit U", "parent_code": None}], frames.UNITS),
        unit_history=table(history, frames.UNIT_HISTORY),
        competencies=table(dictionary(["C1", "C2"]), frames.COMPETENCIES),
        required_levels=table(needs, frames.REQUIRED_LEVELS),
        item_scores=table(items, frames.ITEM_SCORES),
        jp_entries=table(ledger, frames.JP_ENTRIES),
    )


def scored_items(username, competency, level, scores, kind="post", course="K1", at=None):
    """One-point test items of one level, scored ``scores`` (e.g. [1, 1, 0])."""
    return [{**item(username, competency, level, float(s), 1.0, kind, course, at),
             "grade_id": f"{kind}-{level}-{k}"} for k, s in enumerate(scores)]


def run(data, **config):
    return build(data, ReportConfig(year=YEAR, **config))


def level_of(report, username, competency="C1"):
    levels = report.levels
    row = levels[(levels["username"] == username) & (levels["competency"] == competency)]
    assert len(row) == 1
    return row.iloc[0]


def plain(row):
    return {key: (None if pd.isna(value) else value) for key, value in row.items()}


# ---- levels -----------------------------------------------------------------------------


def test_level_is_the_highest_level_below_the_first_unmastered_one():
    items = [
        item("a", "C1", 1, 8),  # L1: 8/10 = 0.80 >= 0.70 mastered
        item("a", "C1", 2, 7),  # L2: 7/10 = 0.70 >= 0.70 mastered (exactly at the threshold)
        item("a", "C1", 3, 7),
        item("a", "C1", 3, 8),  # L3: 15/20 = 0.75 >= 0.75 mastered
        item("a", "C1", 4, 7),
        item("a", "C1", 4, 7),  # L4: 14/20 = 0.70 < 0.75 not mastered
        item("a", "C1", 5, 10),  # L5: 10/10 mastered, but L4 blocks it
    ]
    row = level_of(run(inputs([person("a")], items)), "a")
    assert row["level"] == 3
    assert row["items"] == 7
    assert row["score"] == 54.0  # 8 + 7 + 15 + 14 + 10
    assert row["max_score"] == 70.0  # 7 items x 10


def test_levels_without_items_neither_block_nor_grant():
    items = [
        item("a", "C1", 1, 9),  # L1 0.9 mastered; no L2 items
        item("a", "C1", 3, 8),  # L3 0.8 >= 0.75 mastered -> level 3 despite the empty L2
        item("b", "C1", 2, 8),  # only L2, mastered: level 2 without any L1 item
    ]
    report = run(inputs([person("a"), person("b")], items))
    assert level_of(report, "a")["level"] == 3
    assert level_of(report, "b")["level"] == 2


def test_unmastered_lowest_level_gives_level_zero():
    items = [
        item("a", "C1", 1, 6),  # L1 0.6 < 0.7 -> level 0 ...
        item("a", "C1", 2, 10),  # ... and L2's 1.0 does not help
        item("b", "C1", 2, 5),  # b's lowest level with items is L2, at 0.5 < 0.7 -> level 0
    ]
    report = run(inputs([person("a"), person("b")], items))
    assert level_of(report, "a")["level"] == 0
    assert level_of(report, "b")["level"] == 0


def test_no_attempts_gives_a_missing_level_on_every_dictionary_competency():
    report = run(inputs([person("a"), person("b")], [item("a", "C1", 1, 9)]))
    assert len(report.levels) == 4  # 2 employees x 2 competencies
    row = level_of(report, "b", "C2")
    assert pd.isna(row["level"]) and pd.isna(row["gap"])
    assert (row["items"], row["score"], row["max_score"]) == (0, 0.0, 0.0)


def test_items_with_max_score_zero_are_ignored():
    items = [
        item("a", "C1", 1, 0, max_score=0),  # ignored: L1 has no items left
        item("a", "C1", 2, 8),  # L2 0.8 -> level 2, from 1 item
        item("b", "C1", 1, 0, max_score=0),  # b's only item is ignored -> no evidence
    ]
    report = run(inputs([person("a"), person("b")], items))
    assert (level_of(report, "a")["level"], level_of(report, "a")["items"]) == (2, 1)
    assert pd.isna(level_of(report, "b")["level"]) and level_of(report, "b")["items"] == 0


def test_thresholds_apply_per_level():
    items = [item("a", "C1", 1, 6), item("a", "C1", 2, 8)]  # L1 0.6, L2 0.8
    data = inputs([person("a")], items)
    assert level_of(run(data), "a")["level"] == 0  # default L1 threshold 0.7 > 0.6
    lenient_l1 = (0.5, 0.9, 0.75, 0.75, 0.8)  # L1 0.6 >= 0.5 passes, L2 0.8 < 0.9 fails
    assert level_of(run(data, mastery_thresholds=lenient_l1), "a")["level"] == 1
    lenient_both = (0.5, 0.8, 0.75, 0.75, 0.8)  # L2 0.8 >= 0.8 passes too
    assert level_of(run(data, mastery_thresholds=lenient_both), "a")["level"] == 2


def test_one_slip_among_three_items_does_not_break_a_level():
    items = [
        *scored_items("a", "C1", 1, [1, 1, 0]),  # 2/3 = 0.67 < 0.70, but a single slip -> kept
        *scored_items("a", "C1", 2, [1, 0, 1]),  # the same at level 2 -> level 2
        *scored_items("b", "C1", 1, [1, 0, 0]),  # two slips and 1/3 < 0.70 -> level 0
        *scored_items("c", "C1", 1, [1, 1, 1, 1, 0, 0]),  # 4/6 = 0.67 and two slips -> level 0
        *scored_items("d", "C1", 1, [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]),  # 7/10 = 0.70 -> level 1
    ]
    report = run(inputs([person(u) for u in "abcd"], items))
    assert [level_of(report, u)["level"] for u in "abcd"] == [2, 0, 0, 1]
    a = level_of(report, "a")
    assert (a["evidence"], a["level_items"], a["level_rubric"], a["items"]) == ("dinilai", 3, 0, 6)


def test_a_level_needs_three_items_or_a_rubric_task():
    items = [
        *scored_items("a", "C1", 2, [1, 1]),  # two test items at L2: not enough for any level
        item("b", "C1", 3, 8),  # one task a trainer scored with a rubric, 0.8 >= 0.75 -> 3
        *scored_items("c", "C1", 1, [1, 1]),  # two L1 items (not enough) ...
        *scored_items("c", "C1", 2, [1, 1, 1]),  # ... three at L2 -> level 2 without L1
    ]
    report = run(inputs([person(u) for u in "abcd"], items))
    a = plain(level_of(report, "a"))
    assert (a["level"], a["evidence"], a["items"], a["level_items"]) == (
        None, "bukti belum cukup", 2, 0)
    b = level_of(report, "b")
    assert (b["level"], b["level_items"], b["level_rubric"]) == (3, 1, 1)
    assert (level_of(report, "c")["level"], level_of(report, "c")["level_items"]) == (2, 3)
    d = plain(level_of(report, "d"))  # nothing at all: "belum dinilai", never 0
    assert (d["level"], d["evidence"], d["items"], d["level_items"]) == (
        None, "belum dinilai", 0, 0)


def test_a_lone_wrong_item_below_does_not_undo_a_higher_level():
    # the old rule (every level with items must be mastered) gave level 0 here
    items = [
        *scored_items("a", "C1", 1, [0]),  # one wrong L1 item: too few to block ...
        item("a", "C1", 3, 9),  # ... a mastered level-3 task -> level 3
        *scored_items("b", "C1", 1, [0, 0, 1]),  # three L1 items, failed: they block ...
        item("b", "C1", 3, 9),  # ... so level 0, decided by the three L1 items
    ]
    report = run(inputs([person("a"), person("b")], items))
    assert level_of(report, "a")["level"] == 3
    b = level_of(report, "b")
    assert (b["level"], b["level_items"], b["level_rubric"], b["items"]) == (0, 3, 0, 4)


def test_min_items_comes_from_the_config():
    data = inputs([person("a")], scored_items("a", "C1", 2, [1, 1]))
    assert pd.isna(level_of(run(data), "a")["level"])
    assert level_of(run(data, min_items=2), "a")["level"] == 2
    with pytest.raises(ValueError, match="min_items"):
        ReportConfig(year=YEAR, min_items=0)


def test_pre_test_counts_only_until_a_post_test_exists():
    items = [
        *scored_items("a", "C1", 1, [0, 0, 0], kind="pre", course="K1"),  # dropped: K1 has a post
        *scored_items("a", "C1", 1, [1, 1, 1], kind="post", course="K1"),  # L1 3/3 -> level 1
        *scored_items("a", "C2", 1, [1, 1, 1], kind="pre", course="K2"),  # K2 has no post: counted
        item("a", "C2", 2, 3, kind="task", course="K2"),  # L2 0.3, a rubric task -> stays 1
    ]
    report = run(inputs([person("a")], items))
    c1, c2 = level_of(report, "a", "C1"), level_of(report, "a", "C2")
    assert (c1["level"], c1["items"], c1["score"]) == (1, 3, 3.0)
    assert (c2["level"], c2["items"], c2["score"]) == (1, 4, 6.0)  # 1 + 1 + 1 + 3


def test_position_row_overrides_the_position_type_row_per_competency():
    needs = [
        required("Pelaksana", "C1", 2),
        required("Pelaksana", "C2", 1, position=""),  # an empty position is type-wide too
        required("Pelaksana", "C1", 3, position="Analis"),
    ]
    people = [
        person("staf"),
        person("analis", position="Analis"),
        person("jf", position_type="Fungsional"),
    ]
    report = run(inputs(people, needs=needs))
    assert level_of(report, "staf", "C1")["required"] == 2
    assert level_of(report, "analis", "C1")["required"] == 3  # overridden for C1 only
    assert level_of(report, "analis", "C2")["required"] == 1  # the type's row still applies
    assert pd.isna(level_of(report, "jf", "C1")["required"])  # nothing for Fungsional


def test_gap_is_level_minus_required():
    needs = [required("Pelaksana", "C1", 3), required("Pelaksana", "C2", 2)]
    items = [
        item("a", "C1", 1, 8),  # level 1, required 3 -> gap 1 - 3 = -2
        item("a", "C2", 4, 8),  # level 4 (0.8 >= 0.75), required 2 -> gap +2
        item("b", "C1", 1, 8),  # b is Fungsional: level 1, nothing required -> no gap
    ]
    people = [person("a"), person("b", position_type="Fungsional")]
    report = run(inputs(people, items, needs=needs))
    assert level_of(report, "a", "C1")["gap"] == -2
    assert level_of(report, "a", "C2")["gap"] == 2
    assert pd.isna(level_of(report, "b", "C1")["gap"])
    assert pd.isna(level_of(report, "b", "C2")["gap"])  # no level, no requirement


# ---- JP ---------------------------------------------------------------------------------


def test_jp_sums_targets_and_year_filter():
    people = [
        person("pns"),
        person("pppk", status="PPPK"),
        person("pppk-over", status="PPPK"),
        person("pppk-none", status="PPPK"),
        person("cpns", status="CPNS"),
        person("none"),
    ]
    ledger = [
        jp("pns", 12, "platform"),
        jp("pns", 10, "external"),  # 12 + 10 = 22 >= 20: compliant
        jp("pns", 30, "platform", year=YEAR - 1),  # another year: left out
        jp("pppk", 12, "platform"),
        jp("pppk", 10, "external"),  # 22 <= ceiling 24: within it, no shortfall
        jp("pppk-over", 20, "platform"),
        jp("pppk-over", 10, "external"),  # 30 > 24: 6 over the ceiling, flagged
        jp("cpns", 5.5, "external"),  # unknown status -> PNS minimum 20, shortfall 14.5
    ]
    rows = run(inputs(people, ledger=ledger)).jp.set_index("username")
    columns = ["jp_platform", "jp_external", "jp_total", "rule", "target", "shortfall", "excess",
               "compliant"]
    assert rows.loc["pns", columns].tolist() == [12.0, 10.0, 22.0, "minimum", 20.0, 0.0, 0.0, True]
    assert rows.loc["pppk", columns].tolist() == [12.0, 10.0, 22.0, "ceiling", 24.0, 0.0, 0.0, True]
    assert rows.loc["pppk-over", columns].tolist() == [
        20.0, 10.0, 30.0, "ceiling", 24.0, 0.0, 6.0, False]
    # a PPPK without any JP is not short of anything: 24 is "paling lama", not a target
    assert rows.loc["pppk-none", columns].tolist() == [
        0.0, 0.0, 0.0, "ceiling", 24.0, 0.0, 0.0, True]
    assert rows.loc["cpns", columns].tolist() == [0.0, 5.5, 5.5, "minimum", 20.0, 14.5, 0.0, False]
    assert rows.loc["none", columns].tolist() == [0.0, 0.0, 0.0, "minimum", 20.0, 20.0, 0.0, False]
    assert set(rows["year"]) == {YEAR}


def test_jp_ledger_keeps_only_the_report_year():
    ledger = [jp("a", 2), jp("a", 3, year=YEAR - 1), jp("stranger", 4)]
    report = run(inputs([person("a")], ledger=ledger))
    assert report.jp_entries[["username", "year", "jp"]].values.tolist() == [["a", YEAR, 2.0]]


def test_jp_targets_come_from_the_config():
    data = inputs([person("p", status="PPPK"), person("q")], ledger=[jp("p", 22), jp("q", 22)])
    rows = run(data, jp_targets={"PNS": 25, "PPPK": 21}).jp.set_index("username")
    columns = ["target", "shortfall", "excess", "compliant"]
    assert rows.loc["p", columns].tolist() == [21.0, 0.0, 1.0, False]  # 1 over the ceiling
    assert rows.loc["q", columns].tolist() == [25.0, 3.0, 0.0, False]  # 3 short of the minimum


# ---- gain -------------------------------------------------------------------------------


def gain_items():
    return [
        item("a", "C1", 1, 3, 5, "pre"),
        item("a", "C1", 2, 1, 5, "pre"),  # a: pre (3 + 1) / (5 + 5) = 40%
        item("a", "C1", 1, 7, 10, "post"),  # a: post 70%, gain (70 - 40) / (100 - 40) = 0.5
        item("a", "C1", 1, 10, 10, "task"),  # tasks do not enter the gain
        item("b", "C1", 1, 10, 10, "pre"),  # b: pre 100% ...
        item("b", "C1", 1, 9, 10, "post"),  # ... post 90%
        item("c", "C1", 1, 5, 10, "pre"),  # c: pre 50% only
        item("d", "C1", 1, 8, 10, "post"),  # d: post 80% only
    ]


def test_gain_per_employee_and_course_with_every_status():
    report = run(inputs([person(u) for u in "abcd"], gain_items()))
    rows = {row["username"]: plain(row) for row in report.gain.to_dict("records")}
    assert rows["a"]["gain"] == pytest.approx(0.5)
    assert rows["a"] == {
        "username": "a",
        "course": "K1",
        "pre_pct": 40.0,
        "post_pct": 70.0,
        "gain": rows["a"]["gain"],
        "status": "lengkap",
    }
    b, c, d = rows["b"], rows["c"], rows["d"]
    assert (b["status"], b["pre_pct"], b["post_pct"], b["gain"]) == (
        "pre-test sempurna",
        100.0,
        90.0,
        None,
    )
    assert (c["status"], c["pre_pct"], c["post_pct"], c["gain"]) == (
        "belum post-test",
        50.0,
        None,
        None,
    )
    assert (d["status"], d["pre_pct"], d["post_pct"], d["gain"]) == (
        "belum pre-test",
        None,
        80.0,
        None,
    )


def test_gain_summary_with_hake_class_gain_over_pairs():
    report = run(inputs([person(u) for u in "abcd"], gain_items()))
    (row,) = report.gain_summary.to_dict("records")
    assert (row["course"], row["n_pre"], row["n_post"], row["n_both"]) == ("K1", 3, 3, 2)
    assert row["mean_pre"] == pytest.approx((40 + 100 + 50) / 3)  # 63.33: every pre-test
    assert row["mean_post"] == pytest.approx((70 + 90 + 80) / 3)  # 80.0: every post-test
    assert row["mean_gain"] == pytest.approx(0.5)  # a's gain is the only one
    # pairs a and b: mean pre (40 + 100) / 2 = 70, mean post (70 + 90) / 2 = 80
    assert row["class_gain"] == pytest.approx((80 - 70) / (100 - 70))  # 0.3333


def test_class_gain_is_missing_without_pairs_or_with_perfect_paired_pre_tests():
    items = [
        item("b", "C1", 1, 10, 10, "pre", course="K1"),  # K1: pre 100%, post 90%
        item("b", "C1", 1, 9, 10, "post", course="K1"),
        item("b", "C1", 1, 6, 10, "pre", course="K2"),  # K2: a pre-test only (60%), no pair
    ]
    k1, k2 = run(inputs([person("b")], items)).gain_summary.to_dict("records")
    assert (k1["course"], k1["n_both"]) == ("K1", 1)  # paired mean pre 100: no Hake gain
    assert math.isnan(k1["mean_gain"]) and math.isnan(k1["class_gain"])
    assert (k2["course"], k2["n_pre"], k2["n_post"], k2["n_both"]) == ("K2", 1, 0, 0)
    assert k2["mean_pre"] == 60.0
    assert math.isnan(k2["mean_post"]) and math.isnan(k2["class_gain"])


# ---- units ------------------------------------------------------------------------------

TREE = [
    {"code": "KOTA", "name": "Pemerintah Kota", "parent_code": None},
    {"code": "DINAS", "name": "Dinas Kominfo", "parent_code": "KOTA"},
    {"code": "BIDANG", "name": "Bidang Aptika", "parent_code": "DINAS"},
    {"code": "LAIN", "name": "Dinas Lain", "parent_code": "KOTA"},
]
NEEDS_C1_2 = [required("Pelaksana", "C1", 2)]


def tree_inputs(history=()):
    people = [
        person("e1", unit="BIDANG"),  # C1 level 3, required 2 -> gap +1
        person("e2", unit="DINAS"),  # C1 level 1 -> gap -1
        person("e3", unit="KOTA"),  # no evidence
        person("old", unit="DINAS", active=False),  # retired: C1 level 5 -> gap +3
    ]
    items = [item("e1", "C1", 3, 8), item("e2", "C1", 1, 7), item("old", "C1", 5, 10)]
    return inputs(people, items, units=TREE, needs=NEEDS_C1_2, history=history)


def summary_row(report, unit, competency="C1"):
    rows = report.unit_summary
    row = rows[(rows["unit_code"] == unit) & (rows["competency"] == competency)]
    assert len(row) == 1
    return plain(row.iloc[0].to_dict())


def summary_values(report, unit, *columns, competency="C1"):
    row = summary_row(report, unit, competency)
    return tuple(row[column] for column in columns)


def counts(report, unit, competency="C1"):
    rows = report.distribution
    return rows[(rows["unit_code"] == unit) & (rows["competency"] == competency)]["count"].tolist()


def test_unit_summary_rolls_up_through_three_levels():
    report = run(tree_inputs())
    # KOTA holds e1 (through DINAS and BIDANG), e2 (through DINAS) and e3; old is inactive
    assert summary_row(report, "KOTA") == {
        "unit_code": "KOTA",
        "unit_name": "Pemerintah Kota",
        "competency": "C1",
        "employees": 3,
        "assessed": 2,  # e1 and e2
        "mean_level": 2.0,  # (3 + 1) / 2
        "mean_gap": 0.0,  # (+1 - 1) / 2
        "pct_meeting": 50.0,  # e1 of {e1, e2}
    }
    stats = ("employees", "assessed", "mean_level", "mean_gap", "pct_meeting")
    assert summary_values(report, "DINAS", *stats) == (2, 2, 2.0, 0.0, 50.0)  # e1, e2
    assert summary_values(report, "BIDANG", *stats) == (1, 1, 3.0, 1.0, 100.0)  # e1
    assert summary_values(report, "LAIN", *stats) == (0, 0, None, None, None)  # empty
    assert summary_values(report, "KOTA", *stats, competency="C2") == (3, 0, None, None, None)
    assert len(report.unit_summary) == 8  # 4 units x 2 competencies


def test_pct_meeting_counts_only_rows_with_a_gap():
    people = [person("a"), person("jf", position_type="Fungsional")]
    items = [
        item("a", "C1", 3, 8),  # a: level 3, required 2, gap +1
        item("jf", "C1", 1, 2),  # jf: level 0, nothing required, no gap
    ]
    report = run(inputs(people, items, needs=NEEDS_C1_2))
    stats = ("assessed", "mean_level", "mean_gap", "pct_meeting")
    # mean level (3 + 0) / 2 = 1.5; mean gap +1 / 1; meeting: 1 of the 1 row with a gap
    assert summary_values(report, "U", *stats) == (2, 1.5, 1.0, 100.0)


def test_distribution_counts_levels_zero_to_five_per_rolled_up_unit():
    report = run(tree_inputs())
    assert counts(report, "KOTA") == [0, 1, 0, 1, 0, 0]  # levels 0..5: e2 at 1, e1 at 3
    assert counts(report, "BIDANG") == [0, 0, 0, 1, 0, 0]
    assert counts(report, "LAIN") == [0, 0, 0, 0, 0, 0]  # always six rows, zeros included
    assert counts(report, "KOTA", "C2") == [0, 0, 0, 0, 0, 0]
    assert report.distribution["level"].tolist()[:6] == [0, 1, 2, 3, 4, 5]
    assert len(report.distribution) == 4 * 2 * 6


def test_an_employee_who_moved_counts_in_the_unit_of_the_report_year():
    history = [
        {"username": "e1", "unit_code": "LAIN", "valid_from": dt.date(2020, 1, 1)},
        {"username": "e1", "unit_code": "BIDANG", "valid_from": "2026-02-01"},
    ]
    report = run(tree_inputs(history))  # 2026: moved to BIDANG in February
    assert summary_values(report, "LAIN", "employees", "assessed") == (0, 0)
    assert summary_values(report, "BIDANG", "employees", "assessed") == (1, 1)
    past = build(tree_inputs(history), ReportConfig(year=YEAR - 1))  # 2025: still in LAIN
    assert summary_values(past, "LAIN", "employees", "assessed") == (1, 1)
    assert summary_values(past, "BIDANG", "employees", "assessed") == (0, 0)
    assert past.employees.set_index("username").loc["e1", "unit_name"] == "Dinas Lain"
    only_lain = build(tree_inputs(history), ReportConfig(year=YEAR - 1, unit="LAIN"))
    assert list(only_lain.employees["username"]) == ["e1"]


def test_without_history_before_the_year_the_current_unit_counts():
    history = [{"username": "e1", "unit_code": "LAIN", "valid_from": dt.date(2030, 1, 1)}]
    report = run(tree_inputs(history))  # a row dated after the year does not apply yet
    assert summary_values(report, "BIDANG", "employees", "assessed") == (1, 1)
    assert summary_values(report, "LAIN", "employees") == (0,)


def test_inactive_employees_are_left_out_unless_asked_for():
    assert "old" not in set(run(tree_inputs()).employees["username"])
    report = run(tree_inputs(), include_inactive=True)
    assert "old" in set(report.levels["username"])
    # DINAS: e1 (3), e2 (1), old (5): mean level 3; gaps +1, -1, +3: mean 1, 2 of 3 meet
    dinas = summary_row(report, "DINAS")
    assert (dinas["employees"], dinas["mean_level"], dinas["mean_gap"]) == (3, 3.0, 1.0)
    assert dinas["pct_meeting"] == pytest.approx(200 / 3)


def test_unit_filter_keeps_the_unit_and_its_descendants():
    report = run(tree_inputs(), unit="DINAS")
    assert report.employees["username"].tolist() == ["e1", "e2"]  # by unit code: BIDANG, DINAS
    assert report.employees["unit_name"].tolist() == ["Bidang Aptika", "Dinas Kominfo"]
    assert report.units["code"].tolist() == ["DINAS", "BIDANG"]
    assert sorted(set(report.unit_summary["unit_code"])) == ["BIDANG", "DINAS"]
    assert sorted(set(report.levels["username"])) == ["e1", "e2"]


def test_unit_filter_naming_an_unknown_unit_fails():
    with pytest.raises(FrameError, match="unit laporan 'NOPE'"):
        run(tree_inputs(), unit="NOPE")


def test_unit_cycle_is_an_error_naming_the_units():
    units = [
        {"code": "A", "name": "A", "parent_code": "B"},
        {"code": "B", "name": "B", "parent_code": "C"},
        {"code": "C", "name": "C", "parent_code": "A"},
        {"code": "D", "name": "D", "parent_code": None},
    ]
    with pytest.raises(FrameError) as err:
        run(inputs([person("a", unit="D")], units=units))
    expected = "units: kolom 'parent_code': unit saling menjadi induk: A -> B -> C -> A"
    assert str(err.value) == expected


def test_unknown_parent_unit_is_an_error():
    units = [
        {"code": "A", "name": "A", "parent_code": None},
        {"code": "B", "name": "B", "parent_code": "X"},
    ]
    with pytest.raises(FrameError) as err:
        run(inputs([person("a", unit="A")], units=units))
    assert str(err.value) == "units: kolom 'parent_code': unit induk tidak dikenal di baris 1"


# ---- schema -----------------------------------------------------------------------------


def test_missing_column_is_named():
    data = inputs([person("a")], [item("a", "C1", 1, 8)])
    data.item_scores = data.item_scores.drop(columns="score")
    with pytest.raises(FrameError, match=r"^item_scores: kolom 'score' tidak ada \(kolom yang"):
        run(data)


def test_non_numeric_scores_are_named_with_their_rows():
    rows = [item("a", "C1", 1, 8) for _ in range(9)]
    rows[3]["score"], rows[7]["score"] = "delapan", "8,5"
    with pytest.raises(FrameError) as err:
        run(inputs([person("a")], rows))
    assert str(err.value) == "item_scores: kolom 'score': nilai bukan angka di baris 3, 7"


def test_missing_values_in_non_nullable_columns_are_named():
    people = [person("a"), person("b"), person("c")]
    people[1]["name"], people[2]["name"] = None, "  "  # blank text counts as missing
    people[2]["unit_code"] = None
    with pytest.raises(FrameError) as err:
        run(inputs(people))
    assert err.value.problems == [
        "employees: kolom 'name': nilai kosong di baris 1, 2",
        "employees: kolom 'unit_code': nilai kosong di baris 2",
    ]


def test_only_the_first_five_rows_are_listed():
    frame = pd.DataFrame({"code": [f"X{i}" for i in range(8)], "name": None, "kind": "k"})
    with pytest.raises(FrameError) as err:
        validate(frame, frames.COMPETENCIES, "competencies")
    expected = (
        "competencies: kolom 'name': nilai kosong di baris 0, 1, 2, 3, 4 (dan 3 baris lainnya)"
    )
    assert str(err.value) == expected


@pytest.mark.parametrize(
    "people, items, message",
    [
        (
            [person("a"), person("a")],
            [],
            "employees: kolom 'username': nilai duplikat di baris 0, 1",
        ),
        (
            [person("a")],
            [item("a", "C1", 1, 8, kind="quiz")],
            "item_scores: kolom 'kind': jenis tidak dikenal (harus pre, post, task, other)"
            " di baris 0",
        ),
        (
            [person("a")],
            [item("a", "C1", 6, 8)],
            "item_scores: kolom 'item_level': level di luar 1..5 di baris 0",
        ),
        (
            [person("a")],
            [item("a", "C1", 1.5, 8)],
            "item_scores: kolom 'item_level': nilai bukan bilangan bulat di baris 0",
        ),
    ],
)
def test_duplicates_unknown_kinds_and_out_of_range_levels_are_rejected(people, items, message):
    with pytest.raises(FrameError) as err:
        run(inputs(people, items))
    assert str(err.value) == message


def test_validate_normalises_dtypes_and_keeps_extra_columns_last():
    frame = table([person("a"), person("b")], frames.EMPLOYEES)
    frame = frame.assign(active=["ya", "false"], nip=[1, 2])
    frame.insert(0, "extra", [1, 2])
    checked = validate(frame[frame.columns[::-1]], frames.EMPLOYEES, "employees")
    assert list(checked.columns) == [*frames.EMPLOYEES, "extra"]
    assert checked["active"].tolist() == [True, False] and checked["active"].dtype == bool
    assert checked["nip"].tolist() == ["1", "2"]
    assert checked["extra"].tolist() == [1, 2]
    ledger = table([jp("a", 2)], frames.JP_ENTRIES).assign(start_date="2026-01-05")
    ledger = validate(ledger, frames.JP_ENTRIES, "jp_entries")
    assert ledger["start_date"].tolist() == [dt.date(2026, 1, 5)]
    assert str(ledger["year"].dtype) == "Int64"
    dtypes = [str(dtype) for dtype in empty(frames.LEVELS).dtypes]
    assert dtypes == ["str", "str", "Int64", "Int64", "Int64", "str", "Int64", "Int64", "Int64",
                      "float64", "float64"]
    flags = empty({"must": ("bool", False), "may": ("bool", True), "at": ("datetime", True)})
    assert [str(dtype) for dtype in flags.dtypes] == ["bool", "boolean", "datetime64[us]"]


def test_a_repeated_column_is_named():
    frame = table([person("a")], frames.EMPLOYEES)
    with pytest.raises(FrameError, match="^employees: kolom 'name' muncul lebih dari sekali$"):
        validate(pd.concat([frame, frame[["name"]]], axis=1), frames.EMPLOYEES, "employees")


def test_aware_submission_times_become_naive_utc():
    frame = table([item("a", "C1", 1, 8)], frames.ITEM_SCORES)
    frame["submitted_at"] = [pd.Timestamp("2026-04-01 08:00", tz="Asia/Jayapura")]  # UTC+9
    checked = validate(frame, frames.ITEM_SCORES, "item_scores")
    assert checked["submitted_at"].tolist() == [pd.Timestamp("2026-03-31 23:00")]


# ---- trends -----------------------------------------------------------------------------


def trend_items():
    return [
        item("c", "C1", 1, 3, at="2025-11-20"),  # c: level 0 from 2025-Q4 (0.3 < 0.7)
        item("a", "C1", 1, 8, at="2026-01-15"),  # a: Q1, L1 0.8 -> level 1
        item("a", "C1", 2, 4, at="2026-05-10"),  # a: Q2, L2 4/10 = 0.4 -> still level 1
        item("a", "C1", 2, 10, at="2026-08-01"),  # a: Q3, L2 14/20 = 0.7 -> level 2
        *scored_items("b", "C1", 1, [1, 0, 0], kind="pre", at="2026-02-01"),  # b: Q1, 1/3 -> 0
        *scored_items("b", "C1", 1, [1, 1, 1], kind="post", at="2026-07-01"),  # b: Q3, post -> 1
        *scored_items("d", "C1", 1, [1, 1, 1], kind="post", at="2026-03-01"),  # d: Q1 -> level 1
        *scored_items("d", "C1", 1, [0, 0, 0], kind="pre", at="2026-04-01"),  # d: pre after: never
        *scored_items("f", "C1", 1, [1, 1], kind="post", at="2026-03-01"),  # f: 2 items: unassessed
        item("a", "C1", 3, 10, at="2027-01-05"),  # after the report year: not in trends
        item("a", "C2", 1, 10),  # no submitted_at: not in trends, but in levels
    ]


def test_trends_are_cumulative_by_quarter():
    report = run(inputs([person(u) for u in "abcdf"], trend_items()), period="quarter")
    c1 = report.trends[report.trends["competency"] == "C1"]
    assert c1["period"].tolist() == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert c1["assessed"].tolist() == [1, 4, 4, 4]
    # 2025-Q4: c 0 -> 0/1 | Q1: a 1, b 0, c 0, d 1 -> 2/4 | Q2: the same | Q3: a 2, b 1,
    # c 0, d 1 -> 4/4
    assert c1["mean_level"].tolist() == pytest.approx([0.0, 0.5, 0.5, 1.0])
    c2 = report.trends[report.trends["competency"] == "C2"]
    assert c2["assessed"].tolist() == [0, 0, 0, 0] and c2["mean_level"].isna().all()
    assert level_of(report, "a", "C2")["level"] == 1  # the undated item counts for levels
    assert level_of(report, "a", "C1")["level"] == 2  # the 2027 item (L3 1.0) is after 2026


def test_a_pre_test_leaves_the_trend_at_the_first_post_test():
    items = [
        *scored_items("e", "C1", 1, [0, 0, 1], kind="pre", at="2026-01-10"),  # Q1: 1/3 -> 0
        *scored_items("e", "C1", 1, [1, 1, 0], kind="post", at="2026-04-10"),  # Q2: one slip -> 1
        *scored_items("e", "C1", 2, [1, 1, 1], kind="post", at="2026-07-10"),  # Q3: L2 -> 2
    ]
    report = run(inputs([person("e")], items), period="quarter")
    c1 = report.trends[report.trends["competency"] == "C1"]
    # had the pre stayed until the second post, Q2 would be 3/6 with 3 slips -> level 0
    assert c1["mean_level"].tolist() == [0.0, 1.0, 2.0]


def test_trends_by_year():
    report = run(inputs([person(u) for u in "abcdf"], trend_items()))
    c1 = report.trends[report.trends["competency"] == "C1"]
    assert c1["period"].tolist() == ["2025", "2026"]
    assert c1["assessed"].tolist() == [1, 4]
    assert c1["mean_level"].tolist() == pytest.approx([0.0, 1.0])  # 2026: (2 + 1 + 0 + 1) / 4


def test_trends_are_empty_without_dated_items():
    report = run(inputs([person("a")], [item("a", "C1", 1, 9)]))
    assert report.trends.empty and list(report.trends.columns) == list(frames.TRENDS)


# ---- one employee's profile (what the HR API and the printable page serve) ----------------


def test_profile_is_json_ready_and_complete():
    from reports.profile import employee_profile

    ledger = [
        jp("a", 16, "platform", activity="Modul SPBE"),
        jp("a", 8, "external", activity="Diklat"),
    ]
    items = [
        *scored_items("a", "C1", 1, [1] * 4 + [0] * 6, kind="pre"),  # pre 40%
        *scored_items("a", "C1", 1, [1] * 7 + [0] * 3, kind="post"),  # post 70%: gain
        # (70 - 40) / 60 = 0.5; level 1 on 10 items (7/10 reaches 0.70)
    ]
    report = run(inputs([person("a"), person("b")], items, needs=NEEDS_C1_2, ledger=ledger))
    profile = employee_profile(report, "a")
    json.dumps(profile, default=str)  # JSON-ready (dates as text)
    identity = [profile[key] for key in ("username", "nip", "status", "year")]
    assert identity == ["a", "nip-a", "PNS", YEAR] and profile["unit"] == {"code": "U", "name": "Unit U"}
    assert profile["competencies"] == [
        {"code": "C1", "name": "Kompetensi C1", "level": 1, "required": 2, "gap": -1,
         "evidence": "dinilai", "level_items": 10, "level_rubric": 0, "items": 10},
        {"code": "C2", "name": "Kompetensi C2", "level": None, "required": None, "gap": None,
         "evidence": "belum dinilai", "level_items": 0, "level_rubric": 0, "items": 0},
    ]
    keys = ("total", "platform", "external", "rule", "target", "shortfall", "excess", "compliant")
    summary = {key: profile["jp"][key] for key in keys}
    assert summary == {"total": 24.0, "platform": 16.0, "external": 8.0, "rule": "minimum",
                       "target": 20.0, "shortfall": 0.0, "excess": 0.0, "compliant": True}
    assert [(e["activity"], e["jp"]) for e in profile["jp"]["entries"]] == [("Diklat", 8.0), ("Modul SPBE", 16.0)]
    assert [m["title"] for m in profile["modules_completed"]] == ["Modul SPBE"]
    assert profile["gain"] == [
        {"course": "K1", "pre_pct": 40.0, "post_pct": 70.0, "gain": 0.5, "status": "lengkap"}
    ]
    assert employee_profile(report, "b")["jp"]["total"] == 0.0  # b's rows are b's only
    with pytest.raises(KeyError):
        employee_profile(report, "nobody")


def test_config_rejects_bad_thresholds_and_periods():
    with pytest.raises(ValueError, match="mastery_thresholds"):
        ReportConfig(year=YEAR, mastery_thresholds=(0.7, 0.7))
    with pytest.raises(ValueError, match="period"):
        ReportConfig(year=YEAR, period="month")


def test_a_past_year_shows_the_levels_as_they_stood_at_its_end():
    # 2026: 5/10 at level 1 (50 % < 70 %) -> level 0; 2027: 10/10 more at level 1
    # -> 15/20 = 75 % -> level 1, but only in a report on 2027; the undated item always counts
    data = inputs(
        [person("a")],
        [item("a", "C1", 1, 5.0, at="2026-06-01"), item("a", "C1", 1, 10.0, at="2027-02-01"),
         item("a", "C2", 1, 10.0)],
    )
    assert level_of(build(data, ReportConfig(year=2026)), "a")["level"] == 0
    assert level_of(build(data, ReportConfig(year=2027)), "a")["level"] == 1
    assert level_of(build(data, ReportConfig(year=2026)), "a", "C2")["level"] == 1
