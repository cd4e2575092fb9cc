"""Reporting periods of the evaluation loop (issue 11): a year, a semester, a quarter or a
month, written the way HR writes them and kept in one canonical form.

=================  ===================================  ==========================
canonical          also accepted (any case)             covers
=================  ===================================  ==========================
``2026``           --                                   the calendar year
``2026-S1``        ``2026 S1``, ``2026/s2``             January-June, July-December
``2026-Q1``        ``2026-TW1`` (triwulan), ``2026 q3``  three months
``2026-03``        ``2026/3``, ``2026 03``              one month
=================  ===================================  ==========================

Dates are calendar dates in Ambon (WIT); a period's ``end`` is its last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^(\d{4})(?:[-/ ]+(S|Q|TW|)(\d{1,2}))?$", re.ASCII)
GRANULARITIES = ("month", "quarter", "year")


@dataclass(frozen=True, order=True)
class Period:
    """A span of whole days; ``label`` is the canonical form above."""

    start: dt.date
    end: dt.date
    label: str

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _months(year: int, first: int, count: int, label: str) -> Period:
    last = first + count - 1
    return Period(dt.date(year, first, 1),
                  dt.date(year, last, calendar.monthrange(year, last)[1]), label)


def parse_period(raw: str) -> Period:
    """The period ``raw`` names; ValueError (Indonesian) when it names none."""
    text = " ".join(str(raw).split()).upper()
    if not text:
        raise ValueError("wajib diisi (required)")
    m = _PERIOD.match(text)
    if m is None:
        raise ValueError(
            f"'{raw}' bukan periode; contoh: 2026, 2026-S1, 2026-Q2 (atau 2026-TW2), 2026-03"
        )
    year = int(m[1])
    if not 2000 <= year <= 2100:
        raise ValueError(f"'{raw}': tahun {year} di luar 2000-2100")
    kind, number = m[2], m[3]
    if number is None:
        return _months(year, 1, 12, f"{year}")
    n = int(number)
    if kind == "S" and n in (1, 2):
        return _months(year, 6 * n - 5, 6, f"{year}-S{n}")
    if kind in ("Q", "TW") and 1 <= n <= 4:
        return _months(year, 3 * n - 2, 3, f"{year}-Q{n}")
    if kind == "" and 1 <= n <= 12:
        return _months(year, n, 1, f"{year}-{n:02d}")
    what = {"S": "semester", "Q": "triwulan", "TW": "triwulan"}.get(kind, "bulan")
    raise ValueError(f"'{raw}': {what} {n} tidak ada")


def period_of(day: dt.date, granularity: str) -> Period:
    """The month, quarter or year (``GRANULARITIES``) that contains ``day``."""
    if granularity == "month":
        return _months(day.year, day.month, 1, f"{day.year}-{day.month:02d}")
    if granularity == "quarter":
        q = (day.month - 1) // 3 + 1
        return _months(day.year, 3 * q - 2, 3, f"{day.year}-Q{q}")
    if granularity == "year":
        return _months(day.year, 1, 12, f"{day.year}")
    raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}: {granularity!r}")
