"""The cue check of multiple-choice tests (grading.cues) and `grading periksa-butir`:
crafted notebooks in the assessments' layout, then every real course."""

from __future__ import annotations

import argparse
import json

import pytest

from grading.cli import run_item_check
from grading.cues import cue_errors, longest_option_score, option_length, parse_options, read_items
from tests.support.assessments import ASSESSMENTS, COURSES


def _cell(kind, grade_id, source, **flags):
    meta = {"grade": False, "grade_id": grade_id, "locked": True, "schema_version": 3, "solution": False}
    meta.update(flags)
    cell = {"cell_type": kind, "metadata": {"nbgrader": meta}, "source": source}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def write_test(folder, items, name="pre-test", hidden_key=None):
    """A source notebook like the assessments': items = [(options {letter: text}, key)]."""
    cells = [_cell("markdown", "petunjuk", "# Tes")]
    for n, (options, key) in enumerate(items, 1):
        lines = [f"### Soal {n}", "", "Pertanyaan?", ""] + [f"- **{x}.** {t}" for x, t in options.items()]
        cells.append(_cell("markdown", f"soal_{n}", "\n".join(lines)))
        cells.append(_cell("code", f"jawaban_{n}", f'jawaban_{n} = ""  # tulis A, B, C, atau D\n'
                           f'### BEGIN SOLUTION\njawaban_{n} = "{key}"\n### END SOLUTION',
                           solution=True, locked=False))
        cells.append(_cell("code", f"tes_jawaban_{n}",
                           f'assert jawaban_{n}.strip().upper() in ("A", "B", "C", "D")\n'
                           f'### BEGIN HIDDEN TESTS\nassert jawaban_{n}.strip().upper() == "{hidden_key or key}"\n'
                           f'### END HIDDEN TESTS', grade=True, points=1))
    folder.mkdir(parents=True, exist_ok=True)
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    return folder


SHORT = ["Satu dua tiga", "Empat lima enam", "Tujuh delapan", "Sembilan sepuluh"]
LONG = "Jawaban yang jauh lebih panjang daripada semua pilihan lain di soal ini"


def _key_always_longest(n=8):
    items = []
    for i in range(n):
        key = "ABCD"[i % 4]
        options = {x: (LONG if x == key else SHORT[j]) for j, x in enumerate("ABCD")}
        items.append((options, key))
    return items


def _balanced(n=8):
    """Keys rotate A-D; the key is the longest only in every fourth item."""
    items = []
    for i in range(n):
        key, longest = "ABCD"[i % 4], "ABCD"[(i + (0 if i % 4 == 0 else 1)) % 4]
        options = {x: (LONG if x == longest else SHORT[j]) for j, x in enumerate("ABCD")}
        items.append((options, key))
    return items


def test_a_test_whose_key_is_always_the_longest_fails(tmp_path):
    folder = write_test(tmp_path / "pre-test", _key_always_longest())
    errors = cue_errors(folder)
    assert any("kunci = pilihan terpanjang pada 8 dari 8 soal, maksimum 2" in e for e in errors), errors
    assert "pre-test.ipynb: tes_jawaban_3: kunci C adalah pilihan terpanjang" in "\n".join(errors)
    assert any("selalu memilih pilihan terpanjang mendapat 8/8" in e for e in errors)
    assert longest_option_score(folder) == (8, 8, 2.0)


def test_a_balanced_test_passes(tmp_path):
    folder = write_test(tmp_path / "post-test", _balanced())
    assert cue_errors(folder) == []
    assert longest_option_score(folder) == (2, 8, 2.0)


def test_a_third_is_allowed_more_is_not(tmp_path):
    items = _balanced(9)  # 3 of 9 keys are the longest: allowed
    assert longest_option_score(write_test(tmp_path / "a", items))[0] == 3
    assert cue_errors(tmp_path / "a") == []
    options, key = items[1]
    items[1] = ({x: (LONG if x == key else t.replace(LONG, "Pilihan biasa")) for x, t in options.items()}, key)
    errors = cue_errors(write_test(tmp_path / "b", items))
    assert any("4 dari 9 soal, maksimum 3" in e for e in errors), errors


def test_a_tie_for_longest_counts_as_longest(tmp_path):
    same = {"A": "abcdef", "B": "ghijkl", "C": "mno", "D": "pq"}
    folder = write_test(tmp_path / "t", [(same, "B"), (same, "A"), (same, "C"), (same, "D")])
    assert longest_option_score(folder) == (2, 4, 1.0)


def test_unbalanced_key_positions_fail(tmp_path):
    items = [({x: SHORT[j] for j, x in enumerate("ABCD")}, "B") for _ in range(8)]
    errors = cue_errors(write_test(tmp_path / "pre-test", items))
    assert "pre-test.ipynb: -: kunci B dipakai 8 kali dari 8 soal, maksimum 3 (key position used too often)" in errors
    assert any("kunci tidak pernah A" in e for e in errors) and any("kunci tidak pernah D" in e for e in errors)


def test_few_items_need_not_use_every_position(tmp_path):
    items = [({x: SHORT[j] for j, x in enumerate("ABCD")}, k) for k in "BC"]
    assert cue_errors(write_test(tmp_path / "t", items)) == []


def test_key_must_match_the_hidden_test_and_be_an_option(tmp_path):
    folder = write_test(tmp_path / "t", _balanced(4), hidden_key="A")
    assert any("tes_jawaban_2: kunci di sel jawaban (B) berbeda dengan tes tersembunyi (A)" in e
               for e in cue_errors(folder))
    three = [({"A": "x y", "B": "y z", "C": "z w"}, "D")]
    assert any("kunci D bukan salah satu pilihan" in e for e in cue_errors(write_test(tmp_path / "u", three)))


def test_options_are_read_as_data():
    text = ("Soal\n\n- **A.** Pertama\n- **B.** Kedua yang\n  berlanjut di baris berikut\n"
            "* **C.** *Ketiga*\n**D.** `Keempat`\n\nPenutup.")
    assert parse_options(text) == {"A": "Pertama", "B": "Kedua yang berlanjut di baris berikut",
                                   "C": "*Ketiga*", "D": "`Keempat`"}
    assert option_length("**Tebal**   dan  `kode`") == len("Tebal dan kode")


def test_a_written_task_has_no_items(tmp_path):
    folder = tmp_path / "tugas"
    folder.mkdir()
    nb = {"cells": [_cell("markdown", "jawaban_tertulis_1", "Tulis", grade=True, solution=True, points=10)],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / "tugas.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert read_items(folder) == ({}, [])
    assert cue_errors(folder) == [] and longest_option_score(folder) == (0, 0, 0)


def test_periksa_butir_on_a_course(tmp_path, capsys):
    write_test(tmp_path / "kursus" / "source" / "pre-test", _key_always_longest())
    write_test(tmp_path / "kursus" / "source" / "post-test", _balanced(), name="post-test")
    assert run_item_check(argparse.Namespace(path=tmp_path / "kursus")) == 1
    out, err = capsys.readouterr()
    assert "source/post-test/post-test.ipynb: 8 soal; kunci terpanjang 2/8" in out
    assert "source/pre-test/pre-test.ipynb: tes_jawaban_1: kunci A adalah pilihan terpanjang" in err
    assert "post-test.ipynb: tes_" not in err
    assert run_item_check(argparse.Namespace(path=tmp_path / "kursus" / "source" / "post-test")) == 0


@pytest.mark.parametrize("course", COURSES)
@pytest.mark.parametrize("assignment", ["pre-test", "post-test"])
def test_real_tests_give_no_cue(course, assignment):
    """Acceptance: the check passes, and always picking the longest option scores at most
    chance plus one item."""
    folder = ASSESSMENTS / course / "source" / assignment
    assert cue_errors(folder) == []
    score, maximum, chance = longest_option_score(folder)
    assert maximum >= 7 and score <= chance + 1


def test_generate_refuses_a_cued_test_before_nbgrader_runs(tmp_path):
    from grading.cli import GradingError, cmd_generate

    class NoNbgrader:
        def __getattr__(self, name):
            raise AssertionError("nbgrader must not run on a cued test")

    write_test(tmp_path / "kursus" / "source" / "pre-test", _key_always_longest())
    args = argparse.Namespace(course_dir=tmp_path / "kursus", assignment="pre-test")
    with pytest.raises(GradingError, match="isyarat kunci"):
        cmd_generate(NoNbgrader(), args)
