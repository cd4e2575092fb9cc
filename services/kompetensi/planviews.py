"""What HR reads of the evaluation outcome (:class:`reports.recommend.Outcome`): the JSON
of the ranking and the recommendations, and the lines of the plan workbook (stored plans
first, the current recommendation for the units without one)."""

from __future__ import annotations

import datetime as dt

from asncore.db import DevelopmentPlan
from asncore.ikm import format_id
from reports.recommend import Outcome, UnitRecommendation, UnitScore, percent
from reports.render import timestamp_text
from reports.render_plan import PlanLine

from .plans import STATUS_WORDS

PROPOSED = "Usulan"


def _number(value) -> float | None:
    return None if value is None else float(value)


def score_json(u: UnitScore) -> dict:
    ikm, c, g = u.ikm, u.complaints, u.gaps
    return {
        "rank": u.rank, "unit": u.unit_code, "unit_name": u.unit_name, "score": u.score,
        "parts": {
            "ikm": None if ikm is None else {
                "part": ikm.part, "index": float(ikm.index), "grade": ikm.grade,
                "label": ikm.label, "services": ikm.services, "respondents": ikm.respondents,
                "weakest": [{"code": code, "name": name, "nrr": float(nrr), "grade": grade}
                            for code, name, nrr, grade in ikm.weakest]},
            "pengaduan": None if c is None else {
                "part": c.part, "received": c.received, "verify_due": c.verify_due,
                "verified_in_time": c.verified_in_time, "verified_share": c.verified_share,
                "followup_due": c.followup_due, "followed_up_in_time": c.followed_up_in_time,
                "followed_up_share": c.followed_up_share, "backlog": c.backlog},
            "kompetensi": {
                "part": g.part, "measured": g.measured, "below": g.below,
                "competencies": [{"code": x.code, "name": x.name, "measured": x.measured,
                                  "below": x.below, "share": round(x.share, 3)}
                                 for x in g.competencies if x.measured]},
        },
    }


def ranking_json(outcome: Outcome) -> dict:
    return {
        "period": outcome.period, "target_period": outcome.target_period,
        "units": [score_json(u) for u in outcome.ranking],
        "services": [{"unit": s.unit_code, "unit_name": s.unit_name, "service": s.service,
                      "respondents": s.respondents, "index": float(s.index), "grade": s.grade,
                      "label": s.label,
                      "weakest": [{"code": e.code, "name": e.name, "nrr": float(e.nrr_2),
                                   "grade": e.grade} for e in s.weakest]}
                     for s in outcome.services],
        "warnings": list(outcome.warnings),
    }


def recommendation_json(rec: UnitRecommendation) -> dict:
    return {
        "unit": rec.unit.unit_code, "unit_name": rec.unit.unit_name, "rank": rec.unit.rank,
        "score": rec.unit.score, "period": rec.period, "target_period": rec.target_period,
        "reasons": rec.reasons,
        "signals": [{"key": s.key, "kind": s.kind, "text": s.text, "modules": list(s.modules)}
                    for s in rec.signals],
        "modules": [{"module": m.module, "title": m.title, "jp": m.jp, "reason": m.reason,
                     "people": [{"username": p.username, "nip": p.nip, "name": p.name,
                                 "position_type": p.position_type, "reason": p.reason,
                                 "assigned": p.assigned} for p in m.people]}
                    for m in rec.modules],
    }


def wit(stamp: dt.datetime | None) -> str:
    """A stored time (naive UTC) as Ambon people read it: "14 Mei 2026 pukul 10.30 WIT"."""
    if stamp is None:
        return ""
    return timestamp_text(stamp)


def plan_lines(outcome: Outcome, plans: dict[str, DevelopmentPlan], items: dict[int, list],
               people: dict, titles: dict[str, tuple[str, float]]) -> list[PlanLine]:
    """One line per module and person: a unit's stored plan (``items``: plan id -> its
    DevelopmentPlanItem rows) when it has one, else its current recommendation."""
    ranks = {u.unit_code: u for u in outcome.ranking}
    lines: list[PlanLine] = []
    for rec in outcome.recommendations:
        if rec.unit.unit_code in plans or not rec.modules:
            continue
        lines += [PlanLine(rec.unit.rank, rec.unit.unit_code, rec.unit.unit_name, rec.unit.score,
                           rec.period, rec.target_period, m.module, m.title, m.jp, p.nip, p.name,
                           p.position_type, m.reason, p.reason, PROPOSED)
                  for m in rec.modules for p in m.people]
    for code, plan in plans.items():
        unit = ranks.get(code)
        for item in items.get(plan.id, []):
            who = people.get(item.username)
            title, jp = titles.get(item.module, (item.module, None))
            lines.append(PlanLine(
                unit.rank if unit else None, code, unit.unit_name if unit else code,
                plan.score, plan.period, plan.target_period, item.module, title, jp,
                who.nip if who else "", who.name if who else item.username,
                who.position_type if who else "", item.reason, item.person_reason,
                STATUS_WORDS.get(plan.status, plan.status), plan.accepted_by or "",
                wit(plan.accepted_at)))
    return sorted(lines, key=lambda x: (x.rank if x.rank is not None else 10**9, x.unit_code,
                                        x.module, x.name))


# ---- numbers on the page, the Indonesian way ------------------------------------------


def number(value, decimals: int = 2) -> str:
    """91.14 -> "91,14"; None -> "–"."""
    return "–" if value is None else format_id(value, decimals)


def share(value: float | None) -> str:
    """0.6 -> "60%"; None (nothing due) -> "–"."""
    return "–" if value is None else percent(value)
