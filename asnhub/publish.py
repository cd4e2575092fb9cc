"""Publish module sources where learners' servers can read them.

The checkout may sit in a private directory, so on start the hub copies every valid
module (module.yaml + notebooks) into the shared environment, read-only for learners.
Each learner's server then copies them into the learner's home as that learner
(``belajar.distribute``): root never writes into a learner's home.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from asncore.modules import load_module

PUBLISHED = Path(sys.prefix) / "share/asn-ambon/modul"


def publish(courses_dir: Path | str, dest: Path = PUBLISHED) -> list[str]:
    """Replace ``dest`` with the current modules, atomically; return their ids.

    An invalid module stops the start with the checker's messages (ModuleError)."""
    modules = [load_module(p.parent) for p in sorted(Path(courses_dir).glob("*/module.yaml"))]
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".modul-"))
    try:
        for module in modules:
            src = Path(courses_dir) / module["id"]
            target = staging / module["id"]
            target.mkdir()
            shutil.copy2(src / "module.yaml", target / "module.yaml")
            for lesson in module["lessons"]:
                shutil.copy2(src / lesson["notebook"], target / lesson["notebook"])
        for path in [staging, *staging.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        old = dest.with_name(dest.name + ".old")
        if dest.exists():
            os.replace(dest, old)
        os.replace(staging, dest)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [m["id"] for m in modules]
