"""Which accounts failed log-ins are slowing down, read from ``asnhub.auth``'s counters.

The hub counts failed log-ins in ``login_failures`` under three kinds of key (see
:mod:`asnhub.auth`): ``a:<user>`` (the account, any address), ``p:<user>:<address id>``
(the account from one address) and ``s:<address id>`` (one address, any account); a
bare user name is a counter of the old hard lock. This module folds the first two (and
the old kind) into one line per account, with how long its next try must wait, for the
admin page; ``asnhub.auth.clear_failures`` removes them ("Buka kunci"). Address counters
belong to no account and are only counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from asncore.db import Employee, LoginFailure, utcnow
from asnhub.auth import FORGET_FACTOR, SOURCE_FACTOR, backoff_seconds


@dataclass(frozen=True)
class SlowedAccount:
    username: str
    name: str | None
    unit: str | None
    failures: int  # the largest count among the account's counters
    last_failure: dt.datetime  # naive UTC
    wait_seconds: int  # how long the next try must wait now (0: it may try, still counted)


def _limits(accounts: dict) -> dict[str, tuple[int, int]]:
    free, longest = accounts["allowed_failed_logins"], accounts["lockout_seconds"]
    return {"p": (free, longest), "s": (free * SOURCE_FACTOR, longest),
            "a": (free, min(accounts["account_backoff_seconds"], longest)),
            "": (free, longest)}


def _owner(key: str) -> tuple[str, str | None]:
    """(kind, user name) of a counter key; address counters have no user."""
    if key.startswith("a:"):
        return "a", key[2:]
    if key.startswith("p:"):
        return "p", key[2:].rsplit(":", 1)[0]
    if key.startswith("s:"):
        return "s", None
    return "", key


def slowed_accounts(db, accounts: dict, now: dt.datetime | None = None,
                    nip: str | None = None) -> tuple[list[SlowedAccount], int]:
    """Every account with a live failed-log-in counter, longest wait first, then most
    recent; with ``nip`` only that account. Also how many addresses are slowed."""
    now = now or utcnow()
    limits = _limits(accounts)
    forget = dt.timedelta(seconds=FORGET_FACTOR * accounts["lockout_seconds"])
    per_user: dict[str, dict] = {}
    addresses = 0
    for row in db.scalars(select(LoginFailure)):
        if now - row.last_failure > forget:
            continue  # forgotten at the next failure anywhere
        kind, user = _owner(row.username)
        free, longest = limits[kind]
        until = row.last_failure + dt.timedelta(seconds=backoff_seconds(row.count, free, longest))
        wait = max(0, int((until - now).total_seconds() + 0.999))
        if user is None:
            addresses += wait > 0
            continue
        if nip is not None and user != nip:
            continue
        entry = per_user.setdefault(user, {"failures": 0, "last": row.last_failure, "wait": 0})
        entry["failures"] = max(entry["failures"], row.count)
        entry["last"] = max(entry["last"], row.last_failure)
        entry["wait"] = max(entry["wait"], wait)
    people = {e.username: e for e in db.scalars(
        select(Employee).where(Employee.username.in_(list(per_user))))}
    result = [SlowedAccount(user, getattr(people.get(user), "name", None),
                            getattr(people.get(user), "unit_code", None),
                            e["failures"], e["last"], e["wait"])
              for user, e in per_user.items()]
    result.sort(key=lambda a: (-a.wait_seconds, -a.last_failure.timestamp(), a.username))
    return result, addresses
