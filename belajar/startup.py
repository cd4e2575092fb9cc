"""Server start wrapper: ``python -m belajar.startup CMD...`` distributes the modules into
the learner's home, then becomes CMD (jupyterhub-singleuser). A distribution problem
is logged and never stops the learner's server."""

from __future__ import annotations

import os
import sys
import traceback

from belajar import distribute, labsettings


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: python -m belajar.startup COMMAND [ARGS...]")
    for step in (labsettings.main, distribute.main):
        try:
            step()
        except Exception:  # noqa: BLE001 - the learner's server must start regardless
            print(f"[belajar] {step.__module__} gagal:\n" + traceback.format_exc(), file=sys.stderr)
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
