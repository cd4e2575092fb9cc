"""A learner's first visit in a real browser: Indonesian log-in page, JupyterLab in Indonesian."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def log_in(page, hub, username, password):
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", username)
    page.fill("#password_input", password)
    page.click("#login_submit")


def test_login_page_is_indonesian_and_wrong_password_explained(page, hub):
    learner = hub.by_role("learner")[0]
    log_in(page, hub, learner.username, "bukan-kata-sandinya")
    assert page.locator("h1").inner_text().startswith("Masuk")
    error = page.locator("#login-error")
    assert "kata sandi salah" in error.inner_text()


def test_learner_logs_in_and_gets_jupyterlab_in_indonesian(page, hub):
    learner = hub.by_role("learner")[0]
    nip = learner.username
    log_in(page, hub, f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}", learner.password)
    page.wait_for_url(f"**/user/{nip}/lab**", timeout=120_000)
    # translated by the id_ID language pack (it lags JupyterLab: some menus stay English)
    header = page.locator(".jp-DirListing-headerItem.jp-id-name")
    header.wait_for()
    assert header.inner_text().strip().startswith("Nama")
    # the modules were distributed into the learner's home
    page.locator(".jp-DirListing-item", has_text="modul").first.wait_for()
