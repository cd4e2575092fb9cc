"""HTTP handlers of the competency service."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from tornado import web

from asncore.constants import HR_ROLES, JP_CEILING_STATUSES, LOCAL_TZ
from asncore.db import Employee, Unit, utcnow
from reports.render import timestamp_text

from ..base import JsonApiHandler, ServiceHandler, parse_year
from . import beranda
from .identity import identity
from .plans import mark_assigned
from .progress import CreditRules, EventsRefused, progress_summary, record_events

MAX_EVENTS_PER_REQUEST = 500


def _refuse_constant(name: str):
    raise ValueError(f"{name} bukan angka JSON yang valid")


def parse_json_body(body: bytes):
    """The request body as JSON, or HTTP 400 for anything json.loads cannot turn into
    plain data: bad syntax, bad UTF-8, NaN/Infinity, nesting too deep."""
    try:
        return json.loads(body or b"{}", parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise web.HTTPError(400, f"body bukan JSON yang valid: {str(exc)[:200]}") from None


def year_argument(handler: web.RequestHandler, now: dt.datetime) -> int:
    """The ``year`` query argument (four ASCII digits), default the current year in WIT."""
    raw = handler.get_argument("year", None, strip=False)
    if raw is None:
        return now.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).year
    return parse_year(raw, name="year")


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

    def now(self) -> dt.datetime:
        """The server's clock (naive UTC); the app setting ``clock`` replaces it in tests."""
        return self.settings.get("clock", utcnow)()

    @property
    def credit_rules(self) -> CreditRules:
        return self.settings.get("credit_rules") or CreditRules()

    def my_progress(self, year: int, now: dt.datetime) -> dict:
        """The caller's progress; credits a module whose evidence became complete."""
        name = self.current_user["name"]
        with self.sessions() as db:
            employee = db.get(Employee, name)
            targets = self.settings["jp_targets"]
            target = targets.get(employee.status if employee else "PNS", targets["PNS"])
            summary = progress_summary(db, name, self.settings["catalogue"], year, target,
                                       self.credit_rules, now)
            db.commit()
            mark_assigned(db, name, summary)  # modules HR assigned (issue 11): "Ditugaskan"
        # PNS: jp_target is a yearly minimum; PPPK: a ceiling (PP 49/2018 Pasal 40(1)), and
        # jp_remaining is the room left under it, never a shortfall
        status = employee.status if employee else "PNS"
        summary["jp_rule"] = "ceiling" if status in JP_CEILING_STATUSES else "minimum"
        return summary


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
        body = parse_json_body(self.request.body)
        events = body.get("events") if isinstance(body, dict) else None
        if not isinstance(events, list):
            raise web.HTTPError(400, "body harus berbentuk {\"events\": [...]}")
        if len(events) > MAX_EVENTS_PER_REQUEST:
            raise web.HTTPError(413, f"paling banyak {MAX_EVENTS_PER_REQUEST} event per kiriman")
        with self.sessions() as db:
            try:
                result = record_events(db, self.current_user["name"], events,
                                       self.settings["catalogue"], self.credit_rules, self.now())
            except EventsRefused as refused:
                self.write_json({"status": refused.status, "success": False,
                                 "message": refused.message, "rejected": refused.rejected},
                                refused.status)
                return
        self.write_json(result.as_json())


class ProgressHandler(APIHandler):
    @web.authenticated
    def get(self):
        now = self.now()
        year = year_argument(self, now)
        self.write_json(self.my_progress(year, now))


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
    """Beranda: the page everyone lands on after log-in (``JupyterHub.default_url``)."""

    @web.authenticated
    def get(self):
        now = self.now()
        progress = self.my_progress(year_argument(self, now), now)
        user = self.current_user
        base_url = beranda.hub_base_url(self.hub_auth.hub_prefix)
        catalogue = self.settings["catalogue"]
        with self.sessions() as db:
            assessments = beranda.my_assessments(
                db, user["name"], beranda.courses_in(user.get("groups"), beranda.LEARNER_COURSE_GROUP),
                self.settings.get("assessment_places"), catalogue, base_url,
            )
        self.render(
            "home.html", me=self.me(), prefix=self.settings["prefix"], progress=progress,
            cards=beranda.module_cards(progress, catalogue, base_url, user["name"]),
            assessments=beranda.by_course(assessments), staff_links=beranda.staff_links(user.get("groups"), base_url),
            lab_url=beranda.open_via_spawn(base_url, beranda.lab_url(base_url, user["name"])),
            hub_url=base_url + "hub/", updated=timestamp_text(now),
        )


class HealthHandler(web.RequestHandler):
    def get(self):
        self.finish({"status": "ok"})
