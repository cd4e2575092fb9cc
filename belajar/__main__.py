"""Command line: ``python -m belajar check courses/<id> [--no-execute]``
or ``python -m belajar check --all courses/``."""

import argparse
import sys


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m belajar",
                                     description="Alat bantu modul pembelajaran belajar.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="periksa folder modul (module.yaml dan notebook)")
    check.add_argument("paths", nargs="+", metavar="FOLDER",
                       help="folder modul, atau folder courses/ bersama --all")
    check.add_argument("--all", action="store_true", dest="check_all",
                       help="periksa setiap modul di dalam folder yang diberikan")
    check.add_argument("--no-execute", action="store_false", dest="execute",
                       help="jangan jalankan notebook (lebih cepat)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from belajar.check import run

    return run(args.paths, check_all=args.check_all, execute=args.execute)


if __name__ == "__main__":
    sys.exit(main())
