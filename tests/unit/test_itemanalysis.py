"""Item analysis (grading.itemanalysis) against numbers computed by hand, plus the pure
parts of its loader (answer cells as data, the parallel-form table) and the workbook.

Acceptance (issue 12, point 3): difficulty, point-biserial and KR-20 equal the hand
computation on a small fixture. The computation is written out below, step by step.
"""

from __future__ import annotations

import math

import pytest
from openpyxl import load_workbook

from grading.itemanalysis import (
    ALPHA,
    EMPTY,
    KR20,
    OTHER,
    UNREADABLE,
    Analysis,
    ItemSpec,
    analyse,
    correlation,
    group_size,
    group_weights,
    pre_post,
    reliability,
)
from grading.itemanalysis_load import answer_text, read_pairs
from grading.itemanalysis_xlsx import write_xlsx

# Five learners, four 0/1 items (1 point each).
#
#          i1 i2 i3 i4 | total
#     A     1  1  1  1 |  4
#     B     1  1  1  0 |  3
#     C     1  1  0  0 |  2
#     D     1  0  0  1 |  2
#     E     0  0  1  0 |  1
ROWS = {"A": [1, 1, 1, 1], "B": [1, 1, 1, 0], "C": [1, 1, 0, 0], "D": [1, 0, 0, 1],
        "E": [0, 0, 1, 0]}
IDS = ["i1", "i2", "i3", "i4"]
SCORES = {learner: dict(zip(IDS, map(float, row))) for learner, row in ROWS.items()}
ITEMS = [ItemSpec(g, 1.0) for g in IDS]


@pytest.fixture(scope="module")
def result():
    return analyse(SCORES, ITEMS)


def test_difficulty_is_the_mean_score_over_the_maximum(result):
    items, _ = result
    # p = number right / 5:  i1 4/5 = 0.8,  i2 3/5 = 0.6,  i3 3/5 = 0.6,  i4 2/5 = 0.4
    assert [s.difficulty for s in items] == pytest.approx([0.8, 0.6, 0.6, 0.4])


def test_point_biserial_uses_the_rest_score(result):
    items, _ = result
    # r = Σ dx·dr / √(Σdx² · Σdr²), x the item, R = total − item (the corrected total).
    #
    # i1: x = 1 1 1 1 0 (mean .8);  R = 3 2 1 1 1 (mean 1.6)
    #     dx = .2 .2 .2 .2 −.8;  dR = 1.4 .4 −.6 −.6 −.6
    #     Σ dx·dR = .28 + .08 − .12 − .12 + .48 = .6
    #     Σ dx² = 4·.04 + .64 = .8;  Σ dR² = 1.96 + .16 + 3·.36 = 3.2
    #     r = .6 / √(.8 · 3.2) = .6 / 1.6 = 0.375
    # i2: x = 1 1 1 0 0 (.6);  R = 3 2 1 2 1 (1.8)
    #     dx = .4 .4 .4 −.6 −.6;  dR = 1.2 .2 −.8 .2 −.8
    #     Σ dx·dR = .48 + .08 − .32 − .12 + .48 = .6
    #     Σ dx² = 3·.16 + 2·.36 = 1.2;  Σ dR² = 1.44 + .04 + .64 + .04 + .64 = 2.8
    #     r = .6 / √3.36 = 0.327327
    # i3: x = 1 1 0 0 1 (.6);  R = 3 2 2 2 0 (1.8)
    #     dx = .4 .4 −.6 −.6 .4;  dR = 1.2 .2 .2 .2 −1.8
    #     Σ dx·dR = .48 + .08 − .12 − .12 − .72 = −.4
    #     Σ dx² = 1.2;  Σ dR² = 1.44 + 3·.04 + 3.24 = 4.8
    #     r = −.4 / √5.76 = −.4 / 2.4 = −0.166667
    # i4: x = 1 0 0 1 0 (.4);  R = 3 3 2 1 1 (2.0)
    #     dx = .6 −.4 −.4 .6 −.4;  dR = 1 1 0 −1 −1
    #     Σ dx·dR = .6 − .4 + 0 − .6 + .4 = 0  ->  r = 0
    assert [s.point_biserial for s in items] == pytest.approx(
        [0.375, 0.6 / math.sqrt(3.36), -0.4 / 2.4, 0.0])
    # With the uncorrected total T = 4 3 2 2 1 (dT = 1.6 .6 −.4 −.4 −1.4, Σ dT² = 5.2) i1 would
    # get Σ dx·dT / √(.8 · 5.2) = 1.4 / √4.16 = 0.686: the item correlating with itself.
    assert correlation([1, 1, 1, 1, 0], [4, 3, 2, 2, 1]) == pytest.approx(1.4 / math.sqrt(4.16))


def test_kr20_and_sem(result):
    _, total = result
    # Σ pq = .8·.2 + .6·.4 + .6·.4 + .4·.6 = .16 + .24 + .24 + .24 = .88
    # totals 4 3 2 2 1, mean 2.4, deviations 1.6 .6 −.4 −.4 −1.4
    # σ² = (2.56 + .36 + .16 + .16 + 1.96) / 5 = 5.2 / 5 = 1.04   (population variance)
    # KR-20 = k/(k−1) · (1 − Σpq/σ²) = 4/3 · (1 − .88/1.04) = 4/3 · .16/1.04 = 8/39 = 0.205128
    # SEM = σ · √(1 − KR-20) = √1.04 · √(31/39) = √(32.24/39) = 0.909212
    assert total.reliability_method == KR20
    assert total.n_learners == 5 and total.n_items == 4 and total.max_total == 4
    assert total.mean == pytest.approx(2.4)
    assert total.sd == pytest.approx(math.sqrt(1.04))
    assert total.reliability == pytest.approx(8 / 39)
    assert total.sem == pytest.approx(math.sqrt(1.04 * 31 / 39))


def test_upper_and_lower_groups_rank_by_rest_score_and_share_ties(result):
    items, _ = result
    # N = 5: 27 % of 5 = 1.35 -> one place in each group.
    # i1: R = A3 B2 C1 D1 E1. Upper: A (x=1) -> 1. Lower: C, D, E tie at 1 for one place,
    #     each counts 1/3: (1 + 1 + 0)/3 = .667.  D = 1 − 2/3 = 1/3
    # i2: R = A3 B2 C1 D2 E1. Upper A -> 1. Lower C, E tie: (1 + 0)/2 = .5.  D = .5
    # i3: R = A3 B2 C2 D2 E0. Upper A -> 1. Lower E -> 1.  D = 0
    # i4: R = A3 B3 C2 D1 E1. Upper A, B tie: (1 + 0)/2 = .5. Lower D, E: (1 + 0)/2 = .5. D = 0
    assert [s.upper for s in items] == pytest.approx([1, 1, 1, 0.5])
    assert [s.lower for s in items] == pytest.approx([2 / 3, 0.5, 1, 0.5])
    assert [s.upper_lower for s in items] == pytest.approx([1 / 3, 0.5, 0, 0])
    assert group_size(5) == 1 and group_size(10) == 3 and group_size(100) == 27
    assert group_weights([3, 1, 1, 1, 2], 1, highest=False) == pytest.approx([0, 1 / 3, 1 / 3, 1 / 3, 0])


def test_flags(result):
    items, _ = result
    # i3 (r < 0) and i4 (r = 0) have discrimination ≤ 0; no p is below .2 or above .95
    assert [s.flags for s in items] == [[], [], ["daya_beda"], ["daya_beda"]]
    easy_hard = {"A": {"e": 1.0, "h": 0.0, "x": 1.0}, "B": {"e": 1.0, "h": 0.0, "x": 0.0},
                 "C": {"e": 1.0, "h": 1.0, "x": 0.0}, "D": {"e": 1.0, "h": 0.0, "x": 1.0},
                 "E": {"e": 1.0, "h": 0.0, "x": 0.0}, "F": {"e": 1.0, "h": 0.0, "x": 1.0}}
    stats, _ = analyse(easy_hard, [ItemSpec(g, 1.0) for g in "ehx"])
    flags = {s.grade_id: s.flags for s in stats}
    assert "mudah" in flags["e"]          # p = 1 > .95
    assert stats[0].point_biserial is None  # no variance: r undefined, flagged by p only
    assert "sulit" in flags["h"]          # p = 1/6 = .167 < .2


def test_partial_credit_reports_cronbach_alpha():
    # Three learners: item 1 (0/1), item 2 scored 0–2 with partial credit.
    #   item1 = 1 0 1, item2 = 2 0 1, totals 3 0 2
    #   σ1² = 2/9 (p = 2/3), σ2² = ((1)² + (−1)² + 0²)/3 = 2/3 = 6/9
    #   totals mean 5/3, σX² = (16/9 + 25/9 + 1/9)/3 = 14/9
    #   alpha = 2/1 · (1 − (8/9)/(14/9)) = 2 · 6/14 = 6/7
    scores = {"A": {"a": 1.0, "b": 2.0}, "B": {"a": 0.0, "b": 0.0}, "C": {"a": 1.0, "b": 1.0}}
    stats, total = analyse(scores, [ItemSpec("a", 1.0), ItemSpec("b", 2.0)])
    assert total.reliability == pytest.approx(6 / 7)
    assert total.reliability_method == ALPHA
    assert [s.dichotomous for s in stats] == [True, False]
    assert stats[1].difficulty == pytest.approx(0.5)  # mean 1 of max 2


def test_kr20_equals_alpha_for_dichotomous_items():
    columns = [[float(r[i]) for r in ROWS.values()] for i in range(4)]
    p = [sum(c) / 5 for c in columns]
    totals = [sum(r) for r in ROWS.values()]
    variance = sum((t - 2.4) ** 2 for t in totals) / 5
    kr20 = 4 / 3 * (1 - sum(q * (1 - q) for q in p) / variance)
    assert reliability(columns) == pytest.approx(kr20)


def test_undefined_statistics_are_none_not_errors():
    stats, total = analyse({}, ITEMS)
    assert total.n_learners == 0 and total.reliability is None and total.sem is None
    assert all(s.difficulty is None and s.point_biserial is None for s in stats)
    one, total = analyse({"A": {"i1": 1.0}}, ITEMS)
    assert one[0].difficulty == 1.0 and one[0].point_biserial is None and total.reliability is None
    _, total = analyse(SCORES, ITEMS[:1])
    assert total.reliability is None  # k = 1


def test_distractor_counts_with_groups():
    spec = ItemSpec("i4", 1.0, key="B", options=("A", "B", "C", "D"))
    answers = {"i4": {"A": "B", "B": "A", "C": "", "D": "B", "E": "X"}}
    stats, _ = analyse(SCORES, [*ITEMS[:3], spec], answers)
    rows = {o.option: o for o in stats[3].options}
    # chosen: B by A and D (the key), A by B, empty by C, "X" (no option) by E; C and D by nobody
    assert [(o.option, o.count) for o in stats[3].options] == [
        ("A", 1), ("B", 2), ("C", 0), ("D", 0), (EMPTY, 1), (OTHER, 1)]
    assert rows["B"].is_key and not rows["A"].is_key
    assert rows["B"].share == pytest.approx(0.4)
    # i4's groups (rest score): upper A, B at 1/2 each; lower D, E at 1/2 each
    assert rows["A"].upper_share == pytest.approx(0.5) and rows["A"].lower_share == 0
    assert rows[OTHER].lower_share == pytest.approx(0.5)
    # None: the answer cell could not be read as data (or the learner's notebook is missing)
    unreadable, _ = analyse(SCORES, [spec], {"i4": {"A": None, "B": "A", "C": "A", "D": "A"}})
    counts = {o.option: o.count for o in unreadable[0].options}
    assert counts[UNREADABLE] == 2 and counts["A"] == 3  # E has no entry at all


def test_pre_post_rows(result):
    items, _ = result
    post, _ = analyse({k: {g: 1.0 for g in IDS} for k in "VW"}, ITEMS)
    rows = pre_post(items, post, [("Tujuan 1", "i4", "i1"), ("Tujuan 2", "i1", "tidak-ada")])
    assert (rows[0].p_pre, rows[0].p_post) == pytest.approx((0.4, 1.0))
    assert rows[0].change == pytest.approx(0.6)
    assert rows[1].p_post is None and rows[1].change is None


@pytest.mark.parametrize("source, expected", [
    ('jawaban_1 = "c"  # tulis A, B, C, atau D', "C"),
    ('jawaban_1 = ""\njawaban_1 = " b "', "B"),
    ('jawaban_1 = ""', ""),
    ("", ""),
    ("jawaban_1 = chr(67)", None),
    ('import os\njawaban_1 = "A"', None),
    ("jawaban_1 = 3", None),
    ("jawaban_1 = (", None),
    ("x = " + "(" * 500 + ")" * 500, None),
    ("jawaban_1 = '" + "A" * 20_000 + "'", None),
])
def test_answer_cells_are_read_as_data(source, expected):
    assert answer_text(source) == expected


def test_parallel_form_table(tmp_path):
    table = tmp_path / "README-butir.md"
    table.write_text(
        "Teks pengantar | bukan tabel\n\n"
        "| Tujuan | Interpretasi | Butir pre-test | Butir post-test |\n"
        "|:---|---|---|---:|\n"
        "| **Mendengar aktif** | x | Soal 1 (`tes_jawaban_1`) | `tes_jawaban_2` |\n"
        "| Parafrase | x | 2 | Soal 1 |\n"
        "| Tidak ada | x | Soal 9 | Soal 1 |\n", encoding="utf-8")
    order = ["tes_jawaban_1", "tes_jawaban_2"]
    pairs, notes = read_pairs(table, order, order)
    # "Interpretasi" contains "pre" inside a word: not the pre column
    assert pairs == [("Mendengar aktif", "tes_jawaban_1", "tes_jawaban_2"),
                     ("Parafrase", "tes_jawaban_2", "tes_jawaban_1")]
    assert len(notes) == 1 and "baris 3" in notes[0]
    assert read_pairs(tmp_path / "tidak-ada.md", order, order) == ([], [])


def test_parallel_form_table_with_a_number_column(tmp_path):
    """The layout of assessments/<course>/README-butir.md: the pre and post cells describe
    the item's scenario; the row's "No" names the item on both forms. A number inside a
    description ("1 hari kerja") names nothing."""
    table = tmp_path / "README-butir.md"
    table.write_text(
        "| No | Tujuan | Kode · level | Pre-test | Post-test |\n"
        "|---|---|---|---|---|\n"
        "| 1 | T1 perhatian penuh | M.03 · 1 | Ponsel bergetar | Layar komputer |\n"
        "| 2 | T1 menjawab tepat | M.03 · 1 | Standar 1 hari kerja, hari Selasa | Telepon 3 kali |\n"
        "| 3 | T2 pesan tertulis | M.03 · 2 | Soal 2 | Pengumuman |\n\n"
        "| Kode · level | Butir pilihan ganda (per tes) | Deskriptor (parafrasa PermenPANRB) |\n"
        "|---|---|---|\n| M.03 · 1 | 1, 2 | ... |\n", encoding="utf-8")
    order = ["tes_jawaban_1", "tes_jawaban_2", "tes_jawaban_3"]
    pairs, notes = read_pairs(table, order, order)
    assert pairs == [("T1 perhatian penuh", "tes_jawaban_1", "tes_jawaban_1"),
                     ("T1 menjawab tepat", "tes_jawaban_2", "tes_jawaban_2"),
                     ("T2 pesan tertulis", "tes_jawaban_2", "tes_jawaban_3")]
    assert notes == []


def test_workbook_keeps_text_as_text(tmp_path, result):
    items, total = result
    analysis = Analysis("kursus", "pre-test", "pre", total, items, 0,
                        notes=['=HYPERLINK("http://x.example","klik")', "kontrol\x01teks"])
    path = write_xlsx(analysis, tmp_path / "analisis.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Ringkasan", "Butir", "Pengecoh", "Keterangan"]
    cells = {c.value: c for row in wb["Ringkasan"].iter_rows() for c in row if isinstance(c.value, str)}
    formula = cells['=HYPERLINK("http://x.example","klik")']
    assert formula.data_type == "s"  # shown as typed, never run
    assert "kontrolteks" in cells
    butir = list(wb["Butir"].iter_rows(min_row=2, values_only=True))
    assert [r[5] for r in butir] == [0.8, 0.6, 0.6, 0.4]
    assert [r[6] for r in butir] == [0.375, 0.327, -0.167, 0.0]
