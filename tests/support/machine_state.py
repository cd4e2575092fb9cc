"""Where hubs of the first release wrote machine-wide state into the shared environment;
tests check that no hub writes there any more."""

from __future__ import annotations

import sys
from pathlib import Path

LEGACY = (
    Path(sys.prefix) / "etc/jupyter/nbgrader_config.py",
    Path(sys.prefix) / "share/jupyter/lab/settings/overrides.json",
    Path(sys.prefix) / "share/asn-ambon/modul",
)


def state(path: Path):
    """What changes when a file is written or replaced (None: it does not exist)."""
    return (path.stat().st_mtime_ns, path.stat().st_ino) if path.exists() else None


def legacy_states() -> dict[Path, object]:
    return {path: state(path) for path in LEGACY}
