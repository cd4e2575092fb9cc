"""Working days and complaint deadlines in Ambon time (pure: the holidays are an argument).

A **working day** is Monday to Friday, unless it is in the holiday calendar (national
holidays and cuti bersama, the ``holidays`` table that HR keeps with ``asn-ambon libur
import``; see ``examples/hari-libur-2026.csv``).

A **deadline of N working days** for something that started at moment *t* (a complaint
received, a complaint verified):

1. *t* is read in Ambon time (WIT, UTC+9, :data:`asncore.constants.LOCAL_TZ`); only its
   date matters;
2. the day of *t* itself is never counted, whatever the hour; counting starts on the next
   working day, so a report received on a Saturday, a Sunday or a holiday has the next
   working day as its day 1;
3. the deadline is the **end** (23:59:59.999... WIT) of the N-th working day; an action
   is in time when its WIT date is on or before that day.

Example (``examples/hari-libur-2026.csv``): received Tuesday 17 March 2026 at 16:00 WIT;
18 March is cuti bersama (Nyepi), 19 March Nyepi, 20 March cuti bersama (Idulfitri), 21-22
March the weekend (and Idulfitri), 23-24 March cuti bersama: day 1 is Wednesday 25 March,
day 3 Friday 27 March; verified on 27 March at 23:59 WIT is in time, at 00:00 on
28 March is late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from .constants import LOCAL_TZ

Holidays = Collection[dt.date]
# More working days than this between two dates is a caller's mistake, not a calendar.
_MAX_STEPS = 366 * 5


def is_working_day(day: dt.date, holidays: Holidays) -> bool:
    return day.weekday() < 5 and day not in holidays


def local_date(moment: dt.datetime) -> dt.date:
    """The date in Ambon of ``moment``; a naive moment is taken as UTC (how the platform
    database stores times)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(LOCAL_TZ).date()


def add_working_days(day: dt.date, n: int, holidays: Holidays) -> dt.date:
    """The N-th working day after ``day`` (``day`` itself never counts); N >= 1."""
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    current, counted = day, 0
    for _ in range(_MAX_STEPS):
        current += dt.timedelta(days=1)
        if is_working_day(current, holidays):
            counted += 1
            if counted == n:
                return current
    raise ValueError(f"no {n} working days within {_MAX_STEPS} days after {day}")


def deadline_date(started: dt.datetime, n: int, holidays: Holidays) -> dt.date:
    """The last day (WIT) of an N-working-day deadline that starts at ``started``."""
    return add_working_days(local_date(started), n, holidays)


def deadline_end(started: dt.datetime, n: int, holidays: Holidays) -> dt.datetime:
    """The first moment (aware, WIT) that is too late: midnight after the deadline day."""
    last = deadline_date(started, n, holidays)
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TZ)


def in_time(started: dt.datetime, done: dt.datetime, n: int, holidays: Holidays) -> bool:
    """Whether ``done`` falls on or before the N-th working day after ``started`` (WIT)."""
    return local_date(done) <= deadline_date(started, n, holidays)


def working_days_between(start: dt.date, end: dt.date, holidays: Holidays) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start): how
    many days of a deadline an action on ``end`` used."""
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        count += is_working_day(current, holidays)
    return count
