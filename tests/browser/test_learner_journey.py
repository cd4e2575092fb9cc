"""The learner's journey in a real browser (issue 13, point 6), one continuous session:
log in → Beranda → "Lanjutkan" opens the lesson as an app (Voilà: runs without a key
press, shows no code) → an exercise answered gives instant feedback and is recorded
through the Voilà kernel's own environment → Beranda's card shows it → the trainer
releases the pre-test → "Kerjakan" (the assignment is fetched and opens in JupyterLab) →
the answer is written → "Kirim jawaban", confirmed, "Terkirim pada … WIT" → Beranda says
"terkirim" → the trainer collects, autogrades, grades the written answer, releases
feedback and syncs (formgrader API and the grading service, as in
tests/integration/test_assessment_flow.py) → Beranda says "dinilai" with the score →
"Lihat umpan balik" shows her own feedback. Beranda is checked on a phone-sized screen.
"Buka di JupyterLab" opens the same lesson in JupyterLab (second test).
Screenshots and axe results: $ASN_TEST_ARTEFACTS."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.test_login_journey import ARTEFACTS, log_in, screenshot
from tests.support.client import logged_in
from tests.support.hub import REPO, running_hub
from tests.support.learner_tasks import (
    grade_and_release_feedback,
    logged_in_token,
    release,
    set_courses,
)

pytestmark = pytest.mark.browser
MODULE = "komunikasi-pelayanan"
NOTEBOOK = "01-mendengar-aktif.ipynb"
SERVER_START = 180_000  # ms: the hub may start the learner's server first
COURSE, ASSIGNMENT = "kursus-uji", "tugas"
ROW = f"#penilaian-{COURSE}-{ASSIGNMENT}"
OPEN = f"#buka-{COURSE}-{ASSIGNMENT}"


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


WRITE_ANSWER = """async ([contents, answer, letter]) => {
  const xsrf = decodeURIComponent((document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1] || "");
  const headers = {"Content-Type": "application/json", "X-XSRFToken": xsrf};
  const model = await (await fetch(contents, {headers})).json();
  for (const cell of model.content.cells) {
    const id = (cell.metadata.nbgrader || {}).grade_id;
    if (id === "jawaban_1") cell.source = `jawaban_1 = "${letter}"`;
    if (id === "tulisan_1") cell.source = answer;
  }
  const saved = await fetch(contents, {method: "PUT", headers,
    body: JSON.stringify({type: "notebook", format: "json", content: model.content})});
  return saved.status;
}"""


@pytest.fixture(scope="module")
def hub():
    with running_hub("lj", {"assessments": {"dir": str(REPO / "tests/fixtures/assessments")}}) as hub:
        yield hub


def row_text(page) -> str:
    return " ".join(page.locator(ROW).inner_text().split())


def lesson_part(page, hub, learner):
    """Beranda → "Lanjutkan" → the lesson as an app → one exercise → back on Beranda."""
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


def test_learner_journey_lesson_progress_assessment_feedback(page, hub, tmp_path):
    trainer_account = hub.by_role("trainer")[0]
    learner = hub.by_role("learner")[0]
    nip = learner.username
    # the trainer teaches the fixture course; learners with no course listed take them all
    set_courses(hub, tmp_path, {trainer_account.username: COURSE})
    trainer = logged_in_token(hub, trainer_account)
    release(trainer, COURSE, ASSIGNMENT)

    open_beranda(page, hub, learner)
    assert "belum dikerjakan" in row_text(page)  # released before she logged in
    page.set_viewport_size({"width": 390, "height": 844})  # Beranda on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "beranda-ponsel.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    lesson_part(page, hub, learner)

    assert "belum dikerjakan" in row_text(page)
    assert page.locator(OPEN).inner_text().startswith("Kerjakan")
    assert "Assignments" not in page.locator("#penilaian").inner_text()
    screenshot(page, "tugas-1-beranda-belum.png")

    page.click(OPEN)  # through the hub's spawn: her server is started first
    task_url = f"**/user/{nip}/belajar/tugas/{COURSE}/{ASSIGNMENT}"
    page.wait_for_url(task_url, timeout=180_000)
    assert page.locator("html").get_attribute("lang") == "id"
    assert "belum dikerjakan" in page.locator("#keadaan").inner_text()
    assert page.locator("#soal").inner_text() == "belum diambil"
    assert_accessible(page, "tugas-halaman")
    screenshot(page, "tugas-2-halaman.png")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "tugas-2-halaman-ponsel.png")
    page.set_viewport_size({"width": 1280, "height": 800})
    here = page.url

    page.click("#kerjakan")
    page.wait_for_url(f"**/user/{nip}/lab/tree/{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
                      timeout=120_000)
    page.locator(".lm-TabBar-tabLabel", has_text=f"{ASSIGNMENT}.ipynb").first.wait_for()
    page.locator(".jp-Notebook .jp-RenderedMarkdown", has_text="Soal 1").first.wait_for()
    screenshot(page, "tugas-3-jupyterlab.png")
    contents = f"/user/{nip}/api/contents/{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    answer = f"Mohon maaf atas keterlambatan layanan, Bapak/Ibu ({nip})."
    assert page.evaluate(WRITE_ANSWER, [contents, answer, "B"]) == 200

    page.goto(here)
    assert "sudah ada di JupyterLab Anda" in page.locator("#soal").inner_text()
    page.click("#kirim")
    assert "Kirim jawaban sekarang?" in page.locator("#konfirmasi").inner_text()
    screenshot(page, "tugas-4-konfirmasi.png")
    page.click("#kirim-ya")
    result = page.locator("#hasil").inner_text()
    assert "Terkirim pada" in result and "WIT" in result
    screenshot(page, "tugas-5-terkirim.png")

    page.click("#kembali-beranda")
    page.wait_for_url("**/services/kompetensi/")
    assert "terkirim" in row_text(page) and "WIT" in row_text(page)
    screenshot(page, "tugas-6-beranda-terkirim.png")

    grade_and_release_feedback(trainer, COURSE, ASSIGNMENT, {"tulisan_1": 3})
    page.reload()
    text = row_text(page)
    # 1 point for the right letter, 3 of 4 for the written answer
    assert "dinilai skor 4 dari 5" in text and "umpan balik tersedia" in text
    assert page.locator(OPEN).inner_text().startswith("Lihat umpan balik")
    screenshot(page, "tugas-7-beranda-dinilai.png")

    page.click(OPEN)
    page.wait_for_url(task_url, timeout=120_000)
    page.click("#lihat-umpan-balik")
    page.wait_for_url(f"{task_url}/umpan-balik")
    assert page.locator("h1").inner_text().startswith("Umpan balik")
    feedback = page.frame_locator("iframe.umpan-balik").locator("body")
    feedback.locator("text=Mohon maaf atas keterlambatan layanan").first.wait_for()
    body = feedback.inner_text()
    assert f"({nip})" in body and "BEGIN HIDDEN TESTS" not in body
    # nbgrader's English labels put in Indonesian on the way out (belajar.feedback_text)
    assert "Jawaban Anda" in body and "Nilai:" in body
    assert not any(word in body for word in ("Student's answer", "Score:", "Test cell", "In\xa0["))
    screenshot(page, "tugas-8-umpan-balik.png")


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
    # the notebook gets its kernel by itself: idle, the page connected, no "Pilih Kernel"
    client = logged_in(hub.url, learner)

    def lesson_kernel_idle() -> bool:
        sessions = client.get(f"/user/{learner.username}/api/sessions").json()
        return any(s["path"] == f"modul/{MODULE}/{NOTEBOOK}" and s["kernel"]
                   and s["kernel"]["execution_state"] == "idle"
                   and s["kernel"]["connections"] > 0 for s in sessions)

    assert wait_until(lesson_kernel_idle, 60), "the lesson has no ready kernel in JupyterLab"
    assert page.locator(".jp-Dialog").count() == 0
    # ⏩ (restart and run all, as the lesson says) makes the exercises work here too
    page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:restart-run-all"]').click()
    check = page.locator(".belajar-latihan button", has_text="Periksa").first
    check.wait_for(state="visible", timeout=SERVER_START)
    assert check.is_enabled()
