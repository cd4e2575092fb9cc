"""``asn-ambon start|init|check-settings|roster|akun``: run the platform and load its people."""

from __future__ import annotations

import argparse
import json

from asncore.commands import settings_of


def run_check_settings(args: argparse.Namespace) -> None:
    print(json.dumps(settings_of(args), indent=2))


def run_init(args: argparse.Namespace) -> None:
    from .platform_setup import prepare

    prepare(settings_of(args))


def run_start(args: argparse.Namespace) -> None:
    from .platform_setup import prepare, start_hub
    from .ports import check_ports_free

    settings = settings_of(args)
    check_ports_free(settings)  # before anything is written
    prepare(settings)
    start_hub(settings, args.settings)


def run_roster_import(args: argparse.Namespace) -> None:
    from .rosterload import import_file

    import_file(settings_of(args), args.file)


def run_unlock(args: argparse.Namespace) -> None:
    """Forget an account's failed log-ins from every source (asnhub.auth back-off)."""
    from asncore import nip as nipmod
    from asncore.db import Employee, session_factory

    from .auth import clear_failures

    settings = settings_of(args)
    raw = args.nip.strip()
    compact = nipmod.normalize(raw)
    username = compact if compact.isdigit() else raw.lower()
    url = settings["database"]["platform_url"]
    with session_factory(url)() as db:
        if db.get(Employee, username) is None:
            raise ValueError(f"'{raw}' tidak ada di roster (not on the roster)")
    removed = clear_failures(url, username)
    print(f"Akun {username} dibuka: {removed} penghitung gagal masuk dihapus.")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    subparsers.add_parser(
        "check-settings", help="periksa berkas pengaturan dan tampilkan hasilnya"
    ).set_defaults(run=run_check_settings)
    subparsers.add_parser(
        "init", help="siapkan folder data, kursus dan roster (tanpa menjalankan hub)"
    ).set_defaults(run=run_init)
    subparsers.add_parser(
        "start", help="init, lalu jalankan JupyterHub (menggantikan proses ini)"
    ).set_defaults(run=run_start)
    roster = subparsers.add_parser("roster", help="roster pegawai / the roster of people")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    imp = roster_sub.add_parser("import", help="impor roster CSV, semua baris atau tidak sama sekali")
    imp.add_argument("file")
    imp.set_defaults(run=run_roster_import)
    akun = subparsers.add_parser("akun", help="akun masuk / log-in accounts")
    akun_sub = akun.add_subparsers(dest="akun_command", required=True)
    unlock = akun_sub.add_parser(
        "buka-kunci", help="hapus hitungan gagal masuk satu akun (semua sumber) / unlock"
    )
    unlock.add_argument("nip", help="NIP atau username")
    unlock.set_defaults(run=run_unlock)
