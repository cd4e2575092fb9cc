"""Load a roster (and, if ``roster.units_file`` is set, the units before it) into the
platform and report what happened, in Indonesian first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from asncore import unixnames
from asncore.db import Employee, session_factory
from asncore.imports import roster, units

from . import accounts, assessments, demo, unixusers

DEMO_CREDENTIALS = "demo-credentials.csv"


def _report(result: accounts.ImportResult, source: str) -> None:
    print(
        f"Roster {source}: {len(result.created)} akun baru, {result.updated} diperbarui, "
        f"{len(result.deactivated)} dinonaktifkan, {len(result.unix_created)} akun Unix dibuat."
    )
    if result.stopped:
        print(
            f"Akun nonaktif: token dan sesi dicabut; proses dihentikan untuk "
            f"{', '.join(result.stopped)}."
        )


def _learner_maps(settings: dict) -> None:
    if not settings["hub"]["dev_mode"]:
        assessments.write_learner_maps(settings)


def reserved_username(settings: dict) -> Callable[[str], str | None]:
    """Why a roster log-in name may not be used on this platform (a grader's, the
    sandbox's, an existing system account the roster did not make), or None."""
    with session_factory(settings["database"]["platform_url"])() as db:
        platform_users = set(db.scalars(select(Employee.username)))
    isolation = not settings["hub"]["dev_mode"]
    name_of = unixnames.namer(settings)
    return lambda name: unixusers.reserved_reason(name, name_of, platform_users, isolation)


def _with_units(
    settings: dict, read_rows: Callable[[dict[str, str] | None], list[roster.RosterRow]]
) -> list[roster.RosterRow]:
    """With ``roster.units_file``: units checked first, then the roster against them
    (``read_rows(known unit names)``); the units are written only once both passed.
    Without it: ``read_rows(None)``, the units come from the roster rows."""
    units_file = settings["roster"].get("units_file")
    if not units_file:
        return read_rows(None)
    platform_url = settings["database"]["platform_url"]
    registered = units.registered_units(platform_url)
    unit_rows = units.read(units_file, registered)
    rows = read_rows(units.known_names(unit_rows, registered))
    done = units.apply_units(platform_url, unit_rows)
    print(
        f"Unit {units_file}: {done.added} baru, {done.updated} diperbarui, "
        f"{done.unchanged} tetap."
    )
    return rows


def import_file(settings: dict, path: str | Path) -> accounts.ImportResult:
    reserved = reserved_username(settings)
    rows = _with_units(settings, lambda known: roster.read(path, known, reserved))
    result = accounts.apply(settings, rows)
    _learner_maps(settings)
    _report(result, str(path))
    if result.created:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path(settings["data_dir"]) / "credentials" / f"akun-baru-{stamp}.csv"
        accounts.write_credentials(out, result.created)
        print(f"Kata sandi awal akun baru ditulis ke {out} (hanya dapat dibaca root).")
    return result


def import_demo(settings: dict) -> accounts.ImportResult:
    reserved = reserved_username(settings)
    rows = _with_units(
        settings, lambda known: roster.parse(demo.demo_csv(), "demo-roster", known, reserved)
    )
    result = accounts.apply(settings, rows)
    _learner_maps(settings)
    _report(result, "demo")
    if result.created:
        out = Path(settings["data_dir"]) / DEMO_CREDENTIALS
        accounts.write_credentials(out, result.created)
        print(f"Akun demo (username,password,role) — disimpan di {out}, ditampilkan sekali:")
        for account in result.created:
            print(f"  {account.username},{account.password},{account.role}")
    return result
