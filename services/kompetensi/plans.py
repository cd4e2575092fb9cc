"""Development plans (issue 11, point 4), stored: HR saves a unit's recommendation
(:mod:`reports.recommend`) as a draft or accepts it; accepting writes the plan, its items
and the module assignments in one transaction. Learners read their own assignments.

- One plan per (unit, evaluated period). Accepting an accepted plan changes nothing
  (idempotent); a draft is replaced by a newer draft or by the accepted plan.
- An assignment is one per (person, module, target period): a person already assigned
  the module for that period (by another unit's plan) keeps the first assignment.
- The stored plan is the recommendation as the server computed it at that moment; the
  client names only the unit and the period, never modules or people.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from asncore.db import DevelopmentPlan, DevelopmentPlanItem, Employee, ModuleAssignment
from asncore.periods import parse_period
from reports.recommend import UnitRecommendation

DRAFT, ACCEPTED = "draft", "accepted"
STATUS_WORDS = {DRAFT: "Draf", ACCEPTED: "Diterima"}


class PlanRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def stored_plan(db: Session, unit: str, period: str) -> DevelopmentPlan | None:
    return db.scalar(select(DevelopmentPlan).where(DevelopmentPlan.unit_code == unit,
                                                   DevelopmentPlan.period == period))


def _write(db: Session, plan: DevelopmentPlan, rec: UnitRecommendation, user: str,
           now: dt.datetime, accept: bool) -> None:
    plan.target_period, plan.score = rec.target_period, rec.unit.score
    plan.reasons = rec.reasons[:2000]
    db.execute(delete(DevelopmentPlanItem).where(DevelopmentPlanItem.plan_id == plan.id))
    items = [(m.module, p.username, m.reason, p.reason) for m in rec.modules for p in m.people]
    db.add_all([DevelopmentPlanItem(plan_id=plan.id, module=module, username=username,
                                    reason=reason[:1000], person_reason=why[:500])
                for module, username, reason, why in items])
    if not accept:
        return
    plan.status, plan.accepted_by, plan.accepted_at = ACCEPTED, user, now
    year = parse_period(rec.target_period).start.year
    taken = set(db.execute(select(ModuleAssignment.username, ModuleAssignment.module)
                           .where(ModuleAssignment.period == rec.target_period)).all())
    db.add_all([ModuleAssignment(username=username, module=module, period=rec.target_period,
                                 year=year, plan_id=plan.id, assigned_by=user, assigned_at=now)
                for module, username, _, _ in items if (username, module) not in taken])


def save_plan(db: Session, rec: UnitRecommendation, user: str, now: dt.datetime,
              accept: bool = True) -> tuple[DevelopmentPlan, bool]:
    """Store ``rec`` as the unit's plan for its period: accepted (assigning its modules) or
    a draft. Returns (plan, changed); committed. PlanRefused: nothing to plan (422), a
    draft over an accepted plan (409)."""
    if not rec.modules:
        raise PlanRefused(422, f"unit {rec.unit.unit_code} tidak mendapat rekomendasi modul "
                               f"untuk periode {rec.period}: tidak ada yang dapat disimpan")
    unit, period = rec.unit.unit_code, rec.period
    for _attempt in range(2):  # a concurrent first save of the same plan: read it again
        try:
            plan = stored_plan(db, unit, period)
            if plan is not None and plan.status == ACCEPTED:
                if accept:
                    return plan, False
                raise PlanRefused(409, "rencana ini sudah diterima dan tidak dapat "
                                       "dijadikan draf lagi")
            if plan is None:
                plan = DevelopmentPlan(unit_code=unit, period=period, status=DRAFT,
                                       target_period=rec.target_period, created_by=user,
                                       created_at=now)
                db.add(plan)
                db.flush()
            _write(db, plan, rec, user, now, accept)
            db.commit()
            return plan, True
        except IntegrityError:
            db.rollback()
    raise PlanRefused(409, "rencana sedang disimpan oleh permintaan lain; coba lagi")


def _iso(stamp: dt.datetime | None) -> str | None:
    return None if stamp is None else stamp.isoformat(timespec="seconds") + "Z"


def plan_json(db: Session, plan: DevelopmentPlan) -> dict:
    """The plan with its items and the assignments it wrote."""
    items = db.scalars(select(DevelopmentPlanItem).where(DevelopmentPlanItem.plan_id == plan.id)
                       .order_by(DevelopmentPlanItem.module, DevelopmentPlanItem.username))
    assigned = db.scalars(select(ModuleAssignment).where(ModuleAssignment.plan_id == plan.id)
                          .order_by(ModuleAssignment.module, ModuleAssignment.username))
    return {
        "id": plan.id, "unit": plan.unit_code, "period": plan.period,
        "target_period": plan.target_period, "status": plan.status,
        "status_label": STATUS_WORDS.get(plan.status, plan.status), "score": plan.score,
        "reasons": plan.reasons, "created_by": plan.created_by,
        "created_at": _iso(plan.created_at), "accepted_by": plan.accepted_by,
        "accepted_at": _iso(plan.accepted_at),
        "items": [{"module": i.module, "username": i.username, "reason": i.reason,
                   "person_reason": i.person_reason} for i in items],
        "assignments": [{"module": a.module, "username": a.username, "period": a.period,
                         "assigned_by": a.assigned_by, "assigned_at": _iso(a.assigned_at)}
                        for a in assigned],
    }


def plans_of(db: Session, period: str | None = None) -> list[DevelopmentPlan]:
    query = select(DevelopmentPlan).order_by(DevelopmentPlan.period, DevelopmentPlan.unit_code)
    if period is not None:
        query = query.where(DevelopmentPlan.period == period)
    return list(db.scalars(query))


def people_of(db: Session, usernames) -> dict[str, Employee]:
    wanted = sorted(set(usernames))
    if not wanted:
        return {}
    return {e.username: e for e in db.scalars(select(Employee).where(Employee.username.in_(wanted)))}


# ---- the learner's side ---------------------------------------------------------------


def my_assignments(db: Session, username: str, year: int) -> dict[str, dict]:
    """module -> the caller's earliest assignment for a period of ``year`` or the next
    (a plan accepted in December for January shows already)."""
    rows = db.scalars(select(ModuleAssignment).where(ModuleAssignment.username == username,
                                                     ModuleAssignment.year.in_((year, year + 1))))
    found: dict[str, ModuleAssignment] = {}
    for row in sorted(rows, key=lambda r: (parse_period(r.period), r.id)):
        found.setdefault(row.module, row)
    return {module: {"periode": a.period, "oleh": a.assigned_by, "pada": _iso(a.assigned_at)}
            for module, a in found.items()}


def mark_assigned(db: Session, username: str, summary: dict) -> dict:
    """Add ``ditugaskan`` (bool) and ``penugasan`` (period, by whom, when; or None) to
    every module of a progress summary (:func:`.progress.progress_summary`)."""
    assigned = my_assignments(db, username, summary["year"])
    for module in summary["modules"]:
        module["ditugaskan"] = module["id"] in assigned
        module["penugasan"] = assigned.get(module["id"])
    return summary
