"""Read and validate a roster CSV (SIASN-like export), all rows or nothing.

Columns (header names, any order; ``,`` or ``;`` separated; UTF-8, Excel BOM ok):

========== ======== ==============================================================
column     required meaning
========== ======== ==============================================================
nip        yes      18-digit NIP (PNS rules checked; PPPK: 18 digits)
nama       yes      full name
unit_kode  yes      unit (OPD) code, e.g. DUKCAPIL
unit_nama  yes      unit name; the same code must always carry the same name
jabatan    yes      position name
jenis_jabatan yes   JPT Madya, JPT Pratama, Administrator, Pengawas, Pelaksana, Fungsional
golongan   yes      PNS: I/a .. IV/e; PPPK: I .. XVII
status     yes      PNS or PPPK
peran      yes      learner/peserta, trainer/pelatih, hr/sdm, admin
username   no       log-in name; empty = the NIP (staff without NIP are not on the roster)
kursus     no       nbgrader courses, ``;``-separated. Trainers: the courses they teach
                    (none if empty). Learners: the courses they take (all if empty).
========== ======== ==============================================================

With a units file (setting ``roster.units_file``, see :mod:`asncore.imports.units`) the units are
registered there: every ``unit_kode`` must be a known unit and ``unit_nama`` may be left
out (if given it must be the registered name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from asncore import nip as nipmod
from .csvtable import (
    ImportRejected,
    Record,
    RowError,
    missing_values,
    no_rows,
    parse_table,
    read_text,
)

REQUIRED = (
    "nip",
    "nama",
    "unit_kode",
    "unit_nama",
    "jabatan",
    "jenis_jabatan",
    "golongan",
    "status",
    "peran",
)
OPTIONAL = ("username", "kursus")
POSITION_TYPES = (
    "JPT Madya",
    "JPT Pratama",
    "Administrator",
    "Pengawas",
    "Pelaksana",
    "Fungsional",
)
ROLE_ALIASES = {
    "learner": "learner",
    "peserta": "learner",
    "trainer": "trainer",
    "pelatih": "trainer",
    "hr": "hr",
    "sdm": "hr",
    "admin": "admin",
}
_PNS_GRADE = re.compile(r"^(I|II|III|IV)/[a-e]$")
_PPPK_GRADE = re.compile(r"^(XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)$")
UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
_USERNAME = re.compile(r"^[a-z][a-z0-9_-]{1,30}$")
_COURSE = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")


@dataclass(frozen=True)
class RosterRow:
    line: int
    nip: str
    name: str
    unit_code: str
    unit_name: str
    position: str
    position_type: str
    grade: str
    status: str
    role: str
    username: str
    courses: tuple[str, ...] = ()


class RosterError(ImportRejected):
    """The roster cannot be imported; ``errors`` lists every bad row and field."""

    subject = "Roster"


def _check_row(
    record: Record, known_units: dict[str, str] | None
) -> tuple[RosterRow | None, list[RowError]]:
    line, rec = record.line, record.values
    errors: list[RowError] = []

    def err(field: str, message: str) -> None:
        errors.append(RowError(line, field, message))

    required = REQUIRED if known_units is None else tuple(c for c in REQUIRED if c != "unit_nama")
    errors += missing_values(record, required)
    status = rec.get("status", "").upper()
    if rec.get("status") and status not in ("PNS", "PPPK"):
        err("status", f"'{rec['status']}' harus PNS atau PPPK")
    nip = nipmod.normalize(rec.get("nip", ""))
    if nip:
        reason = nipmod.nip_error(nip, status or "PNS")
        if reason:
            err("nip", f"'{rec['nip']}': {reason}")
    unit_code = rec.get("unit_kode", "").upper()
    unit_name = rec.get("unit_nama", "")
    if unit_code and not UNIT_CODE.match(unit_code):
        err("unit_kode", f"'{rec['unit_kode']}' hanya huruf, angka, titik, '-' atau '_'")
    elif unit_code and known_units is not None:
        if unit_code not in known_units:
            err("unit_kode", f"unit '{unit_code}' tidak dikenal; daftarkan di berkas unit")
        elif unit_name and unit_name != known_units[unit_code]:
            err(
                "unit_nama",
                f"'{unit_name}' berbeda dengan nama terdaftar '{known_units[unit_code]}' "
                f"untuk kode {unit_code}; kosongkan atau samakan",
            )
        else:
            unit_name = known_units[unit_code]
    ptype = rec.get("jenis_jabatan", "")
    canonical = {p.lower(): p for p in POSITION_TYPES}.get(ptype.lower())
    if ptype and canonical is None:
        err("jenis_jabatan", f"'{ptype}' tidak dikenal; pilihan: {', '.join(POSITION_TYPES)}")
    grade = rec.get("golongan", "")
    pattern = _PPPK_GRADE if status == "PPPK" else _PNS_GRADE
    if grade and status in ("PNS", "PPPK") and not pattern.match(grade):
        example = "IX" if status == "PPPK" else "III/a"
        err("golongan", f"'{grade}' bukan golongan {status} yang sah (contoh: {example})")
    role = ROLE_ALIASES.get(rec.get("peran", "").lower())
    if rec.get("peran") and role is None:
        err("peran", f"'{rec['peran']}' tidak dikenal; pilihan: learner, trainer, hr, admin")
    username = rec.get("username", "").lower() or nip
    if rec.get("username") and not _USERNAME.match(username):
        err("username", f"'{rec['username']}': huruf kecil/angka/-/_, diawali huruf, 2-31 karakter")
    courses = tuple(c.strip().lower() for c in rec.get("kursus", "").split(";") if c.strip())
    bad_courses = [c for c in courses if not _COURSE.match(c)]
    if bad_courses:
        err("kursus", f"id kursus tidak sah: {', '.join(bad_courses)} (huruf kecil, angka, '-')")
    if errors:
        return None, errors
    row = RosterRow(
        line=line,
        nip=nip,
        name=rec["nama"],
        unit_code=unit_code,
        unit_name=unit_name,
        position=rec["jabatan"],
        position_type=canonical or ptype,
        grade=grade,
        status=status,
        role=role or "learner",
        username=username,
        courses=courses,
    )
    return row, []


def _cross_row_errors(
    line: int,
    rec: dict[str, str],
    seen_nip: dict[str, int],
    seen_user: dict[str, int],
    unit_names: dict[str, tuple[str, int]],
) -> list[RowError]:
    """Duplicates and unit-name conflicts against earlier rows (even if this row has
    other errors, so one pass reports everything)."""
    errors = []
    nip = nipmod.normalize(rec.get("nip", ""))
    username = rec.get("username", "").lower() or nip
    code, unit_name = rec.get("unit_kode", "").upper(), rec.get("unit_nama", "")
    if nip and nip in seen_nip:
        errors.append(RowError(line, "nip", f"duplikat, sudah ada di baris {seen_nip[nip]}"))
    elif username and username in seen_user:
        errors.append(
            RowError(line, "username", f"duplikat, sudah ada di baris {seen_user[username]}")
        )
    known = unit_names.get(code)
    if code and unit_name and known and known[0] != unit_name:
        errors.append(
            RowError(
                line,
                "unit_nama",
                f"'{unit_name}' berbeda dengan '{known[0]}' untuk kode {code} di baris {known[1]}",
            )
        )
    if nip:
        seen_nip.setdefault(nip, line)
    if username:
        seen_user.setdefault(username, line)
    if code and unit_name:
        unit_names.setdefault(code, (unit_name, line))
    return errors


def parse(
    text: str, source: str = "roster", known_units: dict[str, str] | None = None
) -> list[RosterRow]:
    """Every row of ``text`` checked; raises RosterError with all problems, or returns rows.

    ``known_units`` (code -> name): the registered units; then each row must name one of
    them and ``unit_nama`` is optional. None: the units come from the rows themselves.
    """
    optional = OPTIONAL if known_units is None else ("unit_nama", *OPTIONAL)
    required = tuple(c for c in REQUIRED if c not in optional)
    table = parse_table(text, source, required, optional, rejected=RosterError)
    rows: list[RosterRow] = []
    errors: list[RowError] = list(table.errors)
    seen_nip: dict[str, int] = {}
    seen_user: dict[str, int] = {}
    unit_names: dict[str, tuple[str, int]] = {}
    for record in table.records:
        row, row_errors = _check_row(record, known_units)
        errors += row_errors
        # with registered units a name is checked against the register, not earlier rows
        names = unit_names if known_units is None else {}
        errors += _cross_row_errors(record.line, record.values, seen_nip, seen_user, names)
        if row is not None:
            rows.append(row)
    if errors:
        raise RosterError(source, sorted(errors, key=lambda e: e.line))
    if not rows:
        raise RosterError(source, [no_rows("roster")])
    return rows


def read(path: Path | str, known_units: dict[str, str] | None = None) -> list[RosterRow]:
    return parse(read_text(path, RosterError), str(path), known_units)
