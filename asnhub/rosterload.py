"""Load a roster into the platform and report what happened, in Indonesian first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import accounts, demo, roster

DEMO_CREDENTIALS = "demo-credentials.csv"


def _report(result: accounts.ImportResult, source: str) -> None:
    print(
        f"Roster {source}: {len(result.created)} akun baru, {result.updated} diperbarui, "
        f"{len(result.deactivated)} dinonaktifkan, {len(result.unix_created)} akun Unix dibuat."
    )


def import_file(settings: dict, path: str | Path) -> accounts.ImportResult:
    rows = roster.read(path)
    result = accounts.apply(settings, rows)
    _report(result, str(path))
    if result.created:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path(settings["data_dir"]) / "credentials" / f"akun-baru-{stamp}.csv"
        accounts.write_credentials(out, result.created)
        print(f"Kata sandi awal akun baru ditulis ke {out} (hanya dapat dibaca root).")
    return result


def import_demo(settings: dict) -> accounts.ImportResult:
    result = accounts.apply(settings, demo.demo_rows())
    _report(result, "demo")
    if result.created:
        out = Path(settings["data_dir"]) / DEMO_CREDENTIALS
        accounts.write_credentials(out, result.created)
        print(f"Akun demo (username,password,role) — disimpan di {out}, ditampilkan sekali:")
        for account in result.created:
            print(f"  {account.username},{account.password},{account.role}")
    return result
