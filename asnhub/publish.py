"""What one hub publishes for its learners' servers, and how those servers find it.

Everything lives under the hub's own ``public_dir`` (settings): root-owned, readable by
learners, outside the root-only data directory, and never in the shared environment
(``sys.prefix``). Two hubs on one machine (the live platform and a test run) therefore
never touch each other's learners: each server is pointed at its hub's files through the
spawner's environment (:func:`public_environment`).

``<public_dir>/``
  ``modul/``         module sources (module.yaml + notebooks), replaced atomically on
                     start; each learner's server copies them into ``~/modul`` as the
                     learner (``belajar.distribute``): root never writes into a home
  ``jupyter/``       on the servers' ``JUPYTER_CONFIG_PATH``: ``nbgrader_config.py``
                     (the exchange, written by ``asnhub.assessments``) and
                     ``jupyter_server_config.json`` (JupyterLab's settings directory)
  ``lab/settings/``  JupyterLab's ``app_settings_dir``: ``overrides.json``
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Collection
from pathlib import Path

from asncore.modules import load_module
from belajar import lessonapp

PUBLIC_MODE = 0o755


def public_dir(settings: dict) -> Path:
    return Path(settings["public_dir"])


def modules_dir(settings: dict) -> Path:
    return public_dir(settings) / "modul"


def jupyter_config_dir(settings: dict) -> Path:
    """Where this hub's servers look for Jupyter and nbgrader configuration."""
    return public_dir(settings) / "jupyter"


def lab_settings_dir(settings: dict) -> Path:
    return public_dir(settings) / "lab" / "settings"


def learner_config_dir(settings: dict) -> Path:
    """Learners' servers only, read before :func:`jupyter_config_dir` (``asnhub.learnerlab``:
    what JupyterLab hides from learners; formgraders keep the shared configuration)."""
    return public_dir(settings) / "jupyter-peserta"


def public_environment(settings: dict) -> dict[str, str]:
    """The environment that ties a server (a learner's, a formgrader) to this hub's files."""
    return {
        "JUPYTER_CONFIG_PATH": os.pathsep.join(
            [str(learner_config_dir(settings)), str(jupyter_config_dir(settings))]),
        "BELAJAR_MODULES_DIR": str(modules_dir(settings)),
        # the lesson app's Voilà template (belajar.lessonapp), from the installed project
        "JUPYTER_PATH": str(lessonapp.jupyter_data_dir()),
    }


def ensure_public_dir(settings: dict) -> Path:
    """Create the public directory (root-owned, 0755): learners read it, nobody else
    writes it (learners' servers execute the nbgrader_config.py it holds)."""
    path = public_dir(settings)
    path.mkdir(parents=True, exist_ok=True)
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
        raise PermissionError(
            f"{path}: public_dir harus direktori milik akun yang menjalankan hub "
            "(must be a directory owned by the account running the hub, not a link)."
        )
    os.chmod(path, PUBLIC_MODE)
    return path


def publish(courses_dir: Path | str, dest: Path, known_codes: Collection[str]) -> list[str]:
    """Replace ``dest`` with the current modules, atomically; return their ids.

    ``known_codes``: the competency dictionary's codes. An invalid module stops the start
    with the checker's messages (ModuleError)."""
    modules = [load_module(p.parent, known_codes)
               for p in sorted(Path(courses_dir).glob("*/module.yaml"))]
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
