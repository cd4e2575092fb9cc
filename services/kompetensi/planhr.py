"""The weakest services and the development plans, HR's side (issue 11, points 4 and 7).
HR and admins only; learners and trainers get 403.

    GET  api/hr/evaluasi/peringkat?periode=     units by score with its parts; services by IKM
    GET  api/hr/rekomendasi?periode=&unit=      every weak unit's modules, people, reasons
    GET  api/hr/rencana?periode=                stored plans with items and assignments
    POST api/hr/rencana                         {"unit", "periode", "status": "diterima"|"draf"}
    GET  hr/evaluasi?periode=                   the page: ranking, recommendations, plans
    POST hr/evaluasi/terima                     the page's "Terima sebagai rencana" (form)
    GET  hr/unduh/rencana-<periode>.xlsx        "Rencana Pengembangan Kompetensi"

``periode`` is the evaluated period (asncore.periods: 2026, 2026-S1, 2026-Q2, 2026-03);
the plan is for the period after it. Default: the latest period with IKM data, else this
year. The client names a unit and a period only: modules and people are always computed
by the server (:mod:`reports.recommend`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from sqlalchemy import select
from tornado import web

from asncore.constants import LOCAL_TZ
from asncore.db import DevelopmentPlanItem, IkmCount
from asncore.periods import parse_period
from asncore.settings import DEFAULTS
from reports.recommend import ModuleInfo, Outcome, Rules, evaluate, report_year
from reports.recommend_load import load_evidence
from reports.render_plan import plan_workbook

from .handlers import parse_json_body
from .hr import MEDIA, HrApi, HrPage
from .plans import ACCEPTED, DRAFT, PlanRefused, people_of, plan_json, plans_of, save_plan
from .planviews import number, plan_lines, ranking_json, recommendation_json, score_json, share, wit

UNIT_CODE = re.compile(r"[A-Za-z0-9._-]{1,32}")
PLAN_BODY = 4 * 1024
STATUS_NAMES = {"diterima": ACCEPTED, "accepted": ACCEPTED, "draf": DRAFT, "draft": DRAFT}
BODY_KEYS = ("unit", "periode", "status")


class EvaluationMixin:
    """The period and unit from the request, the outcome computed in a worker thread."""

    async def in_thread(self, work):
        return await asyncio.get_running_loop().run_in_executor(None, work)

    def evaluation(self) -> dict:
        return self.settings.get("evaluation") or DEFAULTS["evaluation"]

    def today(self) -> dt.date:
        return self.now().replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).date()

    def period_of(self, raw: str | None, name: str = "periode") -> str:
        """The canonical label of ``raw``; HTTP 400 in Indonesian when it names none."""
        if raw is None or len(raw) > 24:
            raise web.HTTPError(400, f"{name} tidak sah: contoh 2026, 2026-S1, 2026-Q2, 2026-03")
        try:
            return parse_period(raw).label
        except ValueError as exc:
            raise web.HTTPError(400, f"{name}: {exc}") from None

    def known_periods(self) -> list[str]:
        with self.sessions() as db:
            labels = set(db.scalars(select(IkmCount.period).distinct()))
            labels |= {p.period for p in plans_of(db)}
        return sorted(labels, key=parse_period, reverse=True)

    async def chosen_period(self) -> str:
        raw = self.get_query_argument("periode", None, strip=False)
        if raw is not None:
            return self.period_of(raw)
        known = await self.in_thread(self.known_periods)
        return known[0] if known else str(self.today().year)

    def unit_of(self, raw, outcome_units: set[str]) -> str:
        if not isinstance(raw, str) or not UNIT_CODE.fullmatch(raw):
            raise web.HTTPError(400, "unit tidak sah: tulis kode unit (huruf, angka, . _ -)")
        if raw not in outcome_units:
            raise web.HTTPError(404, f"unit '{raw}' tidak dikenal")
        return raw

    def modules(self) -> dict[str, ModuleInfo]:
        return {m.id: ModuleInfo(m.id, m.title, m.jp,
                                 tuple((c["code"], int(c["target_level"])) for c in m.competencies))
                for m in self.settings["catalogue"].values()}

    async def outcome(self, period: str) -> tuple[Outcome, set[str]]:
        """The evaluation of ``period`` and the codes of every unit."""
        report = await self.settings["reports"].get(report_year(period, self.today()), None)
        evaluation, modules, now = self.evaluation(), self.modules(), self.now()

        def work() -> Outcome:
            with self.sessions() as db:
                evidence = load_evidence(db, report, period, modules,
                                         {"evaluation": evaluation}, as_of=now)
            return evaluate(evidence, Rules.from_settings(evaluation))

        return await self.in_thread(work), set(report.units["code"])

    async def accept(self, unit_raw, period: str, status: str) -> tuple[dict, bool]:
        outcome, units = await self.outcome(period)
        unit = self.unit_of(unit_raw, units)
        rec = outcome.for_unit(unit)
        if rec is None or not rec.modules:
            raise web.HTTPError(422, f"unit {unit} tidak mendapat rekomendasi modul untuk "
                                     f"periode {period}: tidak ada yang dapat diterima")
        user, now = self.current_user["name"], self.now()

        def work() -> tuple[dict, bool]:
            with self.sessions() as db:
                plan, changed = save_plan(db, rec, user, now, accept=status == ACCEPTED)
                return plan_json(db, plan), changed

        try:
            return await self.in_thread(work)
        except PlanRefused as refused:
            raise web.HTTPError(refused.status, str(refused)) from None


class RankingApi(EvaluationMixin, HrApi):
    async def get(self):
        outcome, _ = await self.outcome(await self.chosen_period())
        self.write_json(ranking_json(outcome))


class RecommendationsApi(EvaluationMixin, HrApi):
    async def get(self):
        period = await self.chosen_period()
        outcome, units = await self.outcome(period)
        raw = self.get_query_argument("unit", None, strip=False)
        if raw is None:
            self.write_json({"period": outcome.period, "target_period": outcome.target_period,
                             "units": [recommendation_json(r) for r in outcome.recommendations
                                       if r.modules],
                             "warnings": list(outcome.warnings)})
            return
        rec = outcome.for_unit(self.unit_of(raw, units))
        if rec is None:  # a known unit without any figure in the period
            self.write_json({"unit": raw, "period": outcome.period,
                             "target_period": outcome.target_period, "signals": [],
                             "modules": [], "reasons": "",
                             "message": "belum ada data IKM, pengaduan, atau level kompetensi"})
            return
        self.write_json(recommendation_json(rec))


class PlansApi(EvaluationMixin, HrApi):
    max_body_size = PLAN_BODY

    async def get(self):
        raw = self.get_query_argument("periode", None, strip=False)
        period = None if raw is None else self.period_of(raw)

        def work() -> list[dict]:
            with self.sessions() as db:
                return [plan_json(db, p) for p in plans_of(db, period)]

        self.write_json({"period": period, "plans": await self.in_thread(work)})

    async def post(self):
        body = parse_json_body(self.request.body)
        if not isinstance(body, dict):
            raise web.HTTPError(400, 'body harus berbentuk {"unit": "...", "periode": "..."}')
        unknown = sorted(str(k)[:40] for k in body if k not in BODY_KEYS)[:10]
        if unknown:
            raise web.HTTPError(400, f"kolom tidak dikenal {unknown}; yang diterima: "
                                     f"{list(BODY_KEYS)} (modul dan pegawai dihitung server)")
        status = body.get("status", "diterima")
        if status not in STATUS_NAMES:
            raise web.HTTPError(400, "status harus 'diterima' atau 'draf'")
        raw_period = body.get("periode")
        period = self.period_of(raw_period if isinstance(raw_period, str) else None)
        plan, changed = await self.accept(body.get("unit"), period, STATUS_NAMES[status])
        self.write_json({"created": changed, "plan": plan}, 201 if changed else 200)


class EvaluationPage(EvaluationMixin, HrPage):
    @web.authenticated
    async def get(self):
        self.require_hr()
        period = await self.chosen_period()
        outcome, _ = await self.outcome(period)

        def stored() -> tuple[dict, list[str]]:
            with self.sessions() as db:
                plans = {p.unit_code: {"status": p.status, "accepted_by": p.accepted_by,
                                       "accepted_at": wit(p.accepted_at),
                                       "assigned": len(plan_json(db, p)["assignments"])}
                         for p in plans_of(db, outcome.period)}
            return plans, self.known_periods()

        plans, periods = await self.in_thread(stored)
        self.render("hr_evaluasi.html", prefix=self.settings["prefix"], outcome=outcome,
                    ranking=[score_json(u) for u in outcome.ranking],
                    recommendations=[recommendation_json(r) for r in outcome.recommendations
                                     if r.signals],
                    plans=plans, periods=periods, year=parse_period(outcome.period).end.year,
                    number=number, share=share)


class AcceptPage(EvaluationMixin, HrPage):
    max_body_size = PLAN_BODY

    @web.authenticated
    async def post(self):
        self.require_hr()
        fields = {k: v for k, v in self.request.body_arguments.items() if k != "_xsrf"}
        if set(fields) - {"unit", "periode"} or any(len(v) != 1 for v in fields.values()):
            raise web.HTTPError(400, "isian formulir tidak dikenal: kirim unit dan periode saja")
        values = {k: v[0].decode("utf-8", "replace") for k, v in fields.items()}
        period = self.period_of(values.get("periode"))
        plan, _ = await self.accept(values.get("unit"), period, ACCEPTED)
        self.redirect(f"{self.settings['prefix']}hr/evaluasi?periode={period}#unit-{plan['unit']}",
                      status=303)


class PlanDownload(EvaluationMixin, HrPage):
    @web.authenticated
    async def get(self, raw_period: str):
        self.require_hr()
        period = self.period_of(raw_period)
        outcome, _ = await self.outcome(period)
        titles = {m.id: (m.title, m.jp) for m in self.settings["catalogue"].values()}

        def work() -> bytes:
            with self.sessions() as db:
                plans = {p.unit_code: p for p in plans_of(db, outcome.period)}
                items: dict[int, list] = {}
                for item in db.scalars(select(DevelopmentPlanItem).where(
                        DevelopmentPlanItem.plan_id.in_([p.id for p in plans.values()]))):
                    items.setdefault(item.plan_id, []).append(item)
                people = people_of(db, [i.username for rows in items.values() for i in rows])
                lines = plan_lines(outcome, plans, items, people, titles)
            return plan_workbook(lines, outcome)

        body = await self.in_thread(work)
        self.set_header("Content-Type", MEDIA["xlsx"])
        self.set_header("Content-Disposition",
                        f'attachment; filename="rencana-pengembangan-kompetensi-{period}.xlsx"')
        self.finish(body)

