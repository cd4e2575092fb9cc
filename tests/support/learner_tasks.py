"""The trainer's side of an assessment on a real hub, as tests/integration/
test_assessment_flow.py does it (formgrader API, the grading service), for the tests of
the learner's assessment pages (``belajar.tugas``): put people in courses through the
roster, release, then collect, autograde, grade, release feedback and sync."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.support.client import HubSession, TokenClient
from tests.support.hub import REPO

FIXTURE_COURSE = REPO / "tests/fixtures/assessments/kursus-uji"


def assessments_dir(root: Path, courses: list[str]) -> Path:
    """An ``assessments/`` folder with the fixture course under each name in ``courses``."""
    root.mkdir(parents=True, exist_ok=True)
    for course in courses:
        shutil.copytree(FIXTURE_COURSE, root / course)
    root.chmod(0o755)
    return root


def set_courses(hub, tmp_path: Path, courses: dict[str, str]) -> None:
    """Re-import the demo roster with ``courses`` ({username: "a;b"}) in the kursus column;
    the groups follow at each person's next log-in."""
    from asnhub.demo import demo_csv

    rows = list(csv.DictReader(io.StringIO(demo_csv())))
    for row in rows:
        if row["nip"] in courses:
            row["kursus"] = courses[row["nip"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    roster = tmp_path / "roster.csv"
    roster.write_text(out.getvalue())
    r = subprocess.run([sys.executable, "-m", "asnhub", "--settings", str(hub.settings_file),
                        "roster", "import", str(roster)], check=False, cwd=REPO,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def logged_in_token(hub, account) -> TokenClient:
    """A token of ``account`` after a fresh log-in (which refreshes its groups)."""
    session = HubSession(hub.url)
    assert session.login(account.username, account.password)
    return TokenClient(hub.url, session.new_token(account.username))


def wait_for_service(client, path: str, timeout: float = 90) -> None:
    """Hub-managed services start in the background; the proxy answers 503 until then."""
    deadline = time.monotonic() + timeout
    while client.get(path).status_code in (502, 503) and time.monotonic() < deadline:
        time.sleep(1)


def ok(response) -> dict:
    assert response.status_code == 200, response.text[-2000:]
    body = response.json()
    assert body.get("success"), str(body)[-2500:]
    return body


def formgrader(course: str) -> str:
    return f"/services/{course}/formgrader/api"


def release(trainer: TokenClient, course: str, assignment: str) -> None:
    wait_for_service(trainer, f"/services/{course}/formgrader")
    ok(trainer.post(f"{formgrader(course)}/assignment/{assignment}/assign"))
    ok(trainer.post(f"{formgrader(course)}/assignment/{assignment}/release"))


def grade_and_release_feedback(trainer: TokenClient, course: str, assignment: str,
                               manual: dict[str, float]) -> None:
    """Collect, autograde (grading service, sandboxed), give the written answers'
    ``manual`` scores ({grade_id: points}) to every submission, generate and release the
    feedback, then sync the scores to the platform."""
    api = formgrader(course)
    ok(trainer.post(f"{api}/assignment/{assignment}/collect"))
    grading = f"/services/penilaian/api/{course}/{assignment}"
    wait_for_service(trainer, f"{grading}/autograde")
    ok(trainer.post(f"{grading}/autograde", timeout=300))
    notebooks = trainer.get(f"{api}/submitted_notebooks/{assignment}/{assignment}").json()
    for notebook in notebooks:
        grades = trainer.get(f"{api}/grades", params={"submission_id": notebook["id"]}).json()
        for grade in grades:
            if grade["name"] in manual:
                r = trainer.put(f"{api}/grade/{grade['id']}",
                                json={"manual_score": manual[grade["name"]]})
                assert r.status_code == 200, r.text
    ok(trainer.post(f"{api}/assignment/{assignment}/generate_feedback"))
    ok(trainer.post(f"{api}/assignment/{assignment}/release_feedback"))
    ok(trainer.post(f"{grading}/sync", timeout=120))
