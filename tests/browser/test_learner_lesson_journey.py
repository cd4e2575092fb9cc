"""A learner's lesson in a real browser (issue 13, point 2): from Beranda, "Lanjutkan"
opens the lesson as an app (Voilà) that runs without a key press and shows no code; an
exercise answered there gives instant feedback and is recorded through the Voilà kernel's
own environment (KOMPETENSI_URL + the server's hub token), so Beranda's card shows it.
"Buka di JupyterLab" opens the same notebook in JupyterLab."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.test_login_journey import ARTEFACTS, log_in, screenshot
from tests.support.client import logged_in

pytestmark = pytest.mark.browser
MODULE = "komunikasi-pelayanan"
NOTEBOOK = "01-mendengar-aktif.ipynb"
SERVER_START = 180_000  # ms: the hub may start the learner's server first


def card_numbers(page) -> tuple[int, int]:
    """(lessons done, exercises answered) on the module's Beranda card."""
    text = page.locator(f"#modul-{MODULE}").inner_text()
    lessons = int(re.search(r"(\d+) dari \d+ pelajaran selesai", text).group(1))
    exercises = int(re.search(r"Latihan (\d+) / \d+", text).group(1))
    return lessons, exercises


def screenshot_path(name: str):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / name


def kernels(client, account) -> set[str]:
    r = client.get(f"/user/{account.username}/api/kernels")
    assert r.status_code == 200, r.text
    return {k["id"] for k in r.json()}


def wait_until(condition, seconds: float = 30) -> bool:
    """Poll ``condition`` until true or ``seconds`` passed (a wait, not a timing assert)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def open_beranda(page, hub, account):
    log_in(page, hub, account.username, account.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)


def test_lesson_opens_as_an_app_records_an_exercise_and_beranda_shows_it(page, hub):
    learner = hub.by_role("learner")[0]
    open_beranda(page, hub, learner)
    before = card_numbers(page)

    page.click(f"#lanjutkan-{MODULE}")
    page.wait_for_url(f"**/user/{learner.username}/voila/render/modul/{MODULE}/{NOTEBOOK}",
                      timeout=SERVER_START)
    assert page.locator("html").get_attribute("lang") == "id"
    exercise = page.locator(".belajar-latihan").first
    check = exercise.locator("button", has_text="Periksa")
    check.wait_for(state="visible", timeout=SERVER_START)  # no key press: it ran by itself
    assert check.is_enabled()
    assert page.title() == "Pelajaran 1 — Mendengar aktif di meja layanan"
    # no code anywhere: no editor, none of the lesson's Python source
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0
    body = page.locator("body").inner_text()
    assert "Pelajaran(" not in body and "from belajar" not in body
    assert not re.search(r"Executing|Running|Reading \d", body)
    assert page.locator("#buka-lab").inner_text() == "Buka di JupyterLab"
    assert page.locator("#buka-lab").get_attribute("href").endswith(
        f"/user/{learner.username}/lab/tree/modul/{MODULE}/{NOTEBOOK}")
    assert page.locator("#kembali-beranda").inner_text() == "← Beranda"
    client = logged_in(hub.url, learner)
    lesson_kernels = kernels(client, learner)
    assert len(lesson_kernels) == 1  # the one Voilà started for this page
    screenshot(page, "pelajaran-voila.png")
    assert_accessible(page, "pelajaran-voila")

    exercise.locator(".widget-radio-box label").first.click()  # the right answer (correct=0)
    assert exercise.locator("input[type=radio]").first.is_checked()
    check.click()
    feedback = exercise.locator("[role=status]")
    feedback.wait_for()
    assert "Tepat sekali!" in feedback.inner_text()
    exercise.screenshot(path=str(screenshot_path("pelajaran-voila-latihan.png")))

    done = page.locator("button", has_text="Tandai pelajaran selesai")
    done.click()
    recorded = page.get_by_text("Terima kasih! Pelajaran ini telah ditandai selesai.")
    recorded.wait_for()
    # delivered to the service by the Voilà kernel itself, not left in the outbox
    assert "Kemajuan Anda sudah tercatat." in page.locator("body").inner_text()
    page.locator("[role=status]", has_text="Terima kasih").screenshot(
        path=str(screenshot_path("pelajaran-voila-selesai.png")))

    page.click("#kembali-beranda")
    page.wait_for_url("**/services/kompetensi/")
    lessons, exercises = card_numbers(page)
    # one more exercise answered; the lesson counts as done only when all its exercises are
    assert exercises == before[1] + 1 and lessons == before[0]
    screenshot(page, "beranda-setelah-pelajaran.png")

    # leaving the page stopped the kernel Voilà started for it (its "beforeunload")
    assert wait_until(lambda: not kernels(client, learner) & lesson_kernels), \
        "the lesson's kernel still runs after the learner left the page"


def test_buka_di_jupyterlab_opens_the_same_lesson_in_jupyterlab(page, hub):
    learner = hub.by_role("learner")[1]
    open_beranda(page, hub, learner)
    card_link = page.locator(f"#lab-{MODULE}")
    assert card_link.inner_text() == "Buka di JupyterLab"

    page.click(f"#lanjutkan-{MODULE}")
    page.wait_for_url(f"**/voila/render/modul/{MODULE}/{NOTEBOOK}", timeout=SERVER_START)
    page.locator("#buka-lab").click()
    page.wait_for_url(f"**/user/{learner.username}/lab/tree/modul/{MODULE}/{NOTEBOOK}",
                      timeout=SERVER_START)
    page.locator(".lm-TabBar-tabLabel", has_text=NOTEBOOK).first.wait_for()
    # the notebook itself, code included, for those who want it
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    assert page.locator(".jp-Notebook .jp-Cell").count() > 1
