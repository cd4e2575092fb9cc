"""JupyterLab in Bahasa Indonesia by default, as the learner's own choice would be stored.

JupyterLab's server reads the display language from the *user* settings file only (the
hub's overrides.json, see asnhub.publish, changes the front-end default but not the server's
page language), so on first start we write that user setting, unless the learner has
one already: a learner who switched to English keeps English.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SETTING = Path(".jupyter/lab/user-settings/@jupyterlab/translation-extension/plugin.jupyterlab-settings")


def ensure_locale(home: Path, locale: str) -> bool:
    path = home / SETTING
    if path.exists() or path.is_symlink():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"locale": locale}, indent=2))
    os.replace(tmp, path)
    return True


def main() -> None:
    locale = os.environ.get("BELAJAR_LOCALE")
    if locale:
        ensure_locale(Path.home(), locale)
