"""IKM survey files into the platform database (asncore.imports.ikm) and HR's summaries
(reports.ikm): all rows or nothing, idempotent re-import, CSV and XLSX, no respondent kept;
and the commands (``python -m reports ikm``, ``asn-ambon ikm [hitung|import]``) as HR runs
them, with their exit codes."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from sqlalchemy import inspect, select

from asncore.db import IkmCount, make_engine, session_factory
from asncore.ikm import ELEMENTS
from asncore.imports.ikm import IkmRejected, import_ikm
from asncore.imports.units import import_units
from reports.ikm import file_summary, ikm_summary

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "ikm-contoh.csv"
ASN_AMBON = Path(sys.executable).parent / "asn-ambon"
CODES = [e.code for e in ELEMENTS]


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'kompetensi.sqlite'}"
    import_units(url, REPO / "examples" / "unit.csv")
    return url


def stored(url) -> list[tuple]:
    """Everything the import keeps, without ids and import times."""
    with session_factory(url)() as db:
        return sorted((c.unit_code, c.service, c.period, c.element, c.answers_1, c.answers_2,
                       c.answers_3, c.answers_4) for c in db.scalars(select(IkmCount)))


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEADER = "unit,layanan,periode," + ",".join(CODES)


def test_the_example_is_stored_as_answer_counts_only(url):
    done = import_ikm(url, EXAMPLE)
    assert (done.services, done.respondents, done.replaced) == (3, 42, 0)
    rows = stored(url)
    assert len(rows) == 27  # 3 services x 9 elements
    # no table or column could hold a respondent: only counts per element
    columns = {c["name"] for c in inspect(make_engine(url)).get_columns("ikm_counts")}
    assert columns == {"id", "unit_code", "service", "period", "element", "answers_1",
                       "answers_2", "answers_3", "answers_4", "imported_at"}
    dinkes_u4 = next(r for r in rows if r[0] == "DINKES" and r[3] == "U4")
    assert sum(dinkes_u4[4:]) == 15  # 16 respondents, one left Biaya/Tarif blank
    dinkes_u7 = next(r for r in rows if r[0] == "DINKES" and r[3] == "U7")
    assert dinkes_u7[4:] == (4, 7, 4, 1)


def test_reimport_is_idempotent_and_replaces_only_the_files_services(url, tmp_path):
    import_ikm(url, EXAMPLE)
    before = stored(url)
    again = import_ikm(url, EXAMPLE)
    assert again.replaced == 3 and stored(url) == before
    # a corrected file for one service replaces that service's counts, nothing else
    fix = write(tmp_path / "fix.csv", HEADER,
                "DINKES,Pelayanan Poli Umum (data fiktif),2026-S1,4,4,4,4,4,4,4,4,4")
    assert import_ikm(url, fix).replaced == 1
    after = stored(url)
    dinkes = [r for r in after if r[0] == "DINKES"]
    assert len(dinkes) == 9 and all(r[4:] == (0, 0, 0, 1) for r in dinkes)
    assert [r for r in after if r[0] != "DINKES"] == [r for r in before if r[0] != "DINKES"]
    # another period of the same service is added beside it
    write(tmp_path / "s2.csv", HEADER,
          "DINKES,Pelayanan Poli Umum (data fiktif),2026-S2,3,3,3,3,3,3,3,3,3")
    assert import_ikm(url, tmp_path / "s2.csv").replaced == 0
    assert len(stored(url)) == 36


def test_a_bad_file_changes_nothing_and_names_every_problem(url, tmp_path):
    import_ikm(url, EXAMPLE)
    before = stored(url)
    bad = write(tmp_path / "bad.csv", HEADER,
                "DINKES,Pelayanan Poli Umum (data fiktif),2026-S1,4,4,4,4,4,4,4,4,4",
                "TIDAKADA,Poli,2026-S1,4,4,4,4,4,4,4,4,4",
                "DINKES,Poli,,4,4,4,4,4,4,7,4,4",
                "DUKCAPIL,KTP,2026-S1,4,4,3.5,4,4,4,4,4,4")
    with pytest.raises(IkmRejected) as exc:
        import_ikm(url, bad)
    text = str(exc.value)
    assert "Berkas IKM ditolak, tidak ada yang diimpor (4 kesalahan)" in text
    assert f"{bad}: baris 3, kolom 'unit': unit 'TIDAKADA' tidak dikenal" in text
    assert "baris 4, kolom 'periode': wajib diisi" in text
    assert "baris 4, kolom 'perilaku pelaksana': '7' di luar 1-4" in text
    assert "baris 5, kolom 'waktu penyelesaian': '3.5' bukan bilangan bulat" in text
    assert stored(url) == before  # the good first row was not imported either


def test_respondent_columns_are_refused(url, tmp_path):
    bad = write(tmp_path / "nama.csv", HEADER + ",nama,telepon",
                "DINKES,Poli,2026,4,4,4,4,4,4,4,4,4,Ani,0812")
    with pytest.raises(IkmRejected) as exc:
        import_ikm(url, bad)
    assert [(e.line, e.field) for e in exc.value.errors] == [(1, "nama"), (1, "telepon")]
    assert stored(url) == []


def xlsx(path: Path, header: list, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def example_rows() -> tuple[list[str], list[list]]:
    lines = [line for line in EXAMPLE.read_text().splitlines() if not line.startswith("#")]
    header, *rows = list(csv.reader(lines))
    return header, rows


def test_xlsx_gives_the_same_counts_as_csv(url, tmp_path):
    _, rows = example_rows()
    # numbers as Excel stores them (floats), element headers as codes, period as text
    numeric = [[*r[:3], *(float(v) if v else None for v in r[3:])] for r in rows]
    book = xlsx(tmp_path / "ikm.xlsx", ["Unit", "Layanan", "Periode", *CODES], numeric)
    import_ikm(url, book)
    from_xlsx = stored(url)
    import_ikm(url, EXAMPLE)
    assert stored(url) == from_xlsx and len(from_xlsx) == 27


def test_xlsx_errors_name_the_sheet_row(url, tmp_path):
    rows = [["DINKES", "Poli", "2026", *[3] * 9], [None] * 12,
            ["DINKES", "Poli", "2026", 5, *[3] * 8]]
    book = xlsx(tmp_path / "bad.xlsx", ["unit", "layanan", "periode", *CODES], rows)
    with pytest.raises(IkmRejected) as exc:
        import_ikm(url, book)
    assert [(e.line, e.field) for e in exc.value.errors] == [(4, "persyaratan")]
    not_xlsx = tmp_path / "rusak.xlsx"
    not_xlsx.write_text("unit,layanan\n")
    with pytest.raises(IkmRejected, match="bukan berkas XLSX yang sah"):
        import_ikm(url, not_xlsx)
    assert stored(url) == []


def test_hr_summary_per_unit_service_and_period(url):
    import_ikm(url, EXAMPLE)
    with session_factory(url)() as db:
        summaries = ikm_summary(db)
        assert ikm_summary(db, "2026-s2") == []
        assert len(ikm_summary(db, "2026 S1")) == 3
        rounded = ikm_summary(db, settings={"evaluation": {"ikm_weight": "0.111"}})
    by_unit = {s.unit_code: s for s in summaries}
    assert list(by_unit) == ["DINKES", "DPMPTSP", "DUKCAPIL"]
    dinkes = by_unit["DINKES"]
    assert dinkes.unit_name == "Dinas Kesehatan" and dinkes.period == "2026-S1"
    assert (dinkes.index, dinkes.grade, dinkes.label) == (Decimal("70.54"), "C", "Kurang Baik")
    assert [e.code for e in dinkes.weakest[:2]] == ["U7", "U3"]  # Perilaku, Waktu
    assert dinkes.respondents == 16 and dinkes.weight == "1/9"
    assert by_unit["DPMPTSP"].grade == "B" and by_unit["DUKCAPIL"].grade == "B"
    # DINKES answers (sum/answers): U1 50/16, U2 48/16, U3 35/16, U4 50/15 (one blank),
    # U5 48/16, U6 49/16, U7 34/16, U8 42/16, U9 47/16; sum of NRRs = 1219/48 = 25.3958...
    # 1/9: 1219/48 / 9 * 25 = 70.5439... -> 70.54; 0.111: 1219/48 * 2.775 = 70.4734 -> 70.47
    assert (rounded[0].unit_code, rounded[0].index) == ("DINKES", Decimal("70.47"))
    assert file_summary(EXAMPLE)[0].index == dinkes.index


# ---- the commands, as HR runs them -----------------------------------------------------


@pytest.fixture
def settings_file(tmp_path):
    def make(weight: str = "1/9") -> Path:
        path = tmp_path / f"settings-{weight.replace('/', '_')}.yaml"
        path.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "var"),
                                        "evaluation": {"ikm_weight": weight}}))
        return path
    return make


def run(command: list[str], settings: Path) -> subprocess.CompletedProcess:
    """A command of this checkout (not the installed copy) with the test settings."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "ASN_SETTINGS": str(settings)}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_python_m_reports_ikm_prints_the_tables_without_importing(settings_file, tmp_path):
    r = run([sys.executable, "-m", "reports", "ikm", str(EXAMPLE)], settings_file())
    assert r.returncode == 0, r.stderr
    assert "tidak diimpor" in r.stdout
    assert "U7 Perilaku Pelaksana" in r.stdout and "2,13" in r.stdout  # NRR, comma decimal
    assert "IKM 70,54 · mutu C (Kurang Baik)" in r.stdout
    assert "IKM 80,75 · mutu B (Baik)" in r.stdout
    assert not (tmp_path / "var" / "kompetensi.sqlite").exists()
    rounded = run([sys.executable, "-m", "reports", "ikm", "hitung", str(EXAMPLE)],
                  settings_file("0.111"))
    assert rounded.returncode == 0 and "bobot 0.111" in rounded.stdout
    assert "IKM 70,54" not in rounded.stdout


def test_asn_ambon_ikm_import_and_hitung(settings_file, tmp_path):
    settings = settings_file()
    r = run([str(ASN_AMBON), "unit", "import", str(REPO / "examples" / "unit.csv")], settings)
    assert r.returncode == 0, r.stderr
    r = run([str(ASN_AMBON), "ikm", "import", str(EXAMPLE)], settings)
    assert r.returncode == 0, r.stderr
    assert "3 layanan (unit/layanan/periode), 42 responden" in r.stdout
    r = run([str(ASN_AMBON), "ikm", "import", str(EXAMPLE)], settings)
    assert "3 menggantikan data sebelumnya" in r.stdout
    r = run([str(ASN_AMBON), "ikm", "hitung", str(EXAMPLE)], settings)
    assert r.returncode == 0 and "mutu C (Kurang Baik)" in r.stdout
    same = run([str(ASN_AMBON), "ikm", str(EXAMPLE)], settings)
    assert same.stdout == r.stdout


def test_commands_refuse_a_bad_file_with_exit_1(settings_file, tmp_path):
    settings = settings_file()
    bad = write(tmp_path / "bad.csv", HEADER, "DINKES,Poli,2026,4,4,4,4,4,4,4,4,9")
    for command in ([sys.executable, "-m", "reports", "ikm", str(bad)],
                    [str(ASN_AMBON), "ikm", "import", str(bad)]):
        r = run(command, settings)
        assert r.returncode == 1, r.stdout
        assert "baris 2, kolom 'sarana dan prasarana': '9' di luar 1-4" in r.stderr
        assert r.stdout == ""
    r = run([str(ASN_AMBON), "ikm"], settings)
    assert r.returncode == 2  # argparse: no file
    bad_settings = tmp_path / "rusak.yaml"
    bad_settings.write_text("evaluation: {ikm_weight: '0.11'}\n")
    r = run([str(ASN_AMBON), "ikm", str(EXAMPLE)], bad_settings)
    assert r.returncode == 2 and "ikm_weight" in r.stderr
