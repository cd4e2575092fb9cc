"""Issue 4 end to end on the real hub, as real Unix users: a trainer releases through the
course's formgrader, two learners fetch, answer and submit from their own servers, the
trainer collects; autograde runs sandboxed (`python -m grading`, the formgrader's own
autograde is refused); the trainer grades the written task and releases feedback through
the formgrader API; each learner sees only their own feedback; scores reach the
competency database."""

from __future__ import annotations

import pwd
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from asnhub.assessments import course_dir, grader_name
from tests.support.hub import REPO, running_hub
from tests.support.learner_tasks import set_courses

pytestmark = pytest.mark.integration

COURSE, ASSIGNMENT = "kursus-uji", "tugas"
API = f"/services/{COURSE}/formgrader/api"


@pytest.fixture(scope="module")
def hub():
    fixtures = str(REPO / "tests/fixtures/assessments")
    with running_hub("as", {"assessments": {"dir": fixtures}}) as hub:
        yield hub


def run_as(user: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True)


def wait_for_service(client, path: str, timeout: float = 90) -> None:
    """Hub-managed services start in the background; the proxy answers 503 until then."""
    import time

    deadline = time.monotonic() + timeout
    while client.get(path).status_code in (502, 503) and time.monotonic() < deadline:
        time.sleep(1)


def ok(response) -> dict:
    body = response.json()
    assert body.get("success"), body.get("error", body)[-2500:] if isinstance(body.get("error"), str) else body
    return body


def answer(client, learner, letter: str) -> None:
    path = f"/user/{learner}/api/contents/{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    model = client.get(path).json()
    cells = model["content"]["cells"]
    by_id = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in cells}
    by_id["jawaban_1"]["source"] = f'jawaban_1 = "{letter}"'
    by_id["tulisan_1"]["source"] = f"Mohon maaf atas keterlambatan, Bapak/Ibu ({learner})."
    r = client.put(path, json={"type": "notebook", "format": "json", "content": model["content"]})
    assert r.status_code == 200, r.text


def test_formgrader_opens_for_course_trainer_only(hub, token_for):
    trainer = hub.by_role("trainer")[0]
    # the demo trainer teaches assessments/ courses, not this fixture course
    wait_for_service(token_for(trainer), f"/services/{COURSE}/formgrader")
    r = token_for(trainer).get(f"/services/{COURSE}/formgrader")
    assert r.status_code == 403
    learner = hub.by_role("learner")[0]
    assert token_for(learner).get(f"{API}/assignments").status_code == 403


def test_full_assessment_flow(hub, token_for, tmp_path):
    settings = hub.settings
    # make the demo trainer staff of the fixture course through the roster, as an admin would
    trainer_acct = hub.by_role("trainer")[0]
    set_courses(hub, tmp_path, {trainer_acct.username: COURSE})
    from tests.support.client import HubSession, TokenClient

    session = HubSession(hub.url)
    assert session.login(trainer_acct.username, trainer_acct.password)  # groups refresh on log-in
    trainer = TokenClient(hub.url, session.new_token(trainer_acct.username))

    wait_for_service(trainer, f"/services/{COURSE}/formgrader")
    wait_for_service(trainer, f"/services/penilaian/api/{COURSE}/{ASSIGNMENT}/autograde")
    page = trainer.get(f"/services/{COURSE}/formgrader")
    assert page.status_code == 200, hub.log()[-4000:]
    assert page.headers["Content-Security-Policy"].startswith("frame-ancestors 'self'")

    ok(trainer.post(f"{API}/assignment/{ASSIGNMENT}/assign"))
    ok(trainer.post(f"{API}/assignment/{ASSIGNMENT}/release"))

    right, wrong = hub.by_role("learner")[:2]
    for learner, letter in ((right, "B"), (wrong, "A")):
        client = token_for(learner)
        client.start_server(learner.username)
        base = f"/user/{learner.username}/assignments"
        listed = client.get(base, params={"course_id": COURSE}).json()
        assert listed["success"], listed
        fetched = client.post(f"{base}/fetch", data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert fetched.json()["success"], fetched.text
        answer(client, learner.username, letter)
        submitted = client.post(f"{base}/submit", data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert submitted.json()["success"], submitted.text

    # the exchange is locked: learners cannot list inbound nor read another's submission
    exchange = Path(settings["assessments"]["exchange_dir"]) / COURSE
    me = hub.unix_name(wrong.username)
    assert run_as(me, "ls", str(exchange / "inbound")).returncode != 0
    theirs = next((exchange / "inbound").glob(f"{right.username}+{ASSIGNMENT}+*"))
    assert run_as(me, "cat", str(theirs / f"{ASSIGNMENT}.ipynb")).returncode != 0
    assert run_as(me, "ls", str(course_dir(settings, COURSE))).returncode != 0

    # a second attempt is kept too; a submission forged in another learner's name is refused
    client = token_for(right)
    ok(client.post(f"/user/{right.username}/assignments/submit",
                   data={"course_id": COURSE, "assignment_id": ASSIGNMENT}))
    forged = exchange / "inbound" / f"{right.username}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+palsu"
    assert run_as(me, "mkdir", str(forged)).returncode == 0
    home = Path(pwd.getpwnam(me).pw_dir)
    assert run_as(me, "cp", str(home / COURSE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), str(forged)).returncode == 0
    run_as(me, "sh", "-c", f"echo '2099-01-01 00:00:00.000000 UTC' > '{forged}/timestamp.txt'")

    ok(trainer.post(f"{API}/assignment/{ASSIGNMENT}/collect"))
    cdir = course_dir(settings, COURSE)
    assert len(list((cdir / "attempts" / right.username / ASSIGNMENT).iterdir())) == 2
    stamp = (cdir / "submitted" / right.username / ASSIGNMENT / "timestamp.txt").read_text()
    assert not stamp.startswith("2099"), "a forged submission was collected"
    # the formgrader's autograde would run learners' code as the grader: refused
    refused = trainer.post(f"{API}/submission/{ASSIGNMENT}/{right.username}/autograde").json()
    assert not refused["success"]
    assert "dimatikan" in (refused.get("log") or "") + (refused.get("error") or "")
    # the trainer autogrades through the grading service: sandboxed, this course only
    grading_api = f"/services/penilaian/api/{COURSE}/{ASSIGNMENT}/autograde"
    assert token_for(wrong).post(grading_api).status_code == 403
    result = trainer.post(grading_api, timeout=300)
    assert result.status_code == 200 and result.json()["success"], result.text
    assert right.username in result.json()["summary"]
    owner = cdir.stat().st_uid
    assert all(p.lstat().st_uid == owner for p in cdir.rglob("*")), "root-owned files left"

    notebooks = trainer.get(f"{API}/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}").json()
    by_student = {n["student"]: n for n in notebooks}
    for learner, expected_auto in ((right, 1.0), (wrong, 0.0)):
        grades = trainer.get(f"{API}/grades", params={"submission_id": by_student[learner.username]["id"]}).json()
        named = {g["name"]: g for g in grades}
        assert named["tes_jawaban_1"]["auto_score"] == expected_auto
        r = trainer.put(f"{API}/grade/{named['tulisan_1']['id']}", json={"manual_score": 3})
        assert r.status_code == 200, r.text

    ok(trainer.post(f"{API}/assignment/{ASSIGNMENT}/generate_feedback"))
    ok(trainer.post(f"{API}/assignment/{ASSIGNMENT}/release_feedback"))
    assert run_as(me, "ls", str(exchange / "feedback")).returncode != 0

    for learner in (right, wrong):
        client = token_for(learner)
        base = f"/user/{learner.username}/assignments"
        fb = client.post(f"{base}/fetch_feedback", data={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        assert fb.json()["success"], fb.text
        out = client.execute(learner.username,
                             f"import glob; print(open(glob.glob('{COURSE}/{ASSIGNMENT}/feedback/*/{ASSIGNMENT}.html')[0]).read())")
        html = out["stdout"]
        assert f"({learner.username})" in html, "feedback is not the learner's own"
        other = wrong if learner is right else right
        assert f"({other.username})" not in html
        assert "BEGIN HIDDEN TESTS" not in html and '== "B"' not in html

    # the trainer sends the hand-graded scores to the competency database (autograde
    # already synced the automatic ones); learners cannot
    sync_api = f"/services/penilaian/api/{COURSE}/{ASSIGNMENT}/sync"
    assert token_for(wrong).post(sync_api).status_code == 403
    assert result.json()["synced"], result.json()["sync_error"]
    synced = trainer.post(sync_api, timeout=120)
    assert synced.status_code == 200 and synced.json()["success"], synced.text
    assert all(p.lstat().st_uid == owner for p in cdir.rglob("*")), "root-owned files left"
    url = settings_platform_url(hub)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        rows = db.execute("select username, grade_id, competency, level, score from item_scores").fetchall()
    assert (right.username, "tes_jawaban_1", "M.03", 2, 1.0) in rows
    assert (wrong.username, "tes_jawaban_1", "M.03", 2, 0.0) in rows
    assert (wrong.username, "tulisan_1", "M.05", 3, 3.0) in rows
    hr_reads_the_levels(hub, token_for, right, wrong, trainer)

    # regrading keeps the trainer's manual grades
    r = subprocess.run([sys.executable, "-m", "grading", "autograde", ASSIGNMENT, "--course-dir",
                        str(cdir), "--sandbox-user", f"{hub.prefix}sandbox", "--force"],
                       cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    for learner, expected_auto in ((right, 1.0), (wrong, 0.0)):
        grades = trainer.get(f"{API}/grades", params={"submission_id": by_student[learner.username]["id"]}).json()
        named = {g["name"]: g for g in grades}
        assert named["tes_jawaban_1"]["auto_score"] == expected_auto
        assert named["tulisan_1"]["manual_score"] == 3  # manual grading survives a regrade


def hr_reads_the_levels(hub, token_for, right, wrong, trainer) -> None:
    """HR downloads the XLSX through the competency service and it holds the learners'
    levels; learners and trainers are refused HR's API, a learner reads only their own."""
    import io

    import openpyxl

    service = "/services/kompetensi"
    hr = token_for(hub.by_role("hr")[0])
    download = hr.get(f"{service}/hr/unduh/laporan.xlsx")
    assert download.status_code == 200, download.text[:2000] + hub.log()[-3000:]
    assert "spreadsheetml" in download.headers["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.content))["Profil Kompetensi"]
    header, *rows = list(sheet.values)
    by_nip = {row[header.index("NIP")]: dict(zip(header, row)) for row in rows}
    # tes_jawaban_1 is a level-2 item of M.03; tulisan_1 (3 of 4 points) a level-3 item of M.05;
    # both are items of a task (kind "task"), each backing its level alone (reports.engine)
    assert by_nip[right.username]["M.03 indikasi level"] == 2
    assert by_nip[right.username]["M.03 butir"] == 1
    assert by_nip[wrong.username]["M.03 indikasi level"] == 0
    assert by_nip[wrong.username]["M.05 indikasi level"] == 3
    # demo roster: "wrong" is a Pengawas (requires level 2), so the gap is 0 - 2
    assert by_nip[wrong.username]["M.03 gap"] == -2

    profile = hr.get(f"{service}/api/hr/employees/{right.username}").json()
    assert {c["code"]: c["level"] for c in profile["competencies"]}["M.03"] == 2
    assert hr.get(f"{service}/api/hr/units").status_code == 200
    assert hr.get(f"{service}/api/hr/jp", params={"status": "belum"}).json()["count"] >= 2

    for intruder in (token_for(wrong), trainer):
        for path in (f"/api/hr/employees/{right.username}", "/api/hr/units", "/api/hr/jp",
                     "/hr/unduh/laporan.xlsx", "/hr", f"/hr/pegawai/{right.username}"):
            r = intruder.get(service + path, allow_redirects=False)
            assert r.status_code == 403, (path, r.status_code, r.text[:300])
    # HR reads but never grades: no formgrader, no autograde or sync of any course
    assert hr.get(f"{API}/assignments").status_code == 403
    assert hr.put(f"{API}/grade/1", json={"manual_score": 0}).status_code == 403
    for action in ("autograde", "sync"):
        assert hr.post(f"/services/penilaian/api/{COURSE}/{ASSIGNMENT}/{action}").status_code == 403
    mine = token_for(wrong).get(f"{service}/api/me/profile").json()
    assert mine["nip"] == wrong.username and {c["code"]: c["level"] for c in mine["competencies"]}["M.03"] == 0


def settings_platform_url(hub) -> str:
    return f"sqlite:///{Path(hub.settings['data_dir']) / 'kompetensi.sqlite'}"


def test_grader_is_not_a_login_user(hub):
    import pwd

    entry = pwd.getpwnam(grader_name(COURSE, hub.prefix))
    assert entry.pw_shell.endswith("nologin")
