"""``asn-ambon reports build``: write HR's report files.

    asn-ambon reports build [--year Y] [--unit U] [--out DIR]     # from the platform DB
    asn-ambon reports build --gradebook URL [--out DIR]            # a bare nbgrader gradebook

``build`` writes ``laporan.xlsx``, ``laporan.html`` and one CSV per table into DIR
(default ``<data_dir>/laporan/<year>``). With ``--gradebook`` there is no roster: it writes
``scores.csv`` (``student_id,assignment,score``, equal to ``nbgrader export``) and a per
student and assignment report instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from asncore.commands import settings_of

from .complaints import add_complaints_command
from .config import report_config
from .ikm import add_ikm_command


def build_platform_report(settings: dict, year: int, unit: str | None, out: Path,
                          include_inactive: bool = False) -> list[Path]:
    from asncore.db import session_factory

    from .engine import Inputs, build
    from .load import load_frames
    from .render_csv import write_csvs
    from .render_html import write_html
    from .render_xlsx import write_xlsx

    engine = session_factory(settings["database"]["platform_url"]).kw["bind"]
    known_units = None
    frames = load_frames(engine)
    if unit is not None:
        known_units = set(frames["units"]["code"])
        if unit not in known_units:
            raise ValueError(f"unit '{unit}' tidak dikenal; unit yang ada: {', '.join(sorted(known_units)) or '-'}")
    report = build(Inputs(**frames), report_config(settings, year, unit, include_inactive))
    out.mkdir(parents=True, exist_ok=True)
    written = [write_xlsx(report, out / "laporan.xlsx"), write_html(report, out / "laporan.html")]
    written += list(write_csvs(report, out).values())
    return written


def run_build(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    if args.gradebook:
        from .gradebook import write_bare_report

        out = Path(args.out or "laporan-gradebook")
        written = list(write_bare_report(args.gradebook, out))
    else:
        settings = settings_of(args)
        year = args.year or dt.date.today().year
        out = Path(args.out) if args.out else Path(settings["data_dir"]) / "laporan" / str(year)
        written = build_platform_report(settings, year, args.unit, out, args.include_inactive)
    print(f"Laporan ditulis ke {out} dalam {time.perf_counter() - started:.2f} s:")
    for path in written:
        print(f"  {Path(path).name}")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """``reports build``; ``ikm`` and ``pengaduan`` (issue 11) also at the top."""
    reports = subparsers.add_parser("reports", help="laporan kompetensi untuk SDM / HR reports")
    add_report_commands(reports.add_subparsers(dest="reports_command", required=True))
    add_ikm_command(subparsers)
    add_complaints_command(subparsers)


def add_report_commands(subparsers: argparse._SubParsersAction) -> None:
    """``build``, ``ikm``, ``pengaduan`` (``python -m reports`` registers them at the top)."""
    build = subparsers.add_parser("build", help="tulis laporan XLSX, HTML dan CSV")
    build.add_argument("--year", "--tahun", type=int, help="tahun laporan (default: tahun ini)")
    build.add_argument("--unit", help="hanya unit ini dan sub-unitnya (kode unit)")
    build.add_argument("--out", help="folder keluaran (default: <data_dir>/laporan/<tahun>)")
    build.add_argument("--include-inactive", action="store_true", help="sertakan pegawai nonaktif")
    build.add_argument("--gradebook", metavar="URL", help="gradebook nbgrader tanpa roster (SQLAlchemy URL)")
    build.set_defaults(run=run_build)
    add_ikm_command(subparsers)
    add_complaints_command(subparsers)
