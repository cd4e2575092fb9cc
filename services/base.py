"""What every hub-managed service of the platform shares: HubOAuth identity, JSON, limits.

Both services (``kompetensi`` and ``penilaian``) follow JupyterHub's ``service-whoami``
pattern: a ``HubOAuthenticated`` Tornado handler, the hub's user model (name, groups) as
the only source of who is calling. API handlers answer an unauthenticated call with a
JSON 403 instead of a redirect to the log-in page, and every error as JSON; pages answer
errors with a short Indonesian page.

What every request gets here, before any handler code runs:

- **Body limits before the body is read.** Handlers stream the request body
  (``stream_request_body``): ``prepare`` runs on the headers alone, refuses a
  ``Content-Length`` above the handler's ``max_body_size`` (413) and caps the connection
  at it (a chunked body is cut there), and refuses a body from an anonymous caller (403)
  before reading it. The body is assembled (and form fields parsed, as Tornado would) just
  before the handler's method runs. :func:`listen` also caps every connection of the
  server at :data:`MAX_BODY` (Tornado's default is 100 MB, buffered before the auth check).
- **Headers.** ``Cache-Control: no-store`` (personal data), ``X-Content-Type-Options:
  nosniff`` and a Content-Security-Policy that allows nothing (``default-src 'none'``);
  an HTML page additionally gets the sha256 hashes of its own inline ``<style>`` blocks
  (and ``style`` attributes), so its CSS works and nothing else does: no script at all.
- **Numbers from the query** through :func:`parse_year` / :func:`parse_int`: ASCII digits
  only (``²⁰²⁶`` and ``٢٠٢٦`` are refused), bounded, else 400 with an Indonesian message.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import html
import json
import re
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuthenticated
from tornado import httputil, web

from asncore.constants import ROLES_BY_RANK

MAX_BODY = 6 * 1024 * 1024  # the whole server: the largest body any handler takes (JP CSV)
MAX_BUFFER = 8 * 1024 * 1024
DEFAULT_BODY = 1024 * 1024  # a handler's own cap unless it sets max_body_size
FIRST_YEAR, LAST_YEAR = 2000, 2100
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
CSP_NONE = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]{1,18}")
ERROR_TITLES = {
    400: "Permintaan tidak sah", 403: "Akses ditolak", 404: "Tidak ditemukan",
    405: "Metode tidak diizinkan", 411: "Panjang isi permintaan wajib disebut",
    413: "Isi permintaan terlalu besar", 500: "Terjadi kesalahan di server",
}


def role_of(user_model: dict) -> str | None:
    """The caller's platform role from their hub groups, highest first (an admin who is
    also in ``hr`` acts as admin); None for someone in no platform group."""
    groups = set(user_model.get("groups") or [])
    for role in ROLES_BY_RANK:
        if role in groups:
            return role
    return None


# ---- numbers from the query ------------------------------------------------------------


def _shown(raw: str) -> str:
    return raw if len(raw) <= 24 else raw[:24] + "…"


def parse_int(raw: str | None, name: str, low: int, high: int) -> int:
    """``raw`` as an int in [low, high], ASCII digits only; else HTTP 400 in Indonesian."""
    if raw is None or not _DIGITS.fullmatch(raw):
        raise web.HTTPError(400, f"{name} '{_shown(raw or '')}' tidak sah: tulis dengan angka 0-9 saja")
    value = int(raw)
    if not low <= value <= high:
        raise web.HTTPError(400, f"{name} {_shown(raw)} di luar rentang {low}–{high}")
    return value


def parse_year(raw: str | None, first: int = FIRST_YEAR, last: int = LAST_YEAR,
               name: str = "tahun") -> int:
    """A year from the query: exactly four ASCII digits within [first, last], else 400
    (``?tahun=abc``, ``²⁰²⁶``, ``-1``, ``1e4`` all refused, never a 500)."""
    example = min(max(dt.date.today().year, first), last)
    if raw is None or not re.fullmatch(r"[0-9]{4}", raw):
        raise web.HTTPError(
            400, f"{name} '{_shown(raw or '')}' tidak sah: tulis empat angka, contoh {example}")
    year = int(raw)
    if not first <= year <= last:
        raise web.HTTPError(400, f"{name} {year} di luar rentang {first}–{last}")
    return year


# ---- server ----------------------------------------------------------------------------


def listen(app: web.Application, url: str):
    """Start ``app``'s HTTP server on ``url``'s host and port with the body caps
    (:data:`MAX_BODY`, :data:`MAX_BUFFER`); returns the server."""
    address = urlparse(url)
    return app.listen(address.port, address.hostname, max_body_size=MAX_BODY,
                      max_buffer_size=MAX_BUFFER)


# ---- handlers --------------------------------------------------------------------------


def _with_body(method):
    """Run ``method`` once the streamed body is assembled into ``self.request`` (and
    raise first what ``prepare`` refused, see :func:`_deferring_refusals`)."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        if self._refused is not None:
            raise self._refused
        self._assemble_body()
        return method(self, *args, **kwargs)

    run._with_body = True
    return run


def _deferring_refusals(prepare):
    """A handler's ``prepare`` whose refusal of a request WITHOUT a body (a GET from the
    wrong role) is answered from the method instead. The handlers stream bodies, so
    ``prepare`` runs before Tornado has finished reading the request; an answer sent
    then makes Tornado close the connection, and the proxy, reusing that connection for
    the person's next request, answers it 503 ("socket hang up"). A request with a body is
    still refused in ``prepare``, unread, and its connection closed."""

    @functools.wraps(prepare)
    def run(self):
        try:
            return prepare(self)
        except web.HTTPError as exc:
            if self._has_body():
                raise
            self._refused = exc
            return None

    run._deferring = True
    return run


def _hashes(texts) -> list[str]:
    return sorted({"'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'"
                   for t in texts})


def page_csp(page: str) -> str:
    """The policy for an HTML page: nothing but its own inline CSS (by hash)."""
    blocks = _hashes(_STYLE_BLOCK.findall(page))
    attributes = _hashes(html.unescape(a or b) for a, b in _STYLE_ATTRIBUTE.findall(page))
    styles = blocks + (["'unsafe-hashes'", *attributes] if attributes else [])
    parts = [CSP_NONE]
    if styles:
        parts.append("style-src " + " ".join(styles))
    return "; ".join(parts)


@web.stream_request_body
class ServiceHandler(HubOAuthenticated, web.RequestHandler):
    """A page or endpoint of a platform service, for callers the hub authenticated."""

    max_body_size = DEFAULT_BODY  # bytes this handler accepts in a request body
    _chunks: list[bytes] | None = None  # the body as received (set per request)
    _received = 0
    _assembled = False

    _refused: web.HTTPError | None = None  # prepare's refusal, raised by the method

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        prepare = cls.__dict__.get("prepare")
        if callable(prepare) and not getattr(prepare, "_deferring", False):
            cls.prepare = _deferring_refusals(prepare)
        for verb in cls.SUPPORTED_METHODS:
            method = cls.__dict__.get(verb.lower())
            if callable(method) and not getattr(method, "_with_body", False):
                setattr(cls, verb.lower(), _with_body(method))

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("Content-Security-Policy", CSP_NONE)

    # -- the body, before it is read

    def prepare(self):
        headers = self.request.headers
        limit = self.max_body_size
        self.request.connection.set_max_body_size(limit)
        length = headers.get("Content-Length")
        if length is not None and not _DIGITS.fullmatch(length.strip()):
            raise web.HTTPError(400, "Content-Length tidak sah")
        if length is not None and int(length) > limit:
            raise web.HTTPError(413, f"isi permintaan lebih dari {self._size(limit)}")
        has_body = self._has_body()
        # an anonymous caller's body is never read: no cookie means only a token can
        # identify the caller, and that needs no body (a cookie needs _xsrf from the form)
        if has_body and "Cookie" not in headers and self.current_user is None:
            raise web.HTTPError(403, "perlu token atau log masuk")

    def _has_body(self) -> bool:
        headers = self.request.headers
        length = (headers.get("Content-Length") or "").strip()
        chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
        return chunked or (_DIGITS.fullmatch(length) is not None and int(length) > 0)

    @staticmethod
    def _size(n: int) -> str:
        return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        self._received += len(chunk)
        if self._received > self.max_body_size:  # the connection cap stops it too
            raise web.HTTPError(413, f"isi permintaan lebih dari {self._size(self.max_body_size)}")
        if self._chunks is None:
            self._chunks = []
        self._chunks.append(chunk)

    def _assemble_body(self) -> None:
        """``request.body``, ``body_arguments``, ``files`` and ``arguments`` as Tornado
        fills them for a buffered request."""
        if self._assembled:
            return
        self._assembled = True
        request = self.request
        request.body = b"".join(self._chunks or ())
        self._chunks = None
        try:
            httputil.parse_body_arguments(request.headers.get("Content-Type", ""), request.body,
                                          request.body_arguments, request.files, request.headers)
        except httputil.HTTPInputError as exc:
            raise web.HTTPError(400, f"isi permintaan tidak sah: {exc}") from exc
        for key, values in request.body_arguments.items():
            request.arguments.setdefault(key, []).extend(values)

    # -- answers

    def finish(self, chunk=None):
        if chunk is not None:
            self.write(chunk)
            chunk = None
        if self._headers.get("Content-Type", "").startswith("text/html") and self._write_buffer:
            page = b"".join(self._write_buffer).decode("utf-8", "replace")
            self.set_header("Content-Security-Policy", page_csp(page))
        return super().finish(chunk)

    def write_error(self, status_code, **kwargs):
        """A short Indonesian page: the reason given with the HTTPError, never a traceback."""
        title = ERROR_TITLES.get(status_code, self._reason)
        exc = kwargs.get("exc_info", (None, None))[1]
        message = exc.log_message if isinstance(exc, web.HTTPError) and exc.log_message else ""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
            f"<title>{status_code} – {html.escape(title)}</title></head><body>"
            f"<h1>{status_code} – {html.escape(title)}</h1>"
            + (f'<p id="pesan">{html.escape(message)}</p>' if message else "")
            + "</body></html>\n"
        )

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

    def year_argument(self, *names: str, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> int:
        """The year in the first of the query arguments ``names`` given (default: this year),
        through :func:`parse_year`."""
        for name in names or ("tahun",):
            raw = self.get_query_argument(name, None, strip=False)
            if raw is not None:
                return parse_year(raw, first, last, name)
        return parse_year(str(dt.date.today().year), first, last, (names or ("tahun",))[0])


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
