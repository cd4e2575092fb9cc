"""The module checker's time rule (belajar.duration): a lesson's minutes from its words and
exercises, hand-computed on small notebooks, and the refusal of a JP or minutes claim far
from the estimate."""

from pathlib import Path

import nbformat
import pytest
import yaml

from belajar import duration
from belajar.check import check_module
from tests.support.lesson_module import GOOD_CELL, GOOD_YAML, make_module

COURSES = Path(__file__).resolve().parents[2] / "courses"
MODULES = sorted(p.parent for p in COURSES.glob("*/module.yaml"))


def markdown(words: int) -> dict:
    return {"cell_type": "markdown", "source": " ".join(["kata"] * words), "metadata": {}}


def code(source: str, hidden: bool = True) -> dict:
    meta = {"jupyter": {"source_hidden": True}} if hidden else {}
    return {"cell_type": "code", "source": source, "metadata": meta}


def test_words_leave_out_links_and_tags():
    text = "Lihat <b>SP4N-LAPOR!</b> di https://www.lapor.go.id/faq atau www.lapor.go.id sekarang."
    assert duration.count_words(text) == 5  # Lihat, SP4N-LAPOR, di, atau, sekarang
    assert duration.count_words("Warga ber-KTP-el datang pukul 08.00 WIT") == 6


def test_a_lesson_is_words_per_minute_plus_exercise_minutes():
    multiple_choice = code(
        'p.pilihan_ganda("q1", "Satu dua tiga empat", ["lima enam", "tujuh"], 0,\n'
        '                ["satu dua tiga", "empat lima sei tujuh delapan"], title="Judul")')
    matrix = code(
        'p.matriks("m1", question="Pilah", categories=["A", "B"], items=[\n'
        '    {"text": "satu dua", "answer": "A", "explanation": "tiga"},\n'
        '    {"text": "empat", "answer": "B", "explanation": "lima enam"}])')
    written = code('p.isian_bebas("t1", "Tulis ulang", [{"label": "Maaf", "keywords": '
                   '["maaf", "mohon maaf"], "hint": "Minta maaf dulu"}])')
    cells = [markdown(500), multiple_choice, matrix, written, code("x = 1", hidden=False),
             code("from belajar import Pelajaran")]
    estimate = duration.estimate_lesson(cells)
    # markdown 500; choice: question 4 + options 3 + title 1 + explanations once at their
    # mean (3 + 5) / 2 = 4 -> 12; matrix: 1 + 2 (categories) + 3 + 3 (items, answers left
    # out) -> 9; written: prompt 2 + label 1 + hint 3 (keywords left out) -> 6
    assert estimate.words == 500 + 12 + 9 + 6
    assert estimate.exercises == ["pilihan_ganda", "matriks", "isian_bebas"]
    # 1.5 (choice) + max(1, 2 x 0.5) (matrix) + 10 (written)
    assert estimate.exercise_minutes == 12.5
    assert estimate.visible_cells == 1  # "x = 1"; the hidden import cell is not run by hand
    assert estimate.minutes == pytest.approx(527 / 100 + 12.5 + 1)


def test_far_means_a_quarter_and_five_minutes():
    assert not duration.is_far(125, 100) and duration.is_far(125.1, 100)
    assert not duration.is_far(75, 100) and duration.is_far(74.9, 100)
    assert not duration.is_far(9, 4)  # +125 %, but only 5 minutes: not a false claim
    assert duration.is_far(9.1, 4)


@pytest.mark.parametrize(("minutes", "jp"), [
    (94, 2),  # 2.09 JP -> 2
    (128, 3),  # 2.84 -> 3
    (60, 1),  # 1.33 -> 1: 45 is exactly 25 % below 60, not beyond it
    (70, 1.5),  # 1.56 -> 2 would be 90, 29 % over: the half JP, 67.5, is close
    (20, 0.5),  # 0.44 -> the whole JP is far, half a JP is 22.5
    (2, 0.04),  # a one-question lesson
])
def test_supported_jp(minutes, jp):
    assert duration.supported_jp(minutes, 45) == jp


def test_the_checker_refuses_a_jp_claim_far_from_the_estimate(tmp_path):
    data = {**GOOD_YAML, "jp": 3}  # 135 minutes claimed for one question
    (error,) = check_module(make_module(tmp_path, data), execute=False, minutes_per_jp=45)
    assert error.endswith(
        "module.yaml: jp: klaim 3 JP = 135 menit (1 JP = 45 menit) jauh dari perkiraan waktu "
        "belajar 2 menit (+8610%; batas ±25%). Isi modul mendukung jp: 0,03; ubah jp, atau "
        "tambah isi pelajaran sampai klaimnya benar.")


def test_the_checker_refuses_lesson_minutes_far_from_the_estimate(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(GOOD_YAML))
    data["lessons"][0]["minutes"] = 30
    (error,) = check_module(make_module(tmp_path, data), execute=False, minutes_per_jp=45)
    assert "lessons[*].minutes: jumlah menit pelajaran 30 jauh dari perkiraan 2 menit" in error
    assert "Perkiraan per pelajaran (menit): 01-mendengar-aktif ≈ 2 (tertulis 30)." in error


def test_the_claims_are_compared_only_once_everything_else_passes(tmp_path):
    data = {**GOOD_YAML, "jp": 3}
    folder = make_module(tmp_path, data, cells=(GOOD_CELL, "hasil = (1"))
    (error,) = check_module(folder, execute=False, minutes_per_jp=45)
    assert "tidak dapat dibaca" in error  # the broken cell, not the claim (yet)


def test_the_cli_prints_each_estimate_for_whoever_sets_jp(tmp_path, capsys):
    from belajar.__main__ import main

    folder = make_module(tmp_path)
    assert main(["check", str(folder), "--no-execute"]) == 0
    out = capsys.readouterr().out
    assert "· perkiraan 2 menit (5 kata, 1 latihan) ≈ 0,03 JP; klaim 0,1 JP; didukung: 0,03 JP" \
        in out


@pytest.mark.parametrize("folder", MODULES, ids=lambda p: p.name)
def test_every_shipped_module_claims_the_time_its_lessons_hold(folder):
    """When lessons grow or shrink, re-set jp (and minutes) from `python -m belajar check
    --all courses/ --no-execute`, which prints the estimate of every module."""
    data = yaml.safe_load((folder / "module.yaml").read_text(encoding="utf-8"))
    estimates = {lesson["id"]: duration.estimate_lesson(
        nbformat.read(folder / lesson["notebook"], as_version=4).cells)
        for lesson in data["lessons"]}
    assert duration.claim_problems(data, estimates, f"{folder.name}/module.yaml", 45) == []
