"""E-certificates of platform modules (issue 12, point 6): numbers, issuing, look-up.

**What gets one.** Every module credit of the JP ledger (a ``jp_ledger`` row of kind
``platform`` whose ``source_ref`` is ``modul:<id>``) of a person in the roster, one per
person and module: the competency service issues it where it credits the module
(``services/kompetensi/progress.py``); migration 0007 issued one for every credit that was
already in the ledger; a credit whose owner was not in the roster when it was given gets
one on the owner's next progress read (:func:`issue_missing`). Nothing else issues one: a
certificate always stands on a ledger credit the server gave.

**What it says.** The name, NIP, module title, JP and completion date (the credit's end
date, WIT) as they were when it was issued, so the PDF and the verification page always
agree with each other. The number is also written into the credit's ``certificate_no``, so
HR's reports and downloads show it.

**Number.** ``ASN-AMB-<year>-XXXX-XXXX``: the year of issue (WIT) and 8 characters drawn
with :mod:`secrets` from Crockford's base-32 alphabet (digits and letters without I, L,
O, U): 40 random bits. The number is the only key of the public verification page, so it
must not be guessable: with 10,000 certificates issued, a guess hits one with a chance of
about 1 in 110 million (2^40 / 10^4), and numbers are not in issue order. People typing a
number may use lower case, and O for 0 or I/L for 1, as Crockford's alphabet allows.

**Validity.** "SAH" (valid) while the credit is in the ledger; "DICABUT" (revoked) once it
is not (taken back after a review, as migration 0003 did, or removed by HR). The row stays,
so the verification page can say so; if the credit comes back, so does the validity.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .constants import LOCAL_TZ
from .db import Certificate, Employee, JpEntry, utcnow

PREFIX = "ASN-AMB"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
GROUPS, GROUP_LENGTH = 2, 4
MODULE_REF = "modul:"
ACTIVITY_PREFIX = "E-learning: "  # how the service names a module credit in the ledger
_TYPED = re.compile(r"ASN-AMB-([0-9]{4})-([0-9A-Z]{4})-([0-9A-Z]{4})")
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_ATTEMPTS = 5  # a collision of 40 random bits is rare; five in a row means something else


def new_number(year: int) -> str:
    """A fresh random number for a certificate issued in ``year``."""
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH))
              for _ in range(GROUPS))
    return "-".join((PREFIX, f"{year:04d}", *groups))


def parse_number(raw: str | None) -> str | None:
    """``raw`` as a certificate number in its printed form, or None when it cannot be one.
    Case, surrounding spaces and Crockford's look-alikes (O, I, L) are forgiven."""
    if not raw or len(raw) > 40:
        return None
    match = _TYPED.fullmatch(raw.strip().upper())
    if match is None:
        return None
    year, *groups = match.groups()
    groups = [g.translate(_CONFUSABLE) for g in groups]
    if any(c not in ALPHABET for g in groups for c in g):
        return None
    return "-".join((PREFIX, year, *groups))


def _local_year(now: dt.datetime) -> int:
    return now.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).year


def _existing(db: Session, username: str, source_ref: str) -> Certificate | None:
    return db.scalar(select(Certificate).where(Certificate.username == username,
                                               Certificate.source_ref == source_ref))


def issue(db: Session, username: str, source_ref: str, module_title: str | None = None,
          now: dt.datetime | None = None) -> Certificate | None:
    """The certificate of ``username``'s module credit ``source_ref`` (``modul:<id>``),
    issued now if it has none. None when there is no such credit in the ledger, or the
    person is not in the roster (no name or NIP to print: issued later by
    :func:`issue_missing`). ``module_title`` defaults to the title in the credit's
    activity. The caller commits."""
    if not source_ref.startswith(MODULE_REF):
        return None
    credit = db.scalar(select(JpEntry).where(
        JpEntry.username == username, JpEntry.source_ref == source_ref,
        JpEntry.kind == "platform"))
    if credit is None:
        return None
    certificate = _existing(db, username, source_ref)
    if certificate is None:
        employee = db.get(Employee, username)
        if employee is None:
            return None
        now = now or utcnow()
        title = module_title or credit.activity.removeprefix(ACTIVITY_PREFIX)
        for _ in range(_ATTEMPTS):
            candidate = Certificate(
                number=new_number(_local_year(now)), username=username, source_ref=source_ref,
                name=employee.name, nip=employee.nip, module_title=title, jp=credit.jp,
                completed_on=credit.end_date, issued_at=now)
            try:
                with db.begin_nested():
                    db.add(candidate)
                certificate = candidate
                break
            except IntegrityError:  # the number was taken, or a concurrent request issued it
                certificate = _existing(db, username, source_ref)
                if certificate is not None:
                    break
        else:
            raise RuntimeError(f"no free certificate number after {_ATTEMPTS} attempts")
    if credit.certificate_no is None:
        credit.certificate_no = certificate.number
    return certificate


def issue_missing(db: Session, username: str | None = None,
                  now: dt.datetime | None = None) -> list[Certificate]:
    """Issue the certificates that module credits (of ``username``, or everyone's) lack;
    returns those issued. The caller commits."""
    query = select(JpEntry.username, JpEntry.source_ref).where(
        JpEntry.kind == "platform", JpEntry.source_ref.startswith(MODULE_REF),
        ~exists().where(Certificate.username == JpEntry.username,
                        Certificate.source_ref == JpEntry.source_ref),
        exists().where(Employee.username == JpEntry.username))
    if username is not None:
        query = query.where(JpEntry.username == username)
    issued = []
    for owner, ref in db.execute(query).all():
        certificate = issue(db, owner, ref, now=now)
        if certificate is not None:
            issued.append(certificate)
    return issued


def find(db: Session, number: str) -> Certificate | None:
    """The certificate with the printed ``number`` (see :func:`parse_number`), or None."""
    return db.scalar(select(Certificate).where(Certificate.number == number))


def is_valid(db: Session, certificate: Certificate) -> bool:
    """True while the credit the certificate was issued for is in the JP ledger."""
    return db.scalar(select(JpEntry.id).where(
        JpEntry.username == certificate.username,
        JpEntry.source_ref == certificate.source_ref)) is not None


def number_for(db: Session, username: str, module_id: str) -> str | None:
    """The number of ``username``'s certificate for module ``module_id``, if issued."""
    found = _existing(db, username, MODULE_REF + module_id)
    return found.number if found else None


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show of a certificate: nothing more."""

    number: str
    name: str
    module_title: str
    completed_on: dt.date
    valid: bool


def verify(db: Session, raw: str | None) -> Verification | None:
    """The public facts of the certificate numbered ``raw``, or None for an unknown or
    malformed number."""
    number = parse_number(raw)
    certificate = find(db, number) if number else None
    if certificate is None:
        return None
    return Verification(number=certificate.number, name=certificate.name,
                        module_title=certificate.module_title,
                        completed_on=certificate.completed_on,
                        valid=is_valid(db, certificate))
