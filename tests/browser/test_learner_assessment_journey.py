"""A learner's assessment from Beranda, in a real browser (issue 13, point 1): the trainer
releases; the learner opens it from Beranda ("Kerjakan": the hub starts her server, the
assignment is fetched and opens in JupyterLab), answers, sends it from the assignment's
page ("Kirim jawaban", confirmed, "Terkirim pada … WIT"); Beranda says "terkirim"; the
trainer collects, autogrades, grades the written answer, releases feedback and syncs;
Beranda says "dinilai" with the score; "Lihat umpan balik" shows her own feedback.
The trainer's side goes through the formgrader API and the grading service as in
tests/integration/test_assessment_flow.py. Screenshots: $ASN_TEST_ARTEFACTS."""

from __future__ import annotations

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.test_login_journey import log_in, screenshot
from tests.support.hub import REPO, running_hub
from tests.support.learner_tasks import (
    grade_and_release_feedback,
    logged_in_token,
    release,
    set_courses,
)

pytestmark = pytest.mark.browser
COURSE, ASSIGNMENT = "kursus-uji", "tugas"
ROW = f"#penilaian-{COURSE}-{ASSIGNMENT}"
OPEN = f"#buka-{COURSE}-{ASSIGNMENT}"

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


def test_learner_fetches_submits_and_reads_feedback_from_beranda(page, hub, tmp_path):
    trainer_account = hub.by_role("trainer")[0]
    learner = hub.by_role("learner")[0]
    nip = learner.username
    # the trainer teaches the fixture course; learners with no course listed take them all
    set_courses(hub, tmp_path, {trainer_account.username: COURSE})
    trainer = logged_in_token(hub, trainer_account)
    release(trainer, COURSE, ASSIGNMENT)

    log_in(page, hub, nip, learner.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)
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
    screenshot(page, "tugas-8-umpan-balik.png")
