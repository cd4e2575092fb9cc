"""Application factory of the competency service (separate from ``main`` for tests)."""

from __future__ import annotations

import os
from pathlib import Path

from jupyterhub.services.auth import HubOAuthCallbackHandler
from jupyterhub.utils import url_path_join
from tornado import web

from . import handlers
from .catalogue import load_catalogue
from .db import session_factory

DEFAULT_JP_TARGETS = {"PNS": 20.0, "PPPK": 24.0}


def make_app(
    db_url: str, prefix: str, courses_dir: str | Path, jp_targets: dict | None = None
) -> web.Application:
    routes = [
        (r"", handlers.HomeHandler),
        (r"oauth_callback", HubOAuthCallbackHandler),
        (r"api/health", handlers.HealthHandler),
        (r"api/me", handlers.MeHandler),
        (r"api/me/events", handlers.EventsHandler),
        (r"api/me/progress", handlers.ProgressHandler),
        (r"api/hr/employees", handlers.EmployeesHandler),
    ]
    return web.Application(
        [(url_path_join(prefix, pattern), handler) for pattern, handler in routes],
        sessions=session_factory(db_url),
        prefix=prefix,
        catalogue=load_catalogue(courses_dir),
        jp_targets=jp_targets or DEFAULT_JP_TARGETS,
        template_path=str(Path(__file__).parent / "templates"),
        cookie_secret=os.urandom(32),
        # HubAuth itself checks xsrf on cookie-authenticated writes (JupyterHub >= 4.1);
        # token-authenticated calls from notebooks need none.
        xsrf_cookies=False,
    )
