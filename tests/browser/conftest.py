"""Browser fixtures: Debian's chromium driven by Playwright (never a downloaded browser).

- ``hub``: a real hub as in tests/integration (root needed).
- ``page``: a fresh headless chromium page; a screenshot is kept under the hub's root
  directory when a test fails.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.support.hub import running_hub

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items):
    reason = None
    if os.geteuid() != 0:
        reason = "browser journeys use the real hub: run as root"
    elif not os.path.exists(CHROMIUM):
        reason = "Debian's chromium is not installed (make test installs it)"
    if reason:
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def hub():
    with running_hub("br") as hub:
        yield hub


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, hub, request):
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        page.screenshot(path=str(hub.root / f"{request.node.name}.png"))
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
