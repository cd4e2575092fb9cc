"""What ``make start`` does before JupyterHub runs: checks, data directory, roster."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

from . import rosterload, unixusers
from .assessments import setup_courses
from .publish import publish
from .configure import REPO_ROOT, venv_bin
from asncore.settings import SETTINGS_ENV

LAB_OVERRIDES = Path(sys.prefix) / "share/jupyter/lab/settings/overrides.json"


def check_reachable_by_learners(path: Path) -> None:
    """Learners' servers run this interpreter as their own users: every directory on the
    way must be world-searchable (a venv under /root fails at spawn, DESIGN §6)."""
    for part in [path, *path.parents]:
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            raise PermissionError(
                f"{part} tidak dapat diakses akun peserta (not searchable by other users), "
                f"so learners cannot run {path}. Build the environment outside that "
                "directory (make VENV=/opt/asn-ambon/venv) or chmod o+x it."
            )


def write_lab_overrides(locale: str) -> None:
    """JupyterLab's default language for everyone using this environment."""
    overrides = {"@jupyterlab/translation-extension:plugin": {"locale": locale}}
    LAB_OVERRIDES.parent.mkdir(parents=True, exist_ok=True)
    tmp = LAB_OVERRIDES.with_suffix(".tmp")
    tmp.write_text(json.dumps(overrides, indent=2))
    os.chmod(tmp, 0o644)
    os.replace(tmp, LAB_OVERRIDES)


def prepare(settings: dict) -> None:
    if not settings["hub"]["dev_mode"]:
        unixusers.require_root("Menjalankan platform (starting the platform)")
        check_reachable_by_learners(Path(sys.executable).parent)
    data_dir = Path(settings["data_dir"])
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    write_lab_overrides(settings["ui"]["locale"])
    published = publish(settings["learning"]["courses_dir"])
    print(f"Modul diterbitkan untuk peserta: {', '.join(published) or '(belum ada)'}")
    if not settings["hub"]["dev_mode"]:
        courses = setup_courses(settings)
        print(f"Kursus nbgrader siap: {', '.join(courses) or '(belum ada)'}")
    if settings["roster"]["file"]:
        rosterload.import_file(settings, settings["roster"]["file"])
    else:
        rosterload.import_demo(settings)


def start_hub(settings: dict, settings_file: str | None) -> None:
    env = dict(os.environ)
    if settings_file:
        env[SETTINGS_ENV] = str(Path(settings_file).resolve())
    os.chdir(settings["data_dir"])
    hub = venv_bin("jupyterhub")
    url = f"http://{settings['hub']['ip']}:{settings['hub']['port']}{settings['hub']['base_url']}"
    print(f"JupyterHub dimulai di {url}", flush=True)
    os.execve(hub, [hub, "-f", str(REPO_ROOT / "jupyterhub_config.py")], env)
