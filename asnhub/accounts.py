"""Apply a validated roster: platform database, log-in credentials, Unix users.

Idempotent: importing the same roster twice changes nothing. Existing accounts keep
their passwords and files; people missing from a new roster are deactivated, not
deleted (their scores and learning hours stay). Whoever is inactive loses every hub
token, OAuth code and log-in cookie, and every process of theirs (server, kernels,
anything left behind) is ended, whether or not the hub runs: a running hub finds the
server gone at its next poll (30 s). New accounts get a random initial
password, returned to the caller to hand out once. A unit's place in the tree
(``parent_code``, set by the units file) is never touched here; a person who is new or
changes unit gets a unit-membership row from today, for reports over past periods.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt
from sqlalchemy import select

from asncore import unixnames
from asncore.db import Employee, Unit, UnitMembership, session_factory, utcnow
from asncore.fileio import atomic_write
from asncore.imports.roster import RosterRow

from . import hubdb, unixusers


@dataclass(frozen=True)
class NewAccount:
    username: str
    password: str
    role: str


@dataclass(frozen=True)
class ImportResult:
    created: list[NewAccount]
    updated: int
    deactivated: list[str]
    unix_created: list[str]
    stopped: list[str] = field(default_factory=list)  # inactive people whose processes ended


def new_password() -> str:
    # 16 characters from a 64-symbol alphabet: 96 bits, never in a common-password list.
    return secrets.token_urlsafe(12)


def _upsert_units(pdb, rows: list[RosterRow]) -> None:
    """Add missing units and follow name changes; keep each unit's parent."""
    for code, name in {r.unit_code: r.unit_name for r in rows}.items():
        unit = pdb.get(Unit, code)
        if unit is None:
            pdb.add(Unit(code=code, name=name))
        elif unit.name != name:
            unit.name = name
    pdb.flush()


def apply(settings: dict, rows: list[RosterRow], today: dt.date | None = None) -> ImportResult:
    """Write ``rows`` to the platform and hub databases (``today``: the date unit
    memberships start from; default the current date)."""
    today = today or dt.date.today()
    isolation = not settings["hub"]["dev_mode"]
    unix_created: list[str] = []
    if isolation:
        unixusers.require_root("Membuat akun Unix peserta (creating learners' Unix users)")
        prefix, home_base = settings["unix"]["user_prefix"], settings["unix"]["home_base"]
        name_of = unixnames.namer(settings)
        for row in rows:
            name = name_of(row.username)
            unixusers.adopt_legacy(row.username, name, prefix, home_base)
            if unixusers.ensure_user(name, home_base):
                unix_created.append(name)

    platform = session_factory(settings["database"]["platform_url"])
    hub = hubdb.session_factory(settings["database"]["hub_url"])
    with platform() as pdb, hub() as hdb:
        _upsert_units(pdb, rows)
        existing = {e.username: e for e in pdb.scalars(select(Employee))}
        since_today = {
            m.username: m
            for m in pdb.scalars(select(UnitMembership).where(UnitMembership.valid_from == today))
        }

        def record_membership(username: str, unit_code: str) -> None:
            membership = since_today.get(username)
            if membership is None:
                since_today[username] = UnitMembership(
                    username=username, unit_code=unit_code, valid_from=today
                )
                pdb.add(since_today[username])
            else:
                membership.unit_code = unit_code

        updated = 0
        for row in rows:
            values = dict(
                nip=row.nip, name=row.name, unit_code=row.unit_code, position=row.position,
                position_type=row.position_type, grade=row.grade, status=row.status,
                role=row.role, courses=";".join(row.courses), active=True,
            )
            emp = existing.get(row.username)
            if emp is None or emp.unit_code != row.unit_code:
                record_membership(row.username, row.unit_code)
            if emp is None:
                pdb.add(Employee(username=row.username, **values))
            elif any(getattr(emp, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(emp, key, value)
                emp.updated_at = utcnow()
                updated += 1
        listed = {r.username for r in rows}
        deactivated = []
        for username, emp in existing.items():
            if username not in listed and emp.active:
                emp.active = False
                emp.updated_at = utcnow()
                deactivated.append(username)
        inactive = sorted(u for u, emp in existing.items() if not emp.active)
        server_pids = {}
        for username in inactive:
            hubdb.revoke_sessions(hdb, username)
            server_pids[username] = hubdb.server_pids(hdb, username)

        created = []
        have_credentials = hubdb.usernames_with_credentials(hdb)
        for row in rows:
            if row.username not in have_credentials:
                password = new_password()
                hubdb.add_credentials(hdb, row.username, bcrypt.hashpw(password.encode(), bcrypt.gensalt()))
                created.append(NewAccount(row.username, password, row.role))
        pdb.flush()
        hdb.flush()
        pdb.commit()
        hdb.commit()
    stopped = [u for u in inactive if _end_processes(settings, u, server_pids[u])]
    return ImportResult(created, updated, deactivated, unix_created, stopped)


def _end_processes(settings: dict, username: str, server_pids: list[int]) -> bool:
    """End every process of an inactive person; True if any ran. With isolation: all of
    their Unix user's (rounds, so a forking process cannot outrun it); in dev mode the
    sessions of the servers the hub recorded for them."""
    if settings["hub"]["dev_mode"]:
        pids = [p for pid in server_pids for p in unixusers.session_of(pid, username)]
        return bool(unixusers.end_processes(pids))
    name = unixnames.namer(settings)(username)
    ended = unixusers.end_processes(unixusers.processes_of(name))
    for _ in range(10):
        left = unixusers.processes_of(name)
        if not left:
            break
        unixusers.end_processes(left, grace=0.5)
    return bool(ended)


def write_credentials(path: Path, accounts: list[NewAccount]) -> None:
    """Append new initial passwords to a root-only CSV (username,password,role), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    if path.exists():
        with path.open(newline="", encoding="utf-8") as f:
            rows = [r for r in csv.reader(f)][1:]
    rows += [[a.username, a.password, a.role] for a in accounts]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["username", "password", "role"])
    writer.writerows(rows)
    atomic_write(path, out.getvalue(), mode=0o600)
