"""In-process service tests stand in for the hub's OAuth (say so wherever it is used):
the caller is named by an ``X-Test-User: <name>:<group>[,<group>...]`` header instead of a hub token.
The real log-in and token paths to the same handlers are covered in tests/integration."""

import contextlib


def fake_hub_user(handler):
    """``HubOAuthenticated.get_current_user`` replacement: the user model from the header."""
    raw = handler.request.headers.get("X-Test-User")
    if not raw:
        return None
    name, groups = raw.split(":")
    return {"name": name, "groups": groups.split(","), "kind": "user"}


async def call_service(client, base_url: str, path: str, user: str | None, method: str = "GET",
                       body=None, headers: dict | None = None, timeout: float = 60):
    """One request to an in-process service at ``base_url`` (ending in its prefix) as the
    stood-in ``user`` (an ``X-Test-User`` value, None for nobody); a dict or list body goes
    as JSON. Returns the response, errors included."""
    import json

    from tornado.httpclient import HTTPClientError

    all_headers = {"X-Test-User": user} if user else {}
    all_headers.update(headers or {})
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if method in ("POST", "PUT", "PATCH") and body is None:
        body = b""
    try:
        return await client.fetch(
            f"{base_url}{path}", method=method, body=body, headers=all_headers,
            follow_redirects=False, request_timeout=timeout, allow_nonstandard_methods=True)
    except HTTPClientError as exc:
        return exc.response


@contextlib.contextmanager
def in_process_service(service_cls, populate, db_dir):
    """A module-long in-process service: the hub's OAuth stood in (:func:`fake_hub_user`),
    a fresh platform database in ``db_dir`` filled by ``populate(url)``, and
    ``service_cls(url)`` running until the block ends."""
    import pytest
    from jupyterhub.services.auth import HubOAuthenticated

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
        url = f"sqlite:///{db_dir / 'k.sqlite'}"
        populate(url)
        running = service_cls(url)
        try:
            yield running
        finally:
            running.stop()
