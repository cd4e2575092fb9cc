"""The mapping's authoring rules (grading.mapping.evidence_errors): a level descriptor on
every item, a named rubric on every trainer-scored cell, and at least three items or a
rubric behind every (competency, level) an assignment claims."""

from __future__ import annotations

import json

import pytest
import yaml

from grading.mapping import evidence_errors, load_mapping, mapping_errors
from tests.support.assessments import ALL, ASSESSMENTS
from tests.unit.test_cues import _balanced, _cell, write_test

CODES = {"M.03", "M.05"}
DESCRIPTOR = "Menyampaikan informasi dengan jelas kepada pengguna layanan"


def _course(tmp_path, levels, descriptor=DESCRIPTOR):
    """A course folder with one test of len(levels) items mapped to M.03 at those levels."""
    folder = write_test(tmp_path / "kursus" / "source" / "pre-test", _balanced(len(levels)))
    items = {f"tes_jawaban_{n}": {"code": "M.03", "level": level, "descriptor": descriptor}
             for n, level in enumerate(levels, 1)}
    (folder / "kompetensi.yaml").write_text(yaml.safe_dump({"kind": "pre", "items": items}), encoding="utf-8")
    return folder


def _task(tmp_path, entry, rubric_file=True):
    folder = tmp_path / "kursus" / "source" / "tugas"
    folder.mkdir(parents=True)
    nb = {"cells": [_cell("markdown", "jawaban_tertulis_1", "Tulis", grade=True, solution=True,
                          locked=False, points=10)], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / "tugas.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (folder / "kompetensi.yaml").write_text(yaml.safe_dump({"items": {"jawaban_tertulis_1": entry}}),
                                            encoding="utf-8")
    if rubric_file:
        (tmp_path / "kursus" / "rubrik").mkdir()
        (tmp_path / "kursus" / "rubrik" / "tugas.md").write_text("| 1 | kriteria |", encoding="utf-8")
    return folder


def test_a_level_backed_by_fewer_than_three_items_is_refused(tmp_path):
    folder = _course(tmp_path, [1, 1, 1, 2, 2])
    errors = mapping_errors(folder, CODES)
    assert errors == [("kompetensi.yaml: M.03 level 2: hanya 2 butir; perlu minimal 3 butir atau satu "
                       "kriteria rubrik yang dinilai pelatih (level backed by fewer than 3 items and no rubric)")]
    assert load_mapping(folder, CODES)  # sync of collected work still reads the mapping


def test_three_items_per_level_pass(tmp_path):
    assert mapping_errors(_course(tmp_path, [1, 1, 1, 2, 2, 2]), CODES) == []


def test_every_item_needs_a_descriptor(tmp_path):
    errors = evidence_errors(_course(tmp_path, [1, 1, 1], descriptor="Level 1"))
    assert len(errors) == 3 and all("deskriptor level tidak ada" in e for e in errors)


def test_a_rubric_scored_cell_backs_a_level_alone(tmp_path):
    entry = {"code": "M.03", "level": 3, "descriptor": DESCRIPTOR, "rubric": "rubrik/tugas.md"}
    assert mapping_errors(_task(tmp_path, entry), CODES) == []


def test_a_manual_cell_must_name_an_existing_rubric(tmp_path):
    entry = {"code": "M.03", "level": 3, "descriptor": DESCRIPTOR}
    errors = evidence_errors(_task(tmp_path, entry))
    assert len(errors) == 1 and "sel dinilai manual tanpa 'rubric: rubrik/<berkas>.md'" in errors[0]
    entry["rubric"] = "rubrik/tugas.md"
    errors = evidence_errors(_task(tmp_path / "x", entry, rubric_file=False))
    assert any("berkas rubrik 'rubrik/tugas.md' tidak ada" in e for e in errors), errors


def test_rubric_on_an_autograded_item_does_not_count(tmp_path):
    folder = _course(tmp_path, [2])
    data = yaml.safe_load((folder / "kompetensi.yaml").read_text(encoding="utf-8"))
    data["items"]["tes_jawaban_1"]["rubric"] = "rubrik/tugas.md"
    (folder / "kompetensi.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    errors = evidence_errors(folder)
    assert any("'rubric' hanya untuk sel yang dinilai pelatih" in e for e in errors)
    assert any("M.03 level 2: hanya 1 butir" in e for e in errors)


def test_structural_errors_come_first(tmp_path):
    folder = _course(tmp_path, [1, 1, 9])
    assert [e for e in mapping_errors(folder, CODES) if "level harus" in e] == mapping_errors(folder, CODES)


@pytest.mark.parametrize("course,assignment", ALL)
def test_real_assessments_back_every_level(course, assignment):
    assert evidence_errors(ASSESSMENTS / course / "source" / assignment) == []
