"""HR edits the competency dictionary and the required levels as CSV data, all or nothing.

Competencies (``kamus import-kompetensi``), added or updated, never deleted (scores and
required levels refer to them):

========= ======== ===============================================================
column    required meaning
========= ======== ===============================================================
kode      yes      M.01 .. M.08, SK.01, or the agency's own such as T.SPBE
nama      yes      e.g. Integritas
jenis     yes      manajerial, sosial kultural or teknis (English names accepted)
deskripsi no       free text; without this column existing descriptions are kept
========= ======== ===============================================================

Required levels (``kamus import-level``) replace the whole table in one transaction, so
the file is the complete list:

=============== ======== ========================================================
column          required meaning
=============== ======== ========================================================
jenis_jabatan   yes      JPT Madya, JPT Pratama, Administrator, Pengawas, Pelaksana,
                         Fungsional
jabatan         no       one position of that type (overrides the type's level);
                         empty = every position of the type
kode_kompetensi yes      a competency in the dictionary (or in the same import)
level           yes      whole number 1 to 5 (PermenPANRB 38/2017)
=============== ======== ========================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select

from asncore.imports.csvtable import (
    ImportRejected,
    Record,
    RowError,
    UpsertResult,
    missing_values,
    no_rows,
    parse_table,
    read_text,
)
from asncore.imports.roster import POSITION_TYPES
from asncore.db import Competency, RequiredLevel, session_factory

COMPETENCY_REQUIRED = ("kode", "nama", "jenis")
COMPETENCY_OPTIONAL = ("deskripsi",)
LEVEL_REQUIRED = ("jenis_jabatan", "kode_kompetensi", "level")
LEVEL_OPTIONAL = ("jabatan",)
CODE = re.compile(r"^[A-Z][A-Z0-9]*(\.[A-Z0-9_-]+)?$")
LEVELS = range(1, 6)
KINDS = {
    "manajerial": "managerial",
    "managerial": "managerial",
    "sosial kultural": "sociocultural",
    "sosial-kultural": "sociocultural",
    "sosiokultural": "sociocultural",
    "sociocultural": "sociocultural",
    "socio-cultural": "sociocultural",
    "teknis": "technical",
    "technical": "technical",
}
MAX_TEXT = {"kode": 32, "nama": 200, "deskripsi": 1000, "jabatan": 200}


class CompetenciesRejected(ImportRejected):
    subject = "Kamus kompetensi"


class LevelsRejected(ImportRejected):
    subject = "Level kompetensi dibutuhkan"


@dataclass(frozen=True)
class CompetencyRow:
    line: int
    code: str
    name: str
    kind: str  # managerial | sociocultural | technical
    description: str | None  # None: no deskripsi column, keep what is stored


@dataclass(frozen=True)
class LevelRow:
    line: int
    position_type: str
    position: str  # "" = the whole type
    competency: str
    level: int


@dataclass(frozen=True)
class LevelImportResult:
    replaced: int  # rows the table held before
    imported: int
    competencies: UpsertResult | None  # when imported together


def _too_long(record: Record, columns: tuple[str, ...]) -> list[RowError]:
    return [
        RowError(record.line, c, f"paling banyak {MAX_TEXT[c]} karakter")
        for c in columns
        if len(record.get(c)) > MAX_TEXT[c]
    ]


def _code_error(line: int, column: str, code: str) -> RowError | None:
    if code and not CODE.match(code):
        return RowError(
            line, column, f"'{code}' bukan kode kompetensi yang sah (contoh: M.01, SK.01, T.SPBE)"
        )
    return None


def parse_competencies(text: str, source: str = "kompetensi") -> list[CompetencyRow]:
    table = parse_table(
        text, source, COMPETENCY_REQUIRED, COMPETENCY_OPTIONAL, rejected=CompetenciesRejected
    )
    has_description = "deskripsi" in table.header
    errors: list[RowError] = list(table.errors)
    rows: list[CompetencyRow] = []
    first_line: dict[str, int] = {}
    for record in table.records:
        line = record.line
        row_errors = missing_values(record, COMPETENCY_REQUIRED)
        row_errors += _too_long(record, ("kode", "nama", "deskripsi"))
        code = record.get("kode").upper()
        if problem := _code_error(line, "kode", code):
            row_errors.append(problem)
        kind = KINDS.get(" ".join(record.get("jenis").lower().split()))
        if record.get("jenis") and kind is None:
            row_errors.append(
                RowError(
                    line,
                    "jenis",
                    f"'{record.get('jenis')}' tidak dikenal; "
                    "pilihan: manajerial, sosial kultural, teknis",
                )
            )
        if code in first_line:
            row_errors.append(
                RowError(line, "kode", f"duplikat, sudah ada di baris {first_line[code]}")
            )
        elif code:
            first_line[code] = line
        errors += row_errors
        if not row_errors:
            description = record.get("deskripsi") if has_description else None
            rows.append(CompetencyRow(line, code, record.get("nama"), kind, description))
    if errors:
        raise CompetenciesRejected(source, sorted(errors, key=lambda e: e.line))
    if not rows:
        raise CompetenciesRejected(source, [no_rows("kamus kompetensi")])
    return rows


def parse_levels(text: str, source: str, known_competencies: set[str]) -> list[LevelRow]:
    """Every row checked; ``known_competencies``: codes in the dictionary (and in a
    competencies file imported together)."""
    table = parse_table(text, source, LEVEL_REQUIRED, LEVEL_OPTIONAL, rejected=LevelsRejected)
    position_types = {p.lower(): p for p in POSITION_TYPES}
    errors: list[RowError] = list(table.errors)
    rows: list[LevelRow] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for record in table.records:
        line = record.line
        row_errors = missing_values(record, LEVEL_REQUIRED) + _too_long(record, ("jabatan",))
        raw_type = record.get("jenis_jabatan")
        position_type = position_types.get(" ".join(raw_type.lower().split()))
        if raw_type and position_type is None:
            row_errors.append(
                RowError(
                    line,
                    "jenis_jabatan",
                    f"'{raw_type}' tidak dikenal; pilihan: {', '.join(POSITION_TYPES)}",
                )
            )
        code = record.get("kode_kompetensi").upper()
        if problem := _code_error(line, "kode_kompetensi", code):
            row_errors.append(problem)
        elif code and code not in known_competencies:
            row_errors.append(
                RowError(
                    line,
                    "kode_kompetensi",
                    f"kompetensi '{code}' tidak ada di kamus; impor dulu dengan "
                    "'kamus import-kompetensi'",
                )
            )
        raw_level = record.get("level")
        level = int(raw_level) if raw_level.isascii() and raw_level.isdigit() else None
        if raw_level and level not in LEVELS:
            row_errors.append(
                RowError(line, "level", f"'{raw_level}' harus bilangan bulat 1 sampai 5")
            )
        position = " ".join(record.get("jabatan").split())
        key = (position_type or raw_type, position.casefold(), code)
        if key in first_line:
            row_errors.append(
                RowError(
                    line,
                    "kode_kompetensi",
                    "duplikat: jenis jabatan, jabatan dan kompetensi sama dengan baris "
                    f"{first_line[key]}",
                )
            )
        else:
            first_line[key] = line
        errors += row_errors
        if not row_errors:
            rows.append(LevelRow(line, position_type, position, code, level))
    if errors:
        raise LevelsRejected(source, sorted(errors, key=lambda e: e.line))
    if not rows:
        # an empty file would wipe every requirement: surely not what HR meant
        raise LevelsRejected(source, [no_rows("berkas level")])
    return rows


def _upsert_competencies(db, rows: list[CompetencyRow]) -> UpsertResult:
    stored = {c.code: c for c in db.scalars(select(Competency))}
    added = updated = unchanged = 0
    for row in rows:
        current = stored.get(row.code)
        if current is None:
            db.add(
                Competency(
                    code=row.code, name=row.name, kind=row.kind, description=row.description or ""
                )
            )
            added += 1
            continue
        values = {"name": row.name, "kind": row.kind}
        if row.description is not None:
            values["description"] = row.description
        if all(getattr(current, k) == v for k, v in values.items()):
            unchanged += 1
            continue
        for key, value in values.items():
            setattr(current, key, value)
        updated += 1
    db.flush()
    return UpsertResult(added, updated, unchanged)


def import_competencies(platform_url: str, path: Path | str) -> UpsertResult:
    """Add or update the competencies in ``path`` in one transaction."""
    rows = parse_competencies(read_text(path, CompetenciesRejected), str(path))
    with session_factory(platform_url)() as db, db.begin():
        return _upsert_competencies(db, rows)


def import_levels(
    platform_url: str, path: Path | str, competencies_path: Path | str | None = None
) -> LevelImportResult:
    """Replace every required level by those in ``path``, in one transaction; with
    ``competencies_path`` the competencies are added or updated in the same one."""
    levels_text = read_text(path, LevelsRejected)
    competency_rows = None
    if competencies_path is not None:
        competency_rows = parse_competencies(
            read_text(competencies_path, CompetenciesRejected), str(competencies_path)
        )
    with session_factory(platform_url)() as db, db.begin():
        known = set(db.scalars(select(Competency.code)))
        known |= {r.code for r in competency_rows or []}
        rows = parse_levels(levels_text, str(path), known)
        competencies = _upsert_competencies(db, competency_rows) if competency_rows else None
        replaced = db.scalar(select(func.count()).select_from(RequiredLevel))
        db.execute(delete(RequiredLevel))
        db.add_all(
            RequiredLevel(
                position_type=r.position_type,
                position=r.position,
                competency=r.competency,
                level=r.level,
            )
            for r in rows
        )
    return LevelImportResult(replaced=replaced, imported=len(rows), competencies=competencies)
