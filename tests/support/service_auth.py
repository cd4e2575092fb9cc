"""In-process service tests stand in for the hub's OAuth (say so wherever it is used):
the caller is named by an ``X-Test-User: <name>:<group>[,<group>...]`` header instead of a hub token.
The real log-in and token paths to the same handlers are covered in tests/integration."""


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
