"""Moments and dates as people in Ambon read them: Indonesian month names, WIT (UTC+9).

One wording for every layer (services, reports, the learner's own server)."""

from __future__ import annotations

import datetime as dt

from .constants import LOCAL_TZ

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]


def timestamp_text(value: dt.datetime | str | None) -> str:
    """A moment in Ambon's time: ``"14 Mei 2026 pukul 10.30 WIT"``. A naive datetime is
    UTC (as the platform database and nbgrader store it); a string is returned as given."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    ts = value.astimezone(LOCAL_TZ)
    return f"{ts.day} {MONTHS[ts.month - 1]} {ts.year} pukul {ts:%H.%M} WIT"
