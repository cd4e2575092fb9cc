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
