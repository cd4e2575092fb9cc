"""JupyterHub RBAC roles for the platform's four groups, least privilege.

- learner (peserta), trainer (pelatih), hr (sdm): JupyterHub's default ``user`` role
  (their own server only) plus access to the competency service. What each may see
  inside the service is decided there from the same groups.
- admin: JupyterHub's built-in admin role, set from the roster (auth model ``admin``).
- No group gets ``groups`` or ``users`` scopes: those can escalate privileges.
"""

from __future__ import annotations

from asncore.constants import ROLES as ROLE_GROUPS

CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]


def load_roles(service: str, culler: bool) -> list[dict]:
    roles = [
        {
            "name": f"{group}-role",
            "description": f"Members of the '{group}' group: their own server and the {service} service",
            "groups": [group],
            "scopes": [f"access:services!service={service}"],
        }
        for group in ROLE_GROUPS
    ]
    if culler:
        roles.append(
            {
                "name": "idle-culler",
                "description": "Stop idle single-user servers",
                "services": ["idle-culler"],
                "scopes": CULLER_SCOPES,
            }
        )
    return roles


def server_token_scopes(service: str) -> list[str]:
    """Scopes of the token inside a learner's server: what JupyterHub gives by default,
    plus calling the competency service as that learner (progress events)."""
    return [
        "users:activity!user",
        "access:servers!server",
        f"access:services!service={service}",
        # nbgrader's assignment list asks the hub which course groups the learner is in
        "read:users:groups!user",
        "read:users:name!user",
    ]
