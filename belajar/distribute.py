"""Copy published modules into the learner's home, never over the learner's own edits.

Runs as the learner when their server starts. ``~/modul/.distribusi.json`` remembers
the hash of each file as last delivered:

- a file the learner never had (or deleted) is copied;
- an unedited file (hash as delivered) is updated to the new version;
- an edited file is kept; the new version is put next to it as
  ``<name> (versi N).ipynb`` so the learner can compare.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

MANIFEST = ".distribusi.json"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_copy(src: Path, dest: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_manifest(path: Path, manifest: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def distribute(published: Path, home_modules: Path) -> dict[str, str]:
    """Bring ``home_modules`` up to date with ``published``; return {file: action}."""
    home_modules.mkdir(mode=0o700, exist_ok=True)
    manifest_path = home_modules / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        manifest = {}
    actions: dict[str, str] = {}
    for module_yaml in sorted(published.glob("*/module.yaml")):
        module = yaml.safe_load(module_yaml.read_text(encoding="utf-8"))
        src_dir, dest_dir = module_yaml.parent, home_modules / module["id"]
        dest_dir.mkdir(mode=0o700, exist_ok=True)
        for lesson in module["lessons"]:
            name = lesson["notebook"]
            key, src, dest = f"{module['id']}/{name}", src_dir / name, dest_dir / name
            new_hash = _sha256(src)
            delivered = manifest.get(key, {}).get("sha256")
            if dest.is_symlink() or (dest.exists() and not dest.is_file()):
                actions[key] = "skipped: not a regular file"
                continue
            if not dest.exists():
                _atomic_copy(src, dest)
                actions[key] = "copied"
            elif delivered == new_hash:
                actions[key] = "unchanged"
                continue
            elif delivered is not None and _sha256(dest) == delivered:
                _atomic_copy(src, dest)
                actions[key] = "updated"
            elif _sha256(dest) == new_hash:
                actions[key] = "unchanged"
            else:
                side = dest.with_name(f"{dest.stem} (versi {module['version']}){dest.suffix}")
                _atomic_copy(src, side)
                actions[key] = f"kept learner's copy; new version in {side.name}"
            manifest[key] = {"sha256": new_hash, "version": module["version"]}
    _write_manifest(manifest_path, manifest)
    return actions


def main() -> None:
    published = os.environ.get("BELAJAR_MODULES_DIR")
    if published and Path(published).is_dir():
        actions = distribute(Path(published), Path.home() / "modul")
        changed = {k: v for k, v in actions.items() if v != "unchanged"}
        if changed:
            print(f"[belajar] modul: {changed}", file=sys.stderr)
