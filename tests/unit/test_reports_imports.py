"""HR data imports: the shared CSV reader, units, roster against registered units, unit
history, external JP activities, competency dictionary and required levels, the CLI.

Every rejected file must name line and field, and leave the database as it was.
"""

import dataclasses
import datetime as dt
from pathlib import Path

import pydantic
import pytest
from sqlalchemy import func, select

from asncore import settings
from asncore.imports import dictionary, jp, roster, units
from asncore.imports import rows as row_models
from asnhub import accounts, demo, rosterload
from asncore.imports.csvtable import ImportRejected, parse_table, read_table, validate_rows
from asncore.imports.roster import RosterError
from asncore.imports.roster import parse as parse_roster
from asncore.db import (
    Competency,
    Employee,
    JpEntry,
    RequiredLevel,
    Unit,
    UnitMembership,
    session_factory,
)
from asn_ambon.cli import main as asn_ambon
from asncore.imports.dictionary import (
    CompetenciesRejected,
    LevelsRejected,
    import_competencies,
    import_levels,
)
from asncore.imports.jp import JpImportRejected, import_jp

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
TODAY = dt.date(2026, 11, 27)
MARIA = "199005142015032001"  # demo: DUKCAPIL, PNS
YOHANIS = "198503122010031002"  # demo: DUKCAPIL, PNS
FRANSINA = "198811232024212006"  # demo: KEL-BENTENG, PPPK
JP_HEADER = "nip,kegiatan,penyelenggara,tanggal_mulai,tanggal_selesai,jp,no_sertifikat,bukti"


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'kompetensi.sqlite'}"


@pytest.fixture
def roster_db(url):
    """The demo roster's units and employees, written directly (no hub, no passwords)."""
    with session_factory(url)() as db, db.begin():
        db.add_all(Unit(code=code, name=name) for code, name in demo.UNITS.items())
        db.flush()
        db.add_all(
            Employee(
                username=r.username, nip=r.nip, name=r.name, unit_code=r.unit_code,
                position=r.position, position_type=r.position_type, grade=r.grade,
                status=r.status, role=r.role,
            )
            for r in demo.demo_rows()
        )
    return url


@pytest.fixture
def cfg(tmp_path):
    return settings.resolve(
        settings.deep_merge(
            settings.DEFAULTS, {"data_dir": str(tmp_path / "var"), "hub": {"dev_mode": True}}
        )
    )


def count(url, model) -> int:
    with session_factory(url)() as db:
        return db.scalar(select(func.count()).select_from(model))


def table_state(url, model) -> list[tuple]:
    """Every row of ``model``'s table as plain tuples, to compare before and after."""
    with session_factory(url)() as db:
        columns = model.__table__.columns
        rows = db.scalars(select(model))
        return sorted(tuple(str(getattr(o, c.key)) for c in columns) for o in rows)


def write(tmp_path, name, text, encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def found(exc_info) -> set[tuple[int, str]]:
    return {(e.line, e.field) for e in exc_info.value.errors}


# ---- the shared CSV reader ------------------------------------------------------------


def test_csvtable_bom_semicolons_blank_lines_and_physical_line_numbers():
    text = '\ufeff Kode ;NAMA;induk\n\nA;"Satu\nbaris dua";\n;;\nB;Dua;A\n'
    table = parse_table(text, "x.csv", ("kode", "nama"), ("induk",))
    assert table.header == ["kode", "nama", "induk"]
    assert [(r.line, r.get("kode"), r.get("nama")) for r in table.records] == [
        (3, "A", "Satu\nbaris dua"),
        (6, "B", "Dua"),
    ]
    assert table.errors == []


def test_csvtable_reports_header_problems_and_long_rows(tmp_path):
    with pytest.raises(ImportRejected) as err:
        parse_table("kode,warna,kode\n", "x.csv", ("kode", "nama"))
    assert found(err) == {(1, "nama"), (1, "warna"), (1, "kode")}
    assert "x.csv: baris 1, kolom 'warna': kolom tidak dikenal" in str(err.value)
    table = parse_table("kode,nama\nA,Satu\nB,Dua,Tiga\n", "x.csv", ("kode", "nama"))
    assert [r.line for r in table.records] == [2]
    assert [(e.line, e.field) for e in table.errors] == [(3, "(baris)")]


def test_csvtable_rejects_non_utf8_naming_file_and_line(tmp_path):
    text = "kode,nama\nKEL-AMAHUSU,Kelurahan Amahusu\nKEL-LATERI,Kelurahan Latéri\n"
    path = write(tmp_path, "unit.csv", text, "latin-1")
    with pytest.raises(ImportRejected) as err:
        read_table(path, ("kode", "nama"))
    assert err.value.source == str(path)
    assert found(err) == {(3, "(berkas)")}
    assert "bukan UTF-8" in str(err.value)


def test_validate_rows_names_line_and_column_of_each_invalid_field():
    class Row(pydantic.BaseModel):
        code: str = pydantic.Field(alias="kode", min_length=1, max_length=4)
        count: int = pydantic.Field(0, alias="jumlah")

        @pydantic.field_validator("code")
        @classmethod
        def _upper(cls, code: str) -> str:
            if not code.isalpha():
                raise ValueError(f"'{code}' hanya huruf")
            return code.upper()

    table = parse_table(
        "kode,jumlah\nab,1\n,2\nabcdef,3\nx1,x,9\na-b,\n", "x.csv", ("kode",), ("jumlah",)
    )
    valid, errors = validate_rows(table, Row)
    assert [(line, row.code, row.count) for line, row in valid] == [(2, "AB", 1)]
    assert [str(e) for e in errors] == [
        "baris 5, kolom '(baris)': kolom lebih banyak dari header (3 nilai, header 2 kolom); "
        "nilai yang memuat koma atau titik koma harus diberi tanda kutip",
        "baris 3, kolom 'kode': wajib diisi (required)",
        "baris 4, kolom 'kode': paling banyak 4 karakter",
        "baris 6, kolom 'kode': 'a-b' hanya huruf",
        "baris 6, kolom 'jumlah': Input should be a valid integer, unable to parse string as an "
        "integer",
    ]


@pytest.mark.parametrize(
    "model, required, optional",
    [
        (row_models.RosterRecord, roster.REQUIRED, roster.OPTIONAL),
        (row_models.UnitRecord, units.REQUIRED, units.OPTIONAL),
        (row_models.JpRecord, jp.REQUIRED, jp.OPTIONAL),
        (
            row_models.CompetencyRecord,
            dictionary.COMPETENCY_REQUIRED,
            dictionary.COMPETENCY_OPTIONAL,
        ),
        (row_models.LevelRecord, dictionary.LEVEL_REQUIRED, dictionary.LEVEL_OPTIONAL),
    ],
)
def test_each_row_model_reads_exactly_the_columns_of_its_import(model, required, optional):
    columns = {field.alias or name for name, field in model.model_fields.items()}
    assert columns == set(required) | set(optional)


# ---- units ----------------------------------------------------------------------------


def test_example_units_import_nested_and_reimport_changes_nothing(url):
    first = units.import_units(url, EXAMPLES / "unit.csv")
    assert first.added == 10 and first.updated == 0
    with session_factory(url)() as db:
        assert db.get(Unit, "KEL-BENTENG").parent_code == "KEC-NUSANIWE"
        assert db.get(Unit, "KEC-NUSANIWE").parent_code == "PEMKOT"
        assert db.get(Unit, "DISKOMINFOSANDI").name == "Dinas Komunikasi, Informatika dan Persandian"
    again = units.import_units(url, EXAMPLES / "unit.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 10)


def test_units_child_before_parent_and_never_deleted(url, tmp_path):
    first = "kode,nama,induk\nPKM-RIJALI,Puskesmas Rijali,DINKES\nDINKES,Dinas Kesehatan,\n"
    units.import_units(url, write(tmp_path, "a.csv", first))
    second = "kode;nama;induk\nPKM-HATIVE;Puskesmas Hative Kecil;dinkes\n"
    units.import_units(url, write(tmp_path, "b.csv", second))
    with session_factory(url)() as db:
        parents = {u.code: u.parent_code for u in db.scalars(select(Unit))}
    assert parents == {"PKM-RIJALI": "DINKES", "DINKES": None, "PKM-HATIVE": "DINKES"}


def test_units_unknown_parent_duplicates_and_bad_codes_import_nothing(url, tmp_path):
    units.import_units(url, write(tmp_path, "ok.csv", "kode,nama\nDINKES,Dinas Kesehatan\n"))
    before = table_state(url, Unit)
    text = "\n".join([
        "kode,nama,induk",
        "PKM-RIJALI,Puskesmas Rijali,DINKES",  # parent registered: fine
        "KEL-BENTENG,Kelurahan Benteng,KEC-NUSANIWE",  # parent nowhere
        "PKM-RIJALI,Puskesmas Rijali Lagi,DINKES",  # duplicate of line 2
        "dinas kominfo,Dinas Kominfo,",  # space in code
        "SETDA,,",  # no name
    ])
    with pytest.raises(units.UnitsError) as err:
        units.import_units(url, write(tmp_path, "bad.csv", text))
    assert found(err) == {(3, "induk"), (4, "kode"), (5, "kode"), (6, "nama")}
    assert "baris 4, kolom 'kode': duplikat, sudah ada di baris 2" in str(err.value)
    assert "induk 'KEC-NUSANIWE' tidak dikenal" in str(err.value)
    assert str(err.value).startswith("Berkas unit ditolak, tidak ada yang diimpor (4 kesalahan)")
    assert table_state(url, Unit) == before


def test_units_cycles_are_named(url, tmp_path):
    text = "kode,nama,induk\nA,Unit A,C\nB,Unit B,A\nC,Unit C,B\nD,Unit D,D\nE,Unit E,A\n"
    with pytest.raises(units.UnitsError) as err:
        units.import_units(url, write(tmp_path, "cycle.csv", text))
    assert found(err) == {(2, "induk"), (5, "induk")}
    message = str(err.value)
    assert "A → C → B → A" in message
    assert "unit D tidak boleh menjadi induknya sendiri" in message
    assert count(url, Unit) == 0


def test_units_cycle_through_a_registered_unit(url, tmp_path):
    units.import_units(url, write(tmp_path, "a.csv", "kode,nama,induk\nX,Unit X,\nY,Unit Y,X\n"))
    before = table_state(url, Unit)
    with pytest.raises(units.UnitsError) as err:
        units.import_units(url, write(tmp_path, "b.csv", "kode,nama,induk\nX,Unit X,Y\n"))
    assert found(err) == {(2, "induk")}
    assert "X → Y → X" in str(err.value)
    assert table_state(url, Unit) == before


# ---- roster against registered units --------------------------------------------------

ROSTER_HEADER = "nip,nama,unit_kode,jabatan,jenis_jabatan,golongan,status,peran"


def test_roster_with_registered_units_checks_codes_and_names():
    known = {"DUKCAPIL": "Dinas Kependudukan dan Pencatatan Sipil"}
    text = "\n".join([
        ROSTER_HEADER + ",unit_nama",
        f"{MARIA},Maria,dukcapil,Staf,Pelaksana,II/c,PNS,peserta,",
        f"{YOHANIS},Yohanis,DISDIK,Kasi,Pengawas,III/c,PNS,peserta,Dinas Pendidikan",
        "199105142015031002,Ali,DUKCAPIL,Staf,Pelaksana,II/c,PNS,peserta,Dukcapil Kota",
    ])
    with pytest.raises(RosterError) as err:
        parse_roster(text, "roster.csv", known_units=known)
    assert found(err) == {(3, "unit_kode"), (4, "unit_nama")}
    assert (
        "baris 3, kolom 'unit_kode': unit 'DISDIK' tidak dikenal; daftarkan di berkas unit"
        in str(err.value)
    )
    good = f"{ROSTER_HEADER}\n{MARIA},Maria,DUKCAPIL,Staf,Pelaksana,II/c,PNS,peserta\n"
    (row,) = parse_roster(good, known_units=known)
    assert (row.unit_code, row.unit_name) == ("DUKCAPIL", known["DUKCAPIL"])
    with pytest.raises(RosterError) as err:  # without registered units the name stays required
        parse_roster(f"{ROSTER_HEADER}\n{MARIA},Maria,DUKCAPIL,Staf,Pelaksana,II/c,PNS,peserta\n")
    assert found(err) == {(1, "unit_nama")}


def test_roster_import_with_units_file_is_all_or_nothing(cfg, tmp_path):
    cfg["roster"]["units_file"] = str(EXAMPLES / "unit.csv")
    url = cfg["database"]["platform_url"]
    bad = write(tmp_path, "roster.csv", "\n".join([
        ROSTER_HEADER,
        f"{MARIA},Maria Latuheru,DUKCAPIL,Pengadministrasi,Pelaksana,II/c,PNS,peserta",
        f"{YOHANIS},Yohanis Tuhumury,DISPAR,Kasi,Pengawas,III/c,PNS,peserta",
    ]))
    with pytest.raises(RosterError) as err:
        rosterload.import_file(cfg, bad)
    assert found(err) == {(3, "unit_kode")}
    assert count(url, Unit) == 0 and count(url, Employee) == 0
    good = write(tmp_path, "roster2.csv", bad.read_text().replace("DISPAR", "DUKCAPIL"))
    rosterload.import_file(cfg, good)
    with session_factory(url)() as db:
        assert db.get(Unit, "DUKCAPIL").parent_code == "PEMKOT"
        assert {e.unit_code for e in db.scalars(select(Employee))} == {"DUKCAPIL"}
    assert count(url, Unit) == 10


def test_demo_roster_fits_the_example_units():
    registered = units.known_names(units.read(EXAMPLES / "unit.csv"), {})
    rows = parse_roster(demo.demo_csv(), "demo", known_units=registered)
    assert {r.unit_code for r in rows} <= set(registered)


def test_units_file_setting_is_resolved_and_checked(tmp_path):
    path = write(tmp_path, "s.yaml", "roster:\n  units_file: examples/unit.csv\n")
    assert settings.load(path)["roster"]["units_file"] == str(REPO / "examples/unit.csv")
    assert settings.load(write(tmp_path, "d.yaml", "{}\n"))["roster"]["units_file"] == ""
    with pytest.raises(settings.SettingsError, match="units_file"):
        settings.load(write(tmp_path, "bad.yaml", "roster:\n  units_file: 3\n"))


# ---- accounts: unit tree kept, unit history written -----------------------------------


def test_roster_import_keeps_parents_and_records_unit_history(cfg):
    url = cfg["database"]["platform_url"]
    units.import_units(url, EXAMPLES / "unit.csv")
    rows = demo.demo_rows()[:3]  # Maria, Yohanis (DUKCAPIL), Siti (DPMPTSP)
    day1, day2 = dt.date(2026, 11, 2), dt.date(2026, 11, 9)
    accounts.apply(cfg, rows, today=day1)
    moved = dataclasses.replace(rows[0], unit_code="DINKES", unit_name=demo.UNITS["DINKES"])
    accounts.apply(cfg, [moved, *rows[1:]], today=day2)
    back = dataclasses.replace(rows[0], unit_code="BKPSDM", unit_name=demo.UNITS["BKPSDM"])
    accounts.apply(cfg, [back, *rows[1:]], today=day2)  # moved again the same day
    accounts.apply(cfg, [back, *rows[1:]], today=dt.date(2026, 11, 16))  # no change
    with session_factory(url)() as db:
        history = sorted(
            (m.username, m.valid_from, m.unit_code) for m in db.scalars(select(UnitMembership))
        )
        parents = {u.code: u.parent_code for u in db.scalars(select(Unit))}
    assert history == sorted([
        (rows[0].username, day1, "DUKCAPIL"),
        (rows[0].username, day2, "BKPSDM"),
        (rows[1].username, day1, "DUKCAPIL"),
        (rows[2].username, day1, "DPMPTSP"),
    ])
    assert parents["DUKCAPIL"] == parents["DINKES"] == parents["BKPSDM"] == "PEMKOT"
    assert parents["KEL-BENTENG"] == "KEC-NUSANIWE"


# ---- JP ledger ------------------------------------------------------------------------


def jp_file(tmp_path, *rows, header=JP_HEADER):
    return write(tmp_path, "jp.csv", "\n".join([header, *rows]) + "\n")


def test_jp_bad_nips_are_named_and_nothing_is_written(roster_db, tmp_path):
    path = jp_file(
        tmp_path,
        f"{MARIA},Bimtek SIAK,Ditjen Dukcapil,2026-03-10,2026-03-12,24,SRT-1,",
        "19900514201503200,Bimtek SIAK,Ditjen Dukcapil,2026-03-10,2026-03-12,24,,",  # 17 digits
        "199002302015032001,Bimtek SIAK,Ditjen Dukcapil,2026-03-10,2026-03-12,24,,",  # 30 Feb
        "199101012015031005,Bimtek SIAK,Ditjen Dukcapil,2026-03-10,2026-03-12,24,,",  # not on roster
        ",Bimtek SIAK,Ditjen Dukcapil,2026-03-10,2026-03-12,24,,",
    )
    with pytest.raises(JpImportRejected) as err:
        import_jp(roster_db, path, today=TODAY)
    assert found(err) == {(3, "nip"), (4, "nip"), (5, "nip"), (6, "nip")}
    message = str(err.value)
    assert "baris 3, kolom 'nip': '19900514201503200': NIP harus 18 digit" in message
    assert "tanggal lahir 19900230" in message
    assert "baris 5, kolom 'nip': '199101012015031005' tidak ada di roster" in message
    assert "baris 6, kolom 'nip': wajib diisi" in message
    assert count(roster_db, JpEntry) == 0


def test_jp_wrong_dates_and_jp_are_named(roster_db, tmp_path):
    path = jp_file(
        tmp_path,
        f"{MARIA},Bimtek A,Dukcapil,31-02-2026,01-03-2026,8,,",  # no 31 February
        f"{MARIA},Bimtek B,Dukcapil,2026-03-12,2026-03-10,8,,",  # ends before it starts
        f"{MARIA},Bimtek C,Dukcapil,2026-11-20,2026-12-02,8,,",  # ends after today
        f"{MARIA},Bimtek D,Dukcapil,12.03.2026,2026/03/13,8,,",  # unknown formats
        f"{MARIA},Bimtek E,Dukcapil,2026-03-01,2026-03-01,0,,",
        f"{MARIA},Bimtek F,Dukcapil,2026-03-02,2026-03-02,250,,",
        f"{MARIA},Bimtek G,Dukcapil,2026-03-03,2026-03-03,dua,,",
        f"{MARIA},Bimtek H,Dukcapil,2026-03-04,2026-03-04,-3,,",
        f"{MARIA},Bimtek I,Dukcapil,04/03/2026,04-03-2026,\"2,5\",,",  # fine
    )
    with pytest.raises(JpImportRejected) as err:
        import_jp(roster_db, path, today=TODAY)
    assert found(err) == {
        (2, "tanggal_mulai"),
        (3, "tanggal_selesai"),
        (4, "tanggal_selesai"),
        (5, "tanggal_mulai"),
        (5, "tanggal_selesai"),
        (6, "jp"),
        (7, "jp"),
        (8, "jp"),
        (9, "jp"),
    }
    message = str(err.value)
    assert "'31-02-2026': tanggal tidak ada di kalender" in message
    assert "lebih awal dari tanggal_mulai" in message
    assert "belum terjadi" in message
    assert count(roster_db, JpEntry) == 0


def test_jp_duplicate_rows_name_the_earlier_line(roster_db, tmp_path):
    path = jp_file(
        tmp_path,
        f"{MARIA},Bimtek SIAK,Dukcapil,2026-03-10,2026-03-12,24,SRT-1,",
        f"{YOHANIS},Bimtek SIAK,Dukcapil,2026-03-10,2026-03-12,24,SRT-1,",  # another person: fine
        f"{MARIA},Bimtek SIAK lanjutan,Dukcapil,2026-04-10,2026-04-12,24,SRT-1,",
        f"{MARIA},Webinar MPP,KemenPANRB,2026-05-15,2026-05-15,2,,",
        f"{MARIA},webinar  MPP,KemenPANRB,15/05/2026,15-05-2026,2,,",
    )
    with pytest.raises(JpImportRejected) as err:
        import_jp(roster_db, path, today=TODAY)
    assert found(err) == {(4, "no_sertifikat"), (6, "kegiatan")}
    message = str(err.value)
    assert "baris 4, kolom 'no_sertifikat': duplikat: NIP dan no_sertifikat sama dengan baris 2" in (
        message
    )
    assert "baris 6, kolom 'kegiatan': duplikat: NIP, kegiatan dan tanggal sama dengan baris 5" in (
        message
    )
    assert count(roster_db, JpEntry) == 0


def test_jp_good_file_imports_once(roster_db, tmp_path):
    rows = [
        f"{MARIA};Bimtek SIAK;Ditjen Dukcapil;10-03-2025;2026-01-05;24;SRT/0457;"
        "https://contoh.go.id/0457.pdf",
        f"{FRANSINA};Sosialisasi TNDE;Setda Kota Ambon;21/07/2026;21/07/2026;2,5;;hadir.pdf",
    ]
    path = jp_file(tmp_path, *rows, header=JP_HEADER.replace(",", ";"))
    first = import_jp(roster_db, path, today=TODAY)
    assert (first.added, first.skipped) == (2, 0)
    with session_factory(roster_db)() as db:
        entries = {e.username: e for e in db.scalars(select(JpEntry))}
    assert set(entries) == {MARIA, FRANSINA}
    maria, fransina = entries[MARIA], entries[FRANSINA]
    assert (maria.year, maria.jp, maria.kind) == (2026, 24.0, "external")
    assert maria.source_ref == "sertifikat:SRT/0457"
    assert (maria.start_date, maria.end_date) == (dt.date(2025, 3, 10), dt.date(2026, 1, 5))
    assert maria.certificate_no == "SRT/0457" and maria.proof == "https://contoh.go.id/0457.pdf"
    assert fransina.jp == 2.5 and fransina.certificate_no is None
    assert fransina.source_ref.startswith("hr:") and len(fransina.source_ref) == 19
    again = import_jp(roster_db, path, today=TODAY)
    assert (again.added, again.skipped) == (0, 2)
    new_row = f"{YOHANIS};Rapat Koordinasi Pelayanan;Dukcapil;2026-02-02;2026-02-02;3;;"
    more = jp_file(tmp_path, *rows, new_row, header=JP_HEADER.replace(",", ";"))
    third = import_jp(roster_db, more, today=TODAY)
    assert (third.added, third.skipped) == (1, 2)
    assert count(roster_db, JpEntry) == 3


def test_jp_example_file_imports_against_the_demo_roster(roster_db):
    result = import_jp(roster_db, EXAMPLES / "jp-eksternal.csv", today=TODAY)
    assert result.added == 6 and result.skipped == 0
    with session_factory(roster_db)() as db:
        kinds = set(db.scalars(select(JpEntry.kind)))
    assert kinds == {"external"}


# ---- competency dictionary and required levels ----------------------------------------


def test_competencies_bad_rows_change_nothing(url, tmp_path):
    before = table_state(url, Competency)
    text = "\n".join([
        "kode,nama,jenis",
        "T.ARSIP,Kearsipan Digital,teknis",
        "M-01,Integritas,manajerial",  # a dash where the dot goes
        "T.GIS,Sistem Informasi Geografis,spasial",
        "T.ARSIP,Kearsipan,technical",
        "T.KEU,,teknis",
    ])
    with pytest.raises(CompetenciesRejected) as err:
        import_competencies(url, write(tmp_path, "k.csv", text))
    assert found(err) == {(3, "kode"), (4, "jenis"), (5, "kode"), (6, "nama")}
    assert "baris 5, kolom 'kode': duplikat, sudah ada di baris 2" in str(err.value)
    assert table_state(url, Competency) == before


def test_competencies_upsert_maps_kinds_and_keeps_descriptions(url, tmp_path):
    import_competencies(url, EXAMPLES / "kompetensi.csv")
    text = "kode;nama;jenis\nm.05;Pelayanan Publik;Managerial\nT.ARSIP;Kearsipan;Sosial  Kultural\n"
    result = import_competencies(url, write(tmp_path, "k.csv", text))
    assert (result.added, result.updated) == (1, 0)
    with session_factory(url)() as db:
        assert db.get(Competency, "T.ARSIP").kind == "sociocultural"
        m05 = db.get(Competency, "M.05")
        assert m05.kind == "managerial"
        assert m05.description.startswith("Kemampuan dalam melaksanakan")
        assert db.get(Competency, "T.ADMINDUK").kind == "technical"
    assert count(url, Competency) == 14


def test_levels_bad_rows_leave_the_table_as_it_was(url, tmp_path):
    before = table_state(url, RequiredLevel)
    assert len(before) == 45  # seeded by the migration
    text = "\n".join([
        "jenis_jabatan,jabatan,kode_kompetensi,level",
        "Pengawas,,M.01,2",
        "Pengawas,,M.02,6",
        "Pelaksana,,M.03,0",
        "Administrator,,M.04,3.5",
        "Kepala Dinas,,M.05,4",
        "Fungsional,Pranata Komputer,T.GIS,3",
        "pengawas,,M.01,3",  # same as line 2
        "Fungsional,Pranata Komputer,T.SPBE,",
    ])
    with pytest.raises(LevelsRejected) as err:
        import_levels(url, write(tmp_path, "l.csv", text))
    assert found(err) == {
        (3, "level"),
        (4, "level"),
        (5, "level"),
        (6, "jenis_jabatan"),
        (7, "kode_kompetensi"),
        (8, "kode_kompetensi"),
        (9, "level"),
    }
    message = str(err.value)
    assert "baris 3, kolom 'level': '6' harus bilangan bulat 1 sampai 5" in message
    assert "kompetensi 'T.GIS' tidak ada di kamus" in message
    assert "sama dengan baris 2" in message
    assert table_state(url, RequiredLevel) == before
    with pytest.raises(LevelsRejected, match="kosong"):
        header_only = "jenis_jabatan,jabatan,kode_kompetensi,level\n"
        import_levels(url, write(tmp_path, "empty.csv", header_only))
    assert table_state(url, RequiredLevel) == before


def test_levels_replace_the_table_with_competencies_of_the_same_import(url, tmp_path):
    with pytest.raises(LevelsRejected) as err:  # T.ADMINDUK is only in the example dictionary
        import_levels(url, EXAMPLES / "level-dibutuhkan.csv")
    assert {f for _, f in found(err)} == {"kode_kompetensi"}
    result = import_levels(url, EXAMPLES / "level-dibutuhkan.csv", EXAMPLES / "kompetensi.csv")
    assert (result.replaced, result.imported) == (45, 59)
    assert result.competencies.added == 1
    text = "jenis_jabatan,kode_kompetensi,level\nPengawas,M.05,2\njpt pratama,M.05,4\n"
    small = write(tmp_path, "l.csv", text)
    assert import_levels(url, small).replaced == 59
    with session_factory(url)() as db:
        rows = db.scalars(select(RequiredLevel))
        levels = sorted((r.position_type, r.position, r.competency, r.level) for r in rows)
    assert levels == [("JPT Pratama", "", "M.05", 4), ("Pengawas", "", "M.05", 2)]


# ---- command line ---------------------------------------------------------------------


def test_cli_summarises_or_rejects_with_exit_1(tmp_path, monkeypatch, capsys):
    settings_file = write(tmp_path, "settings.yaml", f"data_dir: {tmp_path / 'var'}\n")
    monkeypatch.setenv(settings.SETTINGS_ENV, str(settings_file))
    assert asn_ambon(["unit", "import", str(EXAMPLES / "unit.csv")]) == 0
    assert "10 baru" in capsys.readouterr().out
    bad = jp_file(tmp_path, f"{MARIA},Bimtek,Dukcapil,2026-03-10,2026-03-12,24,,")  # empty roster
    assert asn_ambon(["jp", "import", str(bad)]) == 1
    out = capsys.readouterr()
    assert "Berkas JP ditolak" in out.err and "baris 2, kolom 'nip'" in out.err and out.out == ""
    assert asn_ambon(["kamus", "import-kompetensi", str(EXAMPLES / "kompetensi.csv")]) == 0
    assert asn_ambon(["kamus", "import-level", str(EXAMPLES / "level-dibutuhkan.csv")]) == 0
    assert "59 level menggantikan 45" in capsys.readouterr().out
    url = settings.load()["database"]["platform_url"]
    assert count(url, JpEntry) == 0 and count(url, Unit) == 10
