"""The admin's journey in a real browser (issue 13, point 6): Beranda → Admin → upload a
roster that adds one learner → the summary with the initial password → that learner logs
in; someone fails that learner's log-in until it is slowed down → the admin sees the
account in the list → "Buka kunci" → the learner logs in at once. A bad roster file shows
its row and field, and nobody changes. Screenshots and axe results in the artefacts dir."""

from __future__ import annotations

import re
import time

import pytest
import requests

from asnhub.demo import demo_csv
from tests.browser.a11y import assert_accessible
from tests.browser.test_login_journey import log_in, screenshot

pytestmark = pytest.mark.browser
ADMIN_PAGE = "/services/kompetensi/admin"
NEW_NIP = "199601012020121001"  # PNS: born 1996-01-01, CPNS 2020-12, male, serial 001
NEW_ROW = (f"{NEW_NIP},Abraham Pattimura,DUKCAPIL,Dinas Kependudukan dan Pencatatan Sipil,"
           "Pengolah Data Kependudukan,Pelaksana,II/b,PNS,peserta,\n")
WAIT = re.compile(r"dalam (\d+) detik")


def open_admin_page(page, hub):
    admin = hub.by_role("admin")[0]
    log_in(page, hub, admin.username, admin.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)  # Beranda
    page.click("#tautan-admin")
    page.wait_for_url("**" + ADMIN_PAGE)
    assert page.locator("h1").inner_text() == "Admin platform"


def upload_roster(page, path):
    page.set_input_files("#berkas-roster", str(path))
    page.click("#roster button[type=submit]")
    page.wait_for_url("**/admin/roster")
    return page.locator("#hasil-roster").inner_text()


def fail_until_slowed(hub, username: str, at_least: int) -> int:
    """Wrong passwords for ``username`` (waiting out each back-off, as a patient guesser
    would) until the next try must wait ``at_least`` seconds; that wait."""
    http = requests.Session()
    http.get(f"{hub.url}/hub/login", timeout=10)
    xsrf = http.cookies.get("_xsrf", path="/hub/")
    for _ in range(20):
        r = http.post(f"{hub.url}/hub/login?next=", allow_redirects=False, timeout=30,
                      data={"username": username, "password": "salah-lagi-123", "_xsrf": xsrf})
        assert r.status_code == 200, r.status_code  # the form again, never a session
        found = WAIT.search(r.text)
        if found and int(found.group(1)) >= at_least:
            return int(found.group(1))
        if found:  # refused without counting: wait it out, then guess again
            time.sleep(int(found.group(1)) + 0.2)
    raise AssertionError("log-in never slowed down")


def test_admin_imports_a_roster_and_unlocks_a_slowed_account(page, hub, browser, tmp_path):
    open_admin_page(page, hub)
    assert page.locator("#panel-hub").get_attribute("href").endswith("/hub/admin")
    assert_accessible(page, "admin")
    screenshot(page, "admin.png")

    roster = tmp_path / "roster-maret.csv"
    roster.write_text(demo_csv() + NEW_ROW, encoding="utf-8")
    result = upload_roster(page, roster)
    assert "Berhasil: Roster roster-maret.csv: 1 akun baru, 0 diperbarui, 0 dinonaktifkan" in result
    new = page.locator("#akun-baru tbody tr")
    assert new.count() == 1 and NEW_NIP in new.inner_text() and "learner" in new.inner_text()
    password = new.locator("code.sandi").inner_text().strip()
    assert len(password) >= 10
    screenshot(page, "admin-roster-berhasil.png")

    learner = browser.new_context(locale="id-ID").new_page()
    learner.set_default_timeout(60_000)
    log_in(learner, hub, NEW_NIP, password)
    learner.wait_for_url("**/services/kompetensi/", timeout=120_000)
    assert learner.locator("#nama").inner_text() == "Abraham Pattimura"
    learner.context.clear_cookies()

    wait = fail_until_slowed(hub, NEW_NIP, at_least=16)
    log_in(learner, hub, NEW_NIP, password)  # the right password, now refused for a while
    assert "Terlalu banyak percobaan" in learner.locator("#login-error").inner_text()

    page.goto(f"{hub.url}{ADMIN_PAGE}?nip={NEW_NIP[:8]}+{NEW_NIP[8:14]}+{NEW_NIP[14]}+{NEW_NIP[15:]}")
    row = page.locator(f"#akun-{NEW_NIP}")
    assert "Abraham Pattimura" in row.inner_text() and "harus menunggu" in row.inner_text()
    screenshot(page, "admin-akun-diperlambat.png")
    row.get_by_role("button", name="Buka kunci").click()
    page.wait_for_url("**/admin/buka-kunci")
    assert f"Akun {NEW_NIP} dibuka" in page.locator("#hasil-buka").inner_text()
    assert page.locator(f"#akun-{NEW_NIP}").count() == 0
    screenshot(page, "admin-akun-dibuka.png")

    log_in(learner, hub, NEW_NIP, password)  # at once: well inside the wait it had
    learner.wait_for_url("**/services/kompetensi/", timeout=120_000)
    assert learner.locator("h1").inner_text() == "Beranda", wait
    learner.context.close()


def test_bad_roster_shows_row_and_field_and_changes_nobody(page, hub, tmp_path):
    open_admin_page(page, hub)
    before = page.request.get(f"{hub.url}/services/kompetensi/api/hr/employees").json()
    lines = demo_csv().splitlines(keepends=True)
    lines[3] = lines[3].replace(",PNS,", ",PNS-X,", 1)  # line 4: no such status
    roster = tmp_path / "roster-salah.csv"
    roster.write_text("".join(lines) + NEW_ROW.replace(NEW_NIP, "199601012020121002"),
                      encoding="utf-8")
    result = upload_roster(page, roster)
    assert "tidak ada yang diimpor" in result and "Tidak ada yang berubah" in result
    errors = page.locator("#kesalahan-roster").inner_text()
    assert "roster-salah.csv: baris 4, kolom 'status'" in errors, errors
    screenshot(page, "admin-roster-gagal.png")
    assert_accessible(page, "admin-roster-gagal")
    after = page.request.get(f"{hub.url}/services/kompetensi/api/hr/employees").json()
    assert after == before
    assert "199601012020121002" not in str(after)
