"""Import public satisfaction survey (SKM/IKM, PermenPANRB 14/2017) responses as answer
counts, all rows or nothing.

One row per respondent, CSV (``,`` or ``;``, UTF-8) or XLSX (first sheet). Columns, any
order:

========================  =================================================================
column                    meaning
========================  =================================================================
``unit``                  the unit's code as registered (``asn-ambon unit import``), e.g.
                          DINKES; ``unit_kode`` is read the same
``layanan``               the service surveyed, e.g. "Pelayanan Poli Umum"
``periode``               2026, 2026-S1, 2026-Q2 (or 2026-TW2) or 2026-03
                          (:mod:`asncore.periods`)
one column per element    headed by the element's name as the regulation words it, or its
                          code U1-U9, or both ("U7 Perilaku Pelaksana"); matched ignoring
                          case, spaces and punctuation (table in :mod:`asncore.ikm`); all
                          nine are required
========================  =================================================================

Answers are whole numbers 1-4; a blank cell is an element the respondent did not answer
(not counted for it, as the regulation's "unsur yang terisi"); a row with no answer at all
is an error, and so is an element nobody answered for a unit, service and period.

**Privacy**: no other column is accepted (a name, a phone number, an NIK would identify a
respondent), and the rows are never stored: the import keeps, per unit, service, period
and element, how many respondents answered 1, 2, 3 and 4 (``ikm_counts``).

**Idempotent**: the counts of every (unit, layanan, periode) the file contains replace
the stored ones in one transaction; other services and periods are untouched, so the same
file imported twice gives the same data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator
from sqlalchemy import delete, select, tuple_

from asncore.db import IkmCount, Unit, session_factory, utcnow
from asncore.ikm import BY_CODE, ELEMENTS, Counts, element_for_header, squash
from asncore.periods import parse_period

from .csvtable import ImportRejected, RowError, Table, no_rows, validate_rows
from .rows import CsvRow, Required, UnitCode
from .sheets import load_text, parse_sheet

FIXED = {"unit": "unit", "unitkode": "unit", "kodeunit": "unit", "layanan": "layanan",
         "jenislayanan": "layanan", "periode": "periode"}
ELEMENT_COLUMNS = {e.code: e.name.lower() for e in ELEMENTS}
REQUIRED = ("unit", "layanan", "periode", *ELEMENT_COLUMNS.values())


class IkmRejected(ImportRejected):
    subject = "Berkas IKM"


def parse_answer(raw: str) -> int | None:
    """A perception value 1-4; None for a blank cell."""
    if raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"'{raw}' bukan bilangan bulat; jawaban harus 1, 2, 3 atau 4")
    if int(raw) not in (1, 2, 3, 4):
        raise ValueError(f"'{raw}' di luar 1-4; jawaban harus 1, 2, 3 atau 4")
    return int(raw)


def _period(raw: str) -> str:
    return parse_period(raw).label


Answer = Annotated[int | None, BeforeValidator(parse_answer)]


class IkmRecord(CsvRow):
    """One respondent. Context ``known_units`` (set of codes, or None: not checked)."""

    unit: UnitCode
    service: Required = Field(alias="layanan", max_length=200)
    period: Annotated[str, BeforeValidator(_period)] = Field(alias="periode")
    u1: Answer = Field(alias=ELEMENT_COLUMNS["U1"])
    u2: Answer = Field(alias=ELEMENT_COLUMNS["U2"])
    u3: Answer = Field(alias=ELEMENT_COLUMNS["U3"])
    u4: Answer = Field(alias=ELEMENT_COLUMNS["U4"])
    u5: Answer = Field(alias=ELEMENT_COLUMNS["U5"])
    u6: Answer = Field(alias=ELEMENT_COLUMNS["U6"])
    u7: Answer = Field(alias=ELEMENT_COLUMNS["U7"])
    u8: Answer = Field(alias=ELEMENT_COLUMNS["U8"])
    u9: Answer = Field(alias=ELEMENT_COLUMNS["U9"])

    @field_validator("unit")
    @classmethod
    def _registered(cls, code: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("known_units")
        if known is not None and code not in known:
            raise ValueError(
                f"unit '{code}' tidak dikenal; daftarkan dulu dengan 'asn-ambon unit import'"
            )
        return code

    @field_validator("service")
    @classmethod
    def _spaces(cls, service: str) -> str:
        return " ".join(service.split())

    def answers(self) -> dict[str, int]:
        """Element code -> answer, for the elements this respondent answered."""
        given = {code: getattr(self, code.lower()) for code in BY_CODE}
        return {code: a for code, a in given.items() if a is not None}


@dataclass
class ServiceCounts:
    """The answer counts of one (unit, service, period); ``line``: its first row."""

    unit: str
    service: str
    period: str
    line: int
    respondents: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.unit, self.service, self.period


@dataclass(frozen=True)
class IkmImportResult:
    services: int  # (unit, layanan, periode) in the file
    respondents: int
    replaced: int  # of those, how many had counts before (now replaced)


def rename_header(cells: list[str]) -> tuple[list[str], list[RowError]]:
    """Header cells -> the names :class:`IkmRecord` reads; unknown columns are errors."""
    names, errors = [], []
    for position, cell in enumerate(cells, start=1):
        key = squash(cell)
        if key in FIXED:
            names.append(FIXED[key])
            continue
        try:
            element = element_for_header(cell)
        except ValueError as exc:
            errors.append(RowError(1, cell, str(exc)))
            names.append(cell.lower())
            continue
        if element is not None:
            names.append(ELEMENT_COLUMNS[element.code])
        elif not cell:
            names.append("")  # parse_table names the empty column
        else:
            errors.append(RowError(
                1, cell,
                "kolom tidak dikenal (unknown column): yang boleh hanya unit, layanan, "
                "periode dan sembilan unsur IKM (nama unsur atau kode U1-U9); data "
                "responden seperti nama, telepon atau NIK tidak boleh ada di berkas",
            ))
            names.append(cell.lower())
    return names, errors


def _service_spelling(rows: list[tuple[int, IkmRecord]]) -> list[RowError]:
    """The same service written with different capitals in one unit."""
    first: dict[tuple[str, str], tuple[int, str]] = {}
    errors = []
    for line, row in rows:
        key = (row.unit, row.service.casefold())
        seen = first.setdefault(key, (line, row.service))
        if seen[1] != row.service:
            errors.append(RowError(
                line, "layanan",
                f"'{row.service}' ditulis berbeda dengan '{seen[1]}' di baris {seen[0]}; "
                "samakan penulisannya",
            ))
    return errors


def _aggregate(rows: list[tuple[int, IkmRecord]]) -> tuple[list[ServiceCounts], list[RowError]]:
    groups: dict[tuple[str, str, str], ServiceCounts] = {}
    answers: dict[tuple[str, str, str], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(list))
    errors = []
    for line, row in rows:
        given = row.answers()
        if not given:
            errors.append(RowError(line, "(baris)", "tidak ada jawaban satu pun (no answers)"))
            continue
        key = (row.unit, row.service, row.period)
        group = groups.setdefault(key, ServiceCounts(*key, line=line))
        group.respondents += 1
        for code, answer in given.items():
            answers[key][code].append(answer)
    for key, group in groups.items():
        group.counts = {code: Counts.of(answers[key][code]) for code in BY_CODE}
        for code, counts in group.counts.items():
            if counts.answers == 0:
                errors.append(RowError(
                    group.line, ELEMENT_COLUMNS[code],
                    f"tidak ada yang menjawab unsur ini untuk {group.unit} / {group.service} / "
                    f"{group.period}; NRR tidak dapat dihitung",
                ))
    return list(groups.values()), errors


def parse_table_rows(table: Table, source: str,
                     known_units: set[str] | None) -> list[ServiceCounts]:
    valid, errors = validate_rows(table, IkmRecord, {"known_units": known_units})
    errors += _service_spelling(valid)
    services, more = _aggregate(valid)
    errors += more
    if errors:
        raise IkmRejected(source, sorted(errors, key=lambda e: e.line))
    if not services:
        raise IkmRejected(source, [no_rows("berkas IKM")])
    return services


def parse(text: str, source: str, known_units: set[str] | None = None) -> list[ServiceCounts]:
    """The answer counts per (unit, service, period) of a file's text; ``known_units``
    None skips the registered-unit check (a file looked at without importing it)."""
    table = parse_sheet(text, source, REQUIRED, rejected=IkmRejected, rename=rename_header)
    return parse_table_rows(table, source, known_units)


def read(path: Path | str, known_units: set[str] | None = None) -> list[ServiceCounts]:
    """:func:`parse` of a CSV or XLSX file."""
    return parse(load_text(path, IkmRejected), str(path), known_units)


def store(db, services: list[ServiceCounts], now: dt.datetime | None = None) -> int:
    """Replace the counts of every (unit, service, period) in ``services`` (inside the
    caller's transaction); returns how many had counts before."""
    keys = [s.key for s in services]
    triple = tuple_(IkmCount.unit_code, IkmCount.service, IkmCount.period)
    before = set()
    for start in range(0, len(keys), 300):  # keep the IN list modest
        chunk = keys[start:start + 300]
        before |= {tuple(row) for row in db.execute(
            select(IkmCount.unit_code, IkmCount.service, IkmCount.period)
            .where(triple.in_(chunk)).distinct())}
        db.execute(delete(IkmCount).where(triple.in_(chunk)))
    now = now or utcnow()
    for s in services:
        db.add_all(
            IkmCount(unit_code=s.unit, service=s.service, period=s.period, element=code,
                     answers_1=c.n1, answers_2=c.n2, answers_3=c.n3, answers_4=c.n4,
                     imported_at=now)
            for code, c in s.counts.items()
        )
    return len(before & set(keys))


def import_ikm(platform_url: str, path: Path | str) -> IkmImportResult:
    """Check ``path`` completely against the registered units, then replace the counts of
    its services and periods in one transaction."""
    return import_ikm_text(platform_url, load_text(path, IkmRejected), str(path))


def import_ikm_text(platform_url: str, text: str, source: str) -> IkmImportResult:
    """The same for a file's text (an upload; XLSX through :func:`sheets.xlsx_text`)."""
    with session_factory(platform_url)() as db, db.begin():
        known = set(db.scalars(select(Unit.code)))
        services = parse(text, source, known)
        replaced = store(db, services)
    return IkmImportResult(len(services), sum(s.respondents for s in services), replaced)
