"""Working days and complaint deadlines (asncore.workdays), the reporting periods
(asncore.periods) and the shipped 2026 holiday calendar.

The calendar below is the week of 11-15 May 2026 and the Nyepi/Idulfitri stretch of March
2026 from examples/hari-libur-2026.csv:

    May 2026          Mon 11  Tue 12  Wed 13  Thu 14          Fri 15         | Sat 16 Sun 17
                                              Kenaikan Yesus  cuti bersama
                                              Kristus (libur
                                              nasional)
    Mon 18  Tue 19  Wed 20 ...
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from asncore import workdays
from asncore.constants import LOCAL_TZ
from asncore.imports import holidays as holiday_import
from asncore.periods import parse_period, period_of
from asncore.workdays import (
    add_working_days,
    deadline_date,
    deadline_end,
    in_time,
    is_working_day,
    local_date,
    working_days_between,
)

REPO = Path(__file__).resolve().parents[2]
D = dt.date
KENAIKAN = D(2026, 5, 14)  # libur nasional
CUTI_KENAIKAN = D(2026, 5, 15)  # cuti bersama
MARCH = {D(2026, 3, 18), D(2026, 3, 19), D(2026, 3, 20), D(2026, 3, 21), D(2026, 3, 22),
         D(2026, 3, 23), D(2026, 3, 24)}
HOLIDAYS = {KENAIKAN, CUTI_KENAIKAN, D(2026, 5, 1), D(2026, 5, 27), D(2026, 5, 28)} | MARCH


def wit(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


def test_weekends_holidays_and_cuti_bersama_are_not_working_days():
    assert is_working_day(D(2026, 5, 13), HOLIDAYS)  # Wednesday
    assert not is_working_day(KENAIKAN, HOLIDAYS)
    assert not is_working_day(CUTI_KENAIKAN, HOLIDAYS)
    assert not is_working_day(D(2026, 5, 16), HOLIDAYS)  # Saturday
    assert not is_working_day(D(2026, 5, 17), set())  # Sunday, even without a calendar
    assert is_working_day(KENAIKAN, set())  # a calendar not imported: weekdays only


def test_a_week_with_a_national_holiday_and_a_cuti_bersama_day():
    # received Monday 11 May: day 1 Tue 12, day 2 Wed 13, (Thu 14 holiday, Fri 15 cuti
    # bersama, weekend), day 3 Mon 18, day 4 Tue 19, day 5 Wed 20
    received = wit(2026, 5, 11, 10, 0)
    assert deadline_date(received, 3, HOLIDAYS) == D(2026, 5, 18)
    assert deadline_date(received, 5, HOLIDAYS) == D(2026, 5, 20)
    # without the calendar the deadline would be Thursday, a holiday
    assert deadline_date(received, 3, set()) == D(2026, 5, 14)
    # verified on the holiday itself is still in time (before the deadline day)
    assert in_time(received, wit(2026, 5, 14, 9, 0), 3, HOLIDAYS)
    assert not in_time(received, wit(2026, 5, 19, 8, 0), 3, HOLIDAYS)


def test_the_day_of_receipt_is_not_counted_whatever_the_hour():
    early, late = wit(2026, 5, 12, 0, 1), wit(2026, 5, 12, 23, 59)
    assert deadline_date(early, 1, HOLIDAYS) == deadline_date(late, 1, HOLIDAYS) == D(2026, 5, 13)
    assert deadline_date(early, 2, HOLIDAYS) == D(2026, 5, 18)


def test_a_report_received_on_a_weekend_counts_from_the_next_working_day():
    # Saturday 9 May: day 1 Mon 11, day 2 Tue 12, day 3 Wed 13
    assert deadline_date(wit(2026, 5, 9, 20, 0), 3, HOLIDAYS) == D(2026, 5, 13)
    # Sunday the same
    assert deadline_date(wit(2026, 5, 10, 7, 0), 3, HOLIDAYS) == D(2026, 5, 13)


def test_a_report_received_on_a_holiday_counts_from_the_next_working_day():
    # Thursday 14 May (holiday): Fri 15 cuti bersama, weekend; day 1 Mon 18 ... day 3 Wed 20
    assert deadline_date(wit(2026, 5, 14, 9, 0), 3, HOLIDAYS) == D(2026, 5, 20)
    # the long March stretch: received Tue 17 March 16:00, 18-24 March are all off
    assert deadline_date(wit(2026, 3, 17, 16, 0), 3, HOLIDAYS) == D(2026, 3, 27)


def test_the_deadline_is_the_end_of_the_last_day_in_ambon_time():
    received = wit(2026, 5, 11, 10, 0)  # deadline (3 days): Monday 18 May
    assert in_time(received, wit(2026, 5, 18, 23, 59, 59), 3, HOLIDAYS)
    assert not in_time(received, wit(2026, 5, 19, 0, 0), 3, HOLIDAYS)
    # the same moments in UTC (WIT is UTC+9), naive as the database stores them
    assert in_time(received, dt.datetime(2026, 5, 18, 14, 59, 59), 3, HOLIDAYS)
    assert not in_time(received, dt.datetime(2026, 5, 18, 15, 0), 3, HOLIDAYS)
    assert deadline_end(received, 3, HOLIDAYS) == wit(2026, 5, 19, 0, 0)


def test_naive_times_are_utc_and_the_receipt_date_is_ambon_s():
    # Sunday 10 May 15:30 UTC is Monday 11 May 00:30 in Ambon: received on Monday
    assert local_date(dt.datetime(2026, 5, 10, 15, 30)) == D(2026, 5, 11)
    assert deadline_date(dt.datetime(2026, 5, 10, 15, 30), 1, HOLIDAYS) == D(2026, 5, 12)
    assert local_date(dt.datetime(2026, 5, 10, 14, 59, tzinfo=dt.UTC)) == D(2026, 5, 10)


def test_counting_helpers():
    assert add_working_days(D(2026, 5, 8), 1, HOLIDAYS) == D(2026, 5, 11)  # Fri -> Mon
    assert working_days_between(D(2026, 5, 11), D(2026, 5, 18), HOLIDAYS) == 3
    assert working_days_between(D(2026, 5, 11), D(2026, 5, 11), HOLIDAYS) == 0
    with pytest.raises(ValueError):
        add_working_days(D(2026, 5, 11), 0, HOLIDAYS)
    every_day = {D(2026, 1, 1) + dt.timedelta(days=i) for i in range(366 * 6)}
    with pytest.raises(ValueError, match="no 1 working days"):
        workdays.add_working_days(D(2026, 1, 1), 1, every_day)


@pytest.mark.parametrize(("raw", "label", "start", "end"), [
    ("2026", "2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("2026-S1", "2026-S1", D(2026, 1, 1), D(2026, 6, 30)),
    ("2026 s2", "2026-S2", D(2026, 7, 1), D(2026, 12, 31)),
    ("2026-TW1", "2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
    ("2026/q4", "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
    ("2026-2", "2026-02", D(2026, 2, 1), D(2026, 2, 28)),
    ("2028-02", "2028-02", D(2028, 2, 1), D(2028, 2, 29)),
])
def test_periods(raw, label, start, end):
    period = parse_period(raw)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("raw", ["", "26", "2026-S3", "2026-Q5", "2026-13", "1999", "Mei 2026"])
def test_bad_periods(raw):
    with pytest.raises(ValueError):
        parse_period(raw)


def test_period_of_a_day():
    day = D(2026, 5, 14)
    assert [period_of(day, g).label for g in ("month", "quarter", "year")] == [
        "2026-05", "2026-Q2", "2026"]
    assert day in period_of(day, "quarter") and D(2026, 7, 1) not in period_of(day, "quarter")


def test_the_shipped_2026_calendar():
    # SKB 3 Menteri 2026: 17 hari libur nasional and 8 hari cuti bersama
    rows = holiday_import.read(REPO / "examples" / "hari-libur-2026.csv")
    kinds = [r.kind for r in rows]
    assert (kinds.count("national"), kinds.count("collective")) == (17, 8)
    days = {r.day for r in rows}
    assert HOLIDAYS <= days
    assert {D(2026, 2, 16), D(2026, 12, 24)} <= days  # cuti bersama Imlek, Natal
