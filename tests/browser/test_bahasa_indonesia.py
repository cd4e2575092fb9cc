"""The learner's path in a real browser shows no English (issue 13, point 3; the audit is
docs/bahasa.md): the hub's pages (server starting, "Server saya", 404) and JupyterLab on
an assessment-style notebook (no English menu, no news pop-up, no Nbgrader)."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.test_login_journey import log_in, screenshot

pytestmark = pytest.mark.browser

# English words JupyterLab, nbgrader and JupyterHub show when untranslated
ENGLISH = {
    "file", "edit", "view", "run", "kernel", "tabs", "settings", "help", "nbgrader",
    "assignments", "course list", "validate", "formgrader", "create assignment",
    "launcher", "terminal", "console", "notebook", "markdown", "code", "raw", "other",
    "save", "open", "close", "new", "restart", "shut down", "log out", "logout", "home",
    "token", "services", "start my server", "stop my server", "your server is starting up",
    "event log", "server requested", "not found", "forbidden", "modified",
    "would you like to get notified about official jupyter news?", "mode: command", "idle",
}


def english_in(texts: list[str]) -> list[str]:
    """The texts that are, or contain as a whole phrase, one of :data:`ENGLISH`."""
    found = []
    for text in texts:
        words = re.sub(r"\s+", " ", text.replace("&", "")).strip().lower()
        if any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", words) for w in ENGLISH):
            found.append(text)
    return found


def visible_texts(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts() if t.strip()]


def test_hub_pages_are_indonesian(page, hub):
    learner = hub.by_role("learner")[1]
    log_in(page, hub, learner.username, learner.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)

    page.goto(f"{hub.url}/hub/home")
    assert page.locator("h1").inner_text() == "Server saya"
    assert page.evaluate("document.documentElement.lang") == "id"
    nav = visible_texts(page, "nav a, nav button")
    assert "Beranda" in nav and "Keluar" in " ".join(nav)
    assert not english_in([page.locator("body").inner_text()]), page.locator("body").inner_text()
    screenshot(page, "hub-server-saya.png")

    response = page.goto(f"{hub.url}/hub/halaman-yang-tidak-ada")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "404 : Halaman tidak ditemukan"
    assert page.locator("#saran").is_visible() and page.locator("a", has_text="Kembali ke Beranda").count()
    assert not english_in([page.locator("body").inner_text()]), page.locator("body").inner_text()
    screenshot(page, "hub-404.png")

    # a server that starts: JupyterHub's "starting" page, its progress in Indonesian
    page.goto(f"{hub.url}/hub/spawn")
    page.locator("#progress-message").wait_for(state="attached")
    assert "disiapkan" in page.locator("h1").inner_text()
    assert page.locator("#progress-details summary").inner_text() == "Rincian proses"
    page.wait_for_function("document.querySelector('#progress-message').textContent.length > 0"
                           " || location.pathname.includes('/user/')", timeout=120_000)
    if "/hub/spawn" in page.url:
        screenshot(page, "hub-server-disiapkan.png")
        assert not english_in([page.locator("body").inner_text()]), page.locator("body").inner_text()
    page.wait_for_url("**/user/**", timeout=180_000)


def test_jupyterlab_on_a_notebook_has_no_english_menu_or_news_pop_up(page, hub):
    learner = hub.by_role("learner")[0]
    log_in(page, hub, learner.username, learner.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)
    notebook = sorted((hub.root / "publik/modul").glob("*/*.ipynb"))[0]
    page.goto(f"{hub.url}/hub/user-redirect/lab/tree/modul/{notebook.parent.name}/{notebook.name}")
    page.wait_for_url("**/lab/tree/**", timeout=180_000)
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
    # the news question would appear a few seconds after start: give it the time
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline and not page.locator(".Toastify__toast").count():
        page.wait_for_timeout(500)
    toasts = visible_texts(page, ".Toastify__toast")
    assert not any("news" in t.lower() or "berita" in t.lower() for t in toasts), toasts

    labels = visible_texts(page, "#jp-menu-panel .lm-MenuBar-itemLabel")
    items = []
    for index in range(len(labels)):
        page.locator("#jp-menu-panel .lm-MenuBar-item").nth(index).click()
        items += visible_texts(page, ".lm-Menu .lm-Menu-itemLabel")
        page.keyboard.press("Escape")
    assert not english_in(labels + items), english_in(labels + items)

    # nbgrader's English parts and the Launcher are not there for learners
    assert page.locator("text=Validate").count() == 0
    assert page.locator(".jp-Launcher").count() == 0
    assert not page.locator("#jp-main-statusbar").is_visible()
    # the toolbar still saves and runs: what answering needs
    toolbar = page.locator(".jp-NotebookPanel-toolbar").first
    for command in ("save", "run"):
        assert toolbar.locator(f"[data-jp-item-name={command}]").count() == 1, command
    assert page.locator(".jp-DirListing-headerItem.jp-id-name").inner_text().strip().startswith("Nama")
    # the notebook reaches the right edge: no empty right side area (learnerlab's
    # activityBarPosition), and Ctrl+B in command mode does not hide the file browser
    box, width = page.locator(".jp-NotebookPanel").first.bounding_box(), page.viewport_size["width"]
    assert box["x"] + box["width"] > width - 20, (box, width)
    page.locator(".jp-NotebookPanel .jp-Cell").first.click()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+b")
    assert page.locator("#filebrowser").is_visible()
    screenshot(page, "jupyterlab-peserta.png")
