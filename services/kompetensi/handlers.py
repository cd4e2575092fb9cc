"""HTTP handlers of the competency service."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from tornado import web

from asncore.constants import HR_ROLES
from asncore.db import Employee, Unit

from ..base import JsonApiHandler, ServiceHandler
from .identity import identity
from .progress import progress_summary, record_events

MAX_EVENTS_PER_REQUEST = 500


class BaseHandler(ServiceHandler):
    @property
    def sessions(self):
        return self.settings["sessions"]

    def me(self) -> dict:
        user = self.current_user
        with self.sessions() as db:
            employee = db.get(Employee, user["name"])
            unit = db.get(Unit, employee.unit_code) if employee else None
            return identity(user, employee, unit)


class APIHandler(JsonApiHandler, BaseHandler):
    """JSON endpoints of the competency service."""


class MeHandler(APIHandler):
    @web.authenticated
    def get(self):
        self.write_json(self.me())


class EventsHandler(APIHandler):
    """A learner's notebook posts its progress events; recorded for the token's owner only."""

    @web.authenticated
    def post(self):
        try:
            body = json.loads(self.request.body or b"{}")
        except json.JSONDecodeError as exc:
            raise web.HTTPError(400, f"body bukan JSON yang valid: {exc}") from exc
        events = body.get("events") if isinstance(body, dict) else None
        if not isinstance(events, list):
            raise web.HTTPError(400, "body harus berbentuk {\"events\": [...]}")
        if len(events) > MAX_EVENTS_PER_REQUEST:
            raise web.HTTPError(413, f"paling banyak {MAX_EVENTS_PER_REQUEST} event per kiriman")
        with self.sessions() as db:
            result = record_events(
                db, self.current_user["name"], events, self.settings["catalogue"], dt.date.today()
            )
        self.write_json(result.as_json())


class ProgressHandler(APIHandler):
    @web.authenticated
    def get(self):
        year = int(self.get_argument("year", str(dt.date.today().year)))
        name = self.current_user["name"]
        with self.sessions() as db:
            employee = db.get(Employee, name)
            targets = self.settings["jp_targets"]
            target = targets.get(employee.status if employee else "PNS", targets["PNS"])
            summary = progress_summary(db, name, self.settings["catalogue"], year, target)
        self.write_json(summary)


class EmployeesHandler(APIHandler):
    """HR and admin: the roster with units (read-only)."""

    @web.authenticated
    def get(self):
        self.require_role(*HR_ROLES)
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
