"""A small nbgrader course for the item-analysis tests (component and security).

``build_course(root)`` writes ``root/kursus-uji/``:

- ``source/pre-test`` and ``source/post-test``: 4 multiple-choice items each, in the
  assessments' layout (question with ``- **A.** ...`` options, answer cell with a solution
  region, test cell ``tes_jawaban_N`` worth 1 point), ``kompetensi.yaml`` with ``kind``;
- ``README-butir.md``: the parallel-form table, pairing pre item 1 -> post item 2,
  2 -> 1, 3 -> 4, 4 -> 3 (naming items by grade_id, "Soal N" and a bare number);
- ``gradebook.db`` made by nbgrader's own ``Gradebook``: each learner's 0/1 scores follow
  from their answers and the keys; ``asn-f``'s pre-test still waits for a manual grade;
- the learners' notebooks under ``autograded/`` (``asn-c``'s pre-test only under
  ``submitted/``, to use the fallback).

The pre-test scores are the hand-computed fixture of tests/unit/test_itemanalysis.py
(learners A–E = asn-a … asn-e), so its numbers hold end to end.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

COURSE = "kursus-uji"
PRE_KEYS = ["C", "A", "D", "B"]
POST_KEYS = ["B", "D", "A", "C"]
# learner -> answer cell source per item; None: that cell holds code, not data (unreadable)
PRE_ANSWERS = {
    "asn-a": ["C", "A", "D", "B"],    # 1 1 1 1
    "asn-b": ["C", "A", "D", "A"],    # 1 1 1 0
    "asn-c": ["C", "A", "B", ""],     # 1 1 0 0  (item 4 left empty)
    "asn-d": ["C", "B", "A", "B"],    # 1 0 0 1
    "asn-e": ["D", None, "D", "x"],   # 0 0 1 0  (item 2 is code; item 4 no option)
}
POST_ANSWERS = {
    "asn-a": ["B", "D", "A", "C"],    # 1 1 1 1
    "asn-b": ["B", "D", "A", "C"],    # 1 1 1 1
    "asn-c": ["B", "D", "A", "A"],    # 1 1 1 0
    "asn-d": ["B", "A", "A", "C"],    # 1 0 1 1
    "asn-e": ["A", "D", "B", "A"],    # 0 1 0 0
}
PENDING = "asn-f"  # pre-test submitted, one item still needs a manual grade
PAIRS_TABLE = """# Butir paralel kursus-uji

| Tujuan pembelajaran | Butir pre-test | Butir post-test |
|---|---|---|
| Mengenali mendengar aktif | Soal 1 (`tes_jawaban_1`) | `tes_jawaban_2` |
| Memparafrasekan keluhan | Soal 2 | Soal 1 |
| Bertanya untuk klarifikasi | tes_jawaban_3 | tes_jawaban_4 |
| Menyampaikan kabar buruk | 4 | 3 |
"""
OPTIONS = {"A": "Pilihan pertama yang masuk akal", "B": "Pilihan kedua yang masuk akal",
           "C": "Pilihan ketiga yang masuk akal", "D": "Pilihan keempat yang masuk akal"}


def _cell(kind: str, grade_id: str, source: str, **flags) -> dict:
    meta = {"grade": False, "grade_id": grade_id, "locked": True, "schema_version": 3,
            "solution": False}
    meta.update(flags)
    cell = {"cell_type": kind, "metadata": {"nbgrader": meta}, "source": source}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def notebook(answers: list[str | None]) -> dict:
    """A test notebook: ``answers`` are the answer cells' letters (source: the keys inside a
    solution region; a learner: plain ``jawaban_N = "X"``, None for a line of code)."""
    cells = [_cell("markdown", "petunjuk", "# Tes")]
    for n, answer in enumerate(answers, 1):
        lines = [f"### Soal {n}", "", "Pertanyaan?", ""] + [f"- **{x}.** {t}" for x, t in OPTIONS.items()]
        cells.append(_cell("markdown", f"soal_{n}", "\n".join(lines)))
        if answer is None:
            source = f"jawaban_{n} = chr(67)"
        elif answer.startswith("key:"):
            source = (f'jawaban_{n} = ""  # tulis A, B, C, atau D\n### BEGIN SOLUTION\n'
                      f'jawaban_{n} = "{answer[4:]}"\n### END SOLUTION')
        else:
            source = f'jawaban_{n} = "{answer}"  # tulis A, B, C, atau D'
        cells.append(_cell("code", f"jawaban_{n}", source, solution=True, locked=False))
        cells.append(_cell("code", f"tes_jawaban_{n}",
                           f'assert jawaban_{n}.strip().upper() in ("A", "B", "C", "D")',
                           grade=True, points=1))
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _write(path: Path, nb: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


def _score(answer: str | None, key: str) -> float:
    return 1.0 if answer is not None and answer.strip().upper() == key else 0.0


def build_course(root: Path) -> Path:
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    course = root / COURSE
    forms = {"pre-test": (PRE_KEYS, PRE_ANSWERS), "post-test": (POST_KEYS, POST_ANSWERS)}
    for name, (keys, _) in forms.items():
        source = course / "source" / name
        _write(source / f"{name}.ipynb", notebook([f"key:{k}" for k in keys]))
        kind = name.split("-")[0]
        entries = "".join(f"  tes_jawaban_{n}: {{code: M.03, level: 1}}\n" for n in range(1, 5))
        (source / "kompetensi.yaml").write_text(f"kind: {kind}\nitems:\n{entries}", encoding="utf-8")
    (course / "README-butir.md").write_text(PAIRS_TABLE, encoding="utf-8")
    # nbgrader's own add_submission makes SQLAlchemy warn (SAWarning, autoflush): not ours
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        warnings.simplefilter("ignore", SAWarning)
        for name, (keys, answers) in forms.items():
            gb.add_assignment(name)
            gb.add_notebook(name, name)
            for n in range(1, 5):
                gb.add_grade_cell(f"tes_jawaban_{n}", name, name, max_score=1.0, cell_type="code")
            learners = dict(answers)
            if name == "pre-test":
                learners[PENDING] = ["C", "A", "D", "B"]
            for learner, given in learners.items():
                try:
                    gb.find_student(learner)
                except MissingEntry:
                    gb.add_student(learner)
                gb.add_submission(name, learner)
                for n, (answer, key) in enumerate(zip(given, keys), 1):
                    grade = gb.find_grade(f"tes_jawaban_{n}", name, name, learner)
                    if learner == PENDING and n == 1:
                        grade.auto_score, grade.needs_manual_grade = None, True
                    else:
                        grade.auto_score, grade.needs_manual_grade = _score(answer, key), False
                gb.db.commit()
                stage = "submitted" if (learner, name) == ("asn-c", "pre-test") else "autograded"
                _write(course / stage / learner / name / f"{name}.ipynb", notebook(given))
    return course
