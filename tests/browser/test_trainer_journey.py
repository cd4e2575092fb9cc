"""The trainer's journey in a real browser (issue 13, point 6): log in → Beranda → the
course's trainer page → Rilis → a learner fetches and submits (from their own server,
without the browser) → Kumpulkan → Nilai otomatis → the result table shows the learner's
score → the written answer is graded in the formgrader → Sinkronkan ke SDM → HR opens the
learner's employee page and reads the level."""

from __future__ import annotations

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.test_login_journey import log_in, screenshot
from tests.support.trainer_course import (ASSIGNMENT, COURSE, hub_with_course, learner_submits,
                                          token_client, wait_for_service)

pytestmark = pytest.mark.browser
PAGE = f"/services/penilaian/{COURSE}/"
FORMGRADER = f"/services/{COURSE}/formgrader/api"


@pytest.fixture(scope="module")
def hub():
    with hub_with_course("bt") as hub:
        yield hub


def press(page, action: str, timeout: float = 300_000) -> str:
    """Press the button of ``action`` for the task; wait until the job is over (the page
    polls and reloads itself); return the job's result text."""
    page.click(f"#{action}-{ASSIGNMENT}")
    page.wait_for_selector("#status-pekerjaan.done, #status-pekerjaan.failed", timeout=timeout)
    status = page.locator("#status-pekerjaan")
    result = page.locator("#hasil-pekerjaan").inner_text()
    assert "done" in status.get_attribute("class"), (action, result,
                                                     page.locator("#kemajuan").inner_text())
    assert status.inner_text() == "selesai"
    return result


def grade_written_answer(trainer, student: str, points: float) -> None:
    """The trainer's manual grade of the written item, through the formgrader's API."""
    notebooks = trainer.get(f"{FORMGRADER}/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}").json()
    submission = next(n for n in notebooks if n["student"] == student)
    grades = trainer.get(f"{FORMGRADER}/grades", params={"submission_id": submission["id"]}).json()
    written = next(g for g in grades if g["name"] == "tulisan_1")
    r = trainer.put(f"{FORMGRADER}/grade/{written['id']}", json={"manual_score": points})
    assert r.status_code == 200, r.text


def test_trainer_releases_grades_and_hr_sees_the_level(page, hub, browser):
    trainer_acct, learner, hr = (hub.by_role(r)[0] for r in ("trainer", "learner", "hr"))
    trainer_api = token_client(hub, trainer_acct)
    wait_for_service(trainer_api, PAGE)
    wait_for_service(trainer_api, f"/services/{COURSE}/formgrader")

    log_in(page, hub, trainer_acct.username, trainer_acct.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)  # Beranda
    page.click(f"#pelatih-{COURSE}")  # Beranda's link to the course's trainer page
    page.wait_for_url(f"**{PAGE}")
    assert page.locator("h1").inner_text() == f"Penilaian — {COURSE}"
    assert page.locator(f"#dirilis-{ASSIGNMENT}").inner_text() == "belum"
    assert "Belum ada kiriman" in page.locator("#hasil-kosong").inner_text()

    assert "dirilis" in press(page, "rilis")
    assert page.locator(f"#dirilis-{ASSIGNMENT}").inner_text() == "ya"

    learner_submits(token_client(hub, learner), learner.username, "B")  # the right answer
    page.goto(hub.url + PAGE)
    assert page.locator(f"#masuk-{ASSIGNMENT}").inner_text() == "1"
    assert press(page, "kumpulkan").startswith("1 kiriman terkumpul")
    assert page.locator(f"#terkumpul-{ASSIGNMENT}").inner_text() == "1"

    result = press(page, "nilai-otomatis")
    assert "1 kiriman dinilai otomatis" in result and "1 menunggu penilaian manual" in result
    row = page.locator(f"#peserta-{learner.username}")
    cells = row.locator("td")
    assert cells.nth(1).inner_text() == learner.username  # the NIP
    assert cells.nth(2).inner_text() not in ("", "–")  # the name from the roster
    assert cells.nth(3).inner_text().endswith("WIT")
    assert cells.nth(4).inner_text() == "1 / 5"  # the test item right, the essay not graded yet
    assert cells.nth(5).inner_text() == "perlu dinilai manual"
    assert page.locator("#nilai-manual").get_attribute("href").endswith(
        f"/services/{COURSE}/formgrader/gradebook/{ASSIGNMENT}")
    assert page.locator(f"#analisis-{ASSIGNMENT}").count() == 1
    screenshot(page, "pelatih-setelah-nilai-otomatis.png")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "pelatih-setelah-nilai-otomatis-ponsel.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page, "pelatih-kursus")

    grade_written_answer(trainer_api, learner.username, 4)
    assert press(page, "sinkronkan").startswith("Nilai 1 peserta tersinkron ke SDM")
    assert cells.nth(4).inner_text() == "5 / 5"
    assert cells.nth(5).inner_text() == "dinilai"
    assert page.locator(f"#sinkron-{ASSIGNMENT}").inner_text() == "1"

    context = browser.new_context(locale="id-ID")
    hr_page = context.new_page()
    try:
        log_in(hr_page, hub, hr.username, hr.password)
        hr_page.wait_for_url("**/services/kompetensi/", timeout=120_000)
        hr_page.goto(f"{hub.url}/services/kompetensi/hr/pegawai/{learner.username}")
        m03 = hr_page.locator("table.level tr", has_text="M.03")
        assert m03.locator("td").nth(2).inner_text() == "2"  # level 2 of M.03, both items right
        screenshot(hr_page, "hr-pegawai-setelah-sinkron.png")
    finally:
        context.close()
