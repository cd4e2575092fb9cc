"""Log-in for ASN: NativeAuthenticator passwords, the roster decides who and which groups.

- People log in with their NIP; spaces and dots people type inside it are ignored.
- Only active roster entries may log in; their role (and later their courses) become
  JupyterHub groups on every log-in and refresh, so the roster stays the one source.
- Failed log-ins slow guessing down without letting anyone lock someone else out
  (issue 10): there is no hard lock, only back-off, counted in the platform database
  (so it survives a hub restart) under three keys:

  ============ ================ ======================================== ==============
  key          counts failures  free failures                            longest wait
  ============ ================ ======================================== ==============
  pair         of one account   ``allowed_failed_logins``                ``lockout_seconds``
               from one source
  source       of one source,   5 x ``allowed_failed_logins``            ``lockout_seconds``
               any account
  account      of one account,  ``allowed_failed_logins``                ``account_backoff_seconds``
               any source                                                (30 s)
  ============ ================ ======================================== ==============

  After its free failures each key waits 1, 2, 4, ... s after its latest failure, up to
  its longest wait; a counter is forgotten 4 x ``lockout_seconds`` after its latest
  failure (so a guesser at the longest wait stays there).
  A try while any key waits is refused with the wait in seconds, without checking the
  password (no bcrypt to burn) and without counting. So a guesser from one address is
  soon down to one guess per ten minutes, while the owner, from another address, waits
  at most ``account_backoff_seconds`` whatever others do. An admin clears an account's
  counters with ``asn-ambon akun buka-kunci NIP``.
- The source is JupyterHub's ``request.remote_ip`` (X-Real-IP / X-Forwarded-For from the
  proxy in front). Clients who can reach the hub past that proxy can claim any address;
  that only moves them between pair and source keys: the account key still bounds
  guessing to about one try per ``account_backoff_seconds``.
- Passwords are checked and hashed in a small thread pool, never on the hub's event loop
  (bcrypt costs about 0.3 s of CPU): the log-in page and both change-password pages (the
  person's own, an admin's) are replaced by versions that check and hash in the pool; the
  log-in page also no longer checks a refused password a second time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from concurrent.futures import ThreadPoolExecutor

import bcrypt
from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import (
    ChangePasswordAdminHandler,
    ChangePasswordHandler,
    LoginHandler,
    admin_users_scope,
)
from sqlalchemy import delete, or_, select
from tornado import web
from traitlets import Integer, List, Unicode, default

from asncore import nip as nipmod
from asncore.db import Employee, LoginFailure, session_factory, utcnow

SOURCE_FACTOR = 5  # a source's free failures over all accounts, x allowed_failed_logins
FORGET_FACTOR = 4  # a counter is forgotten after FORGET_FACTOR x lockout_seconds quiet
# bcrypt releases the GIL: two threads use both cores of the hub machine at most, and a
# flood of log-ins queues here instead of stalling every hub page.
_PASSWORDS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bcrypt")
WAIT_MESSAGE = (
    "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {seconds} detik. "
    "(Too many failed log-ins; try again in {seconds} s.)"
)


def account_key(username: str) -> str:
    return f"a:{username}"


def pair_key(username: str, source: str) -> str:
    return f"p:{username}:{_source_id(source)}"


def source_key(source: str) -> str:
    return f"s:{_source_id(source)}"


def _source_id(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def backoff_seconds(count: int, free: int, longest: int) -> int:
    """The wait after ``count`` failures: none for the first ``free - 1``, then 1, 2, 4, ...
    seconds, never more than ``longest``."""
    if count < free:
        return 0
    return min(longest, 2 ** min(count - free, 30))


def clear_failures(platform_url: str, username: str) -> int:
    """Forget the failed log-ins of ``username`` (every source); the number of counters
    removed. What ``asn-ambon akun buka-kunci`` does."""
    with session_factory(platform_url)() as db:
        result = db.execute(delete(LoginFailure).where(or_(
            LoginFailure.username == username,  # a counter of the old hard lock
            LoginFailure.username == account_key(username),
            LoginFailure.username.startswith(f"p:{username}:", autoescape=True),
        )))
        db.commit()
        return result.rowcount


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


class RosterLoginHandler(LoginHandler):
    """NativeAuthenticator's log-in page, without its second password check on the event
    loop after a failure; shows the back-off wait when there is one."""

    async def post(self):
        data = {arg: self.get_argument(arg, strip=False) for arg in self.request.arguments}
        user = await self.login_user(data)
        if user:
            self._jupyterhub_user = user
            self.redirect(self.get_next_url(user))
            return
        error = getattr(self, "asn_login_error", None) or "Invalid username or password."
        self.finish(await self._render(login_error=error, username=data.get("username")))


class RosterChangePasswordHandler(ChangePasswordHandler):
    """The change-password page with the old password checked, and the new one hashed, in
    the password pool (same messages as NativeAuthenticator's, which the template reads)."""

    @web.authenticated
    async def post(self):
        user = await self.get_current_user()
        old = self.get_body_argument("old_password", strip=False)
        new = self.get_body_argument("new_password", strip=False)
        confirmation = self.get_body_argument("new_password_confirmation", strip=False)
        auth = self.authenticator
        alert = "alert-danger"
        if not await auth.password_matches(auth.get_user(user.name), old):
            message = "Your current password was incorrect. Please try again."
        elif new != confirmation:
            message = "Your new password didn't match the confirmation. Please try again."
        elif await auth.change_password_async(user.name, new):
            alert, message = "alert-success", "Your password has been changed successfully!"
        else:
            message = (
                "Something went wrong!\nBe sure your new password has at least "
                f"{auth.minimum_password_length} characters and is not too common."
            )
        html = await self.render_template(
            "change-password.html", user_name=user.name, result_message=message, alert=alert
        )
        self.finish(html)


class RosterChangePasswordAdminHandler(ChangePasswordAdminHandler):
    """An admin setting someone's password: hashed in the password pool."""

    @admin_users_scope
    async def post(self, user_name):
        new = self.get_body_argument("new_password", strip=False)
        confirmation = self.get_body_argument("new_password_confirmation", strip=False)
        auth = self.authenticator
        alert = "alert-danger"
        if new != confirmation:
            message = "The new password didn't match the confirmation. Please try again."
        elif await auth.change_password_async(user_name, new):
            alert = "alert-success"
            message = f"The password for {user_name} has been changed successfully"
        else:
            message = (
                f"Something went wrong!\nBe sure the new password for {user_name} has at "
                f"least {auth.minimum_password_length} characters and is not too common."
            )
        html = await self.render_template(
            "change-password-admin.html", user_name=user_name, result_message=message,
            alert=alert,
        )
        self.finish(html)


class RosterAuthenticator(NativeAuthenticator):
    platform_url = Unicode(config=True, help="SQLAlchemy URL of the platform database.")
    courses = List(Unicode(), config=True, help="Ids of the nbgrader courses on this hub.")
    account_backoff_seconds = Integer(
        30, config=True,
        help="Longest wait for an account from any source (what others' failures can cost "
        "its owner); see the module docstring.",
    )

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

    def get_handlers(self, app):
        replaced = {
            r"/login": RosterLoginHandler,
            r"/change-password": RosterChangePasswordHandler,
            r"/change-password/([^/]+)": RosterChangePasswordAdminHandler,
        }
        return [(path, replaced.get(path, h)) for path, h in super().get_handlers(app)]

    async def authenticate(self, handler, data):
        """The roster entry's auth model if the password is right and no back-off key
        waits (NativeAuthenticator's own check, throttled as the module docstring says)."""
        username = self.normalize_username(data.get("username", ""))
        password = data.get("password", "")
        source = _remote_ip(handler)
        loop = asyncio.get_running_loop()
        wait = await loop.run_in_executor(None, self.seconds_to_wait, username, source)
        if wait:
            if handler is not None:
                handler.asn_login_error = WAIT_MESSAGE.format(seconds=wait)
            self.log.warning("Log-in of %s from %s refused: back-off %d s", username, source, wait)
            return None
        info = self.get_user(username)
        ok = info is not None and info.is_authorized and await self.password_matches(info, password)
        if not ok:
            keys = [source_key(source)]
            if info is not None:
                keys += [account_key(username), pair_key(username, source)]
            await loop.run_in_executor(None, self._record_failure, keys)
            return None
        await loop.run_in_executor(None, self._forget, [account_key(username), pair_key(username, source)])
        employee = self._employee(username)
        if employee is None or not employee.active:
            return None
        return self._auth_model(employee)

    async def refresh_user(self, user, handler=None):
        employee = self._employee(user.name)
        if employee is None or not employee.active:
            return False
        return self._auth_model(employee)

    # -- passwords, in the pool ----------------------------------------------------------

    async def password_matches(self, info, password: str) -> bool:
        if info is None or not info.password:
            return False
        stored = bytes(info.password)
        return await asyncio.get_running_loop().run_in_executor(
            _PASSWORDS, _checkpw, password.encode(), stored
        )

    async def change_password_async(self, username: str, new_password: str) -> bool:
        """NativeAuthenticator's ``change_password``, hashing in the pool."""
        info = self.get_user(username)
        if info is None or not self.is_password_strong(new_password):
            return False
        hashed = await asyncio.get_running_loop().run_in_executor(
            _PASSWORDS, lambda: bcrypt.hashpw(new_password.encode(), bcrypt.gensalt())
        )
        info.password = hashed
        self.db.commit()
        return True

    # -- back-off (replaces NativeAuthenticator's in-memory lock) -------------------------

    def _limits(self) -> dict[str, tuple[int, int]]:
        """Per key kind: (free failures, longest wait in seconds)."""
        free, longest = self.allowed_failed_logins, self.seconds_before_next_try
        return {
            "p": (free, longest),
            "s": (free * SOURCE_FACTOR, longest),
            "a": (free, min(self.account_backoff_seconds, longest)),
        }

    def _forget_after(self) -> int:
        return FORGET_FACTOR * self.seconds_before_next_try

    def seconds_to_wait(self, username: str, source: str) -> int:
        """How long a try for ``username`` from ``source`` must wait (0: it may go on)."""
        keys = [account_key(username), pair_key(username, source), source_key(source)]
        now, limits = utcnow(), self._limits()
        with self._platform() as db:
            rows = db.scalars(select(LoginFailure).where(LoginFailure.username.in_(keys))).all()
        wait = 0.0
        for row in rows:
            if (now - row.last_failure).total_seconds() > self._forget_after():
                continue  # forgotten
            free, longest = limits[row.username[0]]
            until = row.last_failure + dt.timedelta(seconds=backoff_seconds(row.count, free, longest))
            wait = max(wait, (until - now).total_seconds())
        return int(wait + 0.999) if wait > 0 else 0

    def _record_failure(self, keys: list[str]) -> None:
        now = utcnow()
        forget_before = now - dt.timedelta(seconds=self._forget_after())
        with self._platform() as db:
            db.execute(delete(LoginFailure).where(LoginFailure.last_failure < forget_before))
            for key in keys:
                row = db.get(LoginFailure, key) or LoginFailure(username=key, count=0)
                row.count += 1
                row.last_failure = now
                db.merge(row)
            db.commit()

    def _forget(self, keys: list[str]) -> None:
        with self._platform() as db:
            db.execute(delete(LoginFailure).where(LoginFailure.username.in_(keys)))
            db.commit()

    # NativeAuthenticator's hooks, kept for callers of its API: the account key.

    def add_login_attempt(self, username):
        self._record_failure([account_key(username)])

    def is_blocked(self, username):
        with self._platform() as db:
            row = db.get(LoginFailure, account_key(username))
        if row is None:
            return False
        free, longest = self._limits()["a"]
        wait = backoff_seconds(row.count, free, longest)
        return wait > 0 and utcnow() < row.last_failure + dt.timedelta(seconds=wait)

    def can_try_to_login_again(self, username):
        return not self.is_blocked(username)

    def successful_login(self, username):
        self._forget([account_key(username)])


def _checkpw(password: bytes, stored: bytes) -> bool:
    try:
        return bcrypt.checkpw(password, stored)
    except ValueError:  # not a bcrypt hash
        return False


def _remote_ip(handler) -> str:
    request = getattr(handler, "request", None)
    return getattr(request, "remote_ip", None) or "unknown"
