"""ASN's voice, HR's side: aggregates of the reaction survey and of the training-needs
self-assessment, as JSON and as a dashboard page. HR and admins only; never a person's
answer, only groups of at least ``evaluation.min_group_size`` respondents.

    GET api/hr/survei?tahun=             per module and module x unit (survey.py)
    GET api/hr/kebutuhan?tahun=&unit=    per (unit, position type) beside measured levels
    GET hr/suara-asn?tahun=&unit=        both, as tables
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from tornado import web

from asncore.db import ReactionSurvey
from asncore.settings import DEFAULTS
from reports.render import unit_tree

from .hr import HrApi, HrPage
from .needs import needs_summary, year_assessments
from .survey import KEYS, QUESTIONS, SCALE, survey_summary


class VoiceMixin:
    def min_size(self) -> int:
        evaluation = self.settings.get("evaluation") or DEFAULTS["evaluation"]
        return int(evaluation["min_group_size"])

    def titles(self) -> dict[str, str]:
        return {m.id: m.title for m in self.settings["catalogue"].values()}

    async def in_thread(self, work):
        return await asyncio.get_running_loop().run_in_executor(None, work)

    async def survey(self, year: int) -> dict:
        report = await self.settings["reports"].get(year, None)
        people = report.employees
        units = {u: (c, n) for u, c, n in zip(people["username"], people["unit_code"],
                                              people["unit_name"])}
        titles, min_size = self.titles(), self.min_size()

        def build() -> list[dict]:
            with self.sessions() as db:
                rows = db.scalars(select(ReactionSurvey).where(ReactionSurvey.year == year))
                answers = [{"username": r.username, "module": r.module, "improvement": r.improvement,
                            **{key: getattr(r, key) for key in KEYS}} for r in rows]
            return survey_summary(answers, units, titles, min_size)

        return {"year": year, "min_group_size": min_size,
                "questions": [{"key": key, "label": label} for key, label in QUESTIONS],
                "scale": list(SCALE), "modules": await self.in_thread(build)}

    async def needs(self) -> tuple[dict, object]:
        report = await self.report()  # the year, and the unit's subtree with ?unit=
        year, titles, min_size = report.config.year, self.titles(), self.min_size()

        def build() -> list[dict]:
            with self.sessions() as db:
                assessments = year_assessments(db, year)
            return needs_summary(report, assessments, titles, min_size)

        payload = {"year": year, "unit": report.config.unit, "min_group_size": min_size,
                   "groups": await self.in_thread(build)}
        return payload, report


class SurveyHrApi(VoiceMixin, HrApi):
    async def get(self):
        self.write_json(await self.survey(self.year()))


class NeedsHrApi(VoiceMixin, HrApi):
    async def get(self):
        payload, _report = await self.needs()
        self.write_json(payload)


class VoicePage(VoiceMixin, HrPage):
    @web.authenticated
    async def get(self):
        self.require_hr()
        needs, report = await self.needs()
        survey = await self.survey(needs["year"])
        names = dict(zip(report.units["code"], report.units["name"]))
        city = await self.settings["reports"].get(needs["year"], None)
        all_names = dict(zip(city.units["code"], city.units["name"]))
        self.render("hr_suara.html", prefix=self.settings["prefix"], survey=survey, needs=needs,
                    units=[(code, depth, all_names[code]) for code, depth in unit_tree(city.units)],
                    unit=report.config.unit or "", unit_name=names.get(report.config.unit, ""))
