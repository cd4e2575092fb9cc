"""``asn-ambon modul periksa``: check module folders before they reach learners."""

from __future__ import annotations

import argparse


def run_check(args: argparse.Namespace) -> int:
    from .check import run

    return run(args.paths, check_all=args.check_all, execute=args.execute)


def _add_check(subparsers: argparse._SubParsersAction, name: str) -> None:
    check = subparsers.add_parser(name, help="periksa folder modul (module.yaml dan notebook)")
    check.add_argument("paths", nargs="+", metavar="FOLDER",
                       help="folder modul, atau folder courses/ bersama --all")
    check.add_argument("--all", action="store_true", dest="check_all",
                       help="periksa setiap modul di dalam folder yang diberikan")
    check.add_argument("--no-execute", action="store_false", dest="execute",
                       help="jangan jalankan notebook (lebih cepat)")
    check.set_defaults(run=run_check)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """``modul periksa``."""
    modul = subparsers.add_parser("modul", help="modul pembelajaran / learning modules")
    _add_check(modul.add_subparsers(dest="modul_command", required=True), "periksa")


def add_check_command(subparsers: argparse._SubParsersAction) -> None:
    """``check`` (``python -m belajar check``, as before)."""
    _add_check(subparsers, "check")
