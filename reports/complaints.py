"""Complaint handling per unit and period (SP4N-LAPOR!): how many reports came in, the share
verified and followed up within the working-day deadlines, and the open backlog.

Rules (deadline arithmetic in :mod:`asncore.workdays`, settings ``evaluation.*``):

- a report belongs to the period (month, quarter or year) of its **receipt date** in
  Ambon time;
- **verification** is due ``verify_working_days`` (default 3) working days after receipt;
  a report counts for the verified share once it is verified, or once its deadline day
  has passed on the evaluation day (``as_of``) without a verification: in time when the
  verification's WIT date is on or before the deadline day. Reports still within their
  deadline and unverified are left out (neither in time nor late);
- **follow-up** is due ``followup_working_days`` (default 5) working days after the
  verification (the report reaches the unit then), or after receipt when there is no
  verification time; counted the same way. Reports closed as *bukan kewenangan* or
  *diarsipkan* without a follow-up time are not the unit's to follow up and are left out;
- **backlog**: reports received on or before the period's last day (or ``as_of``, if
  earlier) and not closed by then; *bukan kewenangan* and *diarsipkan* reports are never
  backlog (the export gives no time for that decision);
- ``calendar_complete`` is False when the holiday table has no day in a year the period
  touches: deadlines then skip weekends only (import the year's calendar with
  ``asn-ambon libur import``).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from asncore.commands import settings_of
from asncore.db import Complaint, Unit, session_factory
from asncore.imports.complaints import import_complaints
from asncore.imports.holidays import holiday_dates
from asncore.periods import Period, parse_period, period_of
from asncore.settings import DEFAULTS
from asncore.workdays import deadline_date, local_date

NOT_THE_UNITS = ("not_authority", "archived")
GRANULARITY_NAMES = {"bulan": "month", "triwulan": "quarter", "tahun": "year",
                     "month": "month", "quarter": "quarter", "year": "year"}


@dataclass(frozen=True)
class ComplaintSummary:
    """Complaint handling of one unit in one period.

    - ``unit_code``, ``unit_name``, ``period`` (label: ``2026-03``, ``2026-Q1``,
      ``2026``), ``start`` and ``end`` (dates, WIT);
    - ``received``: reports received in the period;
    - ``verify_due`` / ``verified_in_time``: of those, the ones whose verification can be
      judged / was in time; ``verified_share`` = in time / due (None when none is due);
    - ``followup_due`` / ``followed_up_in_time`` / ``followed_up_share``: the same for
      the follow-up;
    - ``backlog``: open reports at the period's end (or ``as_of``), received at any time;
    - ``calendar_complete``: whether holidays are known for the period's years.
    """

    unit_code: str
    unit_name: str | None
    period: str
    start: dt.date
    end: dt.date
    received: int
    verify_due: int
    verified_in_time: int
    verified_share: float | None
    followup_due: int
    followed_up_in_time: int
    followed_up_share: float | None
    backlog: int
    calendar_complete: bool


@dataclass(frozen=True)
class Timing:
    """Whether a step is due on the evaluation day and whether it was in time."""

    due: bool
    in_time: bool


def step_timing(started: dt.datetime, done: dt.datetime | None, days: int,
                holidays: Collection[dt.date], today: dt.date) -> Timing:
    """A step of ``days`` working days that started at ``started`` (naive UTC)."""
    last_day = deadline_date(started, days, holidays)
    if done is not None:
        return Timing(True, local_date(done) <= last_day)
    return Timing(today > last_day, False)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summarise(complaints: Iterable, holidays: Collection[dt.date], periods: list[Period],
              verify_days: int, followup_days: int, as_of: dt.datetime,
              names: dict[str, str] | None = None,
              holiday_years: Collection[int] = ()) -> list[ComplaintSummary]:
    """The summaries of ``complaints`` (objects with the :class:`asncore.db.Complaint`
    attributes) over ``periods``, one per unit and period with reports or backlog."""
    today = local_date(as_of)
    names = names or {}
    rows: dict[tuple[str, str], dict[str, int]] = {}
    complaints = list(complaints)
    for period in periods:
        cutoff = min(period.end, today)
        for c in complaints:
            received = local_date(c.received_at)
            in_period = received in period
            open_at_end = (received <= cutoff and c.status not in NOT_THE_UNITS
                           and (c.closed_at is None or local_date(c.closed_at) > cutoff))
            if not (in_period or open_at_end):
                continue
            tally = rows.setdefault((c.unit_code, period.label), dict.fromkeys(
                ("received", "verify_due", "verified", "followup_due", "followed_up",
                 "backlog"), 0))
            tally["backlog"] += open_at_end
            if not in_period:
                continue
            tally["received"] += 1
            verify = step_timing(c.received_at, c.verified_at, verify_days, holidays, today)
            tally["verify_due"] += verify.due
            tally["verified"] += verify.in_time
            if c.followed_up_at is None and c.status in NOT_THE_UNITS:
                continue
            start = c.verified_at or c.received_at
            follow = step_timing(start, c.followed_up_at, followup_days, holidays, today)
            tally["followup_due"] += follow.due
            tally["followed_up"] += follow.in_time
    by_label = {p.label: p for p in periods}
    out = []
    for (unit, label), t in sorted(rows.items(), key=lambda i: (i[0][0], by_label[i[0][1]])):
        p = by_label[label]
        years = range(p.start.year, p.end.year + 1)
        out.append(ComplaintSummary(
            unit, names.get(unit), label, p.start, p.end, t["received"],
            t["verify_due"], t["verified"], _share(t["verified"], t["verify_due"]),
            t["followup_due"], t["followed_up"], _share(t["followed_up"], t["followup_due"]),
            t["backlog"], all(y in holiday_years for y in years)))
    return out


def periods_between(first: dt.date, last: dt.date, granularity: str) -> list[Period]:
    """Every month, quarter or year from the one containing ``first`` to ``last``'s."""
    out, day = [], first
    while True:
        period = period_of(day, granularity)
        out.append(period)
        if last <= period.end:
            return out
        day = period.end + dt.timedelta(days=1)


def complaint_summary(session, settings: dict | None = None, period: str | None = None, *,
                      by: str = "month", as_of: dt.datetime | None = None
                      ) -> list[ComplaintSummary]:
    """Per unit and period, sorted by unit then period: ``period`` alone when given (any
    spelling of :mod:`asncore.periods`), else every month (``by``: month, quarter, year)
    from the first to the last receipt. ``as_of`` (default now, aware or naive UTC) is
    the evaluation moment; ``settings`` gives the deadlines (default 3 and 5 days)."""
    evaluation = (settings or DEFAULTS)["evaluation"]
    as_of = as_of or dt.datetime.now(dt.UTC)
    complaints = list(session.scalars(select(Complaint)))
    if period is not None:
        periods = [parse_period(period)]
    elif complaints:
        days = [local_date(c.received_at) for c in complaints]
        periods = periods_between(min(days), max(days), GRANULARITY_NAMES[by])
    else:
        return []
    holidays = holiday_dates(session)
    names = {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
    return summarise(complaints, holidays, periods, evaluation["verify_working_days"],
                     evaluation["followup_working_days"], as_of, names,
                     {d.year for d in holidays})


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def format_summaries(summaries: list[ComplaintSummary], settings: dict) -> str:
    ev = settings["evaluation"]
    header = (f"{'Unit':<16}{'Periode':<10}{'Masuk':>6}"
              f"{'Verif. ≤' + str(ev['verify_working_days']) + ' hk':>16}"
              f"{'Tindak lanjut ≤' + str(ev['followup_working_days']) + ' hk':>22}"
              f"{'Tunggakan':>11}")
    lines = [header]
    for s in summaries:
        lines.append(
            f"{s.unit_code:<16}{s.period:<10}{s.received:>6}"
            f"{f'{s.verified_in_time}/{s.verify_due} ({_percent(s.verified_share)})':>16}"
            f"{f'{s.followed_up_in_time}/{s.followup_due} ({_percent(s.followed_up_share)})':>22}"
            f"{s.backlog:>11}")
    missing = sorted({s.period[:4] for s in summaries if not s.calendar_complete})
    if missing:
        lines.append(f"PERHATIAN: belum ada hari libur untuk tahun {', '.join(missing)}; "
                     "tenggat hanya melewati Sabtu/Minggu (asn-ambon libur import BERKAS).")
    return "\n".join(lines)


def run_complaints_import(args: argparse.Namespace) -> None:
    done = import_complaints(settings_of(args)["database"]["platform_url"], args.file)
    print(f"Pengaduan {args.file}: {done.summary()}.")


def run_complaints_summary(args: argparse.Namespace) -> None:
    settings = settings_of(args)
    with session_factory(settings["database"]["platform_url"])() as db:
        summaries = complaint_summary(db, settings, args.periode, by=GRANULARITY_NAMES[args.per])
    if not summaries:
        print("Belum ada pengaduan untuk periode itu.")
        return
    print(format_summaries(summaries, settings))


def add_complaints_command(subparsers: argparse._SubParsersAction) -> None:
    complaints = subparsers.add_parser("pengaduan", help="pengaduan SP4N-LAPOR! / complaints")
    sub = complaints.add_subparsers(dest="pengaduan_command", required=True)
    cmd = sub.add_parser("import", help="impor ekspor SP4N-LAPOR! (CSV/XLSX; id, unit, "
                         "kategori, diterima, diverifikasi, ditindaklanjuti, selesai, status)")
    cmd.add_argument("file")
    cmd.set_defaults(run=run_complaints_import)
    cmd = sub.add_parser("ringkasan", help="per unit dan periode: jumlah, tepat waktu, tunggakan")
    cmd.add_argument("--periode", help="hanya periode ini (2026, 2026-Q1, 2026-03, ...)")
    cmd.add_argument("--per", choices=("bulan", "triwulan", "tahun"), default="bulan",
                     help="periode ringkasan bila --periode tidak diberikan (default: bulan)")
    cmd.set_defaults(run=run_complaints_summary)
