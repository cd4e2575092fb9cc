"""Follow-up of the evaluation loop (issue 11, point 5): per unit and period, what the public
says (IKM, complaint handling) beside what the unit's people learnt (module completion, JP,
pre/post gain), and per unit a "sebelum/sesudah" comparison. A comparison, not proof of
cause: IKM and complaints move for many reasons besides training.

Rules
=====

Periods
    One kind for the whole table: ``year``, ``semester``, ``quarter`` or ``month``
    (:data:`GRANULARITIES`); by default the coarsest kind of the stored IKM periods, so
    that every survey fits in one row (``semester`` when there is no IKM). A survey period
    finer than the rows (a quarter's survey in semester rows) counts in the row that holds
    it; a coarser one (a yearly survey in semester rows) is left out.

Units
    Every unit with IKM counts or complaints of its own, or only the unit asked for. Rows
    run from the unit's first period with IKM or a complaint (the first such period of
    any unit, for a unit without) to the last period with any data, never past the period
    of ``as_of``.

IKM (per unit and period)
    The answer counts of every service of the unit whose survey period lies in the row's
    period, pooled (all respondents of the unit) and computed as in :mod:`asncore.ikm`:
    index (two decimals), grade and label; ``ikm_services`` counts the (service, survey
    period) pairs pooled. Only the unit's own surveys: a sub-unit's survey stays its own.

Complaints (per unit and period)
    :func:`reports.complaints.summarise` over the row periods: received, verified and
    followed up in time (shares of those due), open backlog at the period's end. All
    ``None`` when the unit received nothing in the period and had nothing open.

Training (per unit and period; the unit and its sub-units, as the dashboard rolls up)
    ``employees``: active employees whose unit at the period's last day (the latest
    unit-history row dated by then, else their current unit) lies in the unit's subtree.
    ``completed``: those of them with a platform module credited (JP ledger kind
    ``platform``) whose end date is in the period; ``completion_share`` = completed /
    employees; ``modules_completed`` counts those ledger rows; ``jp_credited`` sums the
    JP of every ledger row (platform and external) ending in the period.
    Pre/post: per (employee, course) the pre and post percentages of
    :func:`reports.engine.gain_table`; a pair with both counts in the period of its last
    post-test item (Ambon date). ``mean_gain`` = mean of post - pre in percentage points.

Privacy (``min_group_size``, default 5, as for ASN's voice)
    No row is about one person. ``mean_gain`` and ``gain_people`` (distinct people behind
    the pairs) are shown only when at least ``min_group_size`` people took both tests in
    the unit and period; for 1 to ``min_group_size - 1`` people both are ``None`` and
    ``gain_hidden`` is True (no count at all, as ASN's voice does); for nobody,
    ``gain_people`` is 0. Completion counts are shown at any size: HR reads each person's
    JP and pre/post on the dashboard already, so a sub-unit's figure is no secret from HR.

Sebelum/sesudah (per unit)
    ``first_training``: the first period (over all data, also before the table starts) in
    which the unit completed a platform module. ``before``: the unit's latest row with
    feedback (an IKM or a complaint summary) ending before that period; ``after``: its
    latest row with feedback from that period on. Changes are after - before, for figures
    both rows have. ``status``: ``ok``, ``no_training``, ``no_before`` or ``no_after``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from asncore.constants import LOCAL_TZ
from asncore.db import Complaint, IkmCount
from asncore.ikm import Counts, IkmResult, compute
from asncore.imports.holidays import holiday_dates
from asncore.periods import Period, parse_period
from asncore.units import ancestries
from asncore.workdays import local_date
from reports import frames
from reports.complaints import ComplaintSummary, summarise
from reports.engine import Grid, evidence, gain_table
from reports.schema import empty, validate

GRANULARITIES = ("year", "semester", "quarter", "month")  # coarsest first
DEFAULT_GRANULARITY = "semester"
SPAN_MONTHS = {12: "year", 6: "semester", 3: "quarter", 1: "month"}

EMPLOYEES = {k: frames.EMPLOYEES[k] for k in ("username", "unit_code", "active")}
LEDGER = {k: frames.JP_ENTRIES[k] for k in ("username", "jp", "end_date", "kind")}
IKM_COUNTS = {
    "unit_code": ("str", False), "service": ("str", False), "period": ("str", False),
    "element": ("str", False), "answers_1": ("int", False), "answers_2": ("int", False),
    "answers_3": ("int", False), "answers_4": ("int", False),
}


class ComplaintRecord(NamedTuple):
    """What :func:`reports.complaints.summarise` reads of a complaint (times naive UTC)."""

    unit_code: str
    status: str
    received_at: dt.datetime
    verified_at: dt.datetime | None = None
    followed_up_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class FollowupConfig:
    granularity: str | None = None  # None: the coarsest IKM period kind (module docstring)
    ikm_weight: str = "1/9"
    verify_days: int = 3
    followup_days: int = 5
    min_group_size: int = 5
    as_of: dt.datetime = field(default_factory=_utcnow)  # naive UTC

    def __post_init__(self):
        if self.granularity is not None and self.granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {GRANULARITIES}: {self.granularity!r}")

    @classmethod
    def from_settings(cls, evaluation: dict, **kw) -> FollowupConfig:
        """From the settings' ``evaluation`` section."""
        return cls(ikm_weight=evaluation["ikm_weight"],
                   verify_days=evaluation["verify_working_days"],
                   followup_days=evaluation["followup_working_days"],
                   min_group_size=evaluation["min_group_size"], **kw)


@dataclass
class FollowupInputs:
    """Frames by the specs above and in :mod:`reports.frames`; a frame left out is empty.
    ``item_scores`` needs only its pre- and post-test rows."""

    units: pd.DataFrame = field(default_factory=lambda: empty(frames.UNITS))
    employees: pd.DataFrame = field(default_factory=lambda: empty(EMPLOYEES))
    unit_history: pd.DataFrame = field(default_factory=lambda: empty(frames.UNIT_HISTORY))
    item_scores: pd.DataFrame = field(default_factory=lambda: empty(frames.ITEM_SCORES))
    jp_entries: pd.DataFrame = field(default_factory=lambda: empty(LEDGER))
    ikm_counts: pd.DataFrame = field(default_factory=lambda: empty(IKM_COUNTS))
    complaints: Sequence[ComplaintRecord] = ()
    holidays: Collection[dt.date] = frozenset()


@dataclass(frozen=True)
class FollowupRow:
    """One unit in one period; ``None`` where there is nothing to show (module docstring)."""

    unit_code: str
    unit_name: str
    period: str
    start: dt.date
    end: dt.date
    ikm_index: Decimal | None
    ikm_grade: str | None
    ikm_label: str | None
    ikm_respondents: int | None
    ikm_services: int
    complaints_received: int | None
    verified_share: float | None
    followed_up_share: float | None
    backlog: int | None
    calendar_complete: bool | None
    employees: int
    completed: int
    completion_share: float | None
    modules_completed: int
    jp_credited: float
    gain_people: int | None
    mean_gain: float | None
    gain_hidden: bool

    @property
    def has_feedback(self) -> bool:
        return self.ikm_index is not None or self.complaints_received is not None


@dataclass(frozen=True)
class Comparison:
    unit_code: str
    unit_name: str
    status: str  # ok | no_training | no_before | no_after
    first_training: str | None
    before: FollowupRow | None
    after: FollowupRow | None
    ikm_change: float | None
    verified_share_change: float | None
    followed_up_share_change: float | None
    backlog_change: int | None


@dataclass(frozen=True)
class Followup:
    granularity: str
    rows: list[FollowupRow]  # by unit code, then period
    comparisons: list[Comparison]  # by unit code


# ---- periods ---------------------------------------------------------------------------


def kind_of(period: Period) -> str:
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    return SPAN_MONTHS[months + 1]


def period_containing(day: dt.date, granularity: str) -> Period:
    label = {"year": f"{day.year}",
             "semester": f"{day.year}-S{1 if day.month <= 6 else 2}",
             "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
             "month": f"{day.year}-{day.month:02d}"}[granularity]
    return parse_period(label)


def periods_between(first: dt.date, last: dt.date, granularity: str) -> list[Period]:
    out = [period_containing(first, granularity)]
    while out[-1].end < last:
        out.append(period_containing(out[-1].end + dt.timedelta(days=1), granularity))
    return out


def choose_granularity(ikm_periods: Collection[str]) -> str:
    kinds = {kind_of(parse_period(label)) for label in ikm_periods}
    return next((g for g in GRANULARITIES if g in kinds), DEFAULT_GRANULARITY)


def _local_days(stamps: pd.Series) -> pd.Series:
    return stamps.dt.tz_localize("UTC").dt.tz_convert(LOCAL_TZ).dt.date


# ---- IKM -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitIkm:
    result: IkmResult
    services: int


def ikm_per_row(counts: pd.DataFrame, granularity: str, weight: str
                ) -> dict[tuple[str, str], UnitIkm]:
    """(unit, row period label) -> the pooled IKM of the unit's surveys in that period."""
    pooled: dict[tuple[str, str], dict[str, Counts]] = defaultdict(dict)
    services: dict[tuple[str, str], set] = defaultdict(set)
    for row in counts.itertuples(index=False):
        survey = parse_period(row.period)
        holder = period_containing(survey.start, granularity)
        if holder.end < survey.end:
            continue  # a survey period coarser than the rows
        key = (row.unit_code, holder.label)
        given = Counts(int(row.answers_1), int(row.answers_2), int(row.answers_3),
                       int(row.answers_4))
        pooled[key][row.element] = pooled[key].get(row.element, Counts()) + given
        services[key].add((row.service, row.period))
    return {key: UnitIkm(compute(elements, weight), len(services[key]))
            for key, elements in pooled.items()}


# ---- training --------------------------------------------------------------------------


def _ancestors(units: pd.DataFrame) -> pd.DataFrame:
    parents = {c: (None if pd.isna(p) else p) for c, p in zip(units["code"], units["parent_code"])}
    pairs = [(code, a) for code, chain in ancestries(parents).items() for a in chain]
    return pd.DataFrame(pairs, columns=["code", "ancestor"], dtype="str")


def units_on(employees: pd.DataFrame, history: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """(username, unit_code) of the active employees, in their unit on ``day``."""
    active = employees[employees["active"]]
    known = history[history["valid_from"] <= day]
    latest = (known.sort_values(["username", "valid_from"], kind="stable")
              .drop_duplicates("username", keep="last").set_index("username")["unit_code"])
    then = active["username"].map(latest)
    return pd.DataFrame({"username": active["username"],
                         "unit_code": then.where(then.notna(), active["unit_code"])})


def pre_post_pairs(items: pd.DataFrame) -> pd.DataFrame:
    """(username, course, diff, day): pre and post of an (employee, course) with both;
    ``day`` the Ambon date of the last post-test item."""
    if items.empty:
        return pd.DataFrame({"username": pd.Series(dtype="str"), "course": pd.Series(dtype="str"),
                             "diff": pd.Series(dtype="float64"), "day": pd.Series(dtype="object")})
    people = pd.DataFrame({"username": items["username"].unique()})
    scored = evidence(items, Grid.of(people, empty(frames.COMPETENCIES)))
    gain = gain_table(scored)
    both = gain[gain["pre_pct"].notna() & gain["post_pct"].notna()]
    posts = scored[scored["is_post"] & scored["submitted_at"].notna()]
    last_post = posts.groupby(["username", "course"], as_index=False)["submitted_at"].max()
    pairs = both.merge(last_post, on=["username", "course"])
    return pd.DataFrame({"username": pairs["username"], "course": pairs["course"],
                         "diff": pairs["post_pct"] - pairs["pre_pct"],
                         "day": _local_days(pairs["submitted_at"])})


@dataclass(frozen=True)
class UnitTraining:
    employees: int = 0
    completed: int = 0
    modules: int = 0
    jp: float = 0.0
    gain_people: int = 0
    mean_gain: float | None = None


def training_per_row(data: FollowupInputs, periods: list[Period], pairs: pd.DataFrame
                     ) -> dict[tuple[str, str], UnitTraining]:
    """(unit, period label) -> the training figures of the unit's subtree."""
    ancestors = _ancestors(data.units)
    ledger = data.jp_entries
    out: dict[tuple[str, str], UnitTraining] = {}
    for period in periods:
        placed = units_on(data.employees, data.unit_history, period.end).merge(
            ancestors, left_on="unit_code", right_on="code")[["username", "ancestor"]]
        ends = ledger["end_date"]
        in_period = ledger[(ends >= period.start) & (ends <= period.end)]
        per_person = in_period.assign(module=in_period["kind"] == "platform").groupby(
            "username").agg(modules=("module", "sum"), jp=("jp", "sum"))
        people = placed.join(per_person, on="username").fillna({"modules": 0, "jp": 0.0})
        per_unit = people.groupby("ancestor").agg(
            employees=("username", "size"), completed=("modules", lambda m: int((m > 0).sum())),
            modules=("modules", "sum"), jp=("jp", "sum"))
        tested = pairs[(pairs["day"] >= period.start) & (pairs["day"] <= period.end)]
        gains = tested.merge(placed, on="username").groupby("ancestor").agg(
            people=("username", "nunique"), mean=("diff", "mean"))
        for unit, t in per_unit.iterrows():
            g = gains.loc[unit] if unit in gains.index else None
            out[(unit, period.label)] = UnitTraining(
                int(t["employees"]), int(t["completed"]), int(t["modules"]), float(t["jp"]),
                int(g["people"]) if g is not None else 0,
                float(g["mean"]) if g is not None else None)
    return out


# ---- rows and comparison ---------------------------------------------------------------


def _row(unit: str, name: str, period: Period, ikm: UnitIkm | None,
         complaints: ComplaintSummary | None, training: UnitTraining, min_group: int
         ) -> FollowupRow:
    shown = training.gain_people == 0 or training.gain_people >= min_group
    return FollowupRow(
        unit, name, period.label, period.start, period.end,
        ikm.result.index if ikm else None, ikm.result.grade if ikm else None,
        ikm.result.label if ikm else None, ikm.result.respondents if ikm else None,
        ikm.services if ikm else 0,
        complaints.received if complaints else None,
        complaints.verified_share if complaints else None,
        complaints.followed_up_share if complaints else None,
        complaints.backlog if complaints else None,
        complaints.calendar_complete if complaints else None,
        training.employees, training.completed,
        training.completed / training.employees if training.employees else None,
        training.modules, training.jp,
        training.gain_people if shown else None, training.mean_gain if shown else None,
        0 < training.gain_people < min_group)


def _change(after, before):
    if after is None or before is None:
        return None
    return round(float(after) - float(before), 4)


def compare(unit: str, name: str, rows: list[FollowupRow], first: str | None,
            first_start: dt.date | None) -> Comparison:
    """The unit's sebelum/sesudah (``rows`` ordered by period)."""
    if first is None:
        return Comparison(unit, name, "no_training", None, None, None, None, None, None, None)
    fed = [r for r in rows if r.has_feedback]
    before = next((r for r in reversed(fed) if r.end < first_start), None)
    after = next((r for r in reversed(fed) if r.start >= first_start), None)
    status = "no_before" if before is None else "no_after" if after is None else "ok"
    if status != "ok":
        return Comparison(unit, name, status, first, before, after, None, None, None, None)
    backlog = None if after.backlog is None or before.backlog is None else \
        after.backlog - before.backlog
    return Comparison(unit, name, status, first, before, after,
                      _change(after.ikm_index, before.ikm_index),
                      _change(after.verified_share, before.verified_share),
                      _change(after.followed_up_share, before.followed_up_share), backlog)


def _validated(data: FollowupInputs) -> FollowupInputs:
    items = validate(data.item_scores, frames.ITEM_SCORES, "item_scores")
    return FollowupInputs(
        units=validate(data.units, frames.UNITS, "units", ["code"]),
        employees=validate(data.employees, EMPLOYEES, "employees", ["username"]),
        unit_history=validate(data.unit_history, frames.UNIT_HISTORY, "unit_history"),
        item_scores=items[items["kind"].isin(["pre", "post"])].reset_index(drop=True),
        jp_entries=validate(data.jp_entries, LEDGER, "jp_entries"),
        ikm_counts=validate(data.ikm_counts, IKM_COUNTS, "ikm_counts"),
        complaints=list(data.complaints), holidays=frozenset(data.holidays))


def followup(data: FollowupInputs, config: FollowupConfig, unit: str | None = None) -> Followup:
    """The rows and comparisons of the module docstring; ``unit`` must be a known code."""
    data = _validated(data)
    names = dict(zip(data.units["code"], data.units["name"]))
    if unit is not None and unit not in names:
        raise KeyError(f"unit '{unit}' tidak dikenal")
    today = local_date(config.as_of)
    granularity = config.granularity or choose_granularity(set(data.ikm_counts["period"]))
    ikm = ikm_per_row(data.ikm_counts, granularity, config.ikm_weight)
    feedback_days: dict[str, list[dt.date]] = defaultdict(list)
    for code, label in ikm:
        feedback_days[code].append(parse_period(label).start)
    for c in data.complaints:
        feedback_days[c.unit_code].append(local_date(c.received_at))
    all_feedback = [d for days in feedback_days.values() for d in days]
    if not all_feedback:
        return Followup(granularity, [], [])
    scope = [unit] if unit else sorted(feedback_days)
    complaints = [c for c in data.complaints if c.unit_code in scope]
    pairs = pre_post_pairs(data.item_scores)
    platform = data.jp_entries[data.jp_entries["kind"] == "platform"]
    training_days = list(platform["end_date"]) + list(pairs["day"])
    last = min(max(all_feedback + [d for d in training_days if d <= today]), today)
    first = min(all_feedback + training_days)
    periods = periods_between(first, max(last, first), granularity)
    training = training_per_row(data, periods, pairs)
    summaries = {(s.unit_code, s.period): s for s in summarise(
        complaints, data.holidays, periods, config.verify_days, config.followup_days,
        config.as_of, names, {d.year for d in data.holidays})}

    rows, comparisons = [], []
    for code in scope:
        unit_first = min(feedback_days.get(code) or all_feedback)
        mine = [_row(code, names.get(code, code), p, ikm.get((code, p.label)),
                     summaries.get((code, p.label)), training.get((code, p.label), UnitTraining()),
                     config.min_group_size)
                for p in periods]
        first_trained = next((r for r in mine if r.completed > 0), None)
        shown = [r for r in mine if r.end >= unit_first]
        rows += shown
        comparisons.append(compare(code, names.get(code, code), shown,
                                   first_trained.period if first_trained else None,
                                   first_trained.start if first_trained else None))
    return Followup(granularity, rows, comparisons)


# ---- loading ---------------------------------------------------------------------------

QUERIES = {
    "units": "SELECT code, name, parent_code FROM units",
    "employees": "SELECT username, unit_code, active FROM employees",
    "unit_history": "SELECT username, unit_code, valid_from FROM unit_memberships",
    "item_scores": """SELECT username, course, assignment, kind, notebook, grade_id, competency,
                             level AS item_level, score, max_score, submitted_at
                      FROM item_scores WHERE kind IN ('pre', 'post')""",
    "jp_entries": "SELECT username, jp, end_date, kind FROM jp_ledger",
    "ikm_counts": """SELECT unit_code, service, period, element, answers_1, answers_2,
                            answers_3, answers_4 FROM ikm_counts""",
}
DATES = {"unit_history": ["valid_from"], "item_scores": ["submitted_at"],
         "jp_entries": ["end_date"]}


def load_training_frames(engine: Engine) -> dict[str, pd.DataFrame]:
    """The frames that change with the report data (:func:`reports.load.data_version`
    covers their tables): units, employees, unit history, pre/post items, the JP ledger."""
    out = {}
    with engine.connect() as conn:
        for name in ("units", "employees", "unit_history", "item_scores", "jp_entries"):
            out[name] = pd.read_sql(text(QUERIES[name]), conn, parse_dates=DATES.get(name))
    out["employees"]["active"] = out["employees"]["active"].astype(bool)
    out["unit_history"]["valid_from"] = out["unit_history"]["valid_from"].dt.date
    out["jp_entries"]["end_date"] = out["jp_entries"]["end_date"].dt.date
    return out


def load_feedback(engine: Engine) -> dict:
    """IKM counts, complaints and holidays: small tables, read fresh on every call so an
    import (from the service or the command line) shows at once."""
    with Session(engine) as db:
        complaints = [ComplaintRecord(c.unit_code, c.status, c.received_at, c.verified_at,
                                      c.followed_up_at, c.closed_at)
                      for c in db.scalars(select(Complaint))]
        counts = pd.DataFrame(
            [(r.unit_code, r.service, r.period, r.element, r.answers_1, r.answers_2,
              r.answers_3, r.answers_4) for r in db.scalars(select(IkmCount))],
            columns=list(IKM_COUNTS))
        return {"ikm_counts": counts, "complaints": complaints, "holidays": holiday_dates(db)}


def followup_from_db(engine: Engine, config: FollowupConfig, unit: str | None = None,
                     training: dict[str, pd.DataFrame] | None = None) -> Followup:
    """:func:`followup` of the platform database; ``training``: frames of
    :func:`load_training_frames` already loaded (a cache), else loaded now."""
    training = training if training is not None else load_training_frames(engine)
    return followup(FollowupInputs(**training, **load_feedback(engine)), config, unit)
