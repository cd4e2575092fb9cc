"""HR's evaluation journey in a real browser (issue 11, acceptance): log in, follow the
dashboard's link to the upload page, upload the holiday calendar, an IKM survey and a
SP4N-LAPOR! export through the forms, see the weakest unit ranked first with its reasons in
words, accept its plan, download "Rencana Pengembangan Kompetensi"; a bad IKM file is
refused with its row and column and changes nothing.

The files are made here from the demo roster's units: Dinas Kesehatan (``DINKES``) is
clearly weakest (Perilaku Pelaksana NRR 2,00 (D), Waktu Penyelesaian 2,60 (C), 3 of its 4
complaints followed up weeks late); DPMPTSP is good (IKM grade A, every complaint in time).
Everything is in 2026-S1, the only period with IKM data, so ``hr/evaluasi`` shows it by
default (planhr: the latest period with IKM data).

Full-page screenshots of the upload page (after the imports, and after the refused file),
the evaluation page (before and after accepting) and the follow-up page are kept in
:data:`ARTEFACTS` (``$ASN_TEST_ARTEFACTS``, default ``/tmp/asn-browser-artefacts``): the
hub's root, where conftest puts a failed test's screenshot, is removed with the hub.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest

from asnhub.demo import PEOPLE, UNITS
from tests.browser.test_login_journey import log_in

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SERVICE = "/services/kompetensi/"
PERIOD, TARGET = "2026-S1", "2026-S2"
WEAK, GOOD = "DINKES", "DPMPTSP"
ARTEFACTS = Path(os.environ.get("ASN_TEST_ARTEFACTS",
                                Path(tempfile.gettempdir()) / "asn-browser-artefacts"))
ELEMENTS = ["Persyaratan", "Sistem, Mekanisme, dan Prosedur", "Waktu Penyelesaian",
            "Biaya/Tarif", "Produk Spesifikasi Jenis Pelayanan", "Kompetensi Pelaksana",
            "Perilaku Pelaksana", "Penanganan Pengaduan, Saran dan Masukan",
            "Sarana dan Prasarana"]
# per respondent, the answers to U1..U9. DINKES: U7 sums to 20 of 10 answers (NRR 2,00, D),
# U3 to 26 (2,60, C), every other element to 33 (3,30, B): IKM 76,94 (B).
WEAK_ANSWERS = [
    [3, 3, 3, 3, 3, 3, 2, 3, 3],
    [4, 4, 2, 4, 4, 4, 2, 4, 4],
    [3, 3, 3, 3, 3, 3, 1, 3, 3],
    [3, 3, 2, 3, 3, 3, 2, 3, 3],
    [4, 4, 3, 4, 4, 4, 3, 4, 4],
    [3, 3, 3, 3, 3, 3, 2, 3, 3],
    [3, 3, 2, 3, 3, 3, 2, 3, 3],
    [4, 4, 3, 4, 4, 4, 1, 4, 4],
    [3, 3, 3, 3, 3, 3, 2, 3, 3],
    [3, 3, 2, 3, 3, 3, 3, 3, 3],
]
# DPMPTSP: every element 31 of 8 answers (NRR 3,88, A)
GOOD_ANSWERS = [[4] * 9] * 7 + [[3] * 9]
WEAK_SERVICE, GOOD_SERVICE = "Pelayanan Poli Umum Puskesmas", "Perizinan Berusaha"


def ikm_csv(path: Path, weak_answers=WEAK_ANSWERS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["unit", "layanan", "periode", *ELEMENTS])
        writer.writerows([WEAK, WEAK_SERVICE, PERIOD, *answers] for answers in weak_answers)
        writer.writerows([GOOD, GOOD_SERVICE, PERIOD, *answers] for answers in GOOD_ANSWERS)
    return path


def complaints_csv(path: Path) -> Path:
    """DINKES: 4 reports verified the next day, 3 followed up in March (weeks past the 5
    working days); DPMPTSP: 3 reports verified and followed up within two days."""
    rows = [
        ("T-DINKES-1", WEAK, "Perilaku Petugas", "2026-02-02 09:00", "2026-02-03 10:00",
         "2026-02-05 14:00", "2026-02-06 09:00", "selesai"),
        *((f"T-DINKES-{i}", WEAK, "Waktu Tunggu", f"2026-02-{day} 09:00", f"2026-02-{day + 1} 10:00",
           "2026-03-25 14:00", "2026-03-27 09:00", "selesai")
          for i, day in ((2, 9), (3, 10), (4, 11))),
        *((f"T-DPMPTSP-{i}", GOOD, "Perizinan", f"2026-03-0{day} 08:30", f"2026-03-0{day} 13:00",
           f"2026-03-0{day + 1} 10:00", f"2026-03-0{day + 2} 09:00", "selesai")
          for i, day in ((1, 2), (2, 3), (3, 4))),
    ]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "unit", "kategori", "diterima", "diverifikasi",
                         "ditindaklanjuti", "selesai", "status"])
        writer.writerows(rows)
    return path


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in_as_hr(page, hub):
    hr = hub.by_role("hr")[0]
    log_in(page, hub, hr.username, hr.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)  # Beranda
    return hr


def upload(page, kind: str, path: Path):
    """One of the three forms of hr/evaluasi/impor; the result paragraph."""
    page.set_input_files(f"#impor-{kind} input[type=file]", str(path))
    page.click(f"#impor-{kind} button[type=submit]")
    page.wait_for_url(f"**{SERVICE}hr/evaluasi/impor/{kind}")
    return page.locator(f"#hasil-{kind}")


def ranking(page, hub) -> dict:
    response = page.request.get(f"{hub.url}{SERVICE}api/hr/evaluasi/peringkat?periode={PERIOD}")
    assert response.status == 200, response.text()
    return response.json()


def test_hr_imports_the_public_voice_and_downloads_the_plan(page, hub, tmp_path):
    hr = log_in_as_hr(page, hub)
    page.goto(hub.url + SERVICE + "hr")
    page.click('#evaluasi-publik a[href$="hr/evaluasi/impor"]')
    page.wait_for_url(f"**{SERVICE}hr/evaluasi/impor")
    assert page.locator("h1").inner_text().startswith("Impor data evaluasi")

    result = upload(page, "libur", REPO / "examples" / "hari-libur-2026.csv")
    assert "berhasil" in result.get_attribute("class")
    assert "25 hari (17 libur nasional, 8 cuti bersama) untuk tahun 2026" in result.inner_text()

    result = upload(page, "ikm", ikm_csv(tmp_path / "ikm-2026-s1.csv"))
    assert "berhasil" in result.get_attribute("class")
    assert (f"18 responden dari 2 layanan di 2 unit ({WEAK}, {GOOD}), periode {PERIOD}"
            in result.inner_text())

    result = upload(page, "pengaduan", complaints_csv(tmp_path / "lapor-2026.csv"))
    assert "berhasil" in result.get_attribute("class")
    assert "7 laporan (7 baru, 0 diperbarui, 0 tetap)" in result.inner_text()
    assert f"dari 2 unit ({WEAK}, {GOOD})" in result.inner_text()
    screenshot(page, "hr-evaluasi-impor-berhasil.png")

    # the evaluation page, reached from the upload page's link; its default period is the
    # IKM file's
    page.click("#impor-pengaduan a[href$='hr/evaluasi']")
    page.wait_for_url(f"**{SERVICE}hr/evaluasi")
    assert page.locator("#periode").inner_text() == PERIOD
    assert page.locator("#periode-rencana").inner_text() == TARGET
    rows = page.locator("#tabel-peringkat tbody tr")
    assert rows.count() == 2  # the two units with IKM or complaints; no level is measured
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert first.startswith("1") and UNITS[WEAK] in first
    assert "76,94 (B)" in first and "U7 Perilaku Pelaksana 2,00 (D)" in first
    assert "25% (1/4)" in first  # followed up in time
    assert UNITS[GOOD] in second and "(A)" in second

    weak = page.locator(f"#unit-{WEAK}")
    reasons = weak.locator("p", has_text="Kelemahan").inner_text()
    assert ("IKM Perilaku Pelaksana 2,00 (D); IKM Waktu Penyelesaian 2,60 (C); "
            "75% laporan terlambat ditindaklanjuti (3 dari 4)") in reasons
    modules = weak.locator("table.modul").inner_text()
    for title in ("Komunikasi Pelayanan Publik", "Penanganan Pengaduan", "Manajemen Waktu"):
        assert title in modules
    assert page.locator(f"#unit-{GOOD}").count() == 0  # good figures: no recommendation
    screenshot(page, "hr-evaluasi.png")

    page.click(f"#terima-{WEAK}")
    page.wait_for_url(f"**{SERVICE}hr/evaluasi?periode={PERIOD}#unit-{WEAK}")
    accepted = page.locator(f"#rencana-{WEAK}").inner_text()
    assert f"Rencana diterima oleh {hr.username}" in accepted
    assert f"3 penugasan modul untuk periode {TARGET}" in accepted  # one learner, 3 modules
    assert page.locator(f"#terima-{WEAK}").count() == 0
    stored = page.locator("#tabel-rencana tbody").inner_text()
    assert f"{UNITS[WEAK]} ({WEAK})" in stored and "Diterima" in stored
    screenshot(page, "hr-evaluasi-diterima.png")

    with page.expect_download() as info:
        page.click("#unduh-rencana")
    download = info.value
    assert download.suggested_filename == f"rencana-pengembangan-kompetensi-{PERIOD}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    header, *lines = list(workbook["Rencana Pengembangan Kompetensi"].values)
    plan = [dict(zip(header, line)) for line in lines]
    nurse = next(p for p in PEOPLE if p[1] == WEAK)  # DINKES's one learner in the demo
    assert {p["Kode unit"] for p in plan} == {WEAK}
    assert {p["Kode modul"] for p in plan} == {"komunikasi-pelayanan", "manajemen-waktu",
                                              "penanganan-pengaduan"}
    assert {(p["Nama"], p["Status"], p["Periode rencana"]) for p in plan} == {
        (nurse[0], "Diterima", TARGET)}
    assert all("Perilaku Pelaksana 2,00 (D)" in p["Alasan (unit)"]
               for p in plan if p["Kode modul"] == "komunikasi-pelayanan")
    assert [r[1] for r in list(workbook["Peringkat Unit"].values)[1:]] == [WEAK, GOOD]

    # the follow-up page: the imported figures per unit, with the plain warning
    page.click("#tindak-lanjut")
    page.wait_for_url(f"**{SERVICE}hr/tindak-lanjut")
    assert "bukan bukti sebab-akibat" in page.locator("#bukan-sebab-akibat").inner_text()
    followup = page.locator(f"#unit-{WEAK} + .banding + table").inner_text()
    assert PERIOD in followup and "76,94" in followup
    screenshot(page, "hr-tindak-lanjut.png")


def test_a_bad_ikm_file_is_refused_with_its_row_and_column(page, hub, tmp_path):
    log_in_as_hr(page, hub)
    page.goto(hub.url + SERVICE + "hr/evaluasi/impor")
    # the good survey first (the same file twice changes nothing), so that there is
    # something the bad file could change
    assert "berhasil" in upload(page, "ikm", ikm_csv(tmp_path / "ikm.csv")).get_attribute("class")
    before = ranking(page, hub)
    assert before["units"][0]["unit"] == WEAK
    # the same unit, service and period, every answer 4 but one 7: it would lift DINKES to A
    bad = [[4] * 9 for _ in WEAK_ANSWERS]
    bad[2][6] = 7  # the third respondent (line 4 of the file), Perilaku Pelaksana
    result = upload(page, "ikm", ikm_csv(tmp_path / "ikm-salah.csv", bad))
    assert "gagal" in result.get_attribute("class")
    errors = page.locator("#kesalahan-ikm li").all_inner_texts()
    assert len(errors) == 1
    # the import names columns as the platform's readers do, in lower case
    assert "ikm-salah.csv: baris 4, kolom 'perilaku pelaksana'" in errors[0].lower()
    assert "'7' di luar 1-4" in errors[0]
    assert "tidak ada baris yang diimpor" in page.locator("#impor-ikm").inner_text()
    screenshot(page, "hr-evaluasi-impor-gagal.png")
    assert ranking(page, hub) == before


def test_a_learner_posting_the_upload_form_is_refused(page, hub, tmp_path):
    """A browser form's caller is known only once its body is read (HrOnlyPage): the
    learner's own login cookie and _xsrf get past the hub's checks, then the role check
    refuses the upload."""
    learner = hub.by_role("learner")[0]
    log_in(page, hub, learner.username, learner.password)
    page.wait_for_url("**/services/kompetensi/", timeout=120_000)  # Beranda
    page.goto(hub.url + SERVICE)  # the service's log-in sets its _xsrf cookie
    xsrf = next(c["value"] for c in page.context.cookies()
                if c["name"] == "_xsrf" and c["path"].startswith(SERVICE.rstrip("/")))
    response = page.request.post(
        f"{hub.url}{SERVICE}hr/evaluasi/impor/ikm",
        multipart={"_xsrf": xsrf, "berkas": {"name": "ikm.csv", "mimeType": "text/csv",
                                             "buffer": ikm_csv(tmp_path / "ikm.csv").read_bytes()}})
    assert response.status == 403
    assert "hanya untuk SDM (BKPSDM) dan admin" in response.text()  # the role, not the _xsrf
