"""Application factory of the competency service (separate from ``main`` for tests)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from jupyterhub.services.auth import HubOAuthCallbackHandler
from jupyterhub.utils import url_path_join
from tornado import web

from reports.engine import ReportConfig

from . import handlers, hr
from .catalogue import load_catalogue
from asncore.db import session_factory
from .reportcache import ReportCache

DEFAULT_JP_TARGETS = {"PNS": 20.0, "PPPK": 24.0}
NIP = r"([0-9]{18})"


def make_app(
    db_url: str,
    prefix: str,
    courses_dir: str | Path,
    jp_targets: dict | None = None,
    report_config: ReportConfig | None = None,
) -> web.Application:
    jp_targets = jp_targets or DEFAULT_JP_TARGETS
    sessions = session_factory(db_url)
    config = report_config or ReportConfig(year=dt.date.today().year, jp_targets=jp_targets)
    routes = [
        (r"", handlers.HomeHandler),
        (r"oauth_callback", HubOAuthCallbackHandler),
        (r"api/health", handlers.HealthHandler),
        (r"api/me", handlers.MeHandler),
        (r"api/me/events", handlers.EventsHandler),
        (r"api/me/progress", handlers.ProgressHandler),
        (r"api/hr/employees", handlers.EmployeesHandler),
        (rf"api/hr/employees/{NIP}", hr.EmployeeProfileApi),
        (r"api/hr/units", hr.UnitsApi),
        (r"api/hr/units/([A-Za-z0-9._-]+)", hr.UnitsApi),
        (r"api/hr/jp", hr.JpComplianceApi),
        (r"api/hr/jp/import", hr.JpImportApi),
        (r"hr/jp/impor", hr.JpImportPage),
        (r"api/me/profile", hr.MyProfileApi),
        (r"profil", hr.MyProfilePage),
        (r"hr", hr.DashboardPage),
        (rf"hr/pegawai/{NIP}", hr.EmployeePage),
        (r"hr/unduh/([a-z_]+)\.(xlsx|html|csv)", hr.DownloadPage),
    ]
    return web.Application(
        [(url_path_join(prefix, pattern), handler) for pattern, handler in routes],
        sessions=sessions,
        db_url=db_url,
        reports=ReportCache(sessions.kw["bind"], config),
        prefix=prefix,
        catalogue=load_catalogue(courses_dir),
        jp_targets=jp_targets,
        template_path=str(Path(__file__).parent / "templates"),
        cookie_secret=os.urandom(32),
        # HubAuth itself checks xsrf on cookie-authenticated writes (JupyterHub >= 4.1);
        # token-authenticated calls from notebooks need none.
        xsrf_cookies=False,
    )
