"""``asn-ambon demo isi [--tahun Y] [--seed N]``: fill the demo roster with a realistic year
(:mod:`.demodata`). Light to import: the work is loaded only when the command runs."""

from __future__ import annotations

import argparse

from asncore.commands import settings_of

from .demoyear import DEFAULT_SEED

HELP = ("isi roster demo dengan kegiatan satu tahun (progres belajar, pre-test dan post-test, "
        "JP, survei, IKM, pengaduan) agar setiap halaman berisi data; hanya untuk roster demo "
        "(roster sungguhan ditolak); bila dijalankan lagi, data demo sebelumnya diganti, tidak "
        "digandakan")


def run_fill(args: argparse.Namespace) -> None:
    from .demodata import fill

    done = fill(settings_of(args), args.tahun, args.seed)
    print(f"Data demo tahun {done.year} (periode {done.periods[0]} dan {done.periods[1]}, "
          f"seed {done.seed}) untuk {done.people} orang roster demo:")
    print(f"  belajar: {done.events} event latihan, {done.sheets} lembar nilai pre-test, "
          f"post-test dan tugas, {done.credits} modul selesai (JP dan e-sertifikat)")
    print(f"  suara ASN: {done.reactions} survei reaksi, {done.needs} penilaian kebutuhan "
          "pelatihan")
    print(f"  JP di luar platform: {done.outside_jp} kegiatan")
    print(f"  IKM: {done.ikm_services} layanan x periode, {done.ikm_respondents} responden; "
          f"pengaduan: {done.complaints} laporan; {done.holidays}")
    if done.removed_events:
        print(f"  data demo sebelumnya diganti ({done.removed_events} event lama dihapus)")
    print(f"Lihat /services/kompetensi/hr?tahun={done.year}, hr/evaluasi, hr/tindak-lanjut "
          "dan hr/suara-asn (akun SDM), serta /services/kompetensi/ (akun peserta).")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser(
        "demo", help="data demo: 'demo isi' mengisi roster demo dengan satu tahun kegiatan")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    fill = demo_sub.add_parser("isi", help=HELP, description=HELP)
    fill.add_argument("--tahun", "--year", type=int,
                      help="tahun data demo (default: tahun ini, atau tahun lalu bila tahun "
                      "ini baru berjalan)")
    fill.add_argument("--seed", type=int, default=DEFAULT_SEED,
                      help="benih acak (seed): nilai yang sama memberi data yang sama (default: 1)")
    fill.set_defaults(run=run_fill)
