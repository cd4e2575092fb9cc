"""The reports engine: competency levels, gaps, JP compliance, pre/post gain, unit roll-ups
and trends, as pure functions of the frames in :mod:`reports.frames`.

No I/O, no database, no settings: :func:`build` takes :class:`Inputs` and a
:class:`ReportConfig` and returns a :class:`Report`. Inputs are validated on entry and every
output frame is validated before it is returned (:func:`reports.schema.validate`); a bad
input raises :class:`reports.schema.FrameError` naming the frame, column and rows.

The rules (the reference HR reads)
==================================

Input checks, beyond the column kinds
    Usernames, unit codes and competency codes are unique; a required level is given once
    per (position type, position, competency) and lies in 1..5. Every ``parent_code``
    names a known unit and units never nest in a circle (the error names the units of
    the circle). Item kinds are pre, post, task or other; item levels lie in 1..5;
    ``max_score`` is not negative. JP kinds are platform or external.

Selected employees
    Active employees of every role; inactive ones (moved away, retired) only with
    ``include_inactive``. Each employee counts in their unit OF THE REPORT YEAR: the unit
    of their latest unit-history row (``unit_history``, one row per move, written by the
    roster import) dated on or before 31 December of the year; without such a row, their
    current unit. So a report on a past year puts someone who moved since in the unit
    they belonged to then, and this year's report in the unit they belong to now. With
    ``unit`` set, only employees whose unit (of the year) is that unit or one of its
    descendants (units nest through ``parent_code``). Employees are listed by unit code,
    then name. An employee whose unit is missing from the units table is reported on,
    but counts in no unit's roll-up.

Evidence
    Items with ``max_score`` 0 carry no evidence and are dropped everywhere (levels,
    item counts, gain, trends). Items of employees outside the selection are ignored;
    items tagged with a competency missing from the dictionary do not count for levels
    or trends (they still count for the pre/post gain of their course). Items submitted
    after the report year are left out, so a report on a past year shows the levels as
    they stood at its end; items without a submission time always count.

Counted items (for levels)
    Every task and other item and every post-test item. Pre-test items count only for an
    (employee, course) without any post-test item: the pre-test is the baseline until a
    post-test exists.

Level of an employee on a competency (an indication, from knowledge tests)
    The level is what the platform's graded items indicate, not a competency assessment
    in the sense of PermenPANRB 38/2017 (which needs assessment-centre or workplace
    evidence); reports call it "indikasi level, berbasis tes pengetahuan". Group the
    counted items by item level L (1..5). For each L with items:

    - n_L items, of which r_L are task items (kind "task": the written task a trainer
      scores with a rubric) and s_L are *slips* (items scored below their max_score);
      share_L = sum(score) / sum(max_score).
    - L is **backed** when n_L >= ``min_items`` (default 3) or r_L >= 1: a level claimed
      on one or two test items is not claimed at all.
    - L is **mastered** when it is backed and either share_L reaches
      ``mastery_thresholds[L-1]`` (default 0.70, 0.70, 0.75, 0.75, 0.80; compared with a
      1e-9 tolerance for rounding), or n_L >= ``min_items`` and s_L <= 1. So one slip
      never decides a level: with three one-point items at a level, two right is enough.

    The level reached is the highest backed L that is mastered such that every backed
    level below it is mastered too. Levels that are not backed neither block nor grant:
    one wrong answer on a lone level-1 item no longer drops a learner with a mastered
    level-3 task to 0. The level is 0 when the lowest backed level is not mastered
    ("di bawah level terendah yang diuji").

    ``evidence`` says which case a row is: "dinilai" (a level 0..5), "bukti belum cukup"
    (counted items, but no backed level: no level is shown), "belum dinilai" (no counted
    items: no level is shown, never 0). ``level_items`` is the number of items behind the
    level: those of item level L for a level L >= 1, those of the lowest backed level for
    level 0, 0 without a level; ``level_rubric`` how many of them are task items.
    ``items``, ``score`` and ``max_score`` sum every counted item of the competency. The
    levels table has one row for every selected employee and every competency of the
    dictionary, missing levels included.

Required level and gap
    For each competency, a required-level row for the employee's (position type,
    position) overrides the row for the position type with an empty position; with
    neither, nothing is required (missing). gap = level - required when both are
    present, otherwise missing; a negative gap is a shortfall.

JP compliance (for the report year)
    Ledger rows whose year is the report year. jp_platform sums kind "platform",
    jp_external kind "external", jp_total both. ``target`` is the yearly JP of the
    employee's status from ``jp_targets`` (default PNS 20, PPPK 24; an unknown status
    gets the PNS number), and ``rule`` says what it is:

    - "minimum" (every status but PPPK): PNS have the right to at least 20 JP a year
      (PP 11/2017 as amended by PP 17/2020, Pasal 203 ayat (4)). shortfall =
      max(0, target - total), excess = 0, compliant when total >= target.
    - "ceiling" (PPPK, :data:`asncore.constants.JP_CEILING_STATUSES`): competency
      development of a PPPK is *paling lama* 24 JP per contract year (PP 49/2018 Pasal 40
      ayat (1)), a maximum, never a target. shortfall = 0 always (fewer JP is no
      shortfall), excess = max(0, total - target), compliant when total <= target.

    Employees without ledger rows get zeros (a PNS is then not compliant unless the
    target is 0; a PPPK is).

Pre/post gain (per employee and course with pre- and/or post-test items)
    pre_pct = 100 * sum(score) / sum(max_score) over the course's pre-test items,
    post_pct likewise over its post-test items. Status and normalised gain:
    "lengkap" (both, pre below 100): gain = (post - pre) / (100 - pre);
    "pre-test sempurna" (both, pre of 100 or more): gain missing;
    "belum post-test" (pre only) and "belum pre-test" (post only): gain missing.
    Per course: n_pre, n_post, n_both count employees; mean_pre and mean_post average
    every available value; mean_gain averages the individual gains (missing if none);
    class_gain (Hake) = (mean post - mean pre) / (100 - mean pre) over the employees
    having both tests only (missing if there are none or their mean pre is 100).

Unit summary (per unit and competency)
    Every unit of the selection (the ``unit`` subtree, or all units) rolls up itself and
    all its descendants, by the unit of the report year: employees = selected employees in the subtree
    (inactive ones too with ``include_inactive``); assessed = those with a level;
    mean_level over the levels present; mean_gap over the gaps present; pct_meeting =
    100 * (rows with gap >= 0) / (rows with a gap), missing when no row has a gap. Every
    unit appears with every competency, even without employees (counts 0, means
    missing).

Distribution
    Per unit (rolled up the same way), competency and level 0..5: the number of
    employees at that level. All six levels are always listed, zeros included, for every
    unit and competency, so charts need no filling; ``assessed`` in the unit summary
    tells an empty unit from an unassessed one.

Trends
    Periods are years ("2026") or, with ``period="quarter"``, quarters ("2026-Q3"),
    without gaps, from the period of the earliest to the period of the latest
    submitted item, and never past the report year's end (items submitted later are
    left out). At each period's end the level of every selected employee on every
    competency is computed with the same rules from the items submitted until then
    (cumulative; a pre-test counts until its course's post-test has been submitted).
    assessed counts the employees with a level, mean_level averages their levels.
    Items without ``submitted_at`` are left out of trends only. Times are UTC (see
    :mod:`reports.schema`), so period boundaries are UTC midnights.

Levels, gain and the unit summary use every item regardless of its date; the JP ledger
is filtered by year; the trends stop at the report year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from asncore.constants import (
    JP_CEILING_PPPK,
    JP_CEILING_STATUSES,
    JP_TARGET_PNS,
    LEVELS,
    MASTERY_THRESHOLDS,
)
from asncore.units import ancestries, find_cycle
from reports import frames
from reports.schema import FrameError, empty, require, validate

__all__ = ["FrameError", "Inputs", "Report", "ReportConfig", "build"]

ITEM_KINDS = ("pre", "post", "task", "other")
JP_KINDS = ("platform", "external")
LEVEL_NUMBERS = LEVELS
DISTRIBUTION_LEVELS = (0, *LEVELS)
PERIODS = ("year", "quarter")
TOLERANCE = 1e-9  # mastery is compared with its threshold up to rounding
MIN_ITEMS_PER_LEVEL = 3  # items that back a level without a trainer-scored task item

EVIDENCE_ASSESSED = "dinilai"
EVIDENCE_TOO_FEW = "bukti belum cukup"
EVIDENCE_NONE = "belum dinilai"
JP_MINIMUM = "minimum"
JP_CEILING = "ceiling"

STATUS_COMPLETE = "lengkap"
STATUS_PERFECT_PRE = "pre-test sempurna"
STATUS_NO_POST = "belum post-test"
STATUS_NO_PRE = "belum pre-test"

EVIDENCE_COLUMNS = (
    "username",
    "course",
    "kind",
    "competency",
    "item_level",
    "score",
    "max_score",
    "submitted_at",
)
SELECTED_EMPLOYEES = {**frames.EMPLOYEES, "unit_name": ("str", True)}


def _default_jp_targets() -> dict[str, float]:
    return {"PNS": float(JP_TARGET_PNS), "PPPK": float(JP_CEILING_PPPK)}


@dataclass(frozen=True)
class ReportConfig:
    """What to report on; the module docstring says what each field changes."""

    year: int
    mastery_thresholds: tuple[float, ...] = MASTERY_THRESHOLDS
    jp_targets: Mapping[str, float] = field(default_factory=_default_jp_targets)
    min_items: int = MIN_ITEMS_PER_LEVEL
    unit: str | None = None
    period: str = "year"
    include_inactive: bool = False

    def __post_init__(self):
        thresholds = tuple(float(t) for t in self.mastery_thresholds)
        if len(thresholds) != len(LEVEL_NUMBERS) or not all(0 <= t <= 1 for t in thresholds):
            raise ValueError(
                "mastery_thresholds: need 5 values between 0 and 1 (levels 1..5), "
                f"got {self.mastery_thresholds!r}"
            )
        targets = {str(status): float(jp) for status, jp in dict(self.jp_targets).items()}
        if "PNS" not in targets:
            raise ValueError(
                "jp_targets: the PNS target is required (it is also the target of other statuses)"
            )
        if isinstance(self.min_items, bool) or not isinstance(self.min_items, int) \
                or self.min_items < 1:
            raise ValueError(f"min_items: need a whole number >= 1, got {self.min_items!r}")
        if self.period not in PERIODS:
            raise ValueError(f"period: expected one of {PERIODS}, got {self.period!r}")
        object.__setattr__(self, "year", int(self.year))
        object.__setattr__(self, "mastery_thresholds", thresholds)
        object.__setattr__(self, "jp_targets", targets)

    def __hash__(self):  # usable as a cache key despite the jp_targets dict
        targets = tuple(sorted(self.jp_targets.items()))
        fields = (self.year, self.mastery_thresholds, targets, self.min_items, self.unit,
                  self.period)
        return hash((*fields, self.include_inactive))


def _no_rows(spec):
    return field(default_factory=lambda: empty(spec))


@dataclass
class Inputs:
    """The input frames (specs in :mod:`reports.frames`); a frame left out has no rows."""

    employees: pd.DataFrame = _no_rows(frames.EMPLOYEES)
    units: pd.DataFrame = _no_rows(frames.UNITS)
    unit_history: pd.DataFrame = _no_rows(frames.UNIT_HISTORY)
    competencies: pd.DataFrame = _no_rows(frames.COMPETENCIES)
    required_levels: pd.DataFrame = _no_rows(frames.REQUIRED_LEVELS)
    item_scores: pd.DataFrame = _no_rows(frames.ITEM_SCORES)
    jp_entries: pd.DataFrame = _no_rows(frames.JP_ENTRIES)


@dataclass
class Report:
    """Everything the renderers read, each frame validated against its spec.

    ``employees`` is the selection (EMPLOYEES plus ``unit_name``, by unit then name),
    ``units`` the units of the selection, ``competencies`` the dictionary, ``jp_entries``
    the report year's ledger rows of the selected employees; the other frames follow the
    output specs of :mod:`reports.frames` (``jp`` is JP_COMPLIANCE).
    """

    config: ReportConfig
    employees: pd.DataFrame
    units: pd.DataFrame
    competencies: pd.DataFrame
    levels: pd.DataFrame
    jp: pd.DataFrame
    jp_entries: pd.DataFrame
    gain: pd.DataFrame
    gain_summary: pd.DataFrame
    unit_summary: pd.DataFrame
    distribution: pd.DataFrame
    trends: pd.DataFrame


def build(inputs: Inputs, config: ReportConfig) -> Report:
    """Validate the inputs, apply the rules of this module and return the validated report."""
    data = validated_inputs(inputs)
    ancestors = unit_ancestors(data.units)
    units = selected_units(data.units, ancestors, config.unit)
    in_year_unit = units_in_year(data.employees, data.unit_history, config.year)
    employees = selected_employees(in_year_unit, data.units, units, config)
    grid = Grid.of(employees, data.competencies)
    items = evidence(until_year_end(data.item_scores, config.year), grid)
    levels = levels_table(employees, data.required_levels, items, grid, config)
    ledger = year_ledger(data.jp_entries, employees["username"], config.year)
    gain = gain_table(items)
    members = unit_members(employees, ancestors, units)
    outputs = {
        "employees": (employees, SELECTED_EMPLOYEES),
        "units": (units, frames.UNITS),
        "competencies": (data.competencies, frames.COMPETENCIES),
        "levels": (levels, frames.LEVELS),
        "jp": (jp_compliance(employees, ledger, config), frames.JP_COMPLIANCE),
        "jp_entries": (ledger, frames.JP_ENTRIES),
        "gain": (gain, frames.GAIN),
        "gain_summary": (gain_summary(gain), frames.GAIN_SUMMARY),
        "unit_summary": (unit_summary(units, members, levels, grid), frames.UNIT_SUMMARY),
        "distribution": (distribution(units, members, levels, grid), frames.DISTRIBUTION),
        "trends": (trends(items, grid, config), frames.TRENDS),
    }
    checked = {
        name: validate(frame.reset_index(drop=True), spec, name)
        for name, (frame, spec) in outputs.items()
    }
    return Report(config=config, **checked)


# ---- input checks -----------------------------------------------------------------------


def validated_inputs(inputs: Inputs) -> Inputs:
    """Every input frame checked against its spec and the input checks of the rules."""
    data = Inputs(
        employees=validate(inputs.employees, frames.EMPLOYEES, "employees", ["username"]),
        units=validate(inputs.units, frames.UNITS, "units", ["code"]),
        unit_history=validate(inputs.unit_history, frames.UNIT_HISTORY, "unit_history"),
        competencies=validate(inputs.competencies, frames.COMPETENCIES, "competencies", ["code"]),
        required_levels=validate(
            inputs.required_levels,
            frames.REQUIRED_LEVELS,
            "required_levels",
            ["position_type", "position", "competency"],
        ),
        item_scores=validate(inputs.item_scores, frames.ITEM_SCORES, "item_scores"),
        jp_entries=validate(inputs.jp_entries, frames.JP_ENTRIES, "jp_entries"),
    )
    _check_values(data)
    check_unit_tree(data.units)
    return data


def _unknown_kind(allowed: tuple[str, ...]) -> str:
    return f"jenis tidak dikenal (harus {', '.join(allowed)})"


def _check_values(data: Inputs) -> None:
    items, ledger, required = data.item_scores, data.jp_entries, data.required_levels
    require(
        items,
        "item_scores",
        [
            ("kind", ~items["kind"].isin(ITEM_KINDS), _unknown_kind(ITEM_KINDS)),
            ("item_level", ~items["item_level"].isin(LEVEL_NUMBERS), "level di luar 1..5"),
            ("max_score", items["max_score"] < 0, "nilai maksimum negatif"),
        ],
    )
    kind_unknown = ~ledger["kind"].isin(JP_KINDS)
    require(ledger, "jp_entries", [("kind", kind_unknown, _unknown_kind(JP_KINDS))])
    level_outside = ~required["level"].isin(LEVEL_NUMBERS)
    require(required, "required_levels", [("level", level_outside, "level di luar 1..5")])


# ---- units ------------------------------------------------------------------------------


def check_unit_tree(units: pd.DataFrame) -> None:
    """Every parent is a known unit and no unit is its own ancestor."""
    parent = units["parent_code"]
    unknown = parent.notna() & ~parent.isin(units["code"])
    require(units, "units", [("parent_code", unknown, "unit induk tidak dikenal")])
    cycle = find_cycle(_parents(units))
    if cycle:
        circle = " -> ".join(cycle + cycle[:1])
        raise FrameError([f"units: kolom 'parent_code': unit saling menjadi induk: {circle}"])


def _parents(units: pd.DataFrame) -> dict[str, str | None]:
    pairs = zip(units["code"], units["parent_code"])
    return {code: (None if pd.isna(parent) else parent) for code, parent in pairs}


def unit_ancestors(units: pd.DataFrame) -> pd.DataFrame:
    """(code, ancestor) for every unit and each of its ancestors, the unit itself included."""
    pairs = [(code, ancestor) for code, chain in ancestries(_parents(units)).items()
             for ancestor in chain]
    return pd.DataFrame(pairs, columns=["code", "ancestor"], dtype="str")


def selected_units(units: pd.DataFrame, ancestors: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    """All units, or the given unit and its descendants."""
    if unit is None:
        return units.reset_index(drop=True)
    if unit not in set(units["code"]):
        raise FrameError([f"units: unit laporan '{unit}' tidak ada di kolom 'code'"])
    subtree = ancestors.loc[ancestors["ancestor"] == unit, "code"]
    return units[units["code"].isin(subtree)].reset_index(drop=True)


def unit_members(
    employees: pd.DataFrame, ancestors: pd.DataFrame, units: pd.DataFrame
) -> pd.DataFrame:
    """(unit, employee) row positions: each employee in their current unit and in every
    ancestor of it that is one of ``units``."""
    people = employees[["unit_code"]].assign(employee=np.arange(len(employees)))
    rows = people.merge(ancestors, left_on="unit_code", right_on="code")
    rows["unit"] = pd.Index(units["code"]).get_indexer(rows["ancestor"])
    return rows.loc[rows["unit"] >= 0, ["unit", "employee"]].reset_index(drop=True)


# ---- employees and evidence -------------------------------------------------------------


def units_in_year(employees: pd.DataFrame, history: pd.DataFrame, year: int) -> pd.DataFrame:
    """``employees`` with ``unit_code`` set to each one's unit at the end of ``year``: the
    latest history row dated on or before 31 December, else the current unit."""
    year_end = pd.Timestamp(year=year, month=12, day=31).date()
    known = history[history["valid_from"] <= year_end]
    if known.empty:
        return employees
    latest = (known.sort_values(["username", "valid_from"], kind="stable")
              .drop_duplicates("username", keep="last").set_index("username")["unit_code"])
    unit_then = employees["username"].map(latest)
    return employees.assign(unit_code=unit_then.where(unit_then.notna(), employees["unit_code"]))


def selected_employees(
    employees: pd.DataFrame, all_units: pd.DataFrame, units: pd.DataFrame, config: ReportConfig
) -> pd.DataFrame:
    """The employees the report covers, with their unit's name, by unit then name."""
    chosen = employees if config.include_inactive else employees[employees["active"]]
    if config.unit is not None:
        chosen = chosen[chosen["unit_code"].isin(units["code"])]
    names = all_units[["code", "name"]].rename(columns={"code": "unit_code", "name": "unit_name"})
    chosen = chosen.merge(names, on="unit_code", how="left")
    return chosen.sort_values(["unit_code", "name", "username"], ignore_index=True)


@dataclass(frozen=True)
class Grid:
    """Row positions of the LEVELS table: employee ``e`` (row of the selected employees)
    and competency ``c`` (row of the dictionary) are row ``e * n_competencies + c``."""

    usernames: pd.Index
    codes: pd.Index

    @classmethod
    def of(cls, employees: pd.DataFrame, competencies: pd.DataFrame) -> Grid:
        return cls(pd.Index(employees["username"]), pd.Index(competencies["code"]))

    @property
    def n_employees(self) -> int:
        return len(self.usernames)

    @property
    def n_competencies(self) -> int:
        return len(self.codes)

    @property
    def size(self) -> int:
        return self.n_employees * self.n_competencies

    def cell(self, employee, competency):
        return employee * self.n_competencies + competency

    def matrix(self, column: pd.Series) -> np.ndarray:
        """A LEVELS column as an (employees x competencies) float array, NaN for missing."""
        values = column.to_numpy("float64", na_value=np.nan)
        return values.reshape(self.n_employees, self.n_competencies)


def until_year_end(items: pd.DataFrame, year: int) -> pd.DataFrame:
    """Items submitted up to the end of ``year`` (or at an unknown time)."""
    return items[~(items["submitted_at"] >= pd.Timestamp(year + 1, 1, 1))]


def evidence(items: pd.DataFrame, grid: Grid) -> pd.DataFrame:
    """The selected employees' scorable items (max_score above 0), with row positions
    ``employee`` and ``competency_pos`` (-1 outside the dictionary), ``sitting`` (one
    number per employee and course) and the flags ``is_pre``, ``is_post``, ``is_task``
    (a trainer-scored task item) and ``is_slip`` (scored below its max_score)."""
    employee = grid.usernames.get_indexer(items["username"])
    scorable = (employee >= 0) & (items["max_score"] > 0).to_numpy()
    kept = items.loc[scorable, list(EVIDENCE_COLUMNS)].reset_index(drop=True)
    employee = employee[scorable]
    course, courses = pd.factorize(kept["course"])
    return kept.assign(
        item_level=kept["item_level"].astype("int64"),
        employee=employee,
        competency_pos=grid.codes.get_indexer(kept["competency"]),
        sitting=employee * max(len(courses), 1) + course,
        is_pre=kept["kind"].isin(["pre"]).to_numpy(bool),
        is_post=kept["kind"].isin(["post"]).to_numpy(bool),
        is_task=kept["kind"].isin(["task"]).to_numpy(bool),
        is_slip=(kept["score"] < kept["max_score"] - TOLERANCE).to_numpy(bool),
    )


def counted_items(items: pd.DataFrame) -> pd.DataFrame:
    """Task, other and post items; pre items only where the course has no post item."""
    with_post = items.loc[items["is_post"], "sitting"].unique()
    return items[~items["is_pre"] | ~items["sitting"].isin(with_post)]


# ---- levels -----------------------------------------------------------------------------


SUM_KEYS = ("score", "max_score", "n", "slips", "tasks")  # per (row, item level)


@dataclass(frozen=True)
class Levels:
    """The level rule's result per row: ``level`` (NaN: no backed level), and the item
    level that decided it (``decided``, 0-based; -1 without a level)."""

    level: np.ndarray
    decided: np.ndarray

    def at_decided(self, per_level: np.ndarray) -> np.ndarray:
        """``per_level`` (rows x 5) at each row's deciding item level, 0 where none."""
        rows = np.arange(len(self.decided))
        picked = per_level[rows, np.maximum(self.decided, 0)]
        return np.where(self.decided >= 0, picked, 0)


def achieved_levels(sums: Mapping[str, np.ndarray], thresholds: tuple[float, ...],
                    min_items: int = MIN_ITEMS_PER_LEVEL) -> Levels:
    """The level rule of the module docstring on (rows x 5) sums per item level
    (:data:`SUM_KEYS`)."""
    count, tasks = sums["n"], sums["tasks"]
    backed = (count >= min_items) | (tasks > 0)
    # score / max_score >= threshold, without dividing (max_score > 0 wherever there are items)
    reaches = sums["score"] >= (np.asarray(thresholds) - TOLERANCE) * sums["max_score"]
    one_slip = (count >= min_items) & (sums["slips"] <= 1)
    mastered = backed & (reaches | one_slip)
    unbroken = np.logical_and.accumulate(~backed | mastered, axis=1)
    reached = ((mastered & unbroken) * np.asarray(LEVEL_NUMBERS)).max(axis=1)
    any_backed = backed.any(axis=1)
    lowest_backed = np.argmax(backed, axis=1)
    decided = np.where(reached > 0, reached - 1, np.where(any_backed, lowest_backed, -1))
    return Levels(np.where(any_backed, reached, np.nan), decided)


def sums_per_item_level(items: pd.DataFrame, grid: Grid) -> dict[str, np.ndarray]:
    """(LEVELS rows x 5) sums per item level: score, max_score, item count ("n"), slips and
    task items."""
    rows = items[items["competency_pos"] >= 0]
    cell = grid.cell(rows["employee"], rows["competency_pos"]).to_numpy()
    slot = cell * len(LEVEL_NUMBERS) + rows["item_level"].to_numpy() - 1
    size = grid.size * len(LEVEL_NUMBERS)

    def per_slot(weights=None):
        return np.bincount(slot, weights=weights, minlength=size).reshape(-1, len(LEVEL_NUMBERS))

    return {
        "score": per_slot(rows["score"]),
        "max_score": per_slot(rows["max_score"]),
        "n": per_slot(),
        "slips": per_slot(rows["is_slip"].astype("float64")),
        "tasks": per_slot(rows["is_task"].astype("float64")),
    }


def required_per_cell(
    employees: pd.DataFrame, required_levels: pd.DataFrame, grid: Grid
) -> np.ndarray:
    """Required level per LEVELS row (NaN: none); a position's row overrides its type's."""
    rules = required_levels.assign(
        competency_pos=grid.codes.get_indexer(required_levels["competency"])
    )
    rules = rules[rules["competency_pos"] >= 0]
    people = employees[["position_type", "position"]].assign(employee=np.arange(len(employees)))
    by_type = rules[rules["position"].isna()].drop(columns="position")
    by_position = rules[rules["position"].notna()]
    required = np.full(grid.size, np.nan)
    for matches in (  # the position's rows come last and win
        people.merge(by_type, on="position_type"),
        people.merge(by_position, on=["position_type", "position"]),
    ):
        required[grid.cell(matches["employee"], matches["competency_pos"])] = matches["level"]
    return required


def levels_table(
    employees: pd.DataFrame,
    required_levels: pd.DataFrame,
    items: pd.DataFrame,
    grid: Grid,
    config: ReportConfig,
) -> pd.DataFrame:
    """LEVELS: every selected employee x every competency of the dictionary, in grid order."""
    sums = sums_per_item_level(counted_items(items), grid)
    result = achieved_levels(sums, config.mastery_thresholds, config.min_items)
    level = result.level
    required = required_per_cell(employees, required_levels, grid)
    has_items = sums["n"].sum(axis=1) > 0
    status = np.select([~np.isnan(level), has_items], [EVIDENCE_ASSESSED, EVIDENCE_TOO_FEW],
                       EVIDENCE_NONE)
    return pd.DataFrame(
        {
            "username": grid.usernames.repeat(grid.n_competencies),
            "competency": np.tile(grid.codes.to_numpy(), grid.n_employees),
            "level": pd.array(level, dtype="Int64"),
            "required": pd.array(required, dtype="Int64"),
            "gap": pd.array(level - required, dtype="Int64"),
            "evidence": status,
            "level_items": result.at_decided(sums["n"]).astype("int64"),
            "level_rubric": result.at_decided(sums["tasks"]).astype("int64"),
            "items": sums["n"].sum(axis=1),
            "score": sums["score"].sum(axis=1),
            "max_score": sums["max_score"].sum(axis=1),
        }
    )


# ---- JP ---------------------------------------------------------------------------------


def year_ledger(jp_entries: pd.DataFrame, usernames: pd.Series, year: int) -> pd.DataFrame:
    """The ledger rows of the report year for the selected employees."""
    return jp_entries[(jp_entries["year"] == year) & jp_entries["username"].isin(usernames)]


def jp_compliance(
    employees: pd.DataFrame, ledger: pd.DataFrame, config: ReportConfig
) -> pd.DataFrame:
    """JP_COMPLIANCE: one row per selected employee."""
    sums = ledger.groupby(["username", "kind"])["jp"].sum().unstack("kind")
    sums = sums.reindex(columns=list(JP_KINDS), fill_value=0.0).add_prefix("jp_")
    table = employees[["username", "status"]].merge(
        sums, left_on="username", right_index=True, how="left"
    )
    table = table.fillna({"jp_platform": 0.0, "jp_external": 0.0})
    table["year"] = config.year
    table["jp_total"] = table["jp_platform"] + table["jp_external"]
    target = table["status"].map(config.jp_targets).fillna(config.jp_targets["PNS"])
    table["target"] = target.astype("float64")
    ceiling = table["status"].isin(JP_CEILING_STATUSES)
    table["rule"] = np.where(ceiling, JP_CEILING, JP_MINIMUM)
    above = table["jp_total"] - table["target"]
    table["shortfall"] = (-above).clip(lower=0).where(~ceiling, 0.0)
    table["excess"] = above.clip(lower=0).where(ceiling, 0.0)
    table["compliant"] = (above >= 0).where(~ceiling, above <= 0).astype(bool)
    return table[list(frames.JP_COMPLIANCE)]


# ---- gain -------------------------------------------------------------------------------


def gain_table(items: pd.DataFrame) -> pd.DataFrame:
    """GAIN: one row per (employee, course) with pre- and/or post-test items."""
    tests = items[items["is_pre"] | items["is_post"]]
    sums = tests.groupby(["sitting", "is_post"])[["score", "max_score"]].sum()
    percent = (100 * sums["score"] / sums["max_score"]).unstack("is_post")
    percent = percent.reindex(columns=[False, True]).set_axis(["pre_pct", "post_pct"], axis=1)
    sittings = tests.drop_duplicates("sitting").set_index("sitting")
    table = sittings[["employee", "username", "course"]].join(percent)
    table = table.sort_values(["employee", "course"])
    pre, post = table["pre_pct"], table["post_pct"]
    both = pre.notna() & post.notna()
    complete = both & (pre < 100)
    table["gain"] = ((post - pre) / (100 - pre)).where(complete)
    table["status"] = np.select(
        [complete, both, pre.notna()],
        [STATUS_COMPLETE, STATUS_PERFECT_PRE, STATUS_NO_POST],
        STATUS_NO_PRE,
    )
    return table[list(frames.GAIN)]


def gain_summary(gain: pd.DataFrame) -> pd.DataFrame:
    """GAIN_SUMMARY: per course, with the Hake class gain over employees having both tests."""
    per_course = gain.groupby("course").agg(
        n_pre=("pre_pct", "count"),
        n_post=("post_pct", "count"),
        mean_pre=("pre_pct", "mean"),
        mean_post=("post_pct", "mean"),
        mean_gain=("gain", "mean"),
    )
    pairs = gain[gain["pre_pct"].notna() & gain["post_pct"].notna()]
    paired = pairs.groupby("course").agg(
        n_both=("username", "size"), pre=("pre_pct", "mean"), post=("post_pct", "mean")
    )
    hake = (paired["post"] - paired["pre"]) / (100 - paired["pre"])
    paired["class_gain"] = hake.where(paired["pre"] < 100)
    table = per_course.join(paired[["n_both", "class_gain"]], how="left").fillna({"n_both": 0})
    return table.reset_index()[list(frames.GAIN_SUMMARY)]


# ---- units: summary and distribution ----------------------------------------------------


def _slots_per_member(members: pd.DataFrame, n_competencies: int) -> np.ndarray:
    """(members x competencies) positions ``unit * n_competencies + competency``."""
    return members["unit"].to_numpy()[:, None] * n_competencies + np.arange(n_competencies)


def _unit_totals(members: pd.DataFrame, matrix: np.ndarray, n_units: int) -> np.ndarray:
    """Sum an (employees x competencies) matrix over each unit's members, unit-major."""
    slots = _slots_per_member(members, matrix.shape[1])
    values = matrix[members["employee"].to_numpy()].astype("float64")
    return np.bincount(slots.ravel(), weights=values.ravel(), minlength=n_units * matrix.shape[1])


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def unit_summary(
    units: pd.DataFrame, members: pd.DataFrame, levels: pd.DataFrame, grid: Grid
) -> pd.DataFrame:
    """UNIT_SUMMARY: every unit of the selection x competency, descendants rolled up."""
    level, gap = grid.matrix(levels["level"]), grid.matrix(levels["gap"])
    n_units, n_competencies = len(units), grid.n_competencies

    def total(matrix):
        return _unit_totals(members, matrix, n_units)

    assessed, with_gap = total(~np.isnan(level)), total(~np.isnan(gap))
    headcount = np.bincount(members["unit"], minlength=n_units)
    return pd.DataFrame(
        {
            "unit_code": units["code"].repeat(n_competencies).to_numpy(),
            "unit_name": units["name"].repeat(n_competencies).to_numpy(),
            "competency": np.tile(grid.codes.to_numpy(), n_units),
            "employees": headcount.repeat(n_competencies),
            "assessed": assessed,
            "mean_level": _ratio(total(np.nan_to_num(level)), assessed),
            "mean_gap": _ratio(total(np.nan_to_num(gap)), with_gap),
            "pct_meeting": 100 * _ratio(total(gap >= 0), with_gap),
        }
    )


def distribution(
    units: pd.DataFrame, members: pd.DataFrame, levels: pd.DataFrame, grid: Grid
) -> pd.DataFrame:
    """DISTRIBUTION: every unit of the selection x competency x level 0..5, zeros included."""
    n_units, n_competencies = len(units), grid.n_competencies
    n_levels = len(DISTRIBUTION_LEVELS)
    level = grid.matrix(levels["level"])[members["employee"].to_numpy()]
    assessed = ~np.isnan(level)
    slot = _slots_per_member(members, n_competencies)[assessed] * n_levels
    slot += level[assessed].astype("int64")
    return pd.DataFrame(
        {
            "unit_code": units["code"].repeat(n_competencies * n_levels).to_numpy(),
            "competency": np.tile(grid.codes.to_numpy().repeat(n_levels), n_units),
            "level": np.tile(np.asarray(DISTRIBUTION_LEVELS), n_units * n_competencies),
            "count": np.bincount(slot, minlength=n_units * n_competencies * n_levels),
        }
    )


# ---- trends -----------------------------------------------------------------------------


def period_index(stamps: pd.Series, period: str) -> pd.Series:
    """An integer per period: the year, or year * 4 + quarter - 1."""
    if period == "year":
        return stamps.dt.year.astype("int64")
    return (stamps.dt.year * 4 + stamps.dt.quarter - 1).astype("int64")


def period_label(index: int, period: str) -> str:
    """'2026' or '2026-Q3' for a period index."""
    if period == "year":
        return str(index)
    return f"{index // 4}-Q{index % 4 + 1}"


def _dated_trend_items(items: pd.DataFrame, config: ReportConfig) -> pd.DataFrame:
    """Dictionary items submitted up to the report year's end, with their ``period`` and the
    period of their course's first post-test (``post_period``, NaN if none)."""
    year_end = pd.Timestamp(config.year + 1, 1, 1)
    stamps = items["submitted_at"]
    dated = items[stamps.notna() & (stamps < year_end) & (items["competency_pos"] >= 0)]
    dated = dated.assign(period=period_index(dated["submitted_at"], config.period))
    first_post = dated[dated["is_post"]].groupby("sitting")["period"].min()
    return dated.assign(post_period=dated["sitting"].map(first_post))


def _change_rows(rows: pd.DataFrame, grid: Grid, period: pd.Series, sign: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cell": grid.cell(rows["employee"], rows["competency_pos"]),
            "period": period.astype("int64"),
            "item_level": rows["item_level"],
            "score": sign * rows["score"],
            "max_score": sign * rows["max_score"],
            "n": sign,
            "slips": sign * rows["is_slip"].astype("int64"),
            "tasks": sign * rows["is_task"].astype("int64"),
        }
    )


def _evidence_changes(dated: pd.DataFrame, grid: Grid, first_period: int) -> pd.DataFrame:
    """Each item enters the evidence in its period; a pre item leaves it when its course's
    post-test arrives (and never enters if the post-test came first). Periods count from
    ``first_period``; leaving items carry negative sums."""
    leaves_at = dated["post_period"].where(dated["is_pre"])
    entering = dated[leaves_at.isna() | (dated["period"] < leaves_at)]
    leaving = entering[entering["is_pre"] & entering["post_period"].notna()]
    enter = _change_rows(entering, grid, entering["period"] - first_period, +1)
    leave = _change_rows(leaving, grid, leaving["post_period"] - first_period, -1)
    return pd.concat([enter, leave], ignore_index=True)


def _levels_at_changes(
    changes: pd.DataFrame, n_periods: int, config: ReportConfig
) -> pd.DataFrame:
    """(cell, period, level, level_before) at every period where a LEVELS cell's evidence
    changes; the level comes from the cell's evidence accumulated up to that period."""
    key = changes["cell"].to_numpy() * n_periods + changes["period"].to_numpy()
    keys, row = np.unique(key, return_inverse=True)
    slot = row * len(LEVEL_NUMBERS) + changes["item_level"].to_numpy() - 1
    size = len(keys) * len(LEVEL_NUMBERS)
    cell = keys // n_periods

    per_change = np.hstack(
        [
            np.bincount(slot, weights=changes[value], minlength=size).reshape(len(keys), -1)
            for value in SUM_KEYS
        ]
    )
    running = pd.DataFrame(per_change).groupby(cell, sort=False).cumsum().to_numpy()
    sums = dict(zip(SUM_KEYS, np.hsplit(running, len(SUM_KEYS))))
    level = achieved_levels(sums, config.mastery_thresholds, config.min_items).level
    first_change = np.r_[True, cell[1:] != cell[:-1]]
    before = np.r_[np.nan, level[:-1]]
    before[first_change] = np.nan
    return pd.DataFrame(
        {"cell": cell, "period": keys % n_periods, "level": level, "level_before": before}
    )


def trends(items: pd.DataFrame, grid: Grid, config: ReportConfig) -> pd.DataFrame:
    """TRENDS: per period and competency, levels from the evidence submitted until then."""
    dated = _dated_trend_items(items, config)
    if dated.empty:
        return empty(frames.TRENDS)
    first_period = int(dated["period"].min())
    n_periods = int(dated["period"].max()) - first_period + 1
    changes = _evidence_changes(dated, grid, first_period)
    state = _levels_at_changes(changes, n_periods, config)
    n_competencies = grid.n_competencies
    slot = state["period"] * n_competencies + state["cell"] % n_competencies
    level, before = state["level"].to_numpy(), state["level_before"].to_numpy()

    def running_total(change):
        per_period = np.bincount(slot, weights=change, minlength=n_periods * n_competencies)
        return per_period.reshape(n_periods, n_competencies).cumsum(axis=0).ravel()

    newly_assessed = (~np.isnan(level)).astype("float64") - ~np.isnan(before)
    assessed = running_total(newly_assessed).round().astype("int64")
    level_sum = running_total(np.nan_to_num(level) - np.nan_to_num(before))
    labels = [period_label(first_period + p, config.period) for p in range(n_periods)]
    return pd.DataFrame(
        {
            "period": np.repeat(labels, n_competencies),
            "competency": np.tile(grid.codes.to_numpy(), n_periods),
            "assessed": assessed,
            "mean_level": _ratio(level_sum, assessed),
        }
    )
