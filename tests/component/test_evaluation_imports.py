"""HR imports the IKM survey, the SP4N-LAPOR! export and the holiday calendar in the browser
or through the JSON API, and reads the follow-up (issue 11, points 5 and 7), in-process.

The hub's OAuth is replaced by a fixed user per request (``X-Test-User``, see
tests/support/service_auth.py); the database, report cache, engine and Tornado are real.
The city and its training are described in tests/support/evaluation_city.py; the complaint
figures of examples/pengaduan-contoh.csv are hand-computed in
tests/component/test_complaints_import.py. Expected follow-up (semester rows):

- DINKES (with PKM-CONTOH-A): 2025-S2 IKM 50.00 D; 2026-S1 6 reports (4 of 6 verified and 2 of
  6 followed up in time, backlog 4), 7 employees of whom 6 finished a module, 6 x 3 + 8 = 26
  JP, gain (5 x 30 + 40) / 6 = 31.67 points from 6 people; 2026-S2 IKM 75.00 C, backlog 4.
  First training 2026-S1: IKM 50.00 -> 75.00 (+25).
- DUKCAPIL: 2026-S1 IKM 100.00 A, 4 reports all in time, 1 of 3 finished a module, the
  gain of 2 people hidden; no feedback before its first training.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import create_engine, text
from tornado.escape import xhtml_escape

from asncore.db import JpEntry, session_factory
from tests.support.evaluation_city import (
    COMPLAINTS,
    GOOD_FILES,
    GOOD_IKM,
    HOLIDAYS,
    HR,
    IKM_HEADER,
    IMPORT_KINDS,
    XLSX_TYPE,
    Service,
    as_xlsx,
    count,
    db_fingerprint,
    ikm_csv,
    ikm_rows,
    multipart,
    nip,
    populate_city,
)
from tests.support.service_auth import fake_hub_user

pytestmark = pytest.mark.asyncio(loop_scope="module")
DECEMBER_1 = dt.datetime(2026, 12, 1, 3, 0)
TABLES = {"ikm": "ikm_counts", "pengaduan": "complaints", "libur": "holidays"}
STORED = {"ikm": 27, "pengaduan": 13, "libur": 25}  # 3 services x 9 elements; reports; days


@pytest.fixture
async def service(tmp_path, monkeypatch):
    from jupyterhub.services.auth import HubOAuthenticated

    monkeypatch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    populate_city(url)
    running = Service(url)
    running.app.settings["clock"] = lambda: DECEMBER_1
    yield running
    running.stop()


async def upload_all(service, xlsx: bool = False) -> dict:
    results = {}
    for kind in IMPORT_KINDS:
        data = as_xlsx(GOOD_FILES[kind]) if xlsx else GOOD_FILES[kind]
        answer = await service.upload(kind, data, XLSX_TYPE if xlsx else "text/csv")
        assert answer.code == 200, (kind, answer.body)
        results[kind] = json.loads(answer.body)
    return results


def stored_values(url: str, table: str) -> list[tuple]:
    """The rows without ids and import times (which a re-import renews)."""
    columns = {"ikm_counts": "unit_code, service, period, element, answers_1, answers_2, "
                             "answers_3, answers_4",
               "complaints": "id, unit_code, category, status, received_at, verified_at, "
                             "followed_up_at, closed_at",
               "holidays": "day, name, kind"}[table]
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = sorted(tuple(r) for r in conn.execute(text(f"SELECT {columns} FROM {table}")))
    engine.dispose()
    return rows


# ---- the page --------------------------------------------------------------------------


async def test_hr_finds_the_three_forms_from_the_dashboard(service):
    dashboard = (await service.call("hr")).body.decode()
    for link in ("hr/evaluasi/impor", "hr/tindak-lanjut", 'hr/evaluasi"'):
        assert link in dashboard, link
    page = await service.call("hr/evaluasi/impor")
    assert page.code == 200
    html = page.body.decode()
    for kind in IMPORT_KINDS:
        assert f'action="/services/kompetensi/hr/evaluasi/impor/{kind}"' in html
    assert 'enctype="multipart/form-data"' in html and "_xsrf" in html
    assert "hr/tindak-lanjut" in html and 'hr/evaluasi"' in html


# ---- good files --------------------------------------------------------------------------


async def test_good_csv_files_are_imported_with_a_summary(service):
    results = await upload_all(service)
    ikm = results["ikm"]
    assert (ikm["success"], ikm["rows"], ikm["services"], ikm["replaced"]) == (True, 15, 3, 0)
    assert ikm["units"] == ["DINKES", "DUKCAPIL"]
    assert ikm["periods"] == ["2025-S2", "2026-S1", "2026-S2"]
    assert "15 responden" in ikm["message"]
    complaints = results["pengaduan"]
    assert (complaints["rows"], complaints["added"], complaints["unchanged"]) == (13, 13, 0)
    assert complaints["units"] == ["DINKES", "DPMPTSP", "DUKCAPIL"]
    assert complaints["periods"] == ["2026-03", "2026-04", "2026-05"]
    holidays = results["libur"]
    assert (holidays["rows"], holidays["national"], holidays["collective"]) == (25, 17, 8)
    assert holidays["years"] == [2026]
    for kind, table in TABLES.items():
        assert count(service.url, table) == STORED[kind], kind


async def test_xlsx_files_through_the_form_give_the_same_data(service, tmp_path):
    for kind in IMPORT_KINDS:
        body, headers = multipart(f"{kind}.xlsx", as_xlsx(GOOD_FILES[kind]), XLSX_TYPE)
        page = await service.call(f"hr/evaluasi/impor/{kind}", HR, "POST", body, headers)
        assert page.code == 200, (kind, page.body[:400])
        assert f'id="hasil-{kind}"' in page.body.decode() and "Berhasil" in page.body.decode()
    from_xlsx = {t: stored_values(service.url, t) for t in TABLES.values()}
    other = f"sqlite:///{tmp_path / 'csv.sqlite'}"
    populate_city(other)
    csv_service = Service(other)
    try:
        await upload_all(csv_service)
    finally:
        csv_service.stop()
    assert from_xlsx == {t: stored_values(other, t) for t in TABLES.values()}


async def test_uploading_the_same_files_again_changes_nothing(service):
    await upload_all(service)
    first = {t: stored_values(service.url, t) for t in TABLES.values()}
    again = await upload_all(service, xlsx=True)
    assert again["ikm"]["replaced"] == 3
    assert (again["pengaduan"]["added"], again["pengaduan"]["updated"],
            again["pengaduan"]["unchanged"]) == (0, 0, 13)
    assert again["libur"]["replaced"] == 25
    assert {t: stored_values(service.url, t) for t in TABLES.values()} == first


# ---- bad files ---------------------------------------------------------------------------


BAD = {
    "ikm": ikm_csv(*ikm_rows("DINKES", "2026-S1", 3, 1),
                   "DINKES,Layanan Uji,2026-S1,5,3,3,3,3,3,3,3,3",
                   "TIDAKADA,Layanan Uji,2026-S1,3,3,3,3,3,3,3,3,3",
                   "DINKES,Layanan Uji,2026-S3,3,3,3,3,3,3,3,3,3"),
    "pengaduan": (b"id,unit,kategori,diterima,diverifikasi,ditindaklanjuti,selesai,status\n"
                  b"X-1,DINKES,,2026-03-02 08:15,,,,baru\n"
                  b"X-2,DINKES,,2026-03-02 08:15,,,,hilang\n"
                  b"X-3,TIDAKADA,,2026-03-02 08:15,,,,baru\n"
                  b"X-4,DINKES,,2026-02-30 08:15,,,,baru\n"),
    "libur": (b"tanggal,nama,jenis\n2026-01-01,Tahun Baru,libur nasional\n"
              b"2026-02-30,Hari Keliru,libur nasional\n2026-03-01,Hari Lain,liburan\n"),
}
EXPECTED = {  # every error, with its row (line) and column
    "ikm": ("baris 3, kolom 'persyaratan'", "baris 4, kolom 'unit'", "baris 5, kolom 'periode'"),
    "pengaduan": ("baris 3, kolom 'status'", "baris 4, kolom 'unit'", "baris 5, kolom 'diterima'"),
    "libur": ("baris 3, kolom 'tanggal'", "baris 4, kolom 'jenis'"),
}


async def test_a_bad_file_shows_every_error_and_imports_nothing(service):
    before = db_fingerprint(service.url)
    for kind in IMPORT_KINDS:
        for data, content_type in ((BAD[kind], "text/csv"), (as_xlsx(BAD[kind]), XLSX_TYPE)):
            answer = await service.upload(kind, data, content_type)
            assert answer.code == 400, (kind, answer.body)
            result = json.loads(answer.body)
            assert result["success"] is False and "tidak ada yang diimpor" in result["message"]
            assert result["error_count"] == len(EXPECTED[kind]), result["errors"]
            for where in EXPECTED[kind]:
                assert any(where in e for e in result["errors"]), (kind, where, result["errors"])
        body, headers = multipart(f"{kind}-salah.csv", BAD[kind], "text/csv")
        page = await service.call(f"hr/evaluasi/impor/{kind}", HR, "POST", body, headers)
        assert page.code == 400
        html = page.body.decode()
        assert f'id="kesalahan-{kind}"' in html and f"{kind}-salah.csv: baris" in html
        assert all(xhtml_escape(where) in html for where in EXPECTED[kind])
    assert db_fingerprint(service.url) == before


async def test_a_file_for_another_form_is_refused(service):
    before = db_fingerprint(service.url)
    answer = await service.upload("libur", COMPLAINTS)
    assert answer.code == 400
    assert any("kolom" in e for e in json.loads(answer.body)["errors"])
    answer = await service.upload("pengaduan", HOLIDAYS)
    assert answer.code == 400
    assert db_fingerprint(service.url) == before


# ---- follow-up -----------------------------------------------------------------------------


def by_period(payload: dict, unit: str) -> dict:
    return {r["period"]: r for r in payload["rows"] if r["unit_code"] == unit}


async def test_follow_up_shows_the_imports_at_once(service):
    empty = await service.json("api/hr/tindak-lanjut")
    assert (empty["rows"], empty["comparisons"]) == ([], [])
    assert "bukan bukti sebab-akibat" in empty["note"]
    await upload_all(service)
    payload = await service.json("api/hr/tindak-lanjut")  # no wait: read fresh
    assert payload["periode"] == "semester" and payload["min_group_size"] == 5
    assert [(r["unit_code"], r["period"]) for r in payload["rows"]] == [
        ("DINKES", "2025-S2"), ("DINKES", "2026-S1"), ("DINKES", "2026-S2"),
        ("DPMPTSP", "2026-S1"), ("DPMPTSP", "2026-S2"),
        ("DUKCAPIL", "2026-S1"), ("DUKCAPIL", "2026-S2")]
    dinkes = by_period(payload, "DINKES")
    assert (dinkes["2025-S2"]["ikm_index"], dinkes["2025-S2"]["ikm_grade"]) == (50.0, "D")
    assert (dinkes["2026-S2"]["ikm_index"], dinkes["2026-S2"]["ikm_grade"]) == (75.0, "C")
    trained = dinkes["2026-S1"]
    assert (trained["complaints_received"], trained["backlog"]) == (6, 4)
    assert trained["verified_share"] == pytest.approx(4 / 6)
    assert trained["followed_up_share"] == pytest.approx(2 / 6)
    assert (trained["employees"], trained["completed"], trained["modules_completed"]) == (7, 6, 6)
    assert trained["completion_share"] == pytest.approx(6 / 7)
    assert trained["jp_credited"] == pytest.approx(26.0)
    assert (trained["gain_people"], trained["gain_hidden"]) == (6, False)
    assert trained["mean_gain"] == pytest.approx(190 / 6)
    assert trained["start"] == "2026-01-01" and trained["end"] == "2026-06-30"
    dukcapil = by_period(payload, "DUKCAPIL")["2026-S1"]
    assert (dukcapil["ikm_index"], dukcapil["complaints_received"], dukcapil["completed"]) == (
        100.0, 4, 1)
    assert (dukcapil["gain_people"], dukcapil["mean_gain"], dukcapil["gain_hidden"]) == (
        None, None, True)
    comparisons = {c["unit_code"]: c for c in payload["comparisons"]}
    assert (comparisons["DINKES"]["status"], comparisons["DINKES"]["first_training"]) == (
        "ok", "2026-S1")
    assert comparisons["DINKES"]["before"]["period"] == "2025-S2"
    assert comparisons["DINKES"]["after"]["period"] == "2026-S2"
    assert comparisons["DINKES"]["ikm_change"] == pytest.approx(25.0)
    assert comparisons["DUKCAPIL"]["status"] == "no_before"
    assert comparisons["DPMPTSP"]["status"] == "no_training" and comparisons["DPMPTSP"]["note"]


async def test_follow_up_of_one_unit_by_year_and_a_new_module_credit(service):
    await upload_all(service)
    one = await service.json("api/hr/tindak-lanjut?unit=DINKES&periode=tahun")
    assert one["periode"] == "tahun" and one["unit"] == "DINKES"
    rows = by_period(one, "DINKES")
    assert list(rows) == ["2025", "2026"]
    assert (rows["2025"]["ikm_index"], rows["2026"]["ikm_index"]) == (50.0, 75.0)
    assert rows["2026"]["completed"] == 6
    with session_factory(service.url)() as db, db.begin():
        db.add(JpEntry(username=nip(6), year=2026, activity="Modul", provider="BKPSDM", jp=3,
                       source_ref="modul:manajemen-waktu", start_date=dt.date(2026, 9, 1),
                       end_date=dt.date(2026, 9, 1), kind="platform"))
    rows = by_period(await service.json("api/hr/tindak-lanjut?unit=DINKES&periode=tahun"),
                     "DINKES")
    assert rows["2026"]["completed"] == 7  # the training frames follow the data version
    assert (await service.call("api/hr/tindak-lanjut?unit=TIDAKADA")).code == 404
    assert (await service.call("api/hr/tindak-lanjut?periode=minggu")).code == 400


async def test_follow_up_page_says_it_is_no_proof_of_cause(service):
    await upload_all(service)
    page = await service.call("hr/tindak-lanjut")
    assert page.code == 200
    html = page.body.decode()
    assert 'id="bukan-sebab-akibat"' in html
    assert "Ini perbandingan, bukan bukti sebab-akibat" in html
    for unit in ("DINKES", "DUKCAPIL", "DPMPTSP"):
        assert f'id="unit-{unit}"' in html and f'id="banding-{unit}"' in html
    assert "50,00 → 75,00 (+25,00)" in html
    assert "kurang dari 5 pegawai — tidak ditampilkan" in html  # DUKCAPIL's gain
    assert "+31,7 poin (6 pegawai)" in html
    assert nip(1) not in html and "Pegawai 1" not in html


async def test_an_ikm_correction_replaces_only_its_service(service):
    await upload_all(service)
    fixed = ikm_csv(*ikm_rows("DINKES", "2026-S2", 4))
    answer = json.loads((await service.upload("ikm", fixed)).body)
    assert (answer["services"], answer["replaced"]) == (1, 1)
    rows = by_period(await service.json("api/hr/tindak-lanjut"), "DINKES")
    assert rows["2026-S2"]["ikm_index"] == 100.0 and rows["2025-S2"]["ikm_index"] == 50.0
    assert count(service.url, "ikm_counts") == 27
    assert IKM_HEADER.startswith("unit,layanan,periode") and GOOD_IKM.count(b"\n") == 16
