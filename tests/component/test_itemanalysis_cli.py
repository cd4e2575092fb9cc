"""``asn-ambon grading analisis-butir`` on a real nbgrader gradebook and learners' notebooks
(tests/support/itemanalysis_course.py), as a trainer would run it; run from the checkout
(``python -m``, cwd = the repository) so it tests this tree, not the installed copy.

The pre-test's scores are the hand-computed fixture of tests/unit/test_itemanalysis.py:
p = .8 .6 .6 .4, r (item–rest) = .375 .327 −.167 0, KR-20 = 8/39, SEM = √(1.04·31/39).
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.support.itemanalysis_course import COURSE, build_course

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return build_course(tmp_path_factory.mktemp("analisis"))


def run(*args: str, module: str = "grading") -> subprocess.CompletedProcess:
    prefix = ["grading"] if module == "asn_ambon.cli" else []
    return subprocess.run([sys.executable, "-m", module, *prefix, "analisis-butir", *map(str, args)],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)


def as_json(*args) -> dict:
    r = run(*args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_pre_test_equals_the_hand_computation(course):
    a = as_json("pre-test", "--course-dir", course)
    assert (a["course"], a["assignment"], a["kind"]) == (COURSE, "pre-test", "pre")
    assert a["excluded"] == 1  # asn-f still waits for a manual grade
    assert a["total"]["n_learners"] == 5
    assert [i["difficulty"] for i in a["items"]] == pytest.approx([0.8, 0.6, 0.6, 0.4])
    assert [i["point_biserial"] for i in a["items"]] == pytest.approx(
        [0.375, 0.6 / math.sqrt(3.36), -0.4 / 2.4, 0.0])
    assert a["total"]["reliability_method"] == "KR-20"
    assert a["total"]["reliability"] == pytest.approx(8 / 39)
    assert a["total"]["sem"] == pytest.approx(math.sqrt(1.04 * 31 / 39))
    assert [i["upper_lower"] for i in a["items"]] == pytest.approx([1 / 3, 0.5, 0, 0])
    assert [i["flags"] for i in a["items"]] == [[], [], ["daya_beda"], ["daya_beda"]]


def test_distractors_come_from_the_learners_notebooks(course):
    a = as_json("pre-test", "--course-dir", course)
    options = {i["grade_id"]: {o["option"]: o["count"] for o in i["options"]} for i in a["items"]}
    assert [i["key"] for i in a["items"]] == ["C", "A", "D", "B"]
    # item 4: A and D chose B (key); B chose A; C left it empty (read from submitted/, it has
    # no autograded copy); E wrote "x"
    assert options["tes_jawaban_4"] == {"A": 1, "B": 2, "C": 0, "D": 0, "(kosong)": 1,
                                        "(bukan pilihan)": 1}
    # item 2: E's answer cell holds code (chr(67)): read as data only, never run
    assert options["tes_jawaban_2"] == {"A": 3, "B": 1, "C": 0, "D": 0, "(tidak terbaca)": 1}


def test_pre_post_pairs_follow_the_parallel_form_table(course):
    a = as_json("post-test", "--course-dir", course)
    block = a["pre_post"]
    assert (block["pre_assignment"], block["post_assignment"]) == ("pre-test", "post-test")
    assert "README-butir.md" in block["pairing"]
    assert [(r["pre_item"][-1], r["post_item"][-1]) for r in block["rows"]] == [
        ("1", "2"), ("2", "1"), ("3", "4"), ("4", "3")]
    # pre-test p .8 .6 .6 .4; post-test p: item 1 .8, 2 .8, 3 .8, 4 .6 (POST_ANSWERS)
    assert [r["p_pre"] for r in block["rows"]] == pytest.approx([0.8, 0.6, 0.6, 0.4])
    assert [r["p_post"] for r in block["rows"]] == pytest.approx([0.8, 0.8, 0.6, 0.8])
    assert [r["change"] for r in block["rows"]] == pytest.approx([0, 0.2, 0, 0.4])
    assert block["rows"][0]["objective"] == "Mengenali mendengar aktif"


def test_without_the_table_items_pair_by_position(course, tmp_path):
    copy = tmp_path / COURSE
    shutil.copytree(course, copy)
    (copy / "README-butir.md").unlink()
    block = as_json("pre-test", "--course-dir", copy)["pre_post"]
    assert "urutan soal" in block["pairing"]
    assert [(r["pre_item"], r["post_item"]) for r in block["rows"]] == [
        (f"tes_jawaban_{n}", f"tes_jawaban_{n}") for n in range(1, 5)]


def test_text_output_and_workbook_through_asn_ambon(course, tmp_path):
    out = tmp_path / "analisis.xlsx"
    r = run("pre-test", "--course-dir", course, "--xlsx", out, module="asn_ambon.cli")
    assert r.returncode == 0, r.stderr
    assert "reliabilitas (KR-20) 0,21" in r.stdout
    assert "daya beda ≤ 0" in r.stdout and "Butir bertanda: 2 dari 4" in r.stdout
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Ringkasan", "Butir", "Pengecoh", "Pre-Post", "Keterangan"]
    header, *rows = list(book["Butir"].values)
    assert [row[header.index("Kesukaran (p)")] for row in rows] == [0.8, 0.6, 0.6, 0.4]


def test_a_course_not_yet_graded_is_an_empty_analysis(course, tmp_path):
    copy = tmp_path / COURSE
    shutil.copytree(course / "source", copy / "source")
    a = as_json("pre-test", "--course-dir", copy)
    assert a["items"] == [] and a["total"]["n_learners"] == 0
    assert any("Belum ada nilai" in note for note in a["notes"])
    assert not (copy / "gradebook.db").exists()  # read-only: no gradebook created


@pytest.mark.parametrize("args, code, message", [
    (["tidak-ada"], 1, "tugas 'tidak-ada' tidak ada"),
    (["../pre-test"], 1, "tidak ada"),
    (["pre-test", "--tabel-butir", "/nonexistent/README-butir.md"], 2, "berkas tabel butir tidak ada"),
])
def test_refused_input(course, args, code, message):
    r = run(args[0], "--course-dir", course, *args[1:])
    assert r.returncode == code and message in r.stderr, (r.returncode, r.stderr)


def test_missing_course_dir_and_a_file_that_is_no_gradebook(course, tmp_path):
    r = run("pre-test", "--course-dir", tmp_path / "tidak-ada")
    assert r.returncode == 2 and "direktori kursus tidak ada" in r.stderr
    copy = tmp_path / COURSE
    shutil.copytree(course / "source", copy / "source")
    (copy / "gradebook.db").write_bytes(b"bukan basis data")
    r = run("pre-test", "--course-dir", copy)
    assert r.returncode == 1 and "GAGAL" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_a_form_not_yet_graded_leaves_its_side_empty(course, tmp_path):
    copy = tmp_path / COURSE
    shutil.copytree(course, copy)
    with sqlite3.connect(copy / "gradebook.db") as db:  # the post-test never autograded
        db.execute("UPDATE assignment SET name = 'lain' WHERE name = 'post-test'")
    block = as_json("pre-test", "--course-dir", copy)["pre_post"]
    assert block["n_post"] == 0 and len(block["rows"]) == 4
    assert [r["p_post"] for r in block["rows"]] == [None] * 4
    assert [r["p_pre"] for r in block["rows"]] == pytest.approx([0.8, 0.6, 0.6, 0.4])
    # a written task (kind: task) has no pre/post comparison
    (copy / "source" / "pre-test" / "kompetensi.yaml").write_text(
        "kind: task\nitems: {}\n", encoding="utf-8")
    assert as_json("pre-test", "--course-dir", copy)["pre_post"] is None
