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
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from . import nip as nipmod

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
_UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
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


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"baris {self.line}, kolom '{self.field}': {self.message}"


class RosterError(ValueError):
    """The roster cannot be imported; ``errors`` lists every bad row and field."""

    def __init__(self, source: str, errors: list[RowError]):
        self.source = source
        self.errors = errors
        lines = "\n".join(f"  {source}: {e}" for e in errors)
        super().__init__(
            f"Roster ditolak, tidak ada yang diimpor ({len(errors)} kesalahan):\n{lines}"
        )


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    header = text.split("\n", 1)[0]
    return csv.excel if header.count(",") >= header.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def _check_row(line: int, rec: dict[str, str]) -> tuple[RosterRow | None, list[RowError]]:
    errors: list[RowError] = []

    def err(field: str, message: str) -> None:
        errors.append(RowError(line, field, message))

    for field in REQUIRED:
        if not rec.get(field):
            err(field, "wajib diisi (required)")
    status = rec.get("status", "").upper()
    if rec.get("status") and status not in ("PNS", "PPPK"):
        err("status", f"'{rec['status']}' harus PNS atau PPPK")
    nip = nipmod.normalize(rec.get("nip", ""))
    if nip:
        reason = nipmod.nip_error(nip, status or "PNS")
        if reason:
            err("nip", f"'{rec['nip']}': {reason}")
    unit_code = rec.get("unit_kode", "").upper()
    if unit_code and not _UNIT_CODE.match(unit_code):
        err("unit_kode", f"'{rec['unit_kode']}' hanya huruf, angka, titik, '-' atau '_'")
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
        unit_name=rec["unit_nama"],
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


def parse(text: str, source: str = "roster") -> list[RosterRow]:
    """Every row of ``text`` checked; raises RosterError with all problems, or returns rows."""
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text), dialect=_dialect(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        errors = [RowError(1, c, "kolom wajib tidak ada (missing column)") for c in missing]
        errors += [RowError(1, c, "kolom tidak dikenal (unknown column)") for c in unknown]
        raise RosterError(source, errors)
    reader.fieldnames = header
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    seen_nip: dict[str, int] = {}
    seen_user: dict[str, int] = {}
    unit_names: dict[str, tuple[str, int]] = {}
    for rec in reader:
        line = reader.line_num
        if None in rec:
            errors.append(RowError(line, "(baris)", "kolom lebih banyak dari header"))
            continue
        clean = {k: (v or "").strip() for k, v in rec.items()}
        if not any(clean.values()):
            continue
        row, row_errors = _check_row(line, clean)
        errors += row_errors
        errors += _cross_row_errors(line, clean, seen_nip, seen_user, unit_names)
        if row is not None:
            rows.append(row)
    if errors:
        raise RosterError(source, errors)
    if not rows:
        raise RosterError(source, [RowError(2, "(berkas)", "roster kosong (no rows)")])
    return rows


def read(path: Path | str) -> list[RosterRow]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError(str(path), [RowError(1, "(berkas)", f"bukan UTF-8: {exc}")]) from exc
    return parse(text, str(path))
