"""Read the :class:`reports.recommend.Evidence` of one evaluated period: IKM and complaint
summaries from the platform database, learners and their levels from a built competency
report (:mod:`reports.engine`), self-assessment requests, finished modules and the
assignments already made for the target period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from asncore.db import JpEntry, ModuleAssignment, NeedsAssessment, NeedsModuleRequest
from asncore.periods import parse_period

from .complaints import complaint_summary
from .engine import Report
from .ikm import ikm_summary
from .recommend import Evidence, Level, ModuleInfo, Person, next_period

LEARNER = "learner"
MODULE_REF = "modul:"


def _value(value) -> int | None:
    return None if pd.isna(value) else int(value)


def report_people(report: Report) -> tuple[list[Person], dict[tuple[str, str], Level]]:
    """The report's learners (active, in their unit of the report year) and their levels."""
    e = report.employees[report.employees["role"] == LEARNER]
    people = [Person(*row) for row in zip(e["username"], e["nip"], e["name"], e["unit_code"],
                                          e["position_type"])]
    learners = set(e["username"])
    lv = report.levels
    levels = {(u, c): Level(_value(level), _value(required))
              for u, c, level, required in zip(lv["username"], lv["competency"], lv["level"],
                                                lv["required"]) if u in learners}
    return people, levels


def requested_modules(session: Session, years: list[int]) -> tuple[dict[str, frozenset[str]], int | None]:
    """user -> the modules of their latest self-assessment among ``years``; and the latest
    year any of them is from (for the words)."""
    rows = session.execute(
        select(NeedsAssessment.username, NeedsAssessment.year, NeedsModuleRequest.module)
        .join(NeedsModuleRequest, NeedsModuleRequest.assessment_id == NeedsAssessment.id)
        .where(NeedsAssessment.year.in_(years))).all()
    latest: dict[str, int] = {}
    for user, year, _ in rows:
        latest[user] = max(year, latest.get(user, year))
    found: dict[str, set[str]] = {}
    for user, year, module in rows:
        if year == latest[user]:
            found.setdefault(user, set()).add(module)
    return ({u: frozenset(m) for u, m in found.items()},
            max(latest.values()) if latest else None)


def finished_modules(session: Session) -> frozenset[tuple[str, str]]:
    rows = session.execute(select(JpEntry.username, JpEntry.source_ref)
                           .where(JpEntry.source_ref.startswith(MODULE_REF)))
    return frozenset((user, ref[len(MODULE_REF):]) for user, ref in rows)


def assigned_modules(session: Session, period: str) -> frozenset[tuple[str, str]]:
    rows = session.execute(select(ModuleAssignment.username, ModuleAssignment.module)
                           .where(ModuleAssignment.period == period))
    return frozenset(tuple(r) for r in rows)


def load_evidence(session: Session, report: Report, period: str,
                  modules: Mapping[str, ModuleInfo], settings: dict | None = None, *,
                  as_of: dt.datetime | None = None) -> Evidence:
    """Everything :func:`reports.recommend.evaluate` needs for ``period`` (any spelling of
    :mod:`asncore.periods`); ``report`` is the city's report (no unit filter)."""
    label = parse_period(period).label
    target = next_period(label)
    people, levels = report_people(report)
    units = {code: (name, None if pd.isna(parent) else parent) for code, name, parent in
             zip(report.units["code"], report.units["name"], report.units["parent_code"])}
    years = sorted({parse_period(label).end.year, parse_period(target).start.year})
    requests, needs_year = requested_modules(session, years)
    return Evidence(
        period=label,
        units=units,
        ikm=ikm_summary(session, label, settings=settings),
        complaints=complaint_summary(session, settings, label, as_of=as_of),
        people=people,
        levels=levels,
        competencies=dict(zip(report.competencies["code"], report.competencies["name"])),
        modules=modules,
        requests=requests,
        needs_year=needs_year,
        finished=finished_modules(session),
        assigned=assigned_modules(session, target),
    )
