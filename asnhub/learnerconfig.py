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
    """JupyterLab's ``overrides.json`` for every server of this hub (learners', trainers',
    formgraders'): the display language, and no pop-up asking about Jupyter's news or
    updates (``fetchNews`` "false" means never ask, never fetch; the update check needs
    the news feed). Learners' servers get more on top (:mod:`asnhub.learnerlab`)."""
    return {
        "@jupyterlab/translation-extension:plugin": {"locale": settings["ui"]["locale"]},
        "@jupyterlab/apputils-extension:notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }


# A kernel nobody talks to (a Voilà tab closed without its "beforeunload" shutdown: a
# phone, a crash; a JupyterLab notebook closed) is stopped after this long; an open page
# keeps its kernel. The hub's idle culler stops the whole server later.
KERNEL_IDLE_TIMEOUT_S = 900
KERNEL_CULL_INTERVAL_S = 120


def voila_config(settings: dict) -> dict:
    """Voilà's configuration sections (``VoilaConfiguration`` …) for this hub's servers.

    Lessons render at ``<base_url>user/<name>/voila/render/<path>`` in the learner's own
    server, as the learner, with our template (:mod:`belajar.lessonapp`): no code, no
    tracebacks, no template or theme chosen by the URL. ``file_allowlist`` is empty
    because Voilà's ``voila/files/`` route answers without authentication: with its default
    (``*.png|jpg|gif|svg``) anyone could read such files from a learner's home. The
    kernels Voilà starts belong to the server's kernel manager: Voilà's page stops its
    kernel when it closes, the culling below stops the ones it could not."""
    from belajar.lessonapp import TEMPLATE

    beranda = f"{settings['hub']['base_url'].rstrip('/')}/services/{settings['service']['name']}/"
    return {
        "VoilaConfiguration": {
            "template": TEMPLATE,
            "theme": "light",
            "strip_sources": True,
            "show_tracebacks": False,
            "allow_template_override": "NO",
            "allow_theme_override": "NO",
            "file_allowlist": [],
            "resources": {"beranda_url": beranda},
        },
        "VoilaExporter": {"language_code": "id"},  # <html lang="id">
        "VoilaExecutor": {
            "cell_error_instruction": "Bila masih terjadi, buka pelajaran di JupyterLab "
                                      "atau hubungi pelatih.",
        },
        "MappingKernelManager": {
            "cull_idle_timeout": KERNEL_IDLE_TIMEOUT_S,
            "cull_interval": KERNEL_CULL_INTERVAL_S,
            "cull_connected": False,
            "cull_busy": False,
        },
    }


def server_extensions(settings: dict) -> dict[str, bool]:
    """``ServerApp.jpserver_extensions`` the platform adds to this hub's servers:
    ``belajar.tugas``, the learner's assessment pages (fetch, submit, feedback) that
    Beranda links to (it adds nothing to a server that is not a hub user's)."""
    return {"belajar.tugas": True}


def server_config(settings: dict) -> dict:
    """``jupyter_server_config.json`` in the hub's public Jupyter configuration."""
    config: dict = {"LabApp": {"app_settings_dir": str(lab_settings_dir(settings))}}
    config.update(voila_config(settings))
    extensions = server_extensions(settings)
    if extensions:
        config.setdefault("ServerApp", {})["jpserver_extensions"] = extensions
    return config
