"""autograde(): same scores as stock nbgrader, and every bad submission is handled."""

import os
import subprocess
import sys
import shutil

import nbformat
import pytest

from benchmarks import ag_course as C
from grading.autograde import autograde
from grading.sandbox import SandboxError

WRONG_SCORE = 1.5   # problem1 with the WRONG answers: one squares test + one sum test
RIGHT_SCORE = 3.0   # all autograded tests of problem1 pass (the rest is manually graded)


def by_student(results):
    return {r.student: r for r in results}


def test_scores_equal_stock_autograde(course, sandbox_user):
    for i in range(5):
        C.submit(course, f"peserta{i}", answers=C.mixed_answers(i))
    C.submit(course, "peserta_benar", answers=C.RIGHT)
    stock = os.path.join(os.path.dirname(course), "stock")
    shutil.copytree(course, stock, symlinks=True)
    proc = C.stock_autograde(stock)
    assert proc.returncode == 0, proc.stderr[-2000:]

    # through the command line, exactly as a trainer runs it
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cli = subprocess.run([sys.executable, "-m", "grading", "autograde", "ps1", "--course-dir", course,
                          "--sandbox-user", sandbox_user, "--workers", "2"],
                         cwd=repo, capture_output=True, text=True, timeout=600)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    rows = [line.split() for line in cli.stdout.splitlines()[2:] if line.strip()]
    results = {row[0]: row for row in rows}

    expected = C.scores(stock)
    assert len(expected) == 12
    assert C.scores(course) == expected
    assert {row[1] for row in rows} == {"graded"}
    assert float(results["peserta_benar"][2]) == RIGHT_SCORE
    assert len({v for k, v in expected.items() if k[1] == "problem1"}) > 1, "need a mix"
    # the autograded notebooks exist, like stock's
    for student in results:
        assert os.path.exists(os.path.join(course, "autograded", student, "ps1", "problem1.ipynb"))
        assert os.path.exists(os.path.join(course, "autograded", student, "ps1", "jupyter.png"))


def _replace_cell(path, grade_id, source=None, delete=False):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            if delete:
                del nb.cells[i]
            else:
                cell.source = source
            break
    nbformat.write(nb, path)


def _answers(squares):
    return dict(C.RIGHT, squares=squares)


def test_bad_submissions_are_graded_or_flagged(course, sandbox_user):
    p1 = "problem1.ipynb"
    source_nb = os.path.join(course, "source", "ps1", p1)
    gradebook = os.path.join(course, "gradebook.db")
    C.submit(course, "baik", answers=C.RIGHT)
    C.submit(course, "json_rusak",
             edit=lambda d: open(os.path.join(d, p1), "w").write("{ ini bukan json"))
    C.submit(course, "tes_diubah", answers=C.WRONG, edit=lambda d: _replace_cell(
        os.path.join(d, p1), "correct_squares", "assert True"))
    C.submit(course, "tes_dihapus", answers=C.RIGHT, edit=lambda d: _replace_cell(
        os.path.join(d, p1), "correct_squares", delete=True))
    C.submit(course, "loop", answers=_answers(
        C.RIGHT["squares"] + "\nwhile True:\n    pass"))
    C.submit(course, "keras_kepala", answers=_answers(
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"))
    C.submit(course, "banjir", answers=_answers(
        C.RIGHT["squares"] + "\nfor i in range(200000):\n    print('x' * 100)"))
    C.submit(course, "exit", answers=_answers("import os\nos._exit(1)"))
    C.submit(course, "segfault", answers=_answers("import ctypes\nctypes.string_at(0)"))
    peek = (f"seen = []\nfor p in [{source_nb!r}, {gradebook!r}]:\n"
            "    try:\n        open(p, 'rb').read()\n        seen.append('TERBACA ' + p)\n"
            "    except PermissionError:\n        seen.append('DITOLAK ' + p)\n"
            f"print(seen)\nopen({source_nb!r})\n")
    C.submit(course, "pengintip", answers=_answers(peek + C.RIGHT["squares"]))
    C.submit(course, "penulis", answers=_answers(
        "open('hasil.txt', 'w').write('ok')\n"
        f"open({os.path.join(course, 'autograded', 'x.txt')!r}, 'w').write('x')\n"
        + C.RIGHT["squares"]))

    def links(d):
        os.remove(os.path.join(d, p1))
        os.symlink(source_nb, os.path.join(d, p1))  # "submit" the instructor's solution
        os.symlink(gradebook, os.path.join(d, "data.db"))
    C.submit(course, "tautan", edit=links)

    results = by_student(autograde(course, "ps1", sandbox_user=sandbox_user, workers=2,
                                   cell_timeout=2, output_limit=20_000))
    scores = C.scores(course)

    assert results["baik"].status == "graded" and results["baik"].score == RIGHT_SCORE

    r = results["json_rusak"]
    assert r.status == "flagged" and "notebook rusak" in r.reason and r.score == 0
    assert scores[("json_rusak", "problem1")] == (0, 10.0)

    r = results["tes_diubah"]
    assert r.status == "flagged" and "sel tes diubah: 'correct_squares'" in r.reason
    assert r.score == WRONG_SCORE  # the original test was restored and run

    r = results["tes_dihapus"]
    assert r.status == "flagged" and "sel tes dihapus: 'correct_squares'" in r.reason
    assert r.score == scores[("tes_dihapus", "problem1")][0] < RIGHT_SCORE

    r = results["loop"]
    assert r.status == "flagged"
    assert "waktu habis (timeout 2 s) di sel 'squares'" in r.reason
    assert r.score == RIGHT_SCORE  # squares was defined before the loop; later cells still ran

    r = results["keras_kepala"]
    assert r.status == "flagged" and "tidak dapat diinterupsi" in r.reason and r.score == 0

    r = results["banjir"]
    assert r.status == "flagged" and "keluaran" in r.reason and r.score == RIGHT_SCORE
    banjir = nbformat.read(os.path.join(course, "autograded", "banjir", "ps1", p1), 4)
    text = "".join(o.get("text", "") for c in banjir.cells if c.cell_type == "code"
                   for o in c.outputs)
    assert len(text) < 25_000 and "keluaran dipotong" in text

    for name, what in [("exit", "keluar dengan kode 1"), ("segfault", "SIGSEGV")]:
        r = results[name]
        assert r.status == "flagged" and "kernel/proses mati di sel 'squares'" in r.reason, r
        assert what in r.reason and r.score == 0

    r = results["pengintip"]
    assert r.status == "graded" and r.score == 0  # graded; its tests simply fail
    peeked = nbformat.read(os.path.join(course, "autograded", "pengintip", "ps1", p1), 4)
    outputs = [o for c in peeked.cells if c.cell_type == "code" for o in c.outputs]
    printed = "".join(o.get("text", "") for o in outputs)
    assert f"DITOLAK {source_nb}" in printed and f"DITOLAK {gradebook}" in printed
    assert "TERBACA" not in printed
    errors = [o for o in outputs if o.output_type == "error"]
    assert errors[0].ename == "PermissionError" and source_nb in errors[0].evalue

    r = results["penulis"]
    assert r.score == 0 and not os.path.exists(os.path.join(course, "autograded", "x.txt"))
    assert not os.path.exists(os.path.join(course, "autograded", "penulis", "ps1", "hasil.txt"))

    r = results["tautan"]
    assert r.status == "flagged" and "tautan simbolik" in r.reason and r.score == 0
    assert not os.path.exists(os.path.join(course, "autograded", "tautan", "ps1", "data.db"))

    assert set(results) == {s for s, _ in scores}  # every submission reached the gradebook


def test_rerun_skips_done_and_resumes(course, sandbox_user):
    for i in range(3):
        C.submit(course, f"p{i}", answers=C.mixed_answers(i))
    first = by_student(autograde(course, "ps1", sandbox_user=sandbox_user))
    # a run killed before p1 was moved into place leaves no autograded folder for it
    shutil.rmtree(os.path.join(course, "autograded", "p1"))
    with open(os.path.join(course, "submitted", "p2", "ps1", "timestamp.txt"), "w") as f:
        f.write("2026-11-02 10:00:00 UTC")  # resubmitted later: regraded
    again = by_student(autograde(course, "ps1", sandbox_user=sandbox_user))
    assert again["p0"].status == "skipped"
    assert again["p1"].status == "graded" and again["p1"].score == first["p1"].score
    assert again["p2"].status == "graded"
    forced = autograde(course, "ps1", sandbox_user=sandbox_user, force=True, students=["p0"])
    assert [(r.student, r.status) for r in forced] == [("p0", "graded")]


def test_refuses_course_dir_open_to_sandbox_user(course, sandbox_user):
    C.submit(course, "p0", answers=C.RIGHT)
    os.chmod(course, 0o755)
    with pytest.raises(SandboxError, match="chmod o-rwx"):
        autograde(course, "ps1", sandbox_user=sandbox_user)
    assert not os.path.exists(os.path.join(course, "autograded", "p0"))


def test_refuses_root_without_sandbox_user(course):
    if os.getuid() != 0:
        pytest.skip("only meaningful as root")
    with pytest.raises(SandboxError, match="sandbox_user wajib"):
        autograde(course, "ps1")


def test_progress_is_reported(course, sandbox_user):
    C.submit(course, "p0", answers=C.RIGHT)
    C.submit(course, "p1", answers=C.WRONG)
    calls = []
    autograde(course, "ps1", sandbox_user=sandbox_user, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2)]
