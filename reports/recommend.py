"""Weakest services and what to train next (issue 11, point 4): rank the units by the
public's satisfaction (IKM), complaint handling and competency gaps, and turn each unit's
weaknesses into modules for named people, with the reasons in words.

Pure rules over plain data: :class:`Evidence` in, :func:`evaluate` out
(:mod:`reports.recommend_load` reads an Evidence from the database and a built report).
The reference HR reads is docs/evaluasi.md ("Weakest services and development plans").

Score (0-100, higher = weaker; the mean of the parts a unit has data for)
    - ``ikm``: (100 - IKM) / 75 x 100, IKM being the unit's services' indices averaged
      with their respondents as weights (25 -> 100, 100 -> 0);
    - ``pengaduan``: 100 x the mean of the late shares of verification and follow-up
      (1 - share in time; a report past its deadline without the step is late, so an
      overdue backlog is counted here; the backlog itself is shown, not scored: reports
      received in the period's last days are open without anyone being late);
    - ``kompetensi``: 100 x the share of measured (employee, competency) pairs of the
      unit's learners, its sub-units included, whose level is below the required level.

Weaknesses (signals) of a unit, each mapped to modules by ``evaluation.recommendations``
    - an IKM element of one of its services whose own grade (NRR x 25) is in
      ``weak_element_grades`` (default C, D): key = element code (U1-U9);
    - complaints followed up (verified) in time at a share below ``complaint_min_share``
      (default 0.8): key ``pengaduan_terlambat`` (``verifikasi_terlambat``);
    - a competency with at least ``gap_min_share`` (default 0.2) of its measured learners
      below the required level: key = competency code; modules from ``modules_for`` when
      it names the code, else every module whose module.yaml lists the competency.

For whom, per recommended module (learners of the unit and its sub-units)
    - measured below the required level of one of the module's competencies *and* below
      the level the module targets there (the module cannot lift anyone past its target);
    - asked for the module in their training-needs self-assessment;
    - when a public signal (IKM, complaints) calls for the module: no measured level on
      any of its competencies (the public's judgement is the only evidence).
    A learner who finished the module (its JP is in the ledger) is left out unless still
    measured below. A module without anyone is not recommended; a unit without
    weaknesses gets nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from asncore.ikm import ElementScore, format_id, grade, round2
from asncore.periods import parse_period, period_of
from asncore.settings import DEFAULTS
from asncore.units import ancestry

from .complaints import ComplaintSummary
from .ikm import IkmSummary

PUBLIC_KINDS = ("ikm", "pengaduan")
WEAKEST = 3


# ---- inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleInfo:
    """A catalogue module: ``competencies`` as (code, target level) pairs."""

    id: str
    title: str
    jp: float
    competencies: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Person:
    username: str
    nip: str
    name: str
    unit_code: str
    position_type: str


@dataclass(frozen=True)
class Level:
    level: int | None  # measured; None: no evidence
    required: int | None  # None: the position requires nothing


@dataclass(frozen=True)
class Evidence:
    """What the rules read for one evaluated period (``period``, canonical label)."""

    period: str
    units: Mapping[str, tuple[str, str | None]]  # code -> (name, parent code)
    ikm: Sequence[IkmSummary] = ()
    complaints: Sequence[ComplaintSummary] = ()
    people: Sequence[Person] = ()  # the learners, each in their unit of the year
    levels: Mapping[tuple[str, str], Level] = field(default_factory=dict)  # (user, code)
    competencies: Mapping[str, str] = field(default_factory=dict)  # code -> name
    modules: Mapping[str, ModuleInfo] = field(default_factory=dict)
    requests: Mapping[str, frozenset[str]] = field(default_factory=dict)  # user -> modules
    needs_year: int | None = None  # the self-assessments' year, for the words
    finished: frozenset[tuple[str, str]] = frozenset()  # (user, module) credited
    assigned: frozenset[tuple[str, str]] = frozenset()  # (user, module) in target period

    @property
    def target_period(self) -> str:
        return next_period(self.period)


@dataclass(frozen=True)
class Rules:
    modules_for: Mapping[str, tuple[str, ...]]
    weak_grades: frozenset[str]
    complaint_min_share: float
    gap_min_share: float

    @classmethod
    def from_settings(cls, evaluation: Mapping | None = None) -> Rules:
        """From the settings' ``evaluation`` section (default: the defaults)."""
        section = (evaluation or DEFAULTS["evaluation"]).get(
            "recommendations", DEFAULTS["evaluation"]["recommendations"])
        return cls({k: tuple(v) for k, v in section["modules_for"].items()},
                   frozenset(section["weak_element_grades"]),
                   float(section["complaint_min_share"]), float(section["gap_min_share"]))


# ---- outputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IkmPart:
    index: Decimal  # respondent-weighted mean of the services' indices
    grade: str
    label: str
    services: int
    respondents: int
    weakest: tuple[tuple[str, str, Decimal, str], ...]  # (code, name, NRR, grade)
    part: float


@dataclass(frozen=True)
class ComplaintPart:
    received: int
    verify_due: int
    verified_in_time: int
    verified_share: float | None
    followup_due: int
    followed_up_in_time: int
    followed_up_share: float | None
    backlog: int
    part: float | None


@dataclass(frozen=True)
class CompetencyGap:
    code: str
    name: str
    measured: int  # learners with a level and a required level
    below: int
    required: tuple[int, ...]  # the required levels of those below

    @property
    def share(self) -> float:
        return self.below / self.measured if self.measured else 0.0


@dataclass(frozen=True)
class GapPart:
    measured: int  # (learner, competency) pairs
    below: int
    competencies: tuple[CompetencyGap, ...]
    part: float | None


@dataclass(frozen=True)
class UnitScore:
    unit_code: str
    unit_name: str
    score: float
    ikm: IkmPart | None
    complaints: ComplaintPart | None
    gaps: GapPart
    rank: int = 0


@dataclass(frozen=True)
class Signal:
    key: str  # U1-U9 | pengaduan_terlambat | verifikasi_terlambat | competency code
    kind: str  # ikm | pengaduan | kompetensi
    text: str
    modules: tuple[str, ...]  # catalogue modules it calls for


@dataclass(frozen=True)
class Pick:
    username: str
    nip: str
    name: str
    position_type: str
    reason: str
    assigned: bool  # already assigned this module for the target period


@dataclass(frozen=True)
class ModulePlan:
    module: str
    title: str
    jp: float
    reasons: tuple[str, ...]  # the unit's signals calling for it
    people: tuple[Pick, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class UnitRecommendation:
    unit: UnitScore
    period: str
    target_period: str
    signals: tuple[Signal, ...]
    modules: tuple[ModulePlan, ...]

    @property
    def reasons(self) -> str:
        return "; ".join(s.text for s in self.signals)


@dataclass(frozen=True)
class Outcome:
    period: str
    target_period: str
    ranking: tuple[UnitScore, ...]  # weakest first
    services: tuple[IkmSummary, ...]  # lowest IKM first
    recommendations: tuple[UnitRecommendation, ...]  # ranking order, every ranked unit
    warnings: tuple[str, ...]

    def for_unit(self, code: str) -> UnitRecommendation | None:
        return next((r for r in self.recommendations if r.unit.unit_code == code), None)


# ---- words and periods ------------------------------------------------------------------


def percent(share: float) -> str:
    """0.4 -> "40%", Indonesian decimals ("12,5%" never: whole percents)."""
    return f"{format_id(share * 100, 0)}%"


def next_period(label: str) -> str:
    """The period after ``label``, of the same kind: 2026 -> 2027, 2026-S2 -> 2027-S1,
    2026-Q4 -> 2027-Q1, 2026-12 -> 2027-01."""
    period = parse_period(label)
    day = period.end + dt.timedelta(days=1)
    kind = period.label[5:6]
    if len(period.label) == 4:
        return str(day.year)
    if kind == "S":
        return f"{day.year}-S{1 if day.month <= 6 else 2}"
    return period_of(day, "quarter" if kind == "Q" else "month").label


def report_year(label: str, today: dt.date) -> int:
    """The competency report a plan for the period after ``label`` reads: the target
    period's year, never past this year (the levels as they stand now)."""
    return min(parse_period(next_period(label)).start.year, today.year)


# ---- score ------------------------------------------------------------------------------


def subtree(units: Mapping[str, tuple[str, str | None]], code: str) -> set[str]:
    parents = {c: parent for c, (_, parent) in units.items()}
    return {c for c in parents if code in ancestry(c, parents)} | {code}


def ikm_part(services: Sequence[IkmSummary]) -> IkmPart | None:
    if not services:
        return None
    respondents = sum(s.respondents for s in services)
    index = round2(sum(s.index * s.respondents for s in services) / respondents)
    letter, label = grade(index)
    pooled: dict[str, list] = {}
    for s in services:
        for e in s.elements:
            entry = pooled.setdefault(e.code, [e.name, 0.0, 0])
            entry[1] += e.nrr * e.answers
            entry[2] += e.answers
    nrrs = sorted(((total / answers, code, name) for code, (name, total, answers) in pooled.items()
                   if answers), key=lambda t: (t[0], t[1]))[:WEAKEST]
    weakest = tuple((code, name, round2(nrr), grade(nrr * 25)[0]) for nrr, code, name in nrrs)
    part = max(0.0, min(100.0, float(100 - index) / 75 * 100))
    return IkmPart(index, letter, label, len(services), respondents, weakest, round(part, 1))


def complaint_part(summary: ComplaintSummary | None) -> ComplaintPart | None:
    if summary is None:
        return None
    late = [1 - share for share in (summary.verified_share, summary.followed_up_share)
            if share is not None]
    part = round(100 * sum(late) / len(late), 1) if late else None
    return ComplaintPart(summary.received, summary.verify_due, summary.verified_in_time,
                         summary.verified_share, summary.followup_due,
                         summary.followed_up_in_time, summary.followed_up_share,
                         summary.backlog, part)


def gap_part(people: Sequence[Person], evidence: Evidence) -> GapPart:
    gaps = []
    for code, name in evidence.competencies.items():
        measured, below = 0, []
        for p in people:
            cell = evidence.levels.get((p.username, code))
            if cell is None or cell.level is None or cell.required is None:
                continue
            measured += 1
            if cell.level < cell.required:
                below.append(cell.required)
        gaps.append(CompetencyGap(code, name, measured, len(below), tuple(sorted(set(below)))))
    measured = sum(g.measured for g in gaps)
    below = sum(g.below for g in gaps)
    part = round(100 * below / measured, 1) if measured else None
    return GapPart(measured, below, tuple(gaps), part)


def unit_people(evidence: Evidence, code: str) -> list[Person]:
    units = subtree(evidence.units, code)
    return sorted((p for p in evidence.people if p.unit_code in units),
                  key=lambda p: (p.name, p.username))


def score_units(evidence: Evidence) -> list[UnitScore]:
    """Every unit with IKM or complaints in the period, or with learners of its own,
    that has at least one part; weakest first (ties by unit code)."""
    ikm: dict[str, list[IkmSummary]] = {}
    for s in evidence.ikm:
        ikm.setdefault(s.unit_code, []).append(s)
    complaints = {c.unit_code: c for c in evidence.complaints}
    codes = set(ikm) | set(complaints) | {p.unit_code for p in evidence.people}
    scored = []
    for code in sorted(c for c in codes if c in evidence.units):
        parts = (ikm_part(ikm.get(code, ())), complaint_part(complaints.get(code)),
                 gap_part(unit_people(evidence, code), evidence))
        values = [p.part for p in parts if p is not None and p.part is not None]
        if values:
            scored.append(UnitScore(code, evidence.units[code][0],
                                    round(sum(values) / len(values), 1), *parts))
    scored.sort(key=lambda u: (-u.score, u.unit_code))
    return [replace(u, rank=i) for i, u in enumerate(scored, start=1)]


# ---- weaknesses -------------------------------------------------------------------------


def _catalogue_modules(keys: Sequence[str], evidence: Evidence, missing: set[str]) -> tuple[str, ...]:
    missing.update(m for m in keys if m not in evidence.modules)
    return tuple(m for m in keys if m in evidence.modules)


def ikm_signals(services: Sequence[IkmSummary], rules: Rules, evidence: Evidence,
                missing: set[str]) -> list[Signal]:
    found: list[tuple[float, str, ElementScore, str]] = []
    for s in services:
        prefix = f"{s.service}: " if len(services) > 1 else ""
        found += [(e.nrr, e.code, e, prefix) for e in s.elements if e.grade in rules.weak_grades]
    return [Signal(e.code, "ikm", f"IKM {prefix}{e.name} {format_id(e.nrr_2)} ({e.grade})",
                   _catalogue_modules(rules.modules_for.get(e.code, ()), evidence, missing))
            for _, _, e, prefix in sorted(found, key=lambda t: (t[0], t[1]))]


def complaint_signals(part: ComplaintPart | None, rules: Rules, evidence: Evidence,
                      missing: set[str]) -> list[Signal]:
    if part is None:
        return []
    steps = (("verifikasi_terlambat", "diverifikasi", part.verified_share, part.verify_due,
              part.verified_in_time),
             ("pengaduan_terlambat", "ditindaklanjuti", part.followed_up_share,
              part.followup_due, part.followed_up_in_time))
    return [Signal(key, "pengaduan",
                   f"{percent(1 - share)} laporan terlambat {verb} ({due - in_time} dari {due})",
                   _catalogue_modules(rules.modules_for.get(key, ()), evidence, missing))
            for key, verb, share, due, in_time in steps
            if share is not None and share < rules.complaint_min_share]


def modules_of_competency(code: str, rules: Rules, evidence: Evidence) -> tuple[str, ...]:
    if code in rules.modules_for:
        return tuple(rules.modules_for[code])
    return tuple(sorted(m.id for m in evidence.modules.values()
                        if any(c == code for c, _ in m.competencies)))


def gap_signals(gaps: GapPart, rules: Rules, evidence: Evidence,
                missing: set[str]) -> list[Signal]:
    signals = []
    for g in gaps.competencies:
        if not g.below or g.share < rules.gap_min_share:
            continue
        level = (f"level {g.required[0]} {g.name}" if len(g.required) == 1
                 else f"level yang dibutuhkan jabatannya untuk {g.name}")
        signals.append(Signal(g.code, "kompetensi",
                              f"{g.below} dari {g.measured} pegawai di bawah {level}",
                              _catalogue_modules(modules_of_competency(g.code, rules, evidence),
                                                 evidence, missing)))
    return signals


# ---- people -----------------------------------------------------------------------------


def why_person(person: Person, module: ModuleInfo, public: bool, evidence: Evidence) -> str:
    """The person's reasons for ``module`` in words, or "" when they are not picked."""
    reasons = []
    cells = {code: evidence.levels.get((person.username, code), Level(None, None))
             for code, _ in module.competencies}
    for code, target in module.competencies:
        cell = cells[code]
        if (cell.level is not None and cell.required is not None
                and cell.level < cell.required and cell.level < target):
            name = evidence.competencies.get(code, code)
            reasons.append(f"level {cell.level} {name}, dibutuhkan {cell.required}")
    if not reasons and (person.username, module.id) in evidence.finished:
        return ""
    if module.id in evidence.requests.get(person.username, frozenset()):
        year = f" {evidence.needs_year}" if evidence.needs_year else ""
        reasons.append(f"meminta modul ini (analisis kebutuhan pelatihan{year})")
    if public and not reasons and all(c.level is None for c in cells.values()):
        names = ", ".join(evidence.competencies.get(code, code) for code, _ in module.competencies)
        reasons.append(f"belum ada bukti level {names}")
    return "; ".join(reasons)


def module_plans(signals: Sequence[Signal], people: Sequence[Person],
                 evidence: Evidence) -> tuple[ModulePlan, ...]:
    calling: dict[str, list[Signal]] = {}
    for signal in signals:
        for module in signal.modules:
            calling.setdefault(module, []).append(signal)
    plans = []
    for module_id, by in calling.items():
        module = evidence.modules[module_id]
        public = any(s.kind in PUBLIC_KINDS for s in by)
        picks = tuple(
            Pick(p.username, p.nip, p.name, p.position_type, reason,
                 (p.username, module_id) in evidence.assigned)
            for p in people if (reason := why_person(p, module, public, evidence)))
        if picks:
            plans.append(ModulePlan(module_id, module.title, module.jp,
                                    tuple(s.text for s in by), picks))
    return tuple(plans)


# ---- all together -----------------------------------------------------------------------


def recommend_unit(unit: UnitScore, evidence: Evidence, rules: Rules,
                   missing: set[str]) -> UnitRecommendation:
    services = [s for s in evidence.ikm if s.unit_code == unit.unit_code]
    signals = (ikm_signals(services, rules, evidence, missing)
               + complaint_signals(unit.complaints, rules, evidence, missing)
               + gap_signals(unit.gaps, rules, evidence, missing))
    plans = module_plans(signals, unit_people(evidence, unit.unit_code), evidence)
    return UnitRecommendation(unit, evidence.period, evidence.target_period, tuple(signals),
                              plans)


def evaluate(evidence: Evidence, rules: Rules | None = None) -> Outcome:
    """The ranking, the services by IKM, and every ranked unit's recommendation."""
    rules = rules or Rules.from_settings()
    ranking = score_units(evidence)
    missing: set[str] = set()
    recommendations = tuple(recommend_unit(u, evidence, rules, missing) for u in ranking)
    services = tuple(sorted(evidence.ikm, key=lambda s: (s.index, s.unit_code, s.service)))
    warnings = tuple(f"modul '{m}' dalam pemetaan (evaluation.recommendations.modules_for) "
                     "tidak ada dalam katalog: dilewati" for m in sorted(missing))
    return Outcome(evidence.period, evidence.target_period, tuple(ranking), services,
                   recommendations, warnings)
