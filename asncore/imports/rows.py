"""The row model of every CSV import: one pydantic model per kind of row.

Fields have English names; each is filled from its column (the alias, as HR writes it).
:func:`asncore.imports.csvtable.validate_rows` validates every record of a table with a
model and turns each validation error into ``baris N, kolom 'x': reason``, so the message
a validator raises is what HR reads: what is wrong with the value, in Indonesian first.

Fields are validated in the order they are declared: a validator may read an earlier
field's value from ``info.data`` (absent when that field was wrong: it is reported
there). What the stored data says (registered units, the roster, the dictionary, today's
date) reaches validators as the validation context. Checks across rows (duplicates,
parents, cycles) are plain code in each import module.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from asncore import nip as nipmod
from asncore.constants import (
    LEVELS,
    MANAGERIAL,
    POSITION_TYPES,
    ROLE_ALIASES,
    ROLES,
    SOCIOCULTURAL,
    STATUSES,
    TECHNICAL,
)

from .csvtable import REQUIRED_MESSAGE

UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
COMPETENCY_CODE = re.compile(r"^[A-Z][A-Z0-9]*(\.[A-Z0-9_-]+)?$")
MAX_JP = 200
# What the dictionary's ``jenis`` column accepts (Indonesian or English) -> kind.
KIND_NAMES = {
    "manajerial": MANAGERIAL,
    "managerial": MANAGERIAL,
    "sosial kultural": SOCIOCULTURAL,
    "sosial-kultural": SOCIOCULTURAL,
    "sosiokultural": SOCIOCULTURAL,
    "sociocultural": SOCIOCULTURAL,
    "socio-cultural": SOCIOCULTURAL,
    "teknis": TECHNICAL,
    "technical": TECHNICAL,
}

_PNS_GRADE = re.compile(r"^(I|II|III|IV)/[a-e]$")
_PPPK_GRADE = re.compile(r"^(XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)$")
_USERNAME = re.compile(r"^[a-z][a-z0-9_-]{1,30}$")
_COURSE = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
# ASCII digits only: \d and float() also read '²', '٨' (the services' fuzz test)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_DAY_FIRST_DATE = re.compile(r"^(\d{1,2})([-/])(\d{1,2})\2(\d{4})$", re.ASCII)
_NUMBER = re.compile(r"^\d+([.,]\d+)?$", re.ASCII)


def _words(raw: str) -> str:
    """Lowercased, runs of spaces made one: how names are matched."""
    return " ".join(raw.lower().split())


def _unit_code(raw: str) -> str:
    code = raw.upper()
    if not UNIT_CODE.match(code):
        raise ValueError(f"'{raw}' hanya huruf, angka, titik, '-' atau '_' (paling banyak 32)")
    return code


def _competency_code(raw: str) -> str:
    code = raw.upper()
    if not COMPETENCY_CODE.match(code):
        raise ValueError(f"'{code}' bukan kode kompetensi yang sah (contoh: M.01, SK.01, T.SPBE)")
    return code


def position_type_named(raw: str) -> str | None:
    """The position type ``raw`` names (any case, any spacing), or None."""
    return {p.lower(): p for p in POSITION_TYPES}.get(_words(raw))


def _position_type(raw: str) -> str:
    if (canonical := position_type_named(raw)) is None:
        raise ValueError(f"'{raw}' tidak dikenal; pilihan: {', '.join(POSITION_TYPES)}")
    return canonical


def parse_date(raw: str) -> dt.date:
    """The date in ``raw`` (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY)."""
    if not raw:
        raise ValueError(REQUIRED_MESSAGE)
    if m := _ISO_DATE.match(raw):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_FIRST_DATE.match(raw):
        day, month, year = int(m[1]), int(m[3]), int(m[4])
    else:
        raise ValueError(f"'{raw}': format tanggal harus YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{raw}': tanggal tidak ada di kalender (not a real date)") from None


def parse_jp(raw: str) -> float:
    """The JP in ``raw`` ("2,5" or "2.5"): more than 0, at most MAX_JP."""
    if not raw:
        raise ValueError(REQUIRED_MESSAGE)
    if not _NUMBER.match(raw):
        raise ValueError(f"'{raw}' bukan angka (contoh: 2 atau 2,5)")
    value = float(raw.replace(",", "."))
    if value <= 0:
        raise ValueError(f"'{raw}': JP harus lebih dari 0")
    if value > MAX_JP:
        raise ValueError(f"'{raw}': paling banyak {MAX_JP} JP untuk satu kegiatan")
    return value


def parse_level(raw: str) -> int:
    """A whole competency level (PermenPANRB 38/2017)."""
    if not raw:
        raise ValueError(REQUIRED_MESSAGE)
    if raw.isascii() and raw.isdigit() and int(raw) in LEVELS:
        return int(raw)
    raise ValueError(f"'{raw}' harus bilangan bulat {LEVELS[0]} sampai {LEVELS[-1]}")


Required = Annotated[str, Field(min_length=1)]
UnitCode = Annotated[str, Field(min_length=1), AfterValidator(_unit_code)]
CompetencyCode = Annotated[str, Field(min_length=1), AfterValidator(_competency_code)]
PositionType = Annotated[str, Field(min_length=1), AfterValidator(_position_type)]
Date = Annotated[dt.date, BeforeValidator(parse_date)]


class CsvRow(BaseModel):
    """A row of a CSV import: values by column name, read-only once valid."""

    model_config = ConfigDict(frozen=True)


class RosterRecord(CsvRow):
    """A roster row. Context ``known_units`` (code -> name, or None): with registered
    units the code must be one of them and the name may be left out."""

    status: Required  # first: the NIP and grade rules depend on it
    nip: Required
    name: Required = Field(alias="nama")
    unit_code: UnitCode = Field(alias="unit_kode")
    unit_name: str = Field("", alias="unit_nama", validate_default=True)
    position: Required = Field(alias="jabatan")
    position_type: PositionType = Field(alias="jenis_jabatan")
    grade: Required = Field(alias="golongan")
    role: Required = Field(alias="peran")
    username: str = ""  # empty: the NIP
    courses: tuple[str, ...] = Field((), alias="kursus")

    @field_validator("status")
    @classmethod
    def _status(cls, raw: str) -> str:
        if raw.upper() not in STATUSES:
            raise ValueError(f"'{raw}' harus {' atau '.join(STATUSES)}")
        return raw.upper()

    @field_validator("nip")
    @classmethod
    def _nip(cls, raw: str, info: ValidationInfo) -> str:
        nip = nipmod.normalize(raw)
        if reason := nipmod.nip_error(nip, info.data.get("status", "PNS")):
            raise ValueError(f"'{raw}': {reason}")
        return nip

    @field_validator("unit_code")
    @classmethod
    def _registered_code(cls, code: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("known_units")
        if known is not None and code not in known:
            raise ValueError(f"unit '{code}' tidak dikenal; daftarkan di berkas unit")
        return code

    @field_validator("unit_name")
    @classmethod
    def _registered_name(cls, name: str, info: ValidationInfo) -> str:
        known = (info.context or {}).get("known_units")
        if known is None:
            if not name:
                raise ValueError(REQUIRED_MESSAGE)
            return name
        code = info.data.get("unit_code")
        if code is None:
            return name
        if name and name != known[code]:
            raise ValueError(
                f"'{name}' berbeda dengan nama terdaftar '{known[code]}' untuk kode {code}; "
                "kosongkan atau samakan"
            )
        return known[code]

    @field_validator("grade")
    @classmethod
    def _grade(cls, grade: str, info: ValidationInfo) -> str:
        status = info.data.get("status")
        pattern = _PPPK_GRADE if status == "PPPK" else _PNS_GRADE
        if status is not None and not pattern.match(grade):
            example = "IX" if status == "PPPK" else "III/a"
            raise ValueError(f"'{grade}' bukan golongan {status} yang sah (contoh: {example})")
        return grade

    @field_validator("role")
    @classmethod
    def _role(cls, raw: str) -> str:
        if (role := ROLE_ALIASES.get(raw.lower())) is None:
            raise ValueError(f"'{raw}' tidak dikenal; pilihan: {', '.join(ROLES)}")
        return role

    @field_validator("username")
    @classmethod
    def _username(cls, raw: str, info: ValidationInfo) -> str:
        """Context ``reserved_username`` (optional): a function of the log-in name (the
        NIP when the column is empty) returning why it may not be used, or None."""
        if raw and not _USERNAME.match(raw.lower()):
            raise ValueError(f"'{raw}': huruf kecil/angka/-/_, diawali huruf, 2-31 karakter")
        reserved = (info.context or {}).get("reserved_username")
        name = raw.lower() or info.data.get("nip", "")
        if reserved is not None and name and (reason := reserved(name)):
            raise ValueError(f"'{name}': {reason}")
        return raw.lower()

    @field_validator("courses", mode="before")
    @classmethod
    def _courses(cls, raw: str) -> tuple[str, ...]:
        courses = tuple(c.strip().lower() for c in raw.split(";") if c.strip())
        if bad := [c for c in courses if not _COURSE.match(c)]:
            raise ValueError(f"id kursus tidak sah: {', '.join(bad)} (huruf kecil, angka, '-')")
        return courses


class UnitRecord(CsvRow):
    code: UnitCode = Field(alias="kode")
    name: Required = Field(alias="nama", max_length=200)
    parent_code: str | None = Field(None, alias="induk")  # None: a top-level unit

    @field_validator("parent_code", mode="before")
    @classmethod
    def _parent(cls, raw: str) -> str | None:
        return _unit_code(raw) if raw else None


class JpRecord(CsvRow):
    """A learning activity outside the platform. Context: ``roster`` (NIP -> an entry
    with ``status``) and ``today`` (no activity ends after it)."""

    nip: Required
    activity: Required = Field(alias="kegiatan", max_length=200)
    provider: Required = Field(alias="penyelenggara", max_length=200)
    start_date: Date = Field(alias="tanggal_mulai")
    end_date: Date = Field(alias="tanggal_selesai")
    jp: Annotated[float, BeforeValidator(parse_jp)]
    certificate_no: str | None = Field(None, alias="no_sertifikat", max_length=100)
    proof: str | None = Field(None, alias="bukti", max_length=400)

    @field_validator("nip")
    @classmethod
    def _on_roster(cls, raw: str, info: ValidationInfo) -> str:
        nip = nipmod.normalize(raw)
        if reason := nipmod.nip_error(nip, "PPPK"):  # length and digits only
            raise ValueError(f"'{raw}': {reason}")
        entry = info.context["roster"].get(nip)
        if entry is None:
            reason = nipmod.nip_error(nip, "PNS")
            detail = (
                f" dan bukan NIP PNS yang sah: {reason}" if reason
                else "; periksa NIP atau impor roster dulu"
            )
            raise ValueError(f"'{raw}' tidak ada di roster (not on the roster){detail}")
        if reason := nipmod.nip_error(nip, entry.status):
            raise ValueError(f"'{raw}': {reason}")
        return nip

    @field_validator("start_date", "end_date")
    @classmethod
    def _not_in_future(cls, day: dt.date, info: ValidationInfo) -> dt.date:
        today = info.context["today"]
        if day > today:
            raise ValueError(
                f"{day:%d-%m-%Y} belum terjadi (in the future); hari ini {today:%d-%m-%Y}"
            )
        start = info.data.get("start_date")
        if info.field_name == "end_date" and start is not None and day < start:
            raise ValueError(f"{day:%d-%m-%Y} lebih awal dari tanggal_mulai {start:%d-%m-%Y}")
        return day

    @field_validator("certificate_no", "proof")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None


class CompetencyRecord(CsvRow):
    code: CompetencyCode = Field(alias="kode", max_length=32)
    name: Required = Field(alias="nama", max_length=200)
    kind: Required = Field(alias="jenis")  # managerial | sociocultural | technical
    description: str | None = Field(None, alias="deskripsi", max_length=1000)  # None: keep

    @field_validator("kind")
    @classmethod
    def _kind(cls, raw: str) -> str:
        if (kind := KIND_NAMES.get(_words(raw))) is None:
            raise ValueError(f"'{raw}' tidak dikenal; pilihan: manajerial, sosial kultural, teknis")
        return kind


class LevelRecord(CsvRow):
    """A required level. Context ``known_competencies``: the codes it may name."""

    position_type: PositionType = Field(alias="jenis_jabatan")
    position: str = Field("", alias="jabatan", max_length=200)  # "": the whole type
    competency: CompetencyCode = Field(alias="kode_kompetensi")
    level: Annotated[int, BeforeValidator(parse_level)]

    @field_validator("position")
    @classmethod
    def _spaces(cls, position: str) -> str:
        return " ".join(position.split())

    @field_validator("competency")
    @classmethod
    def _in_dictionary(cls, code: str, info: ValidationInfo) -> str:
        if code not in info.context["known_competencies"]:
            raise ValueError(
                f"kompetensi '{code}' tidak ada di kamus; impor dulu dengan "
                "'kamus import-kompetensi'"
            )
        return code
