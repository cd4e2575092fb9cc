"""Import public complaints from an SP4N-LAPOR! export, all rows or nothing.

One row per report, CSV (``,`` or ``;``, UTF-8) or XLSX (first sheet). Headers are matched
ignoring case, spaces and punctuation; each column accepts the names below:

================  ===================================================  ========  =========
column            also accepted                                        required  value
================  ===================================================  ========  =========
id                id laporan, nomor laporan, no laporan, tracking id   yes       LAPOR! id
unit              unit_kode, kode unit                                 yes       unit code
kategori          category                                             no        text
diterima          tanggal diterima, waktu diterima, tanggal laporan    yes       time
diverifikasi      tanggal verifikasi, waktu verifikasi                 no        time
ditindaklanjuti   tanggal tindak lanjut, waktu tindak lanjut           no        time
selesai           tanggal selesai, waktu selesai                       no        time
status            --                                                   yes       see below
================  ===================================================  ========  =========

**Times** are Ambon time (WIT, UTC+9) unless they carry an offset: ``2026-03-02 08:15``,
``2026-03-02T08:15:30``, ``2026-03-02T08:15+09:00``, ``02/03/2026 08:15`` (day first;
``-`` or ``.`` work too) or a date alone (taken as 00:00). An empty cell is a step not
taken yet (``diterima`` may not be empty). Steps may not come before the receipt, a
follow-up not before the verification, a closing not before the follow-up, and nothing
after the import's moment. They are stored in UTC.

**Status** (the flow of Perpres 76/2013 and PermenPANRB 62/2018), stored in English:

==============================================================  =============
accepted (any case)                                             stored
==============================================================  =============
diterima, baru, belum diverifikasi, belum terverifikasi          submitted
diverifikasi, terverifikasi                                     verified
diteruskan, didisposisikan, disposisi                           forwarded
ditindaklanjuti, tindak lanjut, proses, diproses                followed_up
ditanggapi, tanggapan pelapor                                   responded
selesai, ditutup                                                closed
ditunda, tunda                                                  postponed
bukan kewenangan, bukan wewenang                                not_authority
diarsipkan, arsip                                               archived
==============================================================  =============

``selesai`` as status needs the ``selesai`` time, and a ``selesai`` time needs a closing
status (selesai, bukan kewenangan, diarsipkan).

**Idempotent by id**: a report already stored is updated with the file's values; a
repeated id within one file is an error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator
from sqlalchemy import select

from asncore.constants import LOCAL_TZ
from asncore.db import Complaint, Unit, session_factory
from asncore.ikm import squash

from .csvtable import ImportRejected, RowError, UpsertResult, duplicates, no_rows, validate_rows
from .rows import CsvRow, Required, UnitCode
from .sheets import load_text, parse_sheet

ALIASES = {
    "id": ("id", "idlaporan", "nomorlaporan", "nolaporan", "trackingid"),
    "unit": ("unit", "unitkode", "kodeunit"),
    "kategori": ("kategori", "category"),
    "diterima": ("diterima", "tanggalditerima", "waktuditerima", "tanggallaporan", "received"),
    "diverifikasi": ("diverifikasi", "tanggalverifikasi", "waktuverifikasi", "verified"),
    "ditindaklanjuti": ("ditindaklanjuti", "tanggaltindaklanjut", "waktutindaklanjut",
                        "tindaklanjut", "followedup"),
    "selesai": ("selesai", "tanggalselesai", "waktuselesai", "closed"),
    "status": ("status",),
}
COLUMN_OF = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
REQUIRED = ("id", "unit", "diterima", "status")
OPTIONAL = ("kategori", "diverifikasi", "ditindaklanjuti", "selesai")

STATUS_NAMES = {
    "submitted": ("diterima", "baru", "belum diverifikasi", "belum terverifikasi", "submitted"),
    "verified": ("diverifikasi", "terverifikasi", "verified"),
    "forwarded": ("diteruskan", "didisposisikan", "disposisi", "forwarded"),
    "followed_up": ("ditindaklanjuti", "tindak lanjut", "proses", "diproses", "followed up"),
    "responded": ("ditanggapi", "tanggapan pelapor", "responded"),
    "closed": ("selesai", "ditutup", "closed"),
    "postponed": ("ditunda", "tunda", "postponed"),
    "not_authority": ("bukan kewenangan", "bukan wewenang", "not authority"),
    "archived": ("diarsipkan", "arsip", "archived"),
}
STATUSES = tuple(STATUS_NAMES)
STATUS_OF = {squash(name): status for status, names in STATUS_NAMES.items() for name in names}
CLOSING = ("closed", "not_authority", "archived")  # statuses a 'selesai' time may have
STATUS_LABELS = {status: names[0] for status, names in STATUS_NAMES.items()}

_TIME = r"(?:[T ]+(\d{1,2})[:.](\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + r"\s*(Z|[+-]\d{2}:?\d{2}|WIT)?$",
                  re.ASCII | re.IGNORECASE)
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME + r"\s*(WIT)?$",
                        re.ASCII | re.IGNORECASE)


class ComplaintsRejected(ImportRejected):
    subject = "Berkas pengaduan"


def _offset(text: str | None) -> dt.tzinfo:
    if text is None or text.upper() == "WIT":
        return LOCAL_TZ
    if text.upper() == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_moment(raw: str) -> dt.datetime:
    """The moment in ``raw`` as a naive UTC datetime (formats in the module docstring)."""
    text = " ".join(raw.split())
    if m := _ISO.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        hour, minute, second, zone = m[4], m[5], m[6], m[7]
    elif m := _DAY_FIRST.match(text):
        day, month, year = int(m[1]), int(m[3]), int(m[4])
        hour, minute, second, zone = m[5], m[6], m[7], m[8]
    else:
        raise ValueError(
            f"'{raw}': format waktu harus YYYY-MM-DD HH:MM atau DD/MM/YYYY HH:MM (WIT)"
        )
    try:
        local = dt.datetime(year, month, day, int(hour or 0), int(minute or 0),
                            int(second or 0), tzinfo=_offset(zone))
    except ValueError:
        raise ValueError(f"'{raw}': waktu tidak ada di kalender (not a real date/time)") from None
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _moment_or_none(raw: str) -> dt.datetime | None:
    return parse_moment(raw) if raw else None


def _received(raw: str) -> dt.datetime:
    if not raw:
        raise ValueError("wajib diisi (required)")
    return parse_moment(raw)


def _wit(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).strftime("%d-%m-%Y %H:%M")


Moment = Annotated[dt.datetime | None, BeforeValidator(_moment_or_none)]
# (column of the step, the earlier columns it may not precede)
_ORDER = {
    "verified_at": ("received_at",),
    "followed_up_at": ("received_at", "verified_at"),
    "closed_at": ("received_at", "followed_up_at"),
}
_COLUMN = {"received_at": "diterima", "verified_at": "diverifikasi",
           "followed_up_at": "ditindaklanjuti", "closed_at": "selesai"}


class ComplaintRecord(CsvRow):
    """One report. Context: ``known_units`` (set of codes) and ``now`` (naive UTC)."""

    report_id: Required = Field(alias="id", max_length=64)
    unit: UnitCode
    category: str = Field("", alias="kategori", max_length=200)
    received_at: Annotated[dt.datetime, BeforeValidator(_received)] = Field(alias="diterima")
    verified_at: Moment = Field(None, alias="diverifikasi")
    followed_up_at: Moment = Field(None, alias="ditindaklanjuti")
    closed_at: Moment = Field(None, alias="selesai")
    status: Required

    @field_validator("unit")
    @classmethod
    def _registered(cls, code: str, info: ValidationInfo) -> str:
        if code not in info.context["known_units"]:
            raise ValueError(
                f"unit '{code}' tidak dikenal; daftarkan dulu dengan 'asn-ambon unit import'"
            )
        return code

    @field_validator("category")
    @classmethod
    def _spaces(cls, category: str) -> str:
        return " ".join(category.split())

    @field_validator("received_at", "verified_at", "followed_up_at", "closed_at")
    @classmethod
    def _in_order(cls, moment: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        if moment is None:
            return None
        now = info.context["now"]
        if moment > now:
            raise ValueError(f"{_wit(moment)} WIT belum terjadi (in the future); periksa "
                             "urutan hari/bulan")
        for earlier in _ORDER.get(info.field_name, ()):
            before = info.data.get(earlier)
            if before is not None and moment < before:
                raise ValueError(f"{_wit(moment)} WIT lebih awal dari kolom "
                                 f"'{_COLUMN[earlier]}' ({_wit(before)} WIT)")
        return moment

    @field_validator("status")
    @classmethod
    def _status(cls, raw: str, info: ValidationInfo) -> str:
        status = STATUS_OF.get(squash(raw))
        if status is None:
            choices = ", ".join(names[0] for names in STATUS_NAMES.values())
            raise ValueError(f"'{raw}' tidak dikenal; pilihan: {choices}")
        if status == "closed" and "closed_at" in info.data and info.data["closed_at"] is None:
            raise ValueError("status selesai tetapi kolom 'selesai' kosong; isi waktu selesai")
        if info.data.get("closed_at") is not None and status not in CLOSING:
            raise ValueError(f"ada waktu di kolom 'selesai' tetapi status '{raw}' belum selesai")
        return status


@dataclass(frozen=True)
class ComplaintRow:
    line: int
    report_id: str
    unit: str
    category: str
    received_at: dt.datetime
    verified_at: dt.datetime | None
    followed_up_at: dt.datetime | None
    closed_at: dt.datetime | None
    status: str

    def values(self) -> dict:
        return {"unit_code": self.unit, "category": self.category, "status": self.status,
                "received_at": self.received_at, "verified_at": self.verified_at,
                "followed_up_at": self.followed_up_at, "closed_at": self.closed_at}


def rename_header(cells: list[str]) -> tuple[list[str], list[RowError]]:
    """Header cells -> column names (aliases resolved); any other column is an error, so
    that no reporter's identity or report text is ever imported."""
    names, errors = [], []
    for cell in cells:
        column = COLUMN_OF.get(squash(cell))
        if column is None and cell:
            errors.append(RowError(
                1, cell,
                "kolom tidak dikenal (unknown column); hapus kolom lain dari ekspor "
                "(terutama identitas pelapor dan isi laporan). Yang dikenal: "
                + ", ".join(ALIASES),
            ))
        names.append(column or cell.lower())
    return names, errors


def parse(text: str, source: str, known_units: set[str],
          now: dt.datetime | None = None) -> list[ComplaintRow]:
    """Every row checked against the registered units and ``now`` (naive UTC; default the
    current time); raises ComplaintsRejected with all problems, or returns the rows."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    table = parse_sheet(text, source, REQUIRED, OPTIONAL, ComplaintsRejected, rename_header)
    valid, errors = validate_rows(table, ComplaintRecord,
                                  {"known_units": known_units, "now": now})
    ids = [(r.line, r.get("id")) for r in table.records]
    errors += duplicates(ids, "id")
    if errors:
        raise ComplaintsRejected(source, sorted(errors, key=lambda e: e.line))
    if not valid:
        raise ComplaintsRejected(source, [no_rows("berkas pengaduan")])
    return [ComplaintRow(line, **row.model_dump()) for line, row in valid]


def import_complaints(platform_url: str, path: Path | str,
                      now: dt.datetime | None = None) -> UpsertResult:
    """Check ``path`` completely, then add or update every report in one transaction."""
    return import_complaints_text(platform_url, load_text(path, ComplaintsRejected),
                                  str(path), now)


def import_complaints_text(platform_url: str, text: str, source: str,
                           now: dt.datetime | None = None) -> UpsertResult:
    """The same for a file's text (an upload; XLSX through :func:`sheets.xlsx_text`)."""
    added = updated = unchanged = 0
    with session_factory(platform_url)() as db, db.begin():
        rows = parse(text, source, set(db.scalars(select(Unit.code))), now)
        stored = {c.id: c for c in db.scalars(
            select(Complaint).where(Complaint.id.in_([r.report_id for r in rows])))}
        for row in rows:
            values = row.values()
            existing = stored.get(row.report_id)
            if existing is None:
                db.add(Complaint(id=row.report_id, **values))
                added += 1
            elif any(getattr(existing, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(existing, k, v)
                updated += 1
            else:
                unchanged += 1
    return UpsertResult(added, updated, unchanged)
