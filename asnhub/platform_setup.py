"""What ``make start`` does before JupyterHub runs: checks, data directory, the hub's
public directory (modules, learners' Jupyter configuration), courses, roster."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

from asncore import unixnames
from asncore.competencies import known_codes
from asncore.fileio import atomic_write
from asncore.settings import ROOT_ENV, SETTINGS_ENV, project_root

from . import learnerconfig, learnerlab, rosterload, unixusers
from .assessments import setup_courses
from .configure import venv_bin
from .publish import ensure_public_dir, jupyter_config_dir, lab_settings_dir, modules_dir, publish

VENV_HINT = "Build the environment outside that directory (make VENV=/opt/asn-ambon/venv)"
PUBLIC_HINT = "Set public_dir in settings.yaml to a directory outside it"


def check_reachable_by_learners(path: Path, hint: str = VENV_HINT) -> None:
    """Learners' servers run as their own users: every directory on the way to what they
    run or read must be world-searchable (a venv under /root fails at spawn, DESIGN §6)."""
    for part in [path, *path.parents]:
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            raise PermissionError(
                f"{part} tidak dapat diakses akun peserta (not searchable by other users), "
                f"so learners cannot reach {path}. {hint}, or chmod o+x it."
            )


def write_lab_settings(settings: dict) -> Path:
    """JupyterLab's default language for this hub's servers: ``overrides.json`` in a
    settings directory of the hub's own, which the servers' Jupyter configuration names
    (JupyterLab reads overrides from its ``app_settings_dir`` only). Returns that file."""
    path = atomic_write(lab_settings_dir(settings) / "overrides.json",
                        json.dumps(learnerconfig.lab_overrides(settings), indent=2))
    atomic_write(jupyter_config_dir(settings) / "jupyter_server_config.json",
                 json.dumps(learnerconfig.server_config(settings), indent=2))
    for directory in (lab_settings_dir(settings).parent, lab_settings_dir(settings),
                      jupyter_config_dir(settings)):
        os.chmod(directory, 0o755)
    learnerlab.write_learner_lab(settings)  # learners' servers: what they hide (docs/bahasa.md)
    return path


def prepare(settings: dict) -> None:
    if not settings["hub"]["dev_mode"]:
        unixusers.require_root("Menjalankan platform (starting the platform)")
        check_reachable_by_learners(Path(sys.executable).parent)
    data_dir = Path(settings["data_dir"])
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    unixnames.ensure_key(data_dir)
    ensure_public_dir(settings)
    if not settings["hub"]["dev_mode"]:
        check_reachable_by_learners(Path(settings["public_dir"]), PUBLIC_HINT)
    write_lab_settings(settings)
    codes = known_codes(settings["database"]["platform_url"])
    published = publish(settings["learning"]["courses_dir"], modules_dir(settings), codes)
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
    root = project_root()  # found from here; the hub runs in the data directory
    env[ROOT_ENV] = str(root)
    os.chdir(settings["data_dir"])
    hub = venv_bin("jupyterhub")
    url = f"http://{settings['hub']['ip']}:{settings['hub']['port']}{settings['hub']['base_url']}"
    print(f"JupyterHub dimulai di {url}", flush=True)
    os.execve(hub, [hub, "-f", str(root / "jupyterhub_config.py")], env)
