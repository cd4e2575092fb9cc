"""Command line for HR's data imports; ``python -m reports`` registers them with
:func:`add_commands`:

- ``unit import FILE``: register units (kode, nama, induk)
- ``jp import FILE``: learning activities outside the platform into the JP ledger
- ``kamus import-kompetensi FILE``: add or update competencies
- ``kamus import-level FILE [--kompetensi FILE]``: replace the required levels

Each prints one summary line; a rejected file prints every error to stderr and exits 1
(nothing imported); unusable settings exit 2. Settings come from ``--settings`` if the
caller's parser defines it, else ``$ASN_SETTINGS``, else ``settings.yaml``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from asncore import settings as settings_mod
from asncore.imports.csvtable import ImportRejected
from asncore.imports.units import import_units

from asncore.imports.dictionary import import_competencies, import_levels
from asncore.imports.jp import import_jp


def _unit_import(platform_url: str, args: argparse.Namespace) -> str:
    done = import_units(platform_url, args.file)
    return f"Unit {args.file}: {done.summary()}."


def _jp_import(platform_url: str, args: argparse.Namespace) -> str:
    done = import_jp(platform_url, args.file)
    return (
        f"JP {args.file}: {done.added} kegiatan ditambahkan, "
        f"{done.skipped} sudah tercatat (dilewati)."
    )


def _competency_import(platform_url: str, args: argparse.Namespace) -> str:
    done = import_competencies(platform_url, args.file)
    return f"Kamus kompetensi {args.file}: {done.summary()}."


def _level_import(platform_url: str, args: argparse.Namespace) -> str:
    done = import_levels(platform_url, args.file, args.kompetensi)
    line = (
        f"Level dibutuhkan {args.file}: {done.imported} level menggantikan "
        f"{done.replaced} level sebelumnya."
    )
    if done.competencies:
        c = done.competencies
        line += f" Kompetensi: {c.summary()}."
    return line


def _runner(
    action: Callable[[str, argparse.Namespace], str],
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            settings = settings_mod.load(getattr(args, "settings", None))
            print(action(settings["database"]["platform_url"], args))
        except settings_mod.SettingsError as exc:
            print(f"GAGAL (failed): {exc}", file=sys.stderr)
            return 2
        except ImportRejected as exc:
            print(f"GAGAL (failed): {exc}", file=sys.stderr)
            return 1
        return 0

    return run


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``unit``, ``jp`` and ``kamus``; each leaf sets ``args.run``, a function
    ``run(args) -> int`` (the exit code): call ``sys.exit(args.run(args))``."""
    unit = subparsers.add_parser("unit", help="unit kerja (OPD) / organisational units")
    unit_sub = unit.add_subparsers(dest="unit_command", required=True)
    cmd = unit_sub.add_parser("import", help="daftarkan unit dari CSV (kode, nama, induk)")
    cmd.add_argument("file")
    cmd.set_defaults(run=_runner(_unit_import))

    jp = subparsers.add_parser("jp", help="jam pelajaran (JP) / learning hours")
    jp_sub = jp.add_subparsers(dest="jp_command", required=True)
    cmd = jp_sub.add_parser(
        "import",
        help="kegiatan di luar platform ke buku JP (nip, kegiatan, penyelenggara, "
        "tanggal_mulai, tanggal_selesai, jp, no_sertifikat, bukti)",
    )
    cmd.add_argument("file")
    cmd.set_defaults(run=_runner(_jp_import))

    kamus = subparsers.add_parser("kamus", help="kamus kompetensi / competency dictionary")
    kamus_sub = kamus.add_subparsers(dest="kamus_command", required=True)
    cmd = kamus_sub.add_parser(
        "import-kompetensi", help="tambah/perbarui kompetensi (kode, nama, jenis, deskripsi)"
    )
    cmd.add_argument("file")
    cmd.set_defaults(run=_runner(_competency_import))
    cmd = kamus_sub.add_parser(
        "import-level",
        help="ganti seluruh level dibutuhkan (jenis_jabatan, jabatan, kode_kompetensi, level)",
    )
    cmd.add_argument("file")
    cmd.add_argument(
        "--kompetensi",
        metavar="FILE",
        help="berkas kompetensi yang diimpor bersama (satu transaksi)",
    )
    cmd.set_defaults(run=_runner(_level_import))


def main(argv: list[str] | None = None) -> int:
    """Only these commands, for tests and for callers without ``python -m reports``."""
    parser = argparse.ArgumentParser(prog="python -m reports", description="Impor data HR")
    parser.add_argument(
        "--settings", help="settings file (default: settings.yaml or $ASN_SETTINGS)"
    )
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)
