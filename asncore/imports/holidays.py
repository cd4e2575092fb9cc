"""Import the holiday calendar (national holidays and cuti bersama), all rows or nothing.

Working days (:mod:`asncore.workdays`) are Monday to Friday minus these days. The
government sets them each year by a joint decree of three ministers (SKB Menteri Agama,
Menteri Ketenagakerjaan and Menteri PANRB) and sometimes amends it, so the calendar is
data HR keeps: ``asn-ambon libur import FILE``; ``examples/hari-libur-2026.csv`` is 2026.

Columns (CSV or XLSX; lines starting with ``#`` before the header are comments):

========  =================================================================
column    meaning
========  =================================================================
tanggal   the date: YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY
nama      what the day is, e.g. "Hari Raya Idulfitri 1447 H"
jenis     ``libur nasional`` or ``cuti bersama`` (also: nasional, cuti)
========  =================================================================

**Replace by year**: the file's rows replace every stored day of each year the file
covers (a cuti bersama the government moved disappears with the old file's date); other
years are untouched. Importing the same file again changes nothing. A date may appear
once (weekend holidays may be listed: they change no working day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator
from sqlalchemy import delete, extract, func, select

from asncore.db import Holiday, session_factory

from .csvtable import ImportRejected, duplicates, no_rows, validate_rows
from .rows import CsvRow, Date, Required
from .sheets import load_text, parse_sheet

REQUIRED = ("tanggal", "nama", "jenis")
KINDS = {
    "libur nasional": "national",
    "nasional": "national",
    "national": "national",
    "national holiday": "national",
    "cuti bersama": "collective",
    "cuti": "collective",
    "collective": "collective",
    "collective leave": "collective",
}
KIND_LABELS = {"national": "libur nasional", "collective": "cuti bersama"}


class HolidaysRejected(ImportRejected):
    subject = "Berkas hari libur"


class HolidayRecord(CsvRow):
    day: Date = Field(alias="tanggal")
    name: Required = Field(alias="nama", max_length=200)
    kind: Required = Field(alias="jenis")

    @field_validator("kind")
    @classmethod
    def _kind(cls, raw: str) -> str:
        if (kind := KINDS.get(" ".join(raw.lower().split()))) is None:
            raise ValueError(f"'{raw}' tidak dikenal; pilihan: libur nasional, cuti bersama")
        return kind


@dataclass(frozen=True)
class HolidayImportResult:
    years: tuple[int, ...]
    imported: int
    replaced: int  # days of those years stored before


def parse(text: str, source: str) -> list[HolidayRecord]:
    table = parse_sheet(text, source, REQUIRED, rejected=HolidaysRejected)
    valid, errors = validate_rows(table, HolidayRecord)
    errors += duplicates(((line, row.day) for line, row in valid), "tanggal")
    if errors:
        raise HolidaysRejected(source, sorted(errors, key=lambda e: e.line))
    if not valid:
        raise HolidaysRejected(source, [no_rows("berkas hari libur")])
    return [row for _, row in valid]


def read(path: Path | str) -> list[HolidayRecord]:
    return parse(load_text(path, HolidaysRejected), str(path))


def import_holidays(platform_url: str, path: Path | str) -> HolidayImportResult:
    """Check ``path`` completely, then replace the calendar of its years in one transaction."""
    rows = read(path)
    years = tuple(sorted({row.day.year for row in rows}))
    with session_factory(platform_url)() as db, db.begin():
        in_years = extract("year", Holiday.day).in_(years)
        replaced = db.scalar(select(func.count()).select_from(Holiday).where(in_years))
        db.execute(delete(Holiday).where(in_years))
        db.add_all(Holiday(day=r.day, name=r.name, kind=r.kind) for r in rows)
    return HolidayImportResult(years, len(rows), replaced)


def holiday_dates(db, start: dt.date | None = None, end: dt.date | None = None) -> set[dt.date]:
    """The stored holidays (between ``start`` and ``end`` when given), for
    :mod:`asncore.workdays`."""
    query = select(Holiday.day)
    if start is not None:
        query = query.where(Holiday.day >= start)
    if end is not None:
        query = query.where(Holiday.day <= end)
    return set(db.scalars(query))


def years_with_holidays(db) -> set[int]:
    """The years the calendar has at least one day for (a year without any is most likely
    not imported yet)."""
    return {day.year for day in db.scalars(select(Holiday.day))}
