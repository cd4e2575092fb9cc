"""HR's journey in a real browser: log in, open the dashboard, filter, download the XLSX,
open an employee's printable page. A learner who types the dashboard's address is refused."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.test_login_journey import log_in, screenshot

pytestmark = pytest.mark.browser
DASHBOARD = "/services/kompetensi/hr"


def test_hr_filters_the_dashboard_and_downloads_the_workbook(page, hub):
    hr = hub.by_role("hr")[0]
    log_in(page, hub, hr.username, hr.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)  # Beranda
    page.goto(hub.url + "/services/kompetensi/")
    page.click("#dasbor-sdm")
    page.wait_for_url("**" + DASHBOARD)
    assert page.locator("h1").inner_text().startswith("Dasbor Kompetensi")
    everyone = int(page.locator("#jumlah-pegawai").inner_text())
    assert everyone == len(hub.accounts)  # the demo roster, every role

    page.select_option("select[name=unit]", "DUKCAPIL")
    page.select_option("select[name=kompetensi]", "M.03")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**unit=DUKCAPIL**")
    assert int(page.locator("#jumlah-pegawai").inner_text()) == 2  # the demo's DUKCAPIL staff
    assert "M.03 indikasi level" in page.locator("#pegawai thead").inner_text()
    shown = page.locator("#pegawai tbody tr")
    assert shown.count() == 2  # the table holds what the counter says
    screenshot(page, "hr-dasbor-dukcapil.png")
    assert_accessible(page, "hr-dasbor")

    with page.expect_download() as info:
        page.click("#unduh a.primary")
    download = info.value
    assert download.suggested_filename.startswith("laporan-") and download.suggested_filename.endswith("-DUKCAPIL.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    header, *rows = list(workbook["Profil Kompetensi"].values)
    assert len(rows) == 2 and "M.03 indikasi level" in header

    page.click("#pegawai tbody a >> nth=0")
    page.wait_for_url("**/hr/pegawai/**")
    assert "Dicetak dari Platform Kompetensi ASN" in page.content()
    nips = {str(r[header.index("NIP")]) for r in rows}  # the workbook's two people
    assert page.url.rsplit("/", 1)[1].split("?")[0] in nips
    screenshot(page, "hr-pegawai.png")


def test_hr_uploads_outside_activities_to_the_jp_ledger(page, hub, tmp_path):
    import datetime as dt

    hr, learner = hub.by_role("hr")[0], hub.by_role("learner")[0]
    year = dt.date.today().year
    csv = tmp_path / "jp.csv"
    csv.write_text("nip;kegiatan;penyelenggara;tanggal_mulai;tanggal_selesai;jp;no_sertifikat\n"
                   f"{learner.username};Bimtek SIAK;Ditjen Dukcapil;{year}-01-06;{year}-01-08;24;SIAK-{year}-1\n")
    log_in(page, hub, hr.username, hr.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)  # Beranda
    page.goto(hub.url + DASHBOARD)
    page.click("#impor-jp summary")
    page.set_input_files("#impor-jp input[type=file]", str(csv))
    page.click("#impor-jp button[type=submit]")
    page.wait_for_url("**/hr/jp/impor")
    assert "1 kegiatan ditambahkan" in page.locator("#hasil").inner_text()
    profile = page.request.get(f"{hub.url}/services/kompetensi/api/hr/employees/{learner.username}").json()
    assert "Bimtek SIAK" in {e["activity"] for e in profile["jp"]["entries"]}


def test_learner_is_refused_the_dashboard(page, hub):
    learner = hub.by_role("learner")[0]
    log_in(page, hub, learner.username, learner.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)  # Beranda
    page.goto(hub.url + "/services/kompetensi/")
    assert page.locator("#dasbor-sdm").count() == 0  # no link to it either
    assert page.locator("#tautan-admin").count() == 0
    assert_accessible(page, "beranda-peserta")
    response = page.goto(hub.url + DASHBOARD)
    assert response.status == 403
