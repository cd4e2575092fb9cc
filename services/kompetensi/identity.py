"""Who is calling, from the hub's user model: role from groups, profile from the roster."""

from __future__ import annotations

from asncore.db import Employee, Unit

from ..base import role_of

def identity(user_model: dict, employee: Employee | None, unit: Unit | None) -> dict:
    result = {
        "username": user_model["name"],
        "role": role_of(user_model),
        "groups": sorted(user_model.get("groups") or []),
        "unit": None,
        "name": None,
        "nip": None,
        "position": None,
        "position_type": None,
        "status": None,
    }
    if employee is not None:
        profile = employee.as_identity()
        profile.pop("role")  # the hub's groups decide the role, not the roster copy
        profile.pop("username")
        result.update(profile)
        result["unit"] = {"code": employee.unit_code, "name": unit.name if unit else None}
    return result
