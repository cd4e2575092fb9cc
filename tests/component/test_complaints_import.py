"""SP4N-LAPOR! complaint exports and the holiday calendar into the platform database
(asncore.imports.complaints, asncore.imports.holidays) and HR's complaint summary
(reports.complaints): all rows or nothing, idempotent by id / by year, CSV and XLSX, and
the commands (``asn-ambon libur|pengaduan``) with their exit codes.

Hand-computed deadlines of examples/pengaduan-contoh.csv with examples/hari-libur-2026.csv
(3 working days to verify from receipt, 5 to follow up from verification; off: 18-24 March
Nyepi/Idulfitri with cuti bersama, 3 April, 14-15 May), evaluated on 30 June 2026:

DINKES, March 2026 (5 received)
  0001 recv Mon 02-03   verify by 05-03, done 03-03 ok   follow-up by 10-03, done 06-03 ok
  0002 recv Thu 05-03   verify by 10-03, done 11-03 LATE follow-up by 25-03, done 20-03 ok
  0003 recv Sat 07-03   verify by 11-03, done 09-03 ok   follow-up by 16-03, done 17-03 LATE
  0004 recv Tue 17-03   verify by 27-03, done 27-03 23:59 ok   follow-up by 06-04, 10-04 LATE
  0005 recv Mon 30-03   verify by 02-04, never: LATE     follow-up (from receipt) by 07-04 LATE
  -> verified 3/5, followed up 2/5; open on 31-03: 0002, 0004, 0005 -> backlog 3
DINKES, April: 0006 recv 14-04, verified 15-04 ok, follow-up by 22-04 never: LATE;
  backlog on 30-04: 0002, 0004, 0005, 0006 = 4. May: nothing received, backlog 4.
DUKCAPIL, March: 0007, 0008 all in time; 0008 closed on 31-03 -> backlog 0.
DUKCAPIL, April: 0009 in time; 0010 'bukan kewenangan': verified in time, no follow-up due,
  never backlog -> verified 2/2, followed up 1/1.
DPMPTSP, March: 0011, 0012 (recv Sat 28-03) in time; 0012 closed 06-04 -> backlog 1.
DPMPTSP, May: 0013 recv Wed 13-05: verify by Wed 20-05 (14-15 May off), done 18-05 ok.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from sqlalchemy import select

from asncore.db import Complaint, Holiday, session_factory
from asncore.imports.complaints import ComplaintsRejected, import_complaints
from asncore.imports.holidays import HolidaysRejected, import_holidays
from asncore.imports.units import import_units
from reports.complaints import complaint_summary

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
COMPLAINTS = EXAMPLES / "pengaduan-contoh.csv"
HOLIDAYS = EXAMPLES / "hari-libur-2026.csv"
ASN_AMBON = Path(sys.executable).parent / "asn-ambon"
JUNE_30 = dt.datetime(2026, 6, 30, 3, 0)  # 12:00 WIT, naive UTC
HEADER = "id,unit,kategori,diterima,diverifikasi,ditindaklanjuti,selesai,status"


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'kompetensi.sqlite'}"
    import_units(url, EXAMPLES / "unit.csv")
    return url


def stored(url) -> list[tuple]:
    with session_factory(url)() as db:
        return sorted((c.id, c.unit_code, c.category, c.status, c.received_at, c.verified_at,
                       c.followed_up_at, c.closed_at) for c in db.scalars(select(Complaint)))


def summary(url, period=None, by="month", as_of=JUNE_30) -> dict[tuple[str, str], tuple]:
    with session_factory(url)() as db:
        rows = complaint_summary(db, None, period, by=by, as_of=as_of)
    return {(s.unit_code, s.period): (s.received, s.verified_in_time, s.verify_due,
                                      s.followed_up_in_time, s.followup_due, s.backlog)
            for s in rows}


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_example_summarised_per_unit_and_month(url):
    import_holidays(url, HOLIDAYS)
    done = import_complaints(url, COMPLAINTS)
    assert (done.added, done.updated, done.unchanged) == (13, 0, 0)
    #                               received, verified ok/due, followed ok/due, backlog
    assert summary(url) == {
        ("DINKES", "2026-03"): (5, 3, 5, 2, 5, 3),
        ("DINKES", "2026-04"): (1, 1, 1, 0, 1, 4),
        ("DINKES", "2026-05"): (0, 0, 0, 0, 0, 4),
        ("DPMPTSP", "2026-03"): (2, 2, 2, 2, 2, 1),
        ("DPMPTSP", "2026-05"): (1, 1, 1, 1, 1, 0),
        ("DUKCAPIL", "2026-03"): (2, 2, 2, 2, 2, 0),
        ("DUKCAPIL", "2026-04"): (2, 2, 2, 1, 1, 0),
    }
    with session_factory(url)() as db:
        (dinkes, *_) = complaint_summary(db, None, "2026-03", as_of=JUNE_30)
    assert (dinkes.unit_code, dinkes.unit_name, dinkes.period) == (
        "DINKES", "Dinas Kesehatan", "2026-03")
    assert (dinkes.verified_share, dinkes.followed_up_share) == (0.6, 0.4)
    assert (dinkes.start, dinkes.end, dinkes.calendar_complete) == (
        dt.date(2026, 3, 1), dt.date(2026, 3, 31), True)


def test_quarters_and_a_single_period(url):
    import_holidays(url, HOLIDAYS)
    import_complaints(url, COMPLAINTS)
    quarters = summary(url, by="quarter")
    assert quarters[("DINKES", "2026-Q1")] == (5, 3, 5, 2, 5, 3)
    assert quarters[("DINKES", "2026-Q2")] == (1, 1, 1, 0, 1, 4)
    assert quarters[("DUKCAPIL", "2026-Q2")] == (2, 2, 2, 1, 1, 0)
    assert summary(url, "2026-tw1") == {key: v for key, v in quarters.items()
                                        if key[1] == "2026-Q1"}
    year = summary(url, "2026")
    assert year[("DINKES", "2026")] == (6, 4, 6, 2, 6, 4)


def test_steps_still_within_their_deadline_are_left_out(url):
    import_holidays(url, HOLIDAYS)
    import_complaints(url, COMPLAINTS)
    # on 1 April 2026 12:00 WIT, 0005 (received 30-03, deadline 02-04) is not late yet
    april_1 = dt.datetime(2026, 4, 1, 3, 0)
    assert summary(url, "2026-03", as_of=april_1)[("DINKES", "2026-03")] == (5, 3, 4, 2, 4, 3)


def test_without_the_holiday_calendar_deadlines_skip_weekends_only(url):
    import_complaints(url, COMPLAINTS)
    # 0004 (received 17-03) would be due 20-03: its verification on 27-03 becomes late,
    # and 0002's follow-up (due 18-03 instead of 25-03, done 20-03) too
    assert summary(url, "2026-03")[("DINKES", "2026-03")] == (5, 2, 5, 1, 5, 3)
    with session_factory(url)() as db:
        assert not complaint_summary(db, None, "2026-03", as_of=JUNE_30)[0].calendar_complete


def test_times_are_read_as_ambon_time_and_stored_in_utc(url, tmp_path):
    f = write(tmp_path / "p.csv", HEADER,
              "A,DINKES,,2026-03-02 08:15,02/03/2026 10:00,2026-03-02T12:00+08:00,,proses",
              "B,DINKES,,2026-03-02,,,,baru")
    import_complaints(url, f)
    rows = {r[0]: r for r in stored(url)}
    assert rows["A"][4:7] == (dt.datetime(2026, 3, 1, 23, 15), dt.datetime(2026, 3, 2, 1, 0),
                              dt.datetime(2026, 3, 2, 4, 0))
    assert rows["A"][3] == "followed_up"
    assert rows["B"][4] == dt.datetime(2026, 3, 1, 15, 0)  # 00:00 WIT


def test_reimport_is_idempotent_by_id_and_updates_changed_reports(url, tmp_path):
    import_complaints(url, COMPLAINTS)
    before = stored(url)
    again = import_complaints(url, COMPLAINTS)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 13)
    assert stored(url) == before
    closed = write(tmp_path / "update.csv", HEADER,
                   "CONTOH-0002,DINKES,Pelayanan Kesehatan,2026-03-05 19:40,2026-03-11 08:30,"
                   "2026-03-20 10:00,2026-03-30 09:00,selesai",
                   "CONTOH-0100,DPMPTSP,Perizinan,2026-06-01 08:00,,,,baru")
    done = import_complaints(url, closed)
    assert (done.added, done.updated, done.unchanged) == (1, 1, 0)
    rows = {r[0]: r for r in stored(url)}
    assert rows["CONTOH-0002"][3] == "closed" and len(rows) == 14
    assert summary(url, "2026-03")[("DINKES", "2026-03")][5] == 2  # backlog 3 -> 2


def test_a_bad_file_changes_nothing_and_names_every_problem(url, tmp_path):
    import_complaints(url, COMPLAINTS)
    before = stored(url)
    bad = write(tmp_path / "bad.csv", HEADER,
                "CONTOH-0001,DINKES,,2026-03-02 08:15,,,,diterima",
                "X-1,TIDAKADA,,2026-03-02 08:15,,,,diterima",
                "X-2,DINKES,,31/02/2026 08:00,,,,diterima",
                "X-3,DINKES,,2026-03-05 08:00,2026-03-04 08:00,,,diverifikasi",
                "X-4,DINKES,,2026-03-05 08:00,,,,selesai",
                "X-5,DINKES,,2026-03-05 08:00,,,,entah",
                "X-1,DINKES,,2026-03-05 08:00,,,,baru")
    with pytest.raises(ComplaintsRejected) as exc:
        import_complaints(url, bad)
    found = {(e.line, e.field) for e in exc.value.errors}
    assert found == {(3, "unit"), (4, "diterima"), (5, "diverifikasi"), (6, "status"),
                     (7, "status"), (8, "id")}
    assert "Berkas pengaduan ditolak, tidak ada yang diimpor" in str(exc.value)
    assert stored(url) == before  # CONTOH-0001 was not changed to 'diterima' either


def test_a_report_in_the_future_is_refused(url, tmp_path):
    f = write(tmp_path / "p.csv", HEADER, "A,DINKES,,2026-03-02 08:15,,,,baru")
    with pytest.raises(ComplaintsRejected, match="baris 2, kolom 'diterima'.*belum terjadi"):
        import_complaints(url, f, now=dt.datetime(2026, 3, 1, 0, 0))


def test_reporter_columns_are_refused(url, tmp_path):
    f = write(tmp_path / "p.csv", HEADER + ",nama pelapor",
              "A,DINKES,,2026-03-02 08:15,,,,baru,Ani")
    with pytest.raises(ComplaintsRejected, match="kolom 'nama pelapor': kolom tidak dikenal"):
        import_complaints(url, f)
    assert stored(url) == []


def test_xlsx_with_indonesian_headers_and_excel_dates(url, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["No Laporan", "Kode Unit", "Kategori", "Tanggal Diterima",
                  "Tanggal Verifikasi", "Tanggal Tindak Lanjut", "Tanggal Selesai", "Status"])
    sheet.append([1001, "DINKES", "Waktu Tunggu", dt.datetime(2026, 3, 2, 8, 15),
                  dt.datetime(2026, 3, 3, 10, 0), None, None, "Diverifikasi"])
    sheet.append([1002, "dukcapil", None, "07/03/2026 09:05", dt.date(2026, 3, 9), None, None,
                  "Didisposisikan"])
    book.save(tmp_path / "lapor.xlsx")
    assert import_complaints(url, tmp_path / "lapor.xlsx").added == 2
    rows = {r[0]: r for r in stored(url)}
    assert rows["1001"][1:6] == ("DINKES", "Waktu Tunggu", "verified",
                                 dt.datetime(2026, 3, 1, 23, 15), dt.datetime(2026, 3, 3, 1, 0))
    assert rows["1002"][1] == "DUKCAPIL" and rows["1002"][3] == "forwarded"
    assert rows["1002"][5] == dt.datetime(2026, 3, 8, 15, 0)  # a date alone: 00:00 WIT
    sheet.append([1003, "DINKES", None, dt.datetime(2026, 3, 5), None, None, None, "selesai"])
    book.save(tmp_path / "lapor.xlsx")
    with pytest.raises(ComplaintsRejected, match="baris 4, kolom 'status'"):
        import_complaints(url, tmp_path / "lapor.xlsx")


def test_holidays_are_replaced_per_year_and_reimport_is_idempotent(url, tmp_path):
    first = import_holidays(url, HOLIDAYS)
    assert (first.years, first.imported, first.replaced) == ((2026,), 25, 0)
    assert import_holidays(url, HOLIDAYS).replaced == 25
    write(tmp_path / "2027.csv", "tanggal;nama;jenis", "01-01-2027;Tahun Baru 2027;nasional")
    import_holidays(url, tmp_path / "2027.csv")
    moved = write(tmp_path / "moved.csv", "tanggal,nama,jenis",
                  "2026-01-01,Tahun Baru 2026 Masehi,libur nasional",
                  "2026-12-28,Cuti bersama (dipindah),cuti bersama")
    assert import_holidays(url, moved).replaced == 25
    with session_factory(url)() as db:
        days = {(h.day, h.kind) for h in db.scalars(select(Holiday))}
    assert days == {(dt.date(2026, 1, 1), "national"), (dt.date(2026, 12, 28), "collective"),
                    (dt.date(2027, 1, 1), "national")}
    bad = write(tmp_path / "bad.csv", "tanggal,nama,jenis", "2026-02-30,X,libur",
                "2026-01-01,A,cuti bersama", "01/01/2026,B,cuti bersama")
    with pytest.raises(HolidaysRejected) as exc:
        import_holidays(url, bad)
    assert {(e.line, e.field) for e in exc.value.errors} == {
        (2, "tanggal"), (2, "jenis"), (4, "tanggal")}
    with session_factory(url)() as db:
        assert len(db.scalars(select(Holiday)).all()) == 3  # unchanged


# ---- the commands, as HR runs them -----------------------------------------------------


def run(args: list[str], settings: Path) -> subprocess.CompletedProcess:
    """``asn-ambon ARGS`` of this checkout (not the installed copy) with the test settings."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "ASN_SETTINGS": str(settings)}
    return subprocess.run([str(ASN_AMBON), *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_commands_import_summarise_and_refuse(tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "var")}))
    assert run(["unit", "import", str(EXAMPLES / "unit.csv")], settings).returncode == 0
    r = run(["libur", "import", str(HOLIDAYS)], settings)
    assert r.returncode == 0, r.stderr
    assert "25 hari" in r.stdout and "tahun 2026" in r.stdout
    r = run(["pengaduan", "import", str(COMPLAINTS)], settings)
    assert r.returncode == 0 and "13 baru, 0 diperbarui, 0 tetap" in r.stdout
    r = run(["pengaduan", "import", str(COMPLAINTS)], settings)
    assert "0 baru, 0 diperbarui, 13 tetap" in r.stdout
    r = run(["pengaduan", "ringkasan", "--periode", "2026-03"], settings)
    assert r.returncode == 0, r.stderr
    dinkes = next(line for line in r.stdout.splitlines() if line.startswith("DINKES"))
    assert dinkes.split() == ["DINKES", "2026-03", "5", "3/5", "(60%)", "2/5", "(40%)", "3"]
    assert "PERHATIAN" not in r.stdout
    r = subprocess.run([sys.executable, "-m", "reports", "pengaduan", "ringkasan", "--per",
                        "triwulan"], cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
                       env={**os.environ, "PYTHONPATH": str(REPO), "ASN_SETTINGS": str(settings)})
    assert r.returncode == 0 and "2026-Q1" in r.stdout
    bad = write(tmp_path / "bad.csv", HEADER, "Z,DINKES,,kemarin,,,,baru")
    r = run(["pengaduan", "import", str(bad)], settings)
    assert r.returncode == 1 and "baris 2, kolom 'diterima'" in r.stderr and r.stdout == ""
    r = run(["libur", "import", str(bad)], settings)
    assert r.returncode == 1 and "kolom wajib tidak ada" in r.stderr
    r = run(["pengaduan", "ringkasan", "--periode", "2026-13"], settings)
    assert r.returncode == 1 and "bulan 13 tidak ada" in r.stderr
