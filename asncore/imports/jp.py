"""Import learning activities outside the platform into the JP ledger, all rows or nothing.

HR records per activity: who, what, by whom, when, how many JP and the certificate or
proof (PP 11/2017 as amended by PP 17/2020, art. 203: at least 20 JP a year per PNS).
Columns (header names, any order; ``,`` or ``;`` separated; UTF-8, Excel BOM ok):

=============== ======== ============================================================
column          required meaning
=============== ======== ============================================================
nip             yes      the person's NIP; must be on the roster
kegiatan        yes      activity, e.g. Pelatihan Dasar SPBE
penyelenggara   yes      provider, e.g. BPSDM Provinsi Maluku
tanggal_mulai   yes      start date: YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY
tanggal_selesai yes      end date (same formats); not before the start, not in the future
jp              yes      learning hours, > 0 and <= 200; "2,5" and "2.5" both read 2.5
no_sertifikat   no       certificate number; empty if there is none
bukti           no       proof: a link or a file name
=============== ======== ============================================================

Each row becomes one ledger entry of kind ``external`` for the employee with that NIP,
in the year of ``tanggal_selesai``. Its reference is ``sertifikat:<no_sertifikat>``, or
without a certificate ``hr:<sha1(nip|kegiatan|start|end)[:16]>`` (kegiatan lowercased,
spaces collapsed), so importing the same file again adds nothing: entries already in the
ledger are skipped and counted.

Each row is checked by :class:`asncore.imports.rows.JpRecord` (NIP on the roster, dates
not in the future); repeated activities are checked across rows here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from asncore.constants import LOCAL_TZ
from asncore.db import Employee, JpEntry, session_factory
from asncore.imports.csvtable import (
    ImportRejected,
    RowError,
    no_rows,
    parse_table,
    read_text,
    validate_rows,
)
from asncore.imports.rows import JpRecord

REQUIRED = ("nip", "kegiatan", "penyelenggara", "tanggal_mulai", "tanggal_selesai", "jp")
OPTIONAL = ("no_sertifikat", "bukti")


class JpImportRejected(ImportRejected):
    subject = "Berkas JP"


@dataclass(frozen=True)
class RosterEntry:
    username: str
    status: str  # PNS | PPPK


@dataclass(frozen=True)
class JpRow:
    line: int
    username: str
    nip: str
    activity: str
    provider: str
    start_date: dt.date
    end_date: dt.date
    jp: float
    certificate_no: str | None
    proof: str | None

    @property
    def source_ref(self) -> str:
        if self.certificate_no:
            return f"sertifikat:{self.certificate_no}"
        key = f"{self.nip}|{_activity_key(self.activity)}|{self.start_date}|{self.end_date}"
        return "hr:" + hashlib.sha1(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class JpImportResult:
    added: int
    skipped: int  # already in the ledger (same person and reference)


def local_today() -> dt.date:
    """Today in Ambon (WIT): an activity that ended "today" there is not in the future,
    even while a server on UTC still has yesterday's date."""
    return dt.datetime.now(LOCAL_TZ).date()


def _activity_key(activity: str) -> str:
    return " ".join(activity.split()).casefold()


def _duplicates(rows: list[JpRow]) -> list[RowError]:
    """A row repeating an earlier one: same NIP and certificate, or same NIP, activity
    and dates."""
    errors, by_certificate, by_activity = [], {}, {}
    for row in rows:
        activity_key = (row.nip, _activity_key(row.activity), row.start_date, row.end_date)
        if row.certificate_no and (row.nip, row.certificate_no) in by_certificate:
            earlier = by_certificate[(row.nip, row.certificate_no)]
            errors.append(
                RowError(
                    row.line,
                    "no_sertifikat",
                    f"duplikat: NIP dan no_sertifikat sama dengan baris {earlier}",
                )
            )
        elif activity_key in by_activity:
            errors.append(
                RowError(
                    row.line,
                    "kegiatan",
                    "duplikat: NIP, kegiatan dan tanggal sama dengan baris "
                    f"{by_activity[activity_key]}",
                )
            )
        if row.certificate_no:
            by_certificate.setdefault((row.nip, row.certificate_no), row.line)
        by_activity.setdefault(activity_key, row.line)
    return errors


def parse(
    text: str,
    source: str,
    roster: dict[str, RosterEntry],
    today: dt.date | None = None,
) -> list[JpRow]:
    """Every row checked against the ``roster`` (NIP -> entry) and ``today`` (default:
    today in Ambon); raises JpImportRejected with all problems, or returns the rows."""
    today = today or local_today()
    table = parse_table(text, source, REQUIRED, OPTIONAL, rejected=JpImportRejected)
    context = {"roster": roster, "today": today}
    valid, errors = validate_rows(table, JpRecord, context)
    rows = [
        JpRow(line=line, username=roster[row.nip].username, **row.model_dump())
        for line, row in valid
    ]
    errors += _duplicates(rows)
    if errors:
        raise JpImportRejected(source, sorted(errors, key=lambda e: e.line))
    if not rows:
        raise JpImportRejected(source, [no_rows("berkas JP")])
    return rows


def roster_entries(db) -> dict[str, RosterEntry]:
    """NIP -> the roster entry, for every employee (inactive ones too: their past
    activities still count)."""
    return {e.nip: RosterEntry(e.username, e.status) for e in db.scalars(select(Employee))}


def import_jp(platform_url: str, path: Path | str, today: dt.date | None = None) -> JpImportResult:
    """Check ``path`` completely, then add its new entries in one transaction."""
    return import_jp_text(platform_url, read_text(path, JpImportRejected), str(path), today)


def import_jp_text(platform_url: str, text: str, source: str, today: dt.date | None = None) -> JpImportResult:
    """The same for a file's text (an upload to the HR service); ``source`` names it in errors."""
    with session_factory(platform_url)() as db, db.begin():
        rows = parse(text.lstrip("\ufeff"), source, roster_entries(db), today)
        present = {
            (username, ref)
            for username, ref in db.execute(
                select(JpEntry.username, JpEntry.source_ref).where(
                    JpEntry.username.in_({r.username for r in rows})
                )
            )
        }
        added = 0
        for row in rows:
            if (row.username, row.source_ref) in present:
                continue
            db.add(
                JpEntry(
                    username=row.username,
                    year=row.end_date.year,
                    activity=row.activity,
                    provider=row.provider,
                    jp=row.jp,
                    source_ref=row.source_ref,
                    start_date=row.start_date,
                    end_date=row.end_date,
                    certificate_no=row.certificate_no,
                    kind="external",
                    proof=row.proof,
                )
            )
            added += 1
    return JpImportResult(added=added, skipped=len(rows) - added)
