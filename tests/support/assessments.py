"""The nbgrader courses under assessments/ and checks shared by the unit tests (the
files themselves) and the component tests (what real nbgrader makes of them)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ASSESSMENTS = ROOT / "assessments"
COURSES = ("komunikasi-pelayanan", "manajemen-waktu", "penanganan-pengaduan", "e-government")
ASSIGNMENTS = ("pre-test", "post-test", "tugas-tertulis")
ALL = [(c, a) for c in COURSES for a in ASSIGNMENTS]
FULL_COURSE = "komunikasi-pelayanan"  # generated and validated for real



def _nb(course, assignment, root=ASSESSMENTS):
    return json.loads((root / course / "source" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))


def _meta(cell):
    return cell["metadata"].get("nbgrader", {})


def _source(cell):
    return "".join(cell["source"])


def _assert_release_clean(nb, assignment):
    text = json.dumps(nb)
    for marker in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "NotImplementedError", "YOUR ANSWER HERE", "YOUR CODE HERE"):
        assert marker not in text, marker
    for cell in nb["cells"]:
        meta = _meta(cell)
        if meta.get("solution") and cell["cell_type"] == "code":
            n = meta["grade_id"].removeprefix("jawaban_")
            assert _source(cell).strip() == f'jawaban_{n} = ""  # tulis A, B, C, atau D di antara tanda kutip'
        if meta.get("solution") and cell["cell_type"] == "markdown":
            assert _source(cell).startswith("Tulis jawaban Anda di sini")
