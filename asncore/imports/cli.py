"""``asn-ambon unit|jp|kamus``: HR's data imports from CSV.

- ``unit import FILE``: register units (kode, nama, induk)
- ``jp import FILE``: learning activities outside the platform into the JP ledger
- ``kamus import-kompetensi FILE``: add or update competencies
- ``kamus import-level FILE [--kompetensi FILE]``: replace the required levels
- ``libur import FILE``: the holiday calendar (national holidays, cuti bersama) of its years

Each prints one summary line; a refused file lists every error (``baris N, kolom 'x'``)
and exits 1 with nothing imported (see :mod:`asncore.commands`).
"""

from __future__ import annotations

import argparse

from ..commands import settings_of
from .dictionary import import_competencies, import_levels
from .holidays import KIND_LABELS, import_holidays
from .jp import import_jp
from .units import import_units


def _platform_url(args: argparse.Namespace) -> str:
    return settings_of(args)["database"]["platform_url"]


def run_unit_import(args: argparse.Namespace) -> None:
    done = import_units(_platform_url(args), args.file)
    print(f"Unit {args.file}: {done.summary()}.")


def run_jp_import(args: argparse.Namespace) -> None:
    done = import_jp(_platform_url(args), args.file)
    print(f"JP {args.file}: {done.added} kegiatan ditambahkan, "
          f"{done.skipped} sudah tercatat (dilewati).")


def run_competency_import(args: argparse.Namespace) -> None:
    done = import_competencies(_platform_url(args), args.file)
    print(f"Kamus kompetensi {args.file}: {done.summary()}.")


def run_level_import(args: argparse.Namespace) -> None:
    done = import_levels(_platform_url(args), args.file, args.kompetensi)
    line = (f"Level dibutuhkan {args.file}: {done.imported} level menggantikan "
            f"{done.replaced} level sebelumnya.")
    if done.competencies:
        line += f" Kompetensi: {done.competencies.summary()}."
    print(line)


def run_holiday_import(args: argparse.Namespace) -> None:
    done = import_holidays(_platform_url(args), args.file)
    years = ", ".join(map(str, done.years))
    print(f"Hari libur {args.file}: {done.imported} hari ({KIND_LABELS['national']} dan "
          f"{KIND_LABELS['collective']}) untuk tahun {years}, menggantikan {done.replaced} "
          "hari sebelumnya.")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    unit = subparsers.add_parser("unit", help="unit kerja (OPD) / organisational units")
    unit_sub = unit.add_subparsers(dest="unit_command", required=True)
    cmd = unit_sub.add_parser("import", help="daftarkan unit dari CSV (kode, nama, induk)")
    cmd.add_argument("file")
    cmd.set_defaults(run=run_unit_import)

    jp = subparsers.add_parser("jp", help="jam pelajaran (JP) / learning hours")
    jp_sub = jp.add_subparsers(dest="jp_command", required=True)
    cmd = jp_sub.add_parser(
        "import",
        help="kegiatan di luar platform ke buku JP (nip, kegiatan, penyelenggara, "
        "tanggal_mulai, tanggal_selesai, jp, no_sertifikat, bukti)",
    )
    cmd.add_argument("file")
    cmd.set_defaults(run=run_jp_import)

    kamus = subparsers.add_parser("kamus", help="kamus kompetensi / competency dictionary")
    kamus_sub = kamus.add_subparsers(dest="kamus_command", required=True)
    cmd = kamus_sub.add_parser(
        "import-kompetensi", help="tambah/perbarui kompetensi (kode, nama, jenis, deskripsi)"
    )
    cmd.add_argument("file")
    cmd.set_defaults(run=run_competency_import)
    cmd = kamus_sub.add_parser(
        "import-level",
        help="ganti seluruh level dibutuhkan (jenis_jabatan, jabatan, kode_kompetensi, level)",
    )
    cmd.add_argument("file")
    cmd.add_argument("--kompetensi", metavar="FILE",
                     help="berkas kompetensi yang diimpor bersama (satu transaksi)")
    cmd.set_defaults(run=run_level_import)

    libur = subparsers.add_parser("libur", help="hari libur nasional dan cuti bersama / holidays")
    libur_sub = libur.add_subparsers(dest="libur_command", required=True)
    cmd = libur_sub.add_parser(
        "import", help="ganti kalender libur tahun-tahun di berkas (tanggal, nama, jenis)")
    cmd.add_argument("file")
    cmd.set_defaults(run=run_holiday_import)
