"""The conventions every ``asn-ambon`` subcommand follows.

Each package registers its subcommands with ``add_commands(subparsers)``; every leaf sets
``run``, a function ``run(args) -> int | None``. :func:`execute` calls it and turns errors
into one exit-code convention:

- 0: done;
- 1: the input was refused or the task did not fully succeed (a CSV with bad rows —
  nothing was imported —, an invalid module or mapping, a flagged submission);
- 2: the command cannot run: unusable settings, a missing file or folder, no permission
  (argparse also exits 2 on a bad command line).

Messages go to stderr as ``GAGAL (failed): <what, where, why>``.
"""

from __future__ import annotations

import argparse
import sys

from .settings import SettingsError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CANNOT_RUN = 2


class CommandFailed(Exception):
    """The task ran and failed on its input; exit 1."""


class CannotRun(Exception):
    """The task cannot run as asked (missing folder, wrong user); exit 2."""


# Raised by the layers below with a message meant for people; anything else is a bug and
# keeps its traceback.
FAILED = (CommandFailed, ValueError)
CANNOT_RUN = (CannotRun, SettingsError, FileNotFoundError, PermissionError)


def fail(message: str) -> int:
    print(f"GAGAL (failed): {message}", file=sys.stderr)
    return EXIT_FAILED


def execute(args: argparse.Namespace) -> int:
    """Run the chosen subcommand; return its exit code under the convention above."""
    try:
        code = args.run(args)
    except CANNOT_RUN as exc:
        print(f"GAGAL (failed): {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except FAILED as exc:
        return fail(str(exc))
    return EXIT_OK if code is None else int(code)


def add_settings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--settings",
        help="berkas pengaturan / settings file (default: $ASN_SETTINGS atau settings.yaml)",
    )


def settings_of(args: argparse.Namespace) -> dict:
    """The validated settings a subcommand runs with."""
    from .settings import load

    return load(getattr(args, "settings", None))


def main_for(prog: str, description: str, *registrars) -> callable:
    """A ``main(argv) -> int`` for a command made of the given ``add_commands``."""

    def main(argv: list[str] | None = None) -> int:
        parser = argparse.ArgumentParser(prog=prog, description=description)
        add_settings_option(parser)
        commands = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
        for add_commands in registrars:
            add_commands(commands)
        return execute(parser.parse_args(argv))

    return main
