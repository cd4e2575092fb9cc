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

Rows are checked by :class:`asncore.imports.rows.CompetencyRecord` and
:class:`~asncore.imports.rows.LevelRecord`; repeated rows are checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select

from asncore.db import Competency, RequiredLevel, session_factory
from asncore.imports.csvtable import (
    ImportRejected,
    Record,
    UpsertResult,
    duplicates,
    no_rows,
    parse_table,
    read_text,
    validate_rows,
)
from asncore.imports.rows import CompetencyRecord, LevelRecord, position_type_named

COMPETENCY_REQUIRED = ("kode", "nama", "jenis")
COMPETENCY_OPTIONAL = ("deskripsi",)
LEVEL_REQUIRED = ("jenis_jabatan", "kode_kompetensi", "level")
LEVEL_OPTIONAL = ("jabatan",)


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


def parse_competencies(text: str, source: str = "kompetensi") -> list[CompetencyRow]:
    table = parse_table(
        text, source, COMPETENCY_REQUIRED, COMPETENCY_OPTIONAL, rejected=CompetenciesRejected
    )
    valid, errors = validate_rows(table, CompetencyRecord)
    repeated = duplicates(((r.line, r.get("kode").upper()) for r in table.records), "kode")
    errors += repeated
    if errors:
        raise CompetenciesRejected(source, sorted(errors, key=lambda e: e.line))
    rows = [CompetencyRow(line, **row.model_dump()) for line, row in valid]
    if not rows:
        raise CompetenciesRejected(source, [no_rows("kamus kompetensi")])
    return rows


def _level_key(record: Record) -> tuple[str, str, str]:
    """What a required level is for, as written (matched like the row model matches)."""
    raw_type = record.get("jenis_jabatan")
    position_type = position_type_named(raw_type) or raw_type
    position = " ".join(record.get("jabatan").split()).casefold()
    return position_type, position, record.get("kode_kompetensi").upper()


def parse_levels(text: str, source: str, known_competencies: set[str]) -> list[LevelRow]:
    """Every row checked; ``known_competencies``: codes in the dictionary (and in a
    competencies file imported together)."""
    table = parse_table(text, source, LEVEL_REQUIRED, LEVEL_OPTIONAL, rejected=LevelsRejected)
    context = {"known_competencies": known_competencies}
    valid, errors = validate_rows(table, LevelRecord, context)
    errors += duplicates(
        ((r.line, _level_key(r)) for r in table.records),
        "kode_kompetensi",
        "duplikat: jenis jabatan, jabatan dan kompetensi sama dengan baris {line}",
    )
    if errors:
        raise LevelsRejected(source, sorted(errors, key=lambda e: e.line))
    rows = [LevelRow(line, **row.model_dump()) for line, row in valid]
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
