"""Register organisational units (OPD and their parts) from a CSV, all rows or nothing.

Columns (header names, any order; ``,`` or ``;`` separated; UTF-8, Excel BOM ok):

====== ======== ==================================================================
column required meaning
====== ======== ==================================================================
kode   yes      unit code as in the roster's ``unit_kode``, e.g. DUKCAPIL
nama   yes      unit name, e.g. Dinas Kependudukan dan Pencatatan Sipil
induk  no       code of the parent unit (in this file or already registered);
                empty = a top-level unit
====== ======== ==================================================================

Units are added or updated (name, parent), never deleted: people, scores and learning
hours refer to them. A parent that is neither in the file nor registered, and a chain of
parents that comes back to itself, are errors.

Each row is checked by :class:`asncore.imports.rows.UnitRecord`; duplicate codes,
unknown parents and cycles are checked across rows here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from asncore.db import Unit, session_factory
from asncore.units import cycle_from

from .csvtable import (
    RowError,
    UpsertResult,
    duplicates,
    no_rows,
    parse_table,
    read_text,
    validate_rows,
)
from .roster import RosterError
from .rows import UNIT_CODE, UnitRecord

REQUIRED = ("kode", "nama")
OPTIONAL = ("induk",)


class UnitsError(RosterError):
    """A units file that cannot be imported. A RosterError, because with
    ``roster.units_file`` it is part of the roster import (same handling, same exit)."""

    subject = "Berkas unit"


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    parent_code: str | None


@dataclass(frozen=True)
class RegisteredUnit:
    name: str
    parent_code: str | None


def registered_units(platform_url: str) -> dict[str, RegisteredUnit]:
    """The units in the platform database, by code."""
    with session_factory(platform_url)() as db:
        return {u.code: RegisteredUnit(u.name, u.parent_code) for u in db.scalars(select(Unit))}


def known_names(rows: list[UnitRow], registered: dict[str, RegisteredUnit]) -> dict[str, str]:
    """Code -> name of every unit a roster may name: registered ones, then this file's."""
    names = {code: unit.name for code, unit in registered.items()}
    names.update({r.code: r.name for r in rows})
    return names


def _cycles(rows: list[UnitRow], registered: dict[str, RegisteredUnit]) -> list[RowError]:
    """One error per parent chain that returns to itself, on the first file line in it."""
    parent = {code: unit.parent_code for code, unit in registered.items()}
    parent.update({r.code: r.parent_code for r in rows})
    line_of = {r.code: r.line for r in rows}
    errors, reported = [], set()
    for row in rows:
        cycle = cycle_from(row.code, parent)
        if cycle is None:
            continue
        if frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        in_file = [c for c in cycle if c in line_of]
        if not in_file:  # the register itself is cyclic; this row only leads into it
            message = "induk mengarah ke lingkaran yang sudah terdaftar: " + " → ".join(
                cycle + cycle[:1]
            )
            errors.append(RowError(row.line, "induk", message))
            continue
        first = min(in_file, key=line_of.__getitem__)
        start = cycle.index(first)
        ordered = cycle[start:] + cycle[:start] + [first]
        if len(cycle) == 1:
            message = f"unit {first} tidak boleh menjadi induknya sendiri (unit is its own parent)"
        else:
            message = "induk membentuk lingkaran (parent cycle): " + " → ".join(ordered)
        errors.append(RowError(line_of[first], "induk", message))
    return errors


def parse(
    text: str, source: str = "unit", registered: dict[str, RegisteredUnit] | None = None
) -> list[UnitRow]:
    """Every row checked against the file and the ``registered`` units; raises UnitsError
    with all problems, or returns the rows."""
    registered = registered or {}
    table = parse_table(text, source, REQUIRED, OPTIONAL, rejected=UnitsError)
    valid, errors = validate_rows(table, UnitRecord)
    # codes and parents as written, from invalid rows too: one pass reports everything
    codes = [(r.line, r.get("kode").upper()) for r in table.records]
    repeated = duplicates(codes, "kode")
    errors += repeated
    in_file = {code for _, code in codes}
    for record in table.records:
        parent = record.get("induk").upper()
        known = parent in in_file or parent in registered
        if parent and not known and UNIT_CODE.match(parent):  # a bad code is said already
            errors.append(
                RowError(
                    record.line,
                    "induk",
                    f"induk '{parent}' tidak dikenal: tidak ada di berkas ini dan belum "
                    "terdaftar (unknown parent); tambahkan baris untuk unit itu",
                )
            )
    repeated_lines = {e.line for e in repeated}
    rows = [
        UnitRow(line, **row.model_dump()) for line, row in valid if line not in repeated_lines
    ]
    errors += _cycles(rows, registered)
    if errors:
        raise UnitsError(source, sorted(errors, key=lambda e: e.line))
    if not rows:
        raise UnitsError(source, [no_rows("berkas unit")])
    return rows


def read(path: Path | str, registered: dict[str, RegisteredUnit] | None = None) -> list[UnitRow]:
    return parse(read_text(path, UnitsError), str(path), registered)


def apply_units(platform_url: str, rows: list[UnitRow]) -> UpsertResult:
    """Add or update every unit (name and parent) in one transaction; delete none."""
    added = updated = unchanged = 0
    with session_factory(platform_url)() as db, db.begin():
        units = {u.code: u for u in db.scalars(select(Unit))}
        # names first, parents after: a parent may come later in the file than its child
        for row in rows:
            unit = units.get(row.code)
            if unit is None:
                units[row.code] = Unit(code=row.code, name=row.name, parent_code=None)
                db.add(units[row.code])
                added += 1
            elif unit.name != row.name or unit.parent_code != row.parent_code:
                unit.name = row.name
                updated += 1
            else:
                unchanged += 1
        db.flush()
        for row in rows:
            units[row.code].parent_code = row.parent_code
    return UpsertResult(added, updated, unchanged)


def import_units(platform_url: str, path: Path | str) -> UpsertResult:
    """Read ``path``, check it against the registered units, then apply it."""
    return apply_units(platform_url, read(path, registered_units(platform_url)))
