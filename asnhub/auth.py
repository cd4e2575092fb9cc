"""Log-in for ASN: NativeAuthenticator passwords, the roster decides who and which groups.

- People log in with their NIP; spaces and dots people type inside it are ignored.
- Only active roster entries may log in; their role (and later their courses) become
  JupyterHub groups on every log-in and refresh, so the roster stays the one source.
- Failed log-ins are counted in the platform database, so a lockout survives a hub
  restart (NativeAuthenticator alone keeps the counter in memory).
"""

from __future__ import annotations

import datetime as dt

from nativeauthenticator import NativeAuthenticator
from traitlets import List, Unicode, default

from asncore.db import Employee, LoginFailure, session_factory, utcnow

from asncore import nip as nipmod


def groups_for(employee: Employee, courses: list[str]) -> list[str]:
    """JupyterHub groups of a roster entry: its role, plus nbgrader's course groups
    (``formgrade-<course>`` for a course's trainers, ``nbgrader-<course>`` for its
    learners; a learner with no courses listed takes them all)."""
    groups = [employee.role]
    own = [c for c in (employee.courses or "").split(";") if c in courses]
    if employee.role == "trainer":
        groups += [f"formgrade-{c}" for c in own]
    elif employee.role == "learner":
        groups += [f"nbgrader-{c}" for c in (own or courses)]
    return groups


class RosterAuthenticator(NativeAuthenticator):
    platform_url = Unicode(config=True, help="SQLAlchemy URL of the platform database.")
    courses = List(Unicode(), config=True, help="Ids of the nbgrader courses on this hub.")

    @default("manage_groups")
    def _manage_groups_default(self):
        return True

    @property
    def _platform(self):
        if not hasattr(self, "_platform_sessions"):
            self._platform_sessions = session_factory(self.platform_url)
        return self._platform_sessions

    def normalize_username(self, username: str) -> str:
        username = super().normalize_username(username)
        compact = nipmod.normalize(username)
        return compact if compact.isdigit() else username

    def _employee(self, username: str) -> Employee | None:
        with self._platform() as db:
            return db.get(Employee, username)

    def _auth_model(self, employee: Employee) -> dict:
        return {
            "name": employee.username,
            "admin": employee.role == "admin",
            "groups": groups_for(employee, self.courses),
        }

    def check_allowed(self, username, authentication=None):
        employee = self._employee(username)
        return bool(employee and employee.active)

    async def authenticate(self, handler, data):
        username = await super().authenticate(handler, data)
        if not username:
            return None
        employee = self._employee(username)
        if employee is None or not employee.active:
            return None
        return self._auth_model(employee)

    async def refresh_user(self, user, handler=None):
        employee = self._employee(user.name)
        if employee is None or not employee.active:
            return False
        return self._auth_model(employee)

    # -- persistent lockout (replaces NativeAuthenticator's in-memory dict) --------------

    def add_login_attempt(self, username):
        with self._platform() as db:
            row = db.get(LoginFailure, username) or LoginFailure(username=username, count=0)
            row.count += 1
            row.last_failure = utcnow()
            db.merge(row)
            db.commit()

    def is_blocked(self, username):
        with self._platform() as db:
            row = db.get(LoginFailure, username)
        if row is None or row.count < self.allowed_failed_logins:
            return False
        unblock_at = row.last_failure + dt.timedelta(seconds=self.seconds_before_next_try)
        return utcnow() < unblock_at

    def can_try_to_login_again(self, username):
        return not self.is_blocked(username)

    def successful_login(self, username):
        with self._platform() as db:
            row = db.get(LoginFailure, username)
            if row is not None:
                db.delete(row)
                db.commit()
