"""`python -m grading` on nbgrader's own quickstart course: release, collect (all attempts
kept), status, feedback without hidden tests. Autograde here is stock nbgrader's, so this
test checks our commands around it independently of our autograde engine."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NBGRADER = str(Path(sys.executable).parent / "nbgrader")
HIDDEN = "### BEGIN HIDDEN TESTS\nassert squares(3) == [1, 4, 9]\n### END HIDDEN TESTS\n"


def grading(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    repo = Path(__file__).resolve().parents[2]
    return subprocess.run([sys.executable, "-m", "grading", *args], cwd=repo,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("qs")
    subprocess.run([NBGRADER, "quickstart", "course101"], cwd=root, check=True, capture_output=True)
    course = root / "course101"
    # give one test cell hidden tests, as our assessments have
    nb_path = course / "source/ps1/problem1.ipynb"
    nb = json.loads(nb_path.read_text())
    test_cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")
                     and not c["metadata"]["nbgrader"].get("solution"))
    test_cell["source"] = "".join(test_cell["source"]) + "\n" + HIDDEN
    nb_path.write_text(json.dumps(nb))
    return course, root / "exchange"


def submit(course: Path, exchange: Path, student: str, stamp: str, solved: bool) -> None:
    """What `nbgrader submit` leaves in the inbound folder."""
    folder = "source" if solved else "release"
    target = exchange / "course101/inbound" / f"{student}+ps1+{stamp}+r{len(stamp)}"
    shutil.copytree(course / folder / "ps1", target)
    (target / "timestamp.txt").write_text(stamp)
    (target / "submission_secret.txt").write_text(f"secret-{student}-{len(stamp)}")


def test_release_collect_status_feedback(course):
    course_dir, exchange = course
    common = ["--course-dir", str(course_dir), "--exchange", str(exchange)]
    gen = grading("generate", "ps1", *common, cwd=course_dir)
    assert gen.returncode == 0, gen.stderr
    released = (course_dir / "release/ps1/problem1.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" not in released and "[1, 4, 9]" not in released

    exchange.mkdir(exist_ok=True)
    (exchange / "course101/inbound").mkdir(parents=True, exist_ok=True)
    rel = grading("release", "ps1", *common, cwd=course_dir)
    assert rel.returncode == 0, rel.stderr
    assert (exchange / "course101/outbound/ps1/problem1.ipynb").exists()

    submit(course_dir, exchange, "alice", "2026-11-20 10:00:00.000000 UTC", solved=False)
    submit(course_dir, exchange, "alice", "2026-11-21 10:00:00.000000 UTC", solved=True)
    submit(course_dir, exchange, "bob", "2026-11-20 11:00:00.000000 UTC", solved=True)
    col = grading("collect", "ps1", *common, "--counts", "first", cwd=course_dir)
    assert col.returncode == 0, col.stderr
    assert "3 percobaan baru" in col.stdout
    assert len(list((course_dir / "attempts/alice/ps1").iterdir())) == 2
    # the first attempt counts: alice's unsolved one
    assert (course_dir / "submitted/alice/ps1/timestamp.txt").read_text().startswith("2026-11-20")
    again = grading("collect", "ps1", *common, "--counts", "first", cwd=course_dir)
    assert "0 percobaan baru" in again.stdout

    status = grading("status", "ps1", *common, cwd=course_dir)
    assert status.returncode == 0
    assert status.stdout.count("belum dinilai otomatis") == 2

    auto = subprocess.run([NBGRADER, "autograde", "ps1", "--force"], cwd=course_dir,
                          capture_output=True, text=True, timeout=300)
    assert auto.returncode == 0, auto.stderr
    status = grading("status", "ps1", *common, cwd=course_dir).stdout
    rows = {line.split()[0]: line for line in status.splitlines()[2:]}
    assert "perlu penilaian manual" in rows["alice"] and "perlu penilaian manual" in rows["bob"]

    from grading.gradebook import assignment_overview

    by_student = {r.student: r for r in assignment_overview(course_dir, "ps1")}
    assert by_student["bob"].score > by_student["alice"].score
    assert by_student["bob"].max_score == by_student["alice"].max_score > 0

    fb = grading("feedback", "ps1", *common, cwd=course_dir)
    assert fb.returncode == 0, fb.stderr
    html = (course_dir / "feedback/bob/ps1/problem1.html").read_text()
    assert "squares(3)" not in html and "BEGIN HIDDEN TESTS" not in html
    assert (exchange / "course101/feedback").exists()

    # what the learner reads (belajar.tugas serves it): nbgrader's labels in Indonesian
    from belajar.feedback_text import indonesian

    shown = indonesian(html)
    for english in ("Student's answer", "Test cell", "Score:", "(Top)", "In\xa0[", "Grade cell:"):
        assert english in html, english  # the template still writes it: the map is current
        assert english not in shown, english
    for indonesian_label in ("Jawaban Anda", "Pemeriksaan otomatis", "Nilai:", "(ke atas)"):
        assert indonesian_label in shown, indonesian_label


def test_missing_course_dir_is_a_clear_error(tmp_path):
    r = grading("status", "ps1", "--course-dir", str(tmp_path / "nope"), cwd=tmp_path)
    assert r.returncode == 2 and "direktori kursus tidak ada" in r.stderr
