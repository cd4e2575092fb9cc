"""Application factory of the competency service (separate from ``main`` for tests)."""

from __future__ import annotations

import os
from pathlib import Path

from jupyterhub.services.auth import HubOAuthCallbackHandler
from jupyterhub.utils import url_path_join
from tornado import web

from . import handlers
from .db import session_factory


def make_app(db_url: str, prefix: str) -> web.Application:
    routes = [
        (r"", handlers.HomeHandler),
        (r"oauth_callback", HubOAuthCallbackHandler),
        (r"api/health", handlers.HealthHandler),
        (r"api/me", handlers.MeHandler),
        (r"api/hr/employees", handlers.EmployeesHandler),
    ]
    return web.Application(
        [(url_path_join(prefix, pattern), handler) for pattern, handler in routes],
        sessions=session_factory(db_url),
        prefix=prefix,
        template_path=str(Path(__file__).parent / "templates"),
        cookie_secret=os.urandom(32),
        xsrf_cookies=False,
    )
