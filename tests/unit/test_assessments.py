"""nbgrader assessments (assessments/<course>/): competency mapping, release safety, answer keys.

Cheap, in-process checks for every course and assignment; what real ``nbgrader
generate_assignment`` and ``nbgrader validate`` make of one course is in
tests/component/test_assessments_nbgrader.py.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from grading.mapping import MappingError, load_mapping, mapping_errors
from tests.support.assessments import (
    ALL,
    ASSESSMENTS,
    ASSIGNMENTS,
    COURSES,
    FULL_COURSE,
    ROOT,
    _assert_release_clean,
    _meta,
    _nb,
    _source,
)


def _key(test_source):
    m = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", test_source, re.S)
    assert m, "no hidden test region"
    k = re.search(r'\.strip\(\)\.upper\(\) == "([ABCD])"', m.group(1))
    assert k, "hidden test must compare the normalised answer with one letter"
    return k.group(1)


def test_course_layout():
    for course in COURSES:
        base = ASSESSMENTS / course
        assert (base / "rubrik" / "tugas-tertulis.md").is_file()
        assert not list((base / "source").rglob("*rubrik*")), "rubric must stay outside source/"
        config = (base / "nbgrader_config.py").read_text(encoding="utf-8")
        assert f'course_id = "{course}"' in config
        assert "root" not in config.replace("CourseDirectory.root", ""), "no paths in course config"
        for assignment in ASSIGNMENTS:
            assert (base / "source" / assignment / f"{assignment}.ipynb").is_file()
            assert (base / "source" / assignment / "kompetensi.yaml").is_file()


@pytest.mark.parametrize("course,assignment", ALL)
def test_mapping_is_valid(course, assignment):
    directory = ASSESSMENTS / course / "source" / assignment
    assert mapping_errors(directory) == []
    mapping = load_mapping(directory)
    module = yaml.safe_load((ROOT / "courses" / course / "module.yaml").read_text(encoding="utf-8"))
    targets = {c["code"] for c in module["competencies"]}
    assert {code for code, _level in mapping.values()} <= targets, "items assess the module's own competencies"
    if assignment == "tugas-tertulis":
        assert 1 <= len(mapping) <= 2
    else:
        assert 6 <= len(mapping) <= 12  # at least 3 items per claimed level (issue 12)


@pytest.mark.parametrize("course", COURSES)
def test_pre_and_post_are_parallel(course):
    pre = load_mapping(ASSESSMENTS / course / "source" / "pre-test")
    post = load_mapping(ASSESSMENTS / course / "source" / "post-test")
    assert pre == post  # same grade_ids, same code and level per position
    questions = lambda a: {_source(c) for c in _nb(course, a)["cells"] if _meta(c).get("grade_id", "").startswith("soal_")}  # noqa: E731
    assert not questions("pre-test") & questions("post-test"), "different questions"


@pytest.mark.parametrize("course,assignment", [(c, a) for c in COURSES for a in ("pre-test", "post-test")])
def test_multiple_choice_structure(course, assignment):
    cells = _nb(course, assignment)["cells"]
    tests = [c for c in cells if _meta(c).get("grade")]
    for n, test in enumerate(tests, 1):
        meta = _meta(test)
        assert (meta["grade_id"], meta["points"], meta["locked"], meta["solution"]) == (f"tes_jawaban_{n}", 1, True, False)
        src = _source(test)
        visible = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", src, flags=re.S)
        assert f'assert jawaban_{n}.strip().upper() in ("A", "B", "C", "D")' in visible
        assert '== "' not in visible, "visible part checks the format only"
        answer = cells[cells.index(test) - 1]
        assert _meta(answer) | {"grade_id": None} == {
            "grade": False, "solution": True, "locked": False, "schema_version": 3, "grade_id": None}
        lines = _source(answer).splitlines()
        assert lines[0] == f'jawaban_{n} = ""  # tulis A, B, C, atau D di antara tanda kutip'
        assert lines[1:] == ["### BEGIN SOLUTION", f'jawaban_{n} = "{_key(src)}"', "### END SOLUTION"]
        question = cells[cells.index(test) - 2]
        assert _meta(question)["locked"] and all(f"**{x}.**" in _source(question) for x in "ABCD")


@pytest.mark.parametrize("course", COURSES)
def test_written_task(course):
    cells = _nb(course, "tugas-tertulis")["cells"]
    graded = [c for c in cells if _meta(c).get("grade")]
    assert graded and all(c["cell_type"] == "markdown" and _meta(c)["solution"] for c in graded)
    rubric = (ASSESSMENTS / course / "rubrik" / "tugas-tertulis.md").read_text(encoding="utf-8")
    rows = [line for line in rubric.splitlines() if re.match(r"\| \d+ \|", line)]
    assert 4 <= len(rows) <= 5
    assert len(rows) * 2 == sum(_meta(c)["points"] for c in graded)  # criteria score 0/1/2


def _release_in_process(course, assignment):
    """The release transformation nbgrader applies (solutions, hidden tests), with the course config."""
    import nbformat
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
    from traitlets.config import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ASSESSMENTS / course)).load_config()
    nb = nbformat.read(ASSESSMENTS / course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    resources = {}
    for pre in (ClearSolutions(config=config), ClearHiddenTests(config=config)):
        nb, resources = pre.preprocess(nb, resources)
    return nb


@pytest.mark.parametrize("course,assignment", ALL)
def test_release_transformation_strips_keys(course, assignment):
    _assert_release_clean(_release_in_process(course, assignment), assignment)


def _broken_copy(tmp_path):
    src = ASSESSMENTS / FULL_COURSE / "source" / "pre-test"
    dst = tmp_path / "pre-test"
    shutil.copytree(src, dst)
    items = yaml.safe_load((dst / "kompetensi.yaml").read_text(encoding="utf-8"))["items"]
    del items["tes_jawaban_1"]
    items["tes_jawaban_2"]["code"] = "X.99"
    items["tes_jawaban_3"]["level"] = 7
    items["tes_jawaban_99"] = {"code": "M.03", "level": 2}
    (dst / "kompetensi.yaml").write_text(yaml.safe_dump({"items": items}), encoding="utf-8")
    return dst


def test_broken_mapping_messages(tmp_path):
    errors = mapping_errors(_broken_copy(tmp_path))
    assert len(errors) == 4, errors
    assert any(e.startswith("pre-test.ipynb: tes_jawaban_1: belum dipetakan") for e in errors)
    assert any(e.startswith("kompetensi.yaml: tes_jawaban_2: kode kompetensi 'X.99' tidak dikenal") for e in errors)
    assert any(e.startswith("kompetensi.yaml: tes_jawaban_3: level harus bilangan bulat 1-5, bukan 7") for e in errors)
    assert any(e.startswith("kompetensi.yaml: tes_jawaban_99: tidak ada sel dinilai") for e in errors)


def test_load_mapping_raises(tmp_path):
    with pytest.raises(MappingError) as info:
        load_mapping(_broken_copy(tmp_path))
    assert len(info.value.errors) == 4


def test_missing_and_malformed_mapping(tmp_path):
    dst = tmp_path / "tugas-tertulis"
    shutil.copytree(ASSESSMENTS / FULL_COURSE / "source" / "tugas-tertulis", dst)
    (dst / "kompetensi.yaml").write_text("items:\n  jawaban_tertulis_1: {code: M.03, level: true}\n", encoding="utf-8")
    assert [e.split(":")[1].strip() for e in mapping_errors(dst)] == ["jawaban_tertulis_1"]
    (dst / "kompetensi.yaml").unlink()
    assert mapping_errors(dst) == ["kompetensi.yaml: -: berkas pemetaan tidak ada (mapping file missing)"]


def test_a_code_hr_adds_to_the_dictionary_can_be_mapped_at_once(tmp_path):
    """One dictionary: the table HR edits is what the mapping and module checks accept."""
    from asncore.competencies import known_codes
    from asncore.imports.dictionary import import_competencies
    from asncore.modules import validate_module

    url = f"sqlite:///{tmp_path / 'platform.sqlite'}"
    dst = tmp_path / "pre-test"
    shutil.copytree(ASSESSMENTS / FULL_COURSE / "source" / "pre-test", dst)
    mapping = yaml.safe_load((dst / "kompetensi.yaml").read_text(encoding="utf-8"))
    mapping["items"]["tes_jawaban_1"]["code"] = "T.ARSIP"
    (dst / "kompetensi.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    module = tmp_path / "courses" / "modul-arsip"
    shutil.copytree(ROOT / "tests/fixtures/courses/modul-uji", module)
    meta = yaml.safe_load((module / "module.yaml").read_text(encoding="utf-8"))
    meta["id"], meta["competencies"] = "modul-arsip", [{"code": "T.ARSIP", "target_level": 2}]
    (module / "module.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")

    assert "T.ARSIP" not in known_codes(url)
    assert any("'T.ARSIP' tidak dikenal" in e for e in mapping_errors(dst, known_codes(url)))
    assert any("'T.ARSIP' tidak" in e for e in validate_module(module, known_codes(url))[1])

    csv_file = tmp_path / "kompetensi.csv"
    csv_file.write_text("kode,nama,jenis,deskripsi\nT.ARSIP,Kearsipan,teknis,\n", encoding="utf-8")
    import_competencies(url, csv_file)
    # accepted at once (one item of T.ARSIP would still fail the evidence rule: test_mapping_evidence.py)
    assert load_mapping(dst, known_codes(url))["tes_jawaban_1"][0] == "T.ARSIP"
    assert validate_module(module, known_codes(url))[1] == []
