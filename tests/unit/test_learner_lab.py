"""JupyterLab for learners: no news pop-up, the English parts switched off, and only on
learners' servers (asnhub.learnerconfig.lab_overrides, asnhub.learnerlab)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from asncore import settings
from asnhub import learnerlab
from asnhub.learnerconfig import lab_overrides
from asnhub.publish import jupyter_config_dir, learner_config_dir, public_environment

LAB = Path(sys.prefix) / "share/jupyter"
SCHEMAS = [LAB / "lab/schemas", *(LAB / "labextensions").glob("*/*/schemas"),
           *(LAB / "labextensions").glob("*/schemas")]


def hub_settings(root: Path) -> dict:
    return settings.resolve(settings.deep_merge(settings.DEFAULTS, {
        "data_dir": str(root / "var"), "public_dir": str(root / "publik")}))


def schema_of(plugin_id: str) -> dict:
    """The installed JupyterLab's settings schema of ``package:plugin``."""
    package, plugin = plugin_id.split(":")
    for base in SCHEMAS:
        path = base / package / f"{plugin}.json"
        if path.is_file():
            return json.loads(path.read_text())
    raise AssertionError(f"{plugin_id}: no such settings schema in the installed JupyterLab")


def installed_plugins() -> set[str]:
    """Extension packages and plugin ids the installed JupyterLab knows."""
    import re

    names = set()
    for js in [*(LAB / "lab/static").glob("*.js"), *(LAB / "labextensions").rglob("*.js")]:
        names |= set(re.findall(r'id:\s*"(@[\w.-]+/[\w.-]+:[\w.-]+)"', js.read_text(errors="ignore")))
    # packages with settings schemas (some plugins' ids are not literal in the bundles)
    packages = {f"{scope.name}/{package.name}" for base in SCHEMAS if base.is_dir()
                for scope in base.iterdir() if scope.is_dir() for package in scope.iterdir()}
    return names | {n.split(":")[0] for n in names} | packages


def test_every_server_has_indonesian_and_no_news_or_update_pop_up(tmp_path):
    overrides = lab_overrides(hub_settings(tmp_path))
    assert overrides["@jupyterlab/translation-extension:plugin"] == {"locale": "id_ID"}
    # "false" (a string): never ask "Would you like to get notified about official
    # Jupyter news?", never fetch; the update check rides on the news feed
    assert overrides["@jupyterlab/apputils-extension:notification"] == {
        "fetchNews": "false", "checkForUpdates": False}


@pytest.mark.parametrize("which", ["every server", "learners"])
def test_overrides_are_valid_settings_of_the_installed_jupyterlab(tmp_path, which):
    """A misspelt plugin or value would be ignored silently by JupyterLab: check each
    against the installed schema."""
    cfg = hub_settings(tmp_path)
    overrides = lab_overrides(cfg) if which == "every server" else learnerlab.learner_overrides(cfg)
    for plugin_id, values in overrides.items():
        schema = schema_of(plugin_id)
        jsonschema.validate(values, schema)
        assert set(values) <= set(schema["properties"]), plugin_id


def test_learners_get_every_servers_overrides_plus_the_hiding(tmp_path):
    cfg = hub_settings(tmp_path)
    shared, learner = lab_overrides(cfg), learnerlab.learner_overrides(cfg)
    for plugin_id, values in shared.items():
        assert learner[plugin_id] == values
    menus = learner["@jupyterlab/mainmenu-extension:plugin"]["menus"]
    assert {m["id"] for m in menus if m["disabled"]} >= {
        "jp-mainmenu-file", "jp-mainmenu-edit", "jp-mainmenu-view", "jp-mainmenu-run",
        "jp-mainmenu-kernel", "jp-mainmenu-tabs", "jp-mainmenu-settings", "jp-mainmenu-help"}
    assert learner["@jupyterlab/statusbar-extension:plugin"] == {"visible": False}
    assert lab_overrides(cfg) == shared, "the shared overrides were changed by the merge"
    assert "@jupyterlab/mainmenu-extension:plugin" not in shared  # trainers keep menus


def test_disabled_extensions_exist_and_include_nbgrader_and_terminal():
    known = installed_plugins()
    disabled = learnerlab.page_config()["disabledExtensions"]
    assert {"@jupyter/nbgrader", "@jupyterlab/terminal-extension",
            "@jupyterlab/launcher-extension"} <= set(disabled)
    unknown = [name for name in disabled if name not in known]
    assert not unknown, f"not a plugin or extension of the installed JupyterLab: {unknown}"
    # the learner's own settings and translation must stay
    assert not any(name.startswith(("@jupyterlab/translation-extension",
                                    "@jupyterlab/settingregistry", "@jupyterlab/notebook-extension:"
                                    "tracker")) for name in disabled)


def test_files_written_and_only_learners_servers_read_them(tmp_path, monkeypatch):
    cfg = hub_settings(tmp_path)
    written = learnerlab.write_learner_lab(cfg)
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in written)
    page = json.loads((learnerlab.learner_settings_dir(cfg) / "page_config.json").read_text())
    assert "@jupyter/nbgrader" in page["disabledExtensions"]

    from jupyterlab_server.config import get_page_config

    config = get_page_config([], app_settings_dir=str(learnerlab.learner_settings_dir(cfg)))
    assert "@jupyter/nbgrader" in config["disabledExtensions"]

    # a learner's server: its own directory first, so its LabApp settings win
    from jupyter_core.application import JupyterApp

    (jupyter_config_dir(cfg)).mkdir(parents=True, exist_ok=True)
    (jupyter_config_dir(cfg) / "jupyter_server_config.json").write_text(json.dumps(
        {"LabApp": {"app_settings_dir": "/shared"}}))
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.jupyter of the account running tests

    def lab_settings_dir_seen(config_path: str) -> str:
        monkeypatch.setenv("JUPYTER_CONFIG_PATH", config_path)
        app = JupyterApp()
        app.config_file_name = "jupyter_server_config"
        app.load_config_file()
        return app.config.LabApp.app_settings_dir

    learner_path = public_environment(cfg)["JUPYTER_CONFIG_PATH"]
    assert learner_path.split(":")[0] == str(learner_config_dir(cfg))
    assert lab_settings_dir_seen(learner_path) == str(learnerlab.learner_settings_dir(cfg))
    # a formgrader (the hub's shared directory only) keeps the shared settings
    assert lab_settings_dir_seen(str(jupyter_config_dir(cfg))) == "/shared"
    server = json.loads((learner_config_dir(cfg) / "jupyter_server_config.json").read_text())
    assert server["LabApp"]["news_url"] is None


def test_no_empty_right_area_and_the_file_browser_cannot_be_lost(tmp_path):
    """Every right-side panel is switched off; with the side bars at their default place
    JupyterLab keeps the empty right area's 250 px on a first visit. "top" re-evaluates it
    (the browser test checks the notebook reaches the right edge)."""
    learner = learnerlab.learner_overrides(hub_settings(tmp_path))
    assert learner["@jupyterlab/application-extension:shell"] == {"activityBarPosition": "top"}
    # the disabled shortcut must be one JupyterLab defines, or it disables nothing
    defaults = schema_of("@jupyterlab/application-extension:commands")["jupyter.lab.shortcuts"]
    for shortcut in learner["@jupyterlab/shortcuts-extension:shortcuts"]["shortcuts"]:
        assert shortcut.pop("disabled") is True
        assert shortcut in defaults, shortcut
