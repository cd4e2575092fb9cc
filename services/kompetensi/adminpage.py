"""The admin page (issue 13): roster import and unlocking accounts, in the browser.

    GET  admin[?nip=NIP]      accounts slowed by failed log-ins (or one NIP), the roster
                              form, a link to JupyterHub's admin panel
    POST admin/roster         form field ``berkas``: a roster CSV, imported as
                              ``asn-ambon roster import`` does (:mod:`.rosterupload`)
    POST admin/buka-kunci     form field ``nip``: forget that account's failed log-ins, as
                              ``asn-ambon akun buka-kunci`` does (``asnhub.auth.clear_failures``)

Admins only (the ``admin`` hub group). A form's POST is known only from its body (the
``_xsrf`` field that lets JupyterHub accept the log-in cookie), so the role of a POST with
a cookie is checked once the body is assembled, as on HR's upload pages
(:class:`services.kompetensi.evaluation_imports.HrOnlyPage`); a POST without ``_xsrf``
has no user and is refused.
"""

from __future__ import annotations

import asyncio

from tornado import web

from asncore import nip as nipmod
from asncore.db import Employee
from asncore.settings import DEFAULTS
from asnhub.auth import clear_failures
from reports.render import timestamp_text

from ..base import BODY_METHODS
from .evaluation_imports import received_upload
from .handlers import BaseHandler
from .hr import MAX_UPLOAD
from .lockouts import slowed_accounts
from .rosterupload import import_roster

ADMIN_ONLY = "Halaman ini hanya untuk admin platform"


def username_of(raw: str) -> str:
    """A NIP as people type it (spaces, dots) or a staff username, as the roster keys it."""
    compact = nipmod.normalize(raw.strip())
    return compact if compact.isdigit() else raw.strip().lower()


class AdminPage(BaseHandler):
    max_body_size = MAX_UPLOAD + 64 * 1024  # a roster file and its multipart envelope

    def prepare(self):
        super().prepare()
        if self.request.method in BODY_METHODS and "Cookie" in self.request.headers:
            return  # known only once the body's _xsrf is read: checked in the handler
        if self.current_user is not None:
            self.require_admin()

    def require_admin(self) -> None:
        self.require_role("admin", message=ADMIN_ONLY)

    def show(self, *, status: int = 200, roster=None, unlocked=None, problem=None,
             search: str = "") -> None:
        accounts = {**DEFAULTS["accounts"], **self.settings.get("accounts", {})}
        wanted = username_of(search) if search else None
        with self.sessions() as db:
            slowed, addresses = slowed_accounts(db, accounts, nip=wanted)
            searched = db.get(Employee, wanted) if wanted else None
        self.set_status(status)
        self.render("admin.html", prefix=self.settings["prefix"], hub_url=self.hub_auth.hub_prefix,
                    slowed=slowed, addresses=addresses, search=search, wanted=wanted,
                    searched=searched, roster=roster, unlocked=unlocked, problem=problem,
                    when=timestamp_text)


class AdminHome(AdminPage):
    @web.authenticated
    def get(self):
        self.require_admin()
        self.show(search=self.get_query_argument("nip", "").strip()[:40])


class RosterUpload(AdminPage):
    @web.authenticated
    async def post(self):
        self.require_admin()  # a form's caller is known only now (AdminPage.prepare)
        upload = received_upload(self.request, "roster")
        lock = self.settings.setdefault("roster_import_lock", asyncio.Lock())
        async with lock:  # one import at a time
            outcome = await import_roster(upload.data, upload.name)
        if outcome.success:
            self.settings["reports"].changed()
        self.show(status=200 if outcome.success else 400, roster=outcome)


class Unlock(AdminPage):
    @web.authenticated
    def post(self):
        self.require_admin()
        raw = self.get_body_argument("nip", "").strip()[:40]
        username = username_of(raw) if raw else ""
        with self.sessions() as db:
            known = bool(username) and db.get(Employee, username) is not None
        if not known:
            problem = (f"'{raw}' tidak ada di roster; periksa NIP atau username" if raw
                       else "Tulis NIP atau username akun yang akan dibuka")
            self.show(status=400, problem=problem)
            return
        removed = clear_failures(self.settings["db_url"], username)
        self.show(unlocked={"username": username, "removed": removed})
