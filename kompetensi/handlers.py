"""HTTP handlers of the competency service."""

from __future__ import annotations

import json

from jupyterhub.services.auth import HubOAuthenticated
from sqlalchemy import select
from tornado import web

from .db import Employee, Unit
from .identity import identity, role_of


class BaseHandler(HubOAuthenticated, web.RequestHandler):
    @property
    def sessions(self):
        return self.settings["sessions"]

    def write_json(self, payload, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(payload, ensure_ascii=False, default=str))

    def me(self) -> dict:
        user = self.current_user
        with self.sessions() as db:
            employee = db.get(Employee, user["name"])
            unit = db.get(Unit, employee.unit_code) if employee else None
            return identity(user, employee, unit)


class APIHandler(BaseHandler):
    """JSON endpoints: no redirect to the log-in page, a JSON error instead."""

    def get_login_url(self):
        raise web.HTTPError(403)

    def write_error(self, status_code, **kwargs):
        reason = self._reason
        exc = kwargs.get("exc_info", (None, None))[1]
        if isinstance(exc, web.HTTPError) and exc.log_message:
            reason = exc.log_message
        self.write_json({"status": status_code, "message": reason}, status_code)

    def require_role(self, *roles: str) -> None:
        if role_of(self.current_user) not in roles:
            raise web.HTTPError(403, "Akses ditolak: hanya untuk peran " + ", ".join(roles))


class MeHandler(APIHandler):
    @web.authenticated
    def get(self):
        self.write_json(self.me())


class EmployeesHandler(APIHandler):
    """HR and admin: the roster with units (read-only)."""

    @web.authenticated
    def get(self):
        self.require_role("hr", "admin")
        with self.sessions() as db:
            units = {u.code: u.name for u in db.scalars(select(Unit))}
            rows = db.scalars(select(Employee).order_by(Employee.unit_code, Employee.name))
            employees = [
                {**e.as_identity(), "unit": {"code": e.unit_code, "name": units.get(e.unit_code)}}
                for e in rows
            ]
        self.write_json({"count": len(employees), "employees": employees})


class HomeHandler(BaseHandler):
    @web.authenticated
    def get(self):
        self.render("home.html", me=self.me(), prefix=self.settings["prefix"])


class HealthHandler(web.RequestHandler):
    def get(self):
        self.finish({"status": "ok"})
