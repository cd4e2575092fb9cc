import pytest

from asnhub import demo
from asncore.imports.roster import REQUIRED, RosterError, parse

HEADER = ",".join(REQUIRED)
GOOD = "199005142015032001,Maria,DUKCAPIL,Dinas Dukcapil,Staf,Pelaksana,II/c,PNS,peserta"


def test_demo_roster_is_valid_and_covers_roles_units_and_pppk():
    rows = demo.demo_rows()
    assert {r.role for r in rows} == {"learner", "trainer", "hr", "admin"}
    assert len({r.unit_code for r in rows}) >= 4
    assert len({r.position_type for r in rows}) >= 3
    assert any(r.status == "PPPK" for r in rows)
    assert all(r.username == r.nip for r in rows)


def test_good_row_parses_with_aliases_and_semicolons():
    rows = parse(f"{HEADER}\n{GOOD}\n".replace(",", ";"))
    (row,) = rows
    assert row.role == "learner" and row.username == "199005142015032001"
    assert row.line == 2


def test_every_bad_row_and_field_is_reported():
    text = "\n".join(
        [
            HEADER,
            GOOD,
            "199002302015032001,Ali,DUKCAPIL,Dinas Dukcapil,Staf,Pelaksana,II/c,PNS,peserta",
            "199105142015031002,,DUKCAPIL,Dinas Dukcapil,Staf,Kepala,II/c,PNS,raja",
            "199005142015032001,Dup,DUKCAPIL,Dinas Dukcapil,Staf,Pelaksana,II/c,PNS,peserta",
            "199105142015031003,Beda,DUKCAPIL,Dinas Lain,Staf,Pelaksana,V/z,PNS,peserta",
        ]
    )
    with pytest.raises(RosterError) as err:
        parse(text, "roster.csv")
    found = {(e.line, e.field) for e in err.value.errors}
    assert found == {
        (3, "nip"),
        (4, "nama"),
        (4, "jenis_jabatan"),
        (4, "peran"),
        (5, "nip"),
        (6, "golongan"),
        (6, "unit_nama"),
    }
    assert "roster.csv: baris 5, kolom 'nip': duplikat, sudah ada di baris 2" in str(err.value)


def test_missing_and_unknown_columns():
    with pytest.raises(RosterError) as err:
        parse("nip,nama,warna\n1,2,3\n")
    fields = {e.field for e in err.value.errors}
    assert "unit_kode" in fields and "warna" in fields


def test_pppk_grade_and_username_column():
    header = HEADER + ",username"
    row = "198811232024212006,Fransina,KEL,Kelurahan,Staf,Pelaksana,IX,PPPK,learner,fransina"
    (parsed,) = parse(f"{header}\n{row}\n")
    assert parsed.username == "fransina" and parsed.grade == "IX"
    with pytest.raises(RosterError, match="golongan"):
        parse(f"{header}\n{row.replace(',IX,', ',III/a,')}\n")


def test_empty_roster_is_an_error():
    with pytest.raises(RosterError, match="kosong"):
        parse(HEADER + "\n")


def test_status_decides_nip_and_grade_rules_and_optional_columns_are_checked():
    header = HEADER + ",username,kursus"
    rows = [
        # PPPK number (no PNS date split), PPPK grade: fine
        "000000000000000001,Ana,KEL,Kelurahan,Staf,Pelaksana,IX,pppk,learner,,",
        # unknown status: reported alone; the NIP is then checked as a PNS one, grade not
        "000000000000000002,Budi,KEL,Kelurahan,Staf,Pelaksana,IX,CPNS,learner,,",
        "199005142015032002,Citra,KEL,Kelurahan,Staf,Pelaksana,II/c,PNS,learner,1citra,A;b c",
    ]
    with pytest.raises(RosterError) as err:
        parse("\n".join([header, *rows]))
    assert {(e.line, e.field) for e in err.value.errors} == {
        (3, "status"),
        (3, "nip"),
        (4, "username"),
        (4, "kursus"),
    }
    assert "baris 3, kolom 'status': 'CPNS' harus PNS atau PPPK" in str(err.value)
    assert "id kursus tidak sah: b c" in str(err.value)
    (row,) = parse(f"{header}\n{rows[0]}\n")
    assert (row.status, row.grade, row.username, row.courses) == ("PPPK", "IX", row.nip, ())
    courses = rows[2].replace("1citra,A;b c", "citra, Kursus-A ; kursus-b;")
    (row,) = parse(f"{header}\n{courses}\n")
    assert row.username == "citra" and row.courses == ("kursus-a", "kursus-b")
