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

Each row is checked by :class:`asncore.imports.rows.RosterRecord`; duplicates (NIP,
username) and one unit code with two names are checked across rows here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from asncore import nip as nipmod

from .csvtable import ImportRejected, RowError, no_rows, parse_table, read_text, validate_rows
from .rows import RosterRecord

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
    text: str,
    source: str = "roster",
    known_units: dict[str, str] | None = None,
    reserved_username: Callable[[str], str | None] | None = None,
) -> list[RosterRow]:
    """Every row of ``text`` checked; raises RosterError with all problems, or returns rows.

    ``known_units`` (code -> name): the registered units; then each row must name one of
    them and ``unit_nama`` is optional. None: the units come from the rows themselves.
    ``reserved_username``: why a log-in name may not be used (a grader's, the sandbox's, a
    system account's), or None; see :class:`asncore.imports.rows.RosterRecord`.
    """
    optional = OPTIONAL if known_units is None else ("unit_nama", *OPTIONAL)
    required = tuple(c for c in REQUIRED if c not in optional)
    table = parse_table(text, source, required, optional, rejected=RosterError)
    valid, errors = validate_rows(
        table, RosterRecord,
        {"known_units": known_units, "reserved_username": reserved_username},
    )
    rows = [
        RosterRow(line=line, **(row.model_dump() | {"username": row.username or row.nip}))
        for line, row in valid
    ]
    seen_nip: dict[str, int] = {}
    seen_user: dict[str, int] = {}
    unit_names: dict[str, tuple[str, int]] = {}
    for record in table.records:  # invalid rows too, so one pass reports everything
        # with registered units a name is checked against the register, not earlier rows
        names = unit_names if known_units is None else {}
        errors += _cross_row_errors(record.line, record.values, seen_nip, seen_user, names)
    if errors:
        raise RosterError(source, sorted(errors, key=lambda e: e.line))
    if not rows:
        raise RosterError(source, [no_rows("roster")])
    return rows


def read(
    path: Path | str,
    known_units: dict[str, str] | None = None,
    reserved_username: Callable[[str], str | None] | None = None,
) -> list[RosterRow]:
    return parse(read_text(path, RosterError), str(path), known_units, reserved_username)
