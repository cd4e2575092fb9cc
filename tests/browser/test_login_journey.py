"""A learner's first visit in a real browser: Indonesian log-in page, Beranda after log-in,
a lesson opened from Beranda in JupyterLab in Indonesian."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.browser
COURSES = Path(__file__).resolve().parents[2] / "courses"
# full-page screenshots of Beranda (desktop and a 390×844 phone) are kept here: the hub's
# root, where conftest puts a failed test's screenshot, is removed with the hub
ARTEFACTS = Path(os.environ.get("ASN_TEST_ARTEFACTS",
                                Path(tempfile.gettempdir()) / "asn-browser-artefacts"))


def log_in(page, hub, username, password):
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", username)
    page.fill("#password_input", password)
    page.click("#login_submit")


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_login_page_is_indonesian_and_wrong_password_explained(page, hub):
    learner = hub.by_role("learner")[0]
    log_in(page, hub, learner.username, "bukan-kata-sandinya")
    assert page.locator("h1").inner_text().startswith("Masuk")
    error = page.locator("#login-error")
    assert "kata sandi salah" in error.inner_text()


def test_learner_logs_in_lands_on_beranda_and_continues_in_jupyterlab(page, hub):
    """After log-in a learner sees Beranda (JupyterHub.default_url), not the Launcher: a
    card per published module; "Lanjutkan" opens the lesson in their own JupyterLab (the
    hub starts the server first), in Indonesian. Updated for issue 13: this test used to
    expect landing in /lab."""
    learner = hub.by_role("learner")[0]
    nip = learner.username
    log_in(page, hub, f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}", learner.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)
    assert page.locator("h1").inner_text() == "Beranda"
    assert "/lab" not in page.url and page.locator(".jp-Launcher").count() == 0
    modules = sorted(p.parent.name for p in COURSES.glob("*/module.yaml"))
    cards = page.locator("article.kartu")
    assert cards.count() == len(modules)
    assert [c.get_attribute("id") for c in cards.all()] == [f"modul-{m}" for m in modules]
    for card in cards.all():
        assert card.locator("progress").count() == 1 and "JP" in card.inner_text()
        assert card.locator("a.lanjutkan").inner_text().strip() in ("Lanjutkan", "Buka lagi")
    assert page.locator("#jp-bar").count() == 1 and "JP" in page.locator("#jp-aturan").inner_text()
    assert "dibagikan pelatih" in page.locator("#penilaian-cara").inner_text()
    for link in ("#tautan-profil", "#kebutuhan"):
        assert page.locator(link).is_visible()
    screenshot(page, "beranda-desktop.png")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    # nothing wider than the screen: no sideways scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "beranda-ponsel.png")
    page.set_viewport_size({"width": 1280, "height": 800})

    first = cards.first.locator("a.lanjutkan")
    notebook = unquote(first.get_attribute("href")).rsplit("/", 1)[1]
    first.click()
    # "Lanjutkan" opens the lesson as an app (Voilà); its "Buka di JupyterLab" the notebook
    page.wait_for_url(f"**/user/{nip}/voila/render/modul/{modules[0]}/{notebook}", timeout=180_000)
    page.click("#buka-lab")
    page.wait_for_url(f"**/user/{nip}/lab/tree/modul/{modules[0]}/{notebook}", timeout=180_000)
    # the lesson opened in a tab, JupyterLab in Indonesian (the id_ID language pack lags
    # JupyterLab: some menus stay English)
    page.locator(".lm-TabBar-tabLabel", has_text=notebook).first.wait_for()
    header = page.locator(".jp-DirListing-headerItem.jp-id-name")
    header.wait_for()
    assert header.inner_text().strip().startswith("Nama")
