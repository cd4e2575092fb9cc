"""The accessibility check itself can fail: an unlabeled input and low-contrast text are
refused, a plain good page passes, also under the platform's script-free CSP. No hub."""

from __future__ import annotations

import json

import pytest

from services.base import CSP_NONE
from tests.browser.a11y import assert_accessible

pytestmark = pytest.mark.browser

GOOD = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Baik</title></head>
<body><main><h1>Halaman baik</h1><p>Teks hitam di atas putih.</p>
<form><label for="nip">NIP</label><input id="nip" name="nip"><button>Cari</button></form>
</main></body></html>"""
UNLABELED = GOOD.replace('<label for="nip">NIP</label>', "")
LOW_CONTRAST = GOOD.replace("<p>", '<p style="color:#bbb;background:#fff">')


@pytest.fixture
def blank(browser):
    context = browser.new_context(locale="id-ID")
    yield context.new_page()
    context.close()


def test_good_page_passes_and_result_is_kept(blank, tmp_path):
    blank.set_content(GOOD)
    result = assert_accessible(blank, "baik", folder=tmp_path)
    kept = json.loads((tmp_path / "baik.axe.json").read_text())
    assert kept["violations"] == result["violations"] == []
    assert kept["passes"] or kept["incomplete"] is not None  # axe ran its rules


@pytest.mark.parametrize(("html", "rule"), [(UNLABELED, "label"),
                                            (LOW_CONTRAST, "color-contrast")])
def test_bad_page_fails_naming_rule_and_selector(blank, tmp_path, html, rule):
    blank.set_content(html)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(blank, f"buruk-{rule}", folder=tmp_path)
    message = str(failure.value)
    assert rule in message and ("#nip" if rule == "label" else "p") in message
    kept = json.loads((tmp_path / f"buruk-{rule}.axe.json").read_text())
    assert rule in {v["id"] for v in kept["violations"]}


def test_runs_under_the_services_script_free_policy(blank, tmp_path):
    """The services' pages forbid every script; axe still runs (DevTools evaluate)."""
    url = "http://asn.test/halaman"
    blank.route(url, lambda route: route.fulfill(
        status=200, body=UNLABELED,
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP_NONE}))
    blank.goto(url)
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(blank, "csp", folder=tmp_path)
