"""The fixture course ``kursus-uji`` (tests/fixtures/assessments) on a real hub, with the
demo trainer as its staff, and a learner who fetches, answers and submits its task from
their own server (as tests/integration/test_assessment_flow.py does), for the trainer
page's real-hub tests (tests/security/test_trainer_page_hub.py, tests/browser/
test_trainer_journey.py)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from tests.support.client import TokenClient
from tests.support.hub import REPO, running_hub
from tests.support.learner_tasks import logged_in_token as token_client  # noqa: F401
from tests.support.learner_tasks import set_courses, wait_for_service  # noqa: F401

COURSE, ASSIGNMENT = "kursus-uji", "tugas"
FIXTURE = REPO / "tests/fixtures/assessments" / COURSE
# the fixture's task, mapped so that `grading generate` accepts it (descriptors; the
# written answer is a rubric criterion, which backs level 2 of M.03 with the test item)
MAPPING = """kind: task
items:
  tes_jawaban_1: {code: M.03, level: 2, descriptor: "Level 2 (parafrasa): menyampaikan informasi dengan jelas dan memastikan pemahaman."}
  tulisan_1: {code: M.03, level: 2, descriptor: "Level 2 (parafrasa): menyampaikan informasi dengan jelas dan memastikan pemahaman.", rubric: rubrik/tugas.md}
"""
QUESTION = ("**Soal 1.** Kanal mana yang paling tepat untuk mengumumkan jadwal layanan terbaru "
            "kepada warga?\n\n- **A.** Papan pengumuman di dalam ruang kerja kepala dinas\n"
            "- **B.** Situs web resmi\n- **C.** Grup percakapan pribadi pegawai yang tidak diikuti "
            "warga\n- **D.** Surat edaran internal antarbagian")
RUBRIC = "# Rubrik tugas\n\n| Kriteria | 0 | 2 | 4 |\n|---|---|---|---|\n| Permintaan maaf jelas | tidak ada | umum | tepat |\n"


def authored_assessments(root: Path) -> Path:
    """``root/assessments/kursus-uji``: the fixture course with :data:`MAPPING` and its
    rubric; returns the assessments folder (the hub's ``assessments.dir``)."""
    course = root / "assessments" / COURSE
    shutil.copytree(FIXTURE, course)
    (course / "source" / ASSIGNMENT / "kompetensi.yaml").write_text(MAPPING, encoding="utf-8")
    notebook = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    question = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "soal_1")
    question["source"] = QUESTION  # options one per line, as the cue check reads them
    notebook.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    (course / "rubrik").mkdir()
    (course / "rubrik" / "tugas.md").write_text(RUBRIC, encoding="utf-8")
    return root / "assessments"


@contextlib.contextmanager
def hub_with_course(tag: str):
    """A real hub whose only course is the fixture course, its trainer the demo trainer."""
    root = Path(tempfile.mkdtemp(prefix=f"asn-{tag}-kursus-"))
    os.chmod(root, 0o755)
    try:
        assessments = authored_assessments(root)
        with running_hub(tag, {"assessments": {"dir": str(assessments)}}) as hub:
            # the demo trainer teaches kursus-uji (a roster import, as an admin would);
            # their groups refresh at their next log-in
            set_courses(hub, root, {hub.by_role("trainer")[0].username: COURSE})
            yield hub
    finally:
        shutil.rmtree(root, ignore_errors=True)


def learner_submits(client: TokenClient, username: str, letter: str) -> None:
    """Fetch the released task on the learner's own server, answer item 1 with
    ``letter`` and the written item, submit."""
    client.start_server(username)
    base = f"/user/{username}/assignments"
    fetched = client.post(f"{base}/fetch", data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
    assert fetched.json()["success"], fetched.text
    path = f"/user/{username}/api/contents/{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    model = client.get(path).json()
    by_id = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in model["content"]["cells"]}
    by_id["jawaban_1"]["source"] = f'jawaban_1 = "{letter}"'
    by_id["tulisan_1"]["source"] = "Mohon maaf atas keterlambatan, Bapak/Ibu."
    r = client.put(path, json={"type": "notebook", "format": "json", "content": model["content"]})
    assert r.status_code == 200, r.text
    submitted = client.post(f"{base}/submit", data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
    assert submitted.json()["success"], submitted.text
