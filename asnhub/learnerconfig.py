"""What this hub's servers read from its public Jupyter configuration (``asnhub.publish``).

Three separate concerns, one function each, merged by :func:`server_config`:

- :func:`lab_overrides`: JupyterLab's settings overrides (``overrides.json``): the
  display language, pop-ups;
- :func:`voila_config`: how lessons render as apps (Voilà) on a learner's server;
- :func:`server_extensions`: the platform's own extensions of a learner's server.
"""

from __future__ import annotations

from .publish import lab_settings_dir


def lab_overrides(settings: dict) -> dict:
    """JupyterLab's ``overrides.json`` for every server of this hub."""
    return {"@jupyterlab/translation-extension:plugin": {"locale": settings["ui"]["locale"]}}


def voila_config(settings: dict) -> dict:
    """Voilà's configuration sections (``VoilaConfiguration`` …) for this hub's servers."""
    return {}


def server_extensions(settings: dict) -> dict[str, bool]:
    """``ServerApp.jpserver_extensions`` the platform adds to this hub's servers."""
    return {}


def server_config(settings: dict) -> dict:
    """``jupyter_server_config.json`` in the hub's public Jupyter configuration."""
    config: dict = {"LabApp": {"app_settings_dir": str(lab_settings_dir(settings))}}
    config.update(voila_config(settings))
    extensions = server_extensions(settings)
    if extensions:
        config.setdefault("ServerApp", {})["jpserver_extensions"] = extensions
    return config
