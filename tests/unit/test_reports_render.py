"""Renderers of the HR report (XLSX, CSV, HTML, employee page, SVG charts) on a small
hand-made report whose frames follow ``reports.frames``.

Fixtures: ``report`` (three employees in two units under the city, three competencies;
one employee's name holds ``<b>&`` to catch escaping bugs), ``stamp`` (a fixed
generation time, 14 May 2026 10:30 WIT).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook

from reports import charts, frames
from reports.render import atomic_path, timestamp_text
from reports.render_csv import CSV_FILES, write_csvs
from reports.render_html import (
    employee_profiles,
    jp_bars,
    render_employee,
    render_report,
    template_env,
    write_html,
)
from reports.render_xlsx import SHEETS, write_xlsx

ANA = "199005142015032001"
BUDI = "198811232024212006"
CITRA = "197001012000031001"
ANA_NAME = "Ana <b>& Co"
ANA_ESCAPED = "Ana &lt;b&gt;&amp; Co"
CERT = "BPSDM-MAL/2026/0417"
WIT = dt.timezone(dt.timedelta(hours=9))
DINKES, KOMINFO = "Dinas Kesehatan", "Dinas Komunikasi dan Informatika"
PLATFORM = "Platform Kompetensi ASN Ambon"
# an external reference in HTML/SVG/CSS: src=, href=, url(...) to http(s) or //, @import
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
    re.IGNORECASE,
)


def frame(spec: dict, rows: list[tuple], extra: dict | None = None) -> pd.DataFrame:
    """A frame with the columns of ``spec`` (plus ``extra`` name -> kind), typed by kind."""
    kinds = {name: kind for name, (kind, _) in spec.items()} | (extra or {})
    df = pd.DataFrame(rows, columns=list(kinds))
    for name, kind in kinds.items():
        if kind == "int":
            df[name] = df[name].astype("Int64")
        elif kind == "float":
            df[name] = df[name].astype("float64")
        elif kind == "bool":
            df[name] = df[name].astype(bool)
    return df


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def stamp() -> dt.datetime:
    return dt.datetime(2026, 5, 14, 10, 30, tzinfo=WIT)


@pytest.fixture
def report() -> SimpleNamespace:
    employees = frame(frames.EMPLOYEES, [
        (ANA, ANA, ANA_NAME, "DINKES", "Pengelola Data", "Pelaksana", "PNS", "learner", True,
         DINKES),
        (BUDI, BUDI, "Budi Santoso", "KOMINFO", "Pranata Komputer", "Fungsional", "PPPK",
         "learner", True, KOMINFO),
        (CITRA, CITRA, "Citra Lestari", "DINKES", "Kepala Bidang", "Administrator", "PNS",
         "learner", True, DINKES),
    ], extra={"unit_name": "str"})
    units = frame(frames.UNITS, [
        ("PEMKOT", "Pemerintah Kota Ambon", None),
        ("DINKES", DINKES, "PEMKOT"),
        ("KOMINFO", KOMINFO, "PEMKOT"),
    ])
    competencies = frame(frames.COMPETENCIES, [
        ("M.01", "Integritas", "managerial"),
        ("M.03", "Komunikasi", "managerial"),
        ("T.SPBE", "Sistem Pemerintahan Berbasis Elektronik", "technical"),
    ])
    # level, required, gap, evidence, level_items, level_rubric, items, score, max_score
    levels = frame(frames.LEVELS, [
        (ANA, "M.01", 3, 3, 0, "dinilai", 1, 1, 4, 7.0, 8.0),
        (ANA, "M.03", 2, 3, -1, "dinilai", 3, 0, 4, 5.0, 8.0),
        (ANA, "T.SPBE", None, 2, None, "bukti belum cukup", 0, 0, 2, 1.0, 2.0),
        (BUDI, "M.01", 4, 3, 1, "dinilai", 3, 0, 5, 9.0, 10.0),
        (BUDI, "M.03", 3, 3, 0, "dinilai", 1, 1, 4, 7.0, 8.0),
        (BUDI, "T.SPBE", 5, None, None, "dinilai", 3, 0, 6, 12.0, 12.0),
        (CITRA, "M.01", None, 4, None, "belum dinilai", 0, 0, 0, 0.0, 0.0),
        (CITRA, "M.03", None, 4, None, "belum dinilai", 0, 0, 0, 0.0, 0.0),
        (CITRA, "T.SPBE", None, 3, None, "belum dinilai", 0, 0, 0, 0.0, 0.0),
    ])
    # Budi is a PPPK: 24 JP is his ceiling, so 6 JP is no shortfall
    jp = frame(frames.JP_COMPLIANCE, [
        (ANA, 2026, 12.0, 10.0, 22.0, "minimum", 20.0, 0.0, 0.0, True),
        (BUDI, 2026, 6.0, 0.0, 6.0, "ceiling", 24.0, 0.0, 0.0, True),
        (CITRA, 2026, 0.0, 0.0, 0.0, "minimum", 20.0, 20.0, 0.0, False),
    ])
    jp_entries = frame(frames.JP_ENTRIES, [
        (ANA, 2026, "Dasar SPBE", PLATFORM, 12.0, "e-government",
         d("2026-03-02"), d("2026-03-20"), None, "platform"),
        (ANA, 2026, "Pelatihan Pelayanan Publik", "BPSDM Provinsi Maluku", 10.0, "hr:17",
         d("2026-04-06"), d("2026-04-07"), CERT, "external"),
        (BUDI, 2026, "Literasi Data", PLATFORM, 6.0, "literasi-data",
         d("2026-02-10"), d("2026-02-12"), None, "platform"),
    ])
    gain = frame(frames.GAIN, [
        (ANA, "e-government", 40.0, 70.0, 0.5, "lengkap"),
        (BUDI, "e-government", 60.0, None, None, "belum post-test"),
    ])
    gain_summary = frame(frames.GAIN_SUMMARY, [("e-government", 2, 1, 1, 50.0, 70.0, 0.5, 0.5)])
    unit_summary = frame(frames.UNIT_SUMMARY, [
        ("PEMKOT", "Pemerintah Kota Ambon", "M.01", 3, 2, 3.5, 0.5, 100.0),
        ("PEMKOT", "Pemerintah Kota Ambon", "M.03", 3, 2, 2.5, -0.5, 50.0),
        ("PEMKOT", "Pemerintah Kota Ambon", "T.SPBE", 3, 1, 5.0, None, None),
        ("DINKES", DINKES, "M.01", 2, 1, 3.0, 0.0, 100.0),
        ("DINKES", DINKES, "M.03", 2, 1, 2.0, -1.0, 0.0),
        ("DINKES", DINKES, "T.SPBE", 2, 0, None, None, None),
        ("KOMINFO", KOMINFO, "M.01", 1, 1, 4.0, 1.0, 100.0),
        ("KOMINFO", KOMINFO, "M.03", 1, 1, 3.0, 0.0, 100.0),
        ("KOMINFO", KOMINFO, "T.SPBE", 1, 1, 5.0, None, None),
    ])
    distribution = frame(frames.DISTRIBUTION, [
        ("PEMKOT", "M.01", 3, 1), ("PEMKOT", "M.01", 4, 1),
        ("DINKES", "M.01", 3, 1), ("DINKES", "M.03", 2, 1),
        ("KOMINFO", "M.01", 4, 1),
    ])
    trends = frame(frames.TRENDS, [
        ("2026", "M.01", 2, 3.5), ("2026", "M.03", 2, 2.5), ("2026", "T.SPBE", 1, 5.0),
        ("2025", "M.01", 1, 3.0), ("2025", "M.03", 0, None), ("2025", "T.SPBE", 0, None),
    ])
    config = SimpleNamespace(year=2026, mastery_thresholds=(0.7, 0.7, 0.75, 0.75, 0.8),
                             jp_targets={"PNS": 20.0, "PPPK": 24.0}, unit=None, period="year",
                             include_inactive=False)
    return SimpleNamespace(
        config=config, employees=employees, units=units, competencies=competencies,
        levels=levels, jp=jp, jp_entries=jp_entries, gain=gain, gain_summary=gain_summary,
        unit_summary=unit_summary, distribution=distribution, trends=trends,
    )


@pytest.fixture
def workbook(report, stamp, tmp_path):
    return load_workbook(write_xlsx(report, tmp_path / "laporan.xlsx", generated_at=stamp))


def sheet_rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def by_nip(rows: list[dict]) -> dict[str, dict]:
    return {r["NIP"]: r for r in rows}


# ---- XLSX ------------------------------------------------------------------------------


def test_xlsx_has_every_sheet_in_order(workbook):
    assert workbook.sheetnames == [
        "Profil Kompetensi", "JP", "Buku JP", "Ringkasan Unit", "Distribusi", "Pre-Post", "Tren",
        "Keterangan",
    ] == SHEETS


def test_xlsx_profile_holds_levels_and_gaps_per_competency(workbook):
    ws = workbook["Profil Kompetensi"]
    rows = by_nip(sheet_rows(ws))
    ana = rows[ANA]
    assert (ana["Nama"], ana["Unit"], ana["Jenis jabatan"]) == (ANA_NAME, DINKES, "Pelaksana")
    assert (ana["M.03 indikasi level"], ana["M.03 butir"], ana["M.03 dibutuhkan"],
            ana["M.03 gap"]) == (2, 3, 3, -1)
    # no level is never 0: the reason is written instead
    assert (ana["T.SPBE indikasi level"], ana["T.SPBE butir"]) == ("bukti belum cukup", 0)
    assert ana["T.SPBE dibutuhkan"] == 2
    assert rows[CITRA]["M.01 indikasi level"] == "belum dinilai"
    assert rows[BUDI]["T.SPBE indikasi level"] == 5 and rows[BUDI]["T.SPBE gap"] is None
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["NIP", "Nama", "Unit", "Jabatan", "Jenis jabatan"]
    assert headers.index("M.01 indikasi level") < headers.index("M.01 butir") \
        < headers.index("M.03 indikasi level") < headers.index("T.SPBE gap")
    assert ws["A1"].font.b and ws.freeze_panes == "C2"
    assert ws.column_dimensions["B"].width >= len(ANA_NAME)
    # by unit name, then name
    nips = [r[0] for r in ws.iter_rows(min_row=2, max_col=1, values_only=True)]
    assert nips == [ANA, CITRA, BUDI]


def test_xlsx_jp_sheet_says_who_meets_the_rule(workbook):
    ws = workbook["JP"]
    rows = by_nip(sheet_rows(ws))
    ana = rows[ANA]
    assert (ana["Total JP"], ana["Aturan JP"], ana["Batas JP"], ana["Sesuai aturan"]) == (
        22, "paling sedikit", 20, "Ya")
    assert (rows[CITRA]["Kekurangan JP"], rows[CITRA]["Sesuai aturan"]) == (20, "Tidak")
    # a PPPK under the ceiling: no shortfall, within the rule
    budi = rows[BUDI]
    assert (budi["Aturan JP"], budi["Batas JP"], budi["Kekurangan JP"], budi["Kelebihan JP"],
            budi["Sesuai aturan"], budi["Status"]) == ("paling lama", 24, 0, 0, "Ya", "PPPK")
    assert ws.freeze_panes == "C2" and ws["L1"].value == "Sesuai aturan" and ws["L1"].font.b


def test_xlsx_jp_sheet_flags_a_pppk_over_the_ceiling(report, stamp, tmp_path):
    over = report.jp["username"] == BUDI
    report.jp.loc[over, ["jp_external", "jp_total", "excess", "compliant"]] = [22.0, 28.0, 4.0, False]
    rows = by_nip(sheet_rows(load_workbook(write_xlsx(report, tmp_path / "a.xlsx"))["JP"]))
    assert (rows[BUDI]["Kelebihan JP"], rows[BUDI]["Kekurangan JP"],
            rows[BUDI]["Sesuai aturan"]) == (4, 0, "Tidak")


def test_xlsx_ledger_has_certificate_and_real_dates(workbook):
    ws = workbook["Buku JP"]
    rows = sheet_rows(ws)
    assert len(rows) == 3
    external = next(r for r in rows if r["No. sertifikat"] == CERT)
    assert (external["NIP"], external["JP"], external["Jenis"]) == (ANA, 10, "Luar platform")
    assert external["Penyelenggara"] == "BPSDM Provinsi Maluku"
    assert external["Tanggal mulai"] == dt.datetime(2026, 4, 6)
    date_col = [c.value for c in ws[1]].index("Tanggal mulai") + 1
    assert ws.cell(row=2, column=date_col).number_format == "DD/MM/YYYY"


def test_xlsx_unit_summary_and_distribution(workbook):
    units = sheet_rows(workbook["Ringkasan Unit"])
    assert [r["Kode unit"] for r in units[::3]] == ["PEMKOT", "DINKES", "KOMINFO"]  # tree order
    m03 = next(r for r in units if (r["Kode unit"], r["Kode kompetensi"]) == ("DINKES", "M.03"))
    assert (m03["Rata-rata level"], m03["Rata-rata gap"]) == (2, -1)
    assert m03["Kompetensi"] == "Komunikasi"

    dist = sheet_rows(workbook["Distribusi"])
    city = next(r for r in dist if (r["Kode unit"], r["Kode kompetensi"]) == ("PEMKOT", "M.01"))
    assert [city[f"Level {k}"] for k in range(6)] == [0, 0, 0, 1, 1, 0]
    assert city["Jumlah dinilai"] == 2


def test_xlsx_prepost_and_trends(workbook):
    ws = workbook["Pre-Post"]
    header = [c.value for c in ws[1]]
    assert header[:8] == ["NIP", "Nama", "Unit", "Kursus", "Pre-test (%)", "Post-test (%)", "Gain",
                          "Keterangan"]
    assert header[8] is None and header[9] == "Kursus"  # the per-course summary beside it
    first = [c.value for c in ws[2]]
    assert first[0] == ANA and first[6] == 0.5
    assert first[9:] == ["e-government", 2, 1, 1, 50, 70, 0.5, 0.5]

    trends = sheet_rows(workbook["Tren"])
    assert [r["Periode"] for r in trends] == ["2025"] * 3 + ["2026"] * 3
    assert trends[3]["Rata-rata level"] == 3.5


def test_xlsx_reading_guide(report, stamp, tmp_path):
    path = write_xlsx(report, tmp_path / "laporan.xlsx", generated_at=stamp,
                      level_rule="Aturan level khusus uji.")
    ws = load_workbook(path)["Keterangan"]
    guide = {r["Hal"]: r["Keterangan"] for r in sheet_rows(ws) if r["Hal"]}
    assert guide["Tahun"] == "2026" and guide["Unit"] == "Semua unit"
    assert guide["Periode tren"] == "Per tahun"
    assert guide["Dibuat pada"] == "14 Mei 2026 pukul 10.30 WIT"
    assert guide["Level kompetensi"].startswith("Aturan level khusus uji.")
    assert "level 3: ≥ 75%; level 4: ≥ 75%; level 5: ≥ 80%." in guide["Level kompetensi"]
    assert "PNS paling sedikit 20 JP, PPPK paling lama 24 JP" in guide["JP per tahun"]
    assert "PP 49/2018 Pasal 40 ayat (1)" in guide["JP per tahun"]
    assert "bukan target" in guide["JP per tahun"]
    assert guide["Indikasi level"].endswith("indikasi level, berbasis tes pengetahuan.")
    assert "(post − pre) / (100 − pre)" in guide["Pre-test dan post-test"]
    assert "level dibutuhkan" in guide["Gap"]
    assert [c.value for c in ws["D"]][:2] == ["Kode kompetensi", "M.01"]  # the dictionary


# ---- CSV -------------------------------------------------------------------------------


def typed(df: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """``df``'s spec columns in comparable types (dates as dates, missing as None/NA)."""
    out = pd.DataFrame(index=range(len(df)))
    for name, (kind, _) in spec.items():
        col = df[name].reset_index(drop=True)
        if kind == "int":
            out[name] = col.astype("Int64")
        elif kind == "float":
            out[name] = col.astype("float64")
        elif kind == "bool":
            out[name] = col.astype(bool)
        elif kind == "date":
            out[name] = pd.to_datetime(col).dt.date
        else:
            out[name] = col.astype(object).where(col.notna(), None)
    return out


def test_csvs_round_trip_with_frame_columns(report, tmp_path):
    written = write_csvs(report, tmp_path / "csv")
    assert sorted(written) == sorted([
        "levels.csv", "jp.csv", "jp_ledger.csv", "unit_summary.csv", "distribution.csv",
        "gain.csv", "gain_summary.csv", "trends.csv",
    ])
    for name, (attribute, spec) in CSV_FILES.items():
        back = pd.read_csv(written[name], encoding="utf-8",
                           dtype={"period": str, "nip": str, "username": str})
        assert list(back.columns) == list(spec), name
        expected = typed(getattr(report, attribute), spec)
        pd.testing.assert_frame_equal(typed(back, spec), expected, obj=name)
    text = written["levels.csv"].read_text(encoding="utf-8")
    assert text.splitlines()[0] == ("username,competency,level,required,gap,evidence,"
                                    "level_items,level_rubric,items,score,max_score")
    assert f"{ANA},T.SPBE,,2,,bukti belum cukup,0,0,2,1.0,2.0" in text
    jp_text = written["jp.csv"].read_text(encoding="utf-8")
    assert f"{BUDI},2026,6.0,0.0,6.0,ceiling,24.0,0.0,0.0,True" in jp_text
    assert f"{ANA},2026,Pelatihan Pelayanan Publik," in written["jp_ledger.csv"].read_text()


def test_csv_names_a_missing_column(report, tmp_path):
    report.gain = report.gain.drop(columns=["status"])
    with pytest.raises(ValueError, match=r"report\.gain lacks column\(s\) status"):
        write_csvs(report, tmp_path)


# ---- HTML report -----------------------------------------------------------------------


def test_html_report_is_self_contained_and_escaped(report, stamp, tmp_path):
    path = write_html(report, tmp_path / "laporan.html", generated_at=stamp)
    html = path.read_text(encoding="utf-8")
    assert "<h1>Laporan Kompetensi ASN Pemerintah Kota Ambon</h1>" in html
    assert 'id="tahun">2026<' in html and 'id="unit-filter">Semua unit<' in html
    assert "14 Mei 2026 pukul 10.30 WIT" in html
    assert 'class="bars"' in html and 'class="heatmap"' in html
    assert html.count('class="radar"') == 3
    assert ANA_ESCAPED in html and ANA_NAME not in html
    assert "<script" not in html.lower() and not EXTERNAL.search(html)
    assert html.count('<details class="pegawai"') == 3
    assert f"<h3>{DINKES}</h3>" in html


def test_html_report_sections_show_the_numbers(report, stamp):
    html = render_report(report, generated_at=stamp)
    prepost = html[html.index('id="prepost"'):html.index('id="tren"')]
    assert "<td>e-government</td>" in prepost and ">0,5<" in prepost
    ana = html[html.index(f'id="p-{ANA}"'):]
    ana = ana[: ana.index("</details>")]
    assert "JP 22/20" in ana and 'class="jp-total">22<' in ana
    assert 'href="#radar-bg"' in ana  # the shared radar background, not a copy per employee
    assert html.count('id="radar-bg"') == 1
    assert '<td class="kurang">-1</td>' in ana


def test_html_report_names_the_unit_filter(report, stamp):
    report.config.unit = "DINKES"
    html = render_report(report, generated_at=stamp)
    assert f'id="unit-filter">{DINKES} (DINKES) beserta sub-unitnya<' in html


def test_jp_bars_roll_units_up_over_pns_minimums_only(report):
    items = {b.label: b for b in jp_bars(report)}
    # Budi (PPPK, Kominfo) has a ceiling, not a target: he is not averaged, and Kominfo,
    # with no PNS, has no bar
    assert list(items) == ["Pemerintah Kota Ambon", DINKES]
    city = items["Pemerintah Kota Ambon"]
    assert (city.value, city.target, city.indent) == (11, 20, 0)  # (22 + 0) / 2 against 20
    assert city.note == "50% PNS memenuhi (1/2)"
    assert (items[DINKES].value, items[DINKES].indent) == (11, 1)
    over = report.jp["username"] == BUDI
    report.jp.loc[over, ["jp_total", "excess", "compliant"]] = [30.0, 6.0, False]
    city = jp_bars(report)[0]
    assert city.note == "50% PNS memenuhi (1/2) · 1 PPPK melebihi batas"


def test_renderers_leave_the_report_unchanged(report, stamp, tmp_path):
    before = {k: copy.deepcopy(v) for k, v in vars(report).items() if isinstance(v, pd.DataFrame)}
    write_xlsx(report, tmp_path / "a.xlsx", generated_at=stamp)
    write_csvs(report, tmp_path)
    write_html(report, tmp_path / "a.html", generated_at=stamp)
    for name, df in before.items():
        pd.testing.assert_frame_equal(getattr(report, name), df, obj=name)


def test_an_empty_report_still_renders(report, stamp, tmp_path):
    for name, df in list(vars(report).items()):
        if isinstance(df, pd.DataFrame):
            setattr(report, name, df.iloc[0:0])
    wb = load_workbook(write_xlsx(report, tmp_path / "a.xlsx", generated_at=stamp))
    assert wb.sheetnames == SHEETS and wb["JP"].max_row == 1
    html = write_html(report, tmp_path / "a.html", generated_at=stamp).read_text(encoding="utf-8")
    assert "Tidak ada pegawai dalam laporan ini." in html and "Belum ada data JP." in html
    assert pd.read_csv(write_csvs(report, tmp_path)["jp.csv"]).empty


# ---- employee page ---------------------------------------------------------------------


def test_employee_page_from_report(report, stamp):
    profile = next(p for p in employee_profiles(report, stamp) if p["nip"] == ANA)
    assert profile["unit"] == {"code": "DINKES", "name": DINKES}
    assert profile["modules_completed"] == [
        {"module": "e-government", "title": "Dasar SPBE", "jp": 12.0, "date": d("2026-03-20")}]
    html = render_employee(profile)
    assert f'id="nip">{ANA}<' in html
    assert 'class="jp-total">22<' in html and CERT in html
    assert ANA_ESCAPED in html and ANA_NAME not in html
    assert 'class="radar"' in html and '<polygon class="achieved"' in html
    assert "@media print" in html and "size: A4" in html
    assert ("Dicetak dari Platform Kompetensi ASN Pemerintah Kota Ambon pada "
            "14 Mei 2026 pukul 10.30 WIT") in html
    assert "6 April 2026 – 7 April 2026" in html and "<td>Luar platform</td>" in html
    assert "<script" not in html.lower() and not EXTERNAL.search(html)


def test_employee_page_labels_levels_as_indications_with_their_items(report, stamp):
    profiles = {p["nip"]: p for p in employee_profiles(report, stamp)}
    ana = render_employee(profiles[ANA])
    assert "Indikasi level" in ana and "berbasis tes pengetahuan" in ana
    assert "3 butir soal" in ana  # M.03 level 2 rests on three items
    assert "1 tugas dinilai dengan rubrik" in ana  # M.01 level 3 on one rubric-scored task
    assert "bukti belum cukup" in ana and "2 butir, belum cukup" in ana  # T.SPBE
    citra = render_employee(profiles[CITRA])
    assert citra.count("belum dinilai") == 3  # no evidence is never shown as 0
    assert profiles[ANA]["competencies"][1] == {
        "code": "M.03", "name": "Komunikasi", "level": 2, "required": 3, "gap": -1,
        "evidence": "dinilai", "level_items": 3, "level_rubric": 0, "items": 4}


def test_a_pppk_sees_a_ceiling_not_a_target(report, stamp):
    budi = next(p for p in employee_profiles(report, stamp) if p["nip"] == BUDI)
    assert (budi["jp"]["rule"], budi["jp"]["shortfall"], budi["jp"]["excess"]) == ("ceiling", 0.0, 0.0)
    html = render_employee(budi)
    assert "batas paling lama 24 JP per tahun masa perjanjian kerja" in html
    assert "dalam batas" in html and "kurang" not in html.split('id="jp"')[1]
    assert "Total JP dan batas paling lama (PPPK)" in html
    budi["jp"].update(total=30.0, excess=6.0, compliant=False)
    assert "melebihi batas 6 JP" in render_employee(budi)
    summary = render_report(report, generated_at=stamp)
    assert "JP 6 (maks. 24)" in summary and "PPPK melebihi batas JP<strong>0 dari 1<" in summary
    assert "PNS memenuhi batas paling sedikit JP<strong>1 dari 2<" in summary


def test_employee_page_from_a_service_profile():
    """The HR service's own dict, shaped as documented, renders without our builder."""
    entry = {"activity": "Etika ASN", "provider": "Platform", "start_date": "2026-01-05",
             "end_date": "2026-01-05", "jp": 7.5, "certificate_no": None, "kind": "platform"}
    profile = {
        "username": "asn1", "nip": "198001012005011002", "name": "Dewi",
        "unit": {"code": "BKPSDM", "name": "BKPSDM"}, "position": "Analis SDM",
        "position_type": "Fungsional", "status": "PNS", "active": False, "year": 2026,
        "competencies": [{"code": "M.01", "name": "Integritas", "level": 1, "required": 3,
                          "gap": -2}],
        "jp": {"total": 7.5, "platform": 7.5, "external": 0.0, "target": 20.0,
               "shortfall": 12.5, "compliant": False, "entries": [entry]},
        "gain": [{"course": "etika", "pre_pct": 30.0, "post_pct": None, "gain": None,
                  "status": "belum post-test"}],
        "modules_completed": [{"module": "etika", "title": "Etika ASN", "jp": 7.5,
                               "date": "2026-01-05"}],
        "generated_at": "1 Juni 2026 pukul 08.00 WIT",
    }
    html = render_employee(profile)
    assert 'class="jp-total">7,5<' in html and "kurang 12,5 JP" in html
    assert "(nonaktif)" in html and "5 Januari 2026" in html and "belum post-test" in html
    assert '<td class="n kurang">-2</td>' in html and "pada 1 Juni 2026 pukul 08.00 WIT" in html


def test_template_env_escapes_and_exposes_charts():
    env = template_env()
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    svg = env.from_string("{{ radar({'A': (5, 5)}) }}").render()
    assert svg.startswith("<svg") and "Level dicapai" in svg
    assert env.from_string("{{ 12.5|angka }} {{ none|angka }}").render() == "12,5 –"


# ---- charts ----------------------------------------------------------------------------


def test_radar_full_level_reaches_the_full_radius():
    # size 320, margin 56: centre (160, 160), radius 104; axes up, right, down, left
    svg = charts.radar({c: (5, 5) for c in "ABCD"}, size=320)
    assert '<polygon class="achieved" points="160,56 264,160 160,264 56,160"' in svg
    assert '<polygon class="required" points="160,56 264,160 160,264 56,160"' in svg


def test_radar_partial_levels_and_missing_evidence():
    # level 1 of 5 -> 104 / 5 = 20.8 from the centre; level 2 -> 41.6; no evidence -> centre
    levels = {"A": (1, 2), "B": (None, 2), "C": (1, 2), "D": (1, 2)}
    svg = charts.radar(levels, {"A": "Alpha <x>"}, size=320)
    assert 'class="achieved" points="160,139.2 160,160 160,180.8 139.2,160"' in svg
    assert 'class="required" points="160,118.4 201.6,160 160,201.6 118.4,160"' in svg
    assert "* belum ada bukti penilaian" in svg
    assert "<title>A Alpha &lt;x&gt;</title>" in svg
    assert "Level dicapai" in svg and "Level dibutuhkan" in svg


def test_radar_is_deterministic_and_skips_absent_polygons():
    levels = {"M.01": (None, None), "M.02": (None, None), "M.03": (None, None)}
    assert charts.radar(levels) == charts.radar(dict(levels))
    assert "<polygon class=" not in charts.radar(levels)


def test_heatmap_cells_show_values_and_dashes():
    matrix = pd.DataFrame({"M.01": [3.26, None], "M.03": [2.0, 5.0]},
                          index=["Dinas <A>", "Dinas B"])
    svg = charts.heatmap(matrix, labels={"M.01": "Integritas"})
    assert ">3,3</text>" in svg and ">2</text>" in svg  # one decimal, decimal comma
    assert ">–</text>" in svg and f'fill="{charts.NA_FILL}"' in svg
    assert "Dinas &lt;A&gt;" in svg and "Dinas <A>" not in svg
    assert f'fill="{charts.SCALE[-1]}"' in svg  # 5.0 is the darkest colour
    assert "<title>M.01 Integritas</title>" in svg


def test_bars_colour_and_label_by_target():
    svg = charts.bars([charts.Bar("Budi", 6.0, 24.0), charts.Bar("Ana", 22.0, 20.0, "lengkap")])
    budi, ana = svg.split("<g><title>")[1:3]
    assert f'fill="{charts.BELOW}"' in budi and "6 / 24 JP" in budi
    assert f'fill="{charts.MET}"' in ana and "22 / 20 JP · lengkap" in ana
    assert "Memenuhi target" in svg and "Di bawah target" in svg


def test_number_and_time_wording():
    numbers = [charts.num(x) for x in (20.0, 12.5, None, float("nan"), pd.NA, -0.04, 3)]
    assert numbers == ["20", "12,5", "–", "–", "–", "0", "3"]
    assert charts.num(0.456, 2) == "0,46"
    # shown in Ambon's time (WIT, UTC+9); a naive datetime is UTC, as the database keeps it
    utc = dt.datetime(2026, 1, 2, 20, 5, tzinfo=dt.timezone.utc)
    assert timestamp_text(utc) == "3 Januari 2026 pukul 05.05 WIT"
    assert timestamp_text(utc.replace(tzinfo=None)) == "3 Januari 2026 pukul 05.05 WIT"


# ---- atomic writes ---------------------------------------------------------------------


def test_writers_leave_no_temporary_files(report, stamp, tmp_path):
    write_xlsx(report, tmp_path / "laporan.xlsx", generated_at=stamp)
    write_html(report, tmp_path / "laporan.html", generated_at=stamp)
    write_csvs(report, tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["laporan.xlsx", "laporan.html", *CSV_FILES])


def test_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "laporan.html"
    target.write_text("versi lama")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("setengah")
            raise RuntimeError("disk penuh")
    assert target.read_text() == "versi lama"
    assert [p.name for p in tmp_path.iterdir()] == ["laporan.html"]
