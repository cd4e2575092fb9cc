"""What every hub-managed service of the platform shares: HubOAuth identity and JSON.

Both services (``kompetensi`` and ``penilaian``) follow JupyterHub's ``service-whoami``
pattern: a ``HubOAuthenticated`` Tornado handler, the hub's user model (name, groups) as
the only source of who is calling. API handlers answer an unauthenticated call with a
JSON 403 instead of a redirect to the log-in page, and every error as JSON.
"""

from __future__ import annotations

import json

from jupyterhub.services.auth import HubOAuthenticated
from tornado import web

from asncore.constants import ROLES_BY_RANK


def role_of(user_model: dict) -> str | None:
    """The caller's platform role from their hub groups, highest first (an admin who is
    also in ``hr`` acts as admin); None for someone in no platform group."""
    groups = set(user_model.get("groups") or [])
    for role in ROLES_BY_RANK:
        if role in groups:
            return role
    return None


class ServiceHandler(HubOAuthenticated, web.RequestHandler):
    """A page or endpoint of a platform service, for callers the hub authenticated."""

    def write_json(self, payload, status: int = 200) -> None:
        self.write_bytes(json.dumps(payload, ensure_ascii=False, default=str).encode(), status)

    def write_bytes(self, body: bytes, status: int = 200) -> None:
        """Send JSON that is already serialised."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(body)

    def require_role(self, *roles: str, message: str = "") -> None:
        if role_of(self.current_user) not in roles:
            raise web.HTTPError(403, message or "Akses ditolak: hanya untuk peran " + ", ".join(roles))


class JsonApiHandler(ServiceHandler):
    """JSON endpoints: no redirect to the log-in page, a JSON error body instead:
    ``{"status": code, "success": false, "message": reason}``."""

    def get_login_url(self):
        raise web.HTTPError(403)

    def write_error(self, status_code, **kwargs):
        reason = self._reason
        exc = kwargs.get("exc_info", (None, None))[1]
        if isinstance(exc, web.HTTPError) and exc.log_message:
            reason = exc.log_message
        self.write_json({"status": status_code, "success": False, "message": reason}, status_code)
