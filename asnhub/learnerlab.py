"""JupyterLab on learners' servers: what it hides, so a learner meets no English.

The Indonesian language pack (jupyterlab-language-pack-id-ID) translates about 530 of
JupyterLab's several thousand strings: the menu bar, its menus, the status bar, the
Launcher, the notebook toolbar's cell-type list and most dialogs stay English, and the
nbgrader and notebook extensions ship no Indonesian at all. A learner needs none of them
to read a lesson (Voilà), answer an assessment notebook (the notebook with its toolbar
icons) and submit it (``belajar.tugas``'s Indonesian pages, linked from Beranda). So on
learners' servers those parts are switched off rather than half-translated; the audit,
item by item, is ``docs/bahasa.md``.

Only learners' servers read this: the spawner puts :func:`learner_config_dir` first on
their ``JUPYTER_CONFIG_PATH`` (``asnhub.publish.public_environment``); course formgraders
keep the hub's shared configuration (they need nbgrader's lab plugins and the menus).

``<public_dir>/``
  ``jupyter-peserta/jupyter_server_config.json``  JupyterLab's settings directory for
                     learners, no news feed, no update check
  ``lab/peserta/overrides.json``    the hub's overrides (language, no news pop-up)
                     plus :data:`HIDDEN_SETTINGS`
  ``lab/peserta/page_config.json``  :data:`DISABLED_EXTENSIONS`
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

from asncore.fileio import atomic_write

from .learnerconfig import lab_overrides
from .publish import learner_config_dir, public_dir

# lab plugins (or whole extensions) switched off on learners' servers -> why
DISABLED_EXTENSIONS = {
    "@jupyter/nbgrader": "menu Nbgrader, panel Assignments/Course List/Create Assignment, "
                         "tombol Validate: English only; learners fetch and submit on "
                         "belajar.tugas's pages, trainers use the formgrader",
    "@jupyter-notebook/lab-extension": "'Notebook' button and 'Open in …' items (English); "
                                       "one interface is enough",
    "@voila-dashboards/jupyterlab-preview": "'Render with Voilà' toolbar button (English); "
                                            "lessons open as apps from Beranda",
    "@jupyterlab/launcher-extension": "the Launcher (Notebook, Console, Other, Terminal, "
                                      "Text File …) is English and not on a learner's path",
    "@jupyterlab/terminal-extension": "a civil servant needs no shell; English throughout",
    "@jupyterlab/console-extension": "code consoles: English, not on a learner's path",
    "@jupyterlab/debugger-extension": "the debugger: English, for developers",
    "@jupyterlab/extensionmanager-extension": "installing extensions is the operator's job",
    "@jupyterlab/running-extension": "'Running Terminals and Kernels' panel: English",
    "@jupyterlab/toc-extension": "'Table of Contents' panel: English labels",
    "@jupyterlab/notebook-extension:tools": "property inspector ('Common Tools'): English",
    "@jupyterlab/metadataform-extension": "notebook metadata form: English",
    "@jupyterlab/application-extension:property-inspector": "the right side bar's "
                                                            "inspector: English",
}

# the top menus of JupyterLab's menu bar; each is English inside (about 150 items)
MAIN_MENUS = ["file", "edit", "view", "run", "kernel", "tabs", "settings", "help"]

# notebook toolbar items whose visible text is English ("Markdown"/"Code" list, the
# kernel's name opening the English "Select Kernel" dialog)
HIDDEN_TOOLBAR_ITEMS = ["cellType", "kernelName"]


def hidden_settings() -> dict:
    """Settings that hide the English parts JupyterLab cannot switch off by plugin."""
    return {
        # the menu bar's menus (labels and items English); the notebook toolbar keeps
        # save, add, cut/copy/paste, run, stop, restart, run all
        "@jupyterlab/mainmenu-extension:plugin": {
            "menus": [{"id": f"jp-mainmenu-{name}", "disabled": True} for name in MAIN_MENUS],
        },
        # "Mode: Command", "Idle", "Ln 1, Col 1", "Cell 1/11"
        "@jupyterlab/statusbar-extension:plugin": {"visible": False},
        # right-click menus: "Cut Cell", "Merge Cells", "Open With", … (English)
        "@jupyterlab/application-extension:context-menu": {"disabled": True},
        # the file list's "Modified" column ("Nama" is translated)
        "@jupyterlab/filebrowser-extension:browser": {"showLastModifiedColumn": False},
        # "Restart Kernel?" dialog: restarting from the toolbar just restarts
        "@jupyterlab/apputils-extension:sessionDialogs": {"skipKernelRestartDialog": True},
        # learners' servers have one kernel (python3): should JupyterLab not match a
        # notebook to a kernel by itself (seen with ⏩ pressed as a lesson opened), it starts
        # that one rather than ask in "Pilih Kernel" (its "No Kernel" and "Always start the
        # preferred kernel" are English; "No Kernel" leaves the lesson without a kernel)
        "@jupyterlab/notebook-extension:tracker": {"autoStartDefaultKernel": True},
        "@jupyterlab/notebook-extension:panel": {
            "toolbar": [{"name": name, "disabled": True} for name in HIDDEN_TOOLBAR_ITEMS],
        },
        # With every right-side panel switched off, JupyterLab 4.6 still gives the empty
        # right side area its 250 px on a first visit (a side bar hides its area only when a
        # panel is added to it). Moving the activity bars to the top of their areas
        # re-evaluates both: the empty right area goes, the notebook fills the width, and
        # the file browser keeps its one tab above the list.
        "@jupyterlab/application-extension:shell": {"activityBarPosition": "top"},
        # "top" has no side bar icon to bring a collapsed file browser back: Ctrl+B
        # (outside a Markdown editor, where it is bold) must not collapse it
        "@jupyterlab/shortcuts-extension:shortcuts": {
            "shortcuts": [{"command": "application:toggle-left-area", "keys": ["Accel B"],
                           "selector": "body", "disabled": True}],
        },
    }


def learner_settings_dir(settings: dict) -> Path:
    return public_dir(settings) / "lab" / "peserta"


def learner_overrides(settings: dict) -> dict:
    """``overrides.json`` of learners' servers: every server's, then the hiding."""
    overrides = copy.deepcopy(lab_overrides(settings))
    for plugin, values in hidden_settings().items():
        overrides.setdefault(plugin, {}).update(copy.deepcopy(values))
    return overrides


def page_config() -> dict:
    """``page_config.json`` of learners' servers: the plugins they do not load."""
    return {"disabledExtensions": sorted(DISABLED_EXTENSIONS)}


def learner_server_config(settings: dict) -> dict:
    """``jupyter_server_config.json`` read before the hub's shared one on learners' servers."""
    return {
        "LabApp": {
            "app_settings_dir": str(learner_settings_dir(settings)),
            "news_url": None,  # no announcements fetched from jupyterlab.github.io
            "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        }
    }


def write_learner_lab(settings: dict) -> list[Path]:
    """Write the three files (root-owned, world-readable); return their paths."""
    settings_dir, config_dir = learner_settings_dir(settings), learner_config_dir(settings)
    written = [
        atomic_write(settings_dir / "overrides.json",
                     json.dumps(learner_overrides(settings), indent=2)),
        atomic_write(settings_dir / "page_config.json", json.dumps(page_config(), indent=2)),
        atomic_write(config_dir / "jupyter_server_config.json",
                     json.dumps(learner_server_config(settings), indent=2)),
    ]
    for directory in (settings_dir.parent, settings_dir, config_dir):
        os.chmod(directory, 0o755)
    return written
