"""Command line: ``python -m asnhub {start,init,roster import FILE,check-settings}``."""

from __future__ import annotations

import argparse
import sys

from asncore.modules import ModuleError

from asncore import settings as settings_mod
from .platform_setup import prepare, start_hub
from asncore.imports.roster import RosterError
from .rosterload import import_file


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m asnhub", description="Platform kompetensi ASN Kota Ambon"
    )
    parser.add_argument("--settings", help="settings file (default: settings.yaml or $ASN_SETTINGS)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check-settings", help="validate the settings file and print the result")
    sub.add_parser("init", help="prepare the data directory and load the roster")
    sub.add_parser("start", help="init, then run JupyterHub (replaces this process)")
    roster = sub.add_parser("roster", help="roster commands")
    roster_sub = roster.add_subparsers(dest="roster_command", required=True)
    imp = roster_sub.add_parser("import", help="import a roster CSV, all rows or nothing")
    imp.add_argument("file")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = settings_mod.load(args.settings)
        if args.command == "check-settings":
            import json

            print(json.dumps(settings, indent=2))
        elif args.command == "roster":
            import_file(settings, args.file)
        elif args.command == "init":
            prepare(settings)
        elif args.command == "start":
            prepare(settings)
            start_hub(settings, args.settings)
    except (settings_mod.SettingsError, RosterError, ModuleError, PermissionError) as exc:
        print(f"GAGAL (failed): {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
