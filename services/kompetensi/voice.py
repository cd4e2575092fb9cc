"""ASN's voice, the learner's side: the reaction survey a module's last lesson sends and
the training-needs self-assessment (JSON API and an HTML form).

Every route here reads and writes the caller's own answers only: the hub's user model
names them, the routes take no user id, and a query parameter or body field that names
someone (``username``, ``nip``, ...) is refused, never obeyed or ignored.

    GET  api/me/survei                 my answers, every module
    GET  api/me/survei/<module>        my answer for a module (404 if none)
    PUT  api/me/survei/<module>        answer or re-answer (409 before any progress event)
    GET  api/me/kebutuhan?tahun=       my self-assessment of the year (404 if none)
    PUT  api/me/kebutuhan?tahun=       save it (this year or next, WIT)
    GET  kebutuhan?tahun=              the form;  POST kebutuhan?tahun= saves it
"""

from __future__ import annotations

import json

from sqlalchemy import select
from tornado import web

from asncore.db import ReactionSurvey

from ..base import parse_year
from .handlers import APIHandler, BaseHandler, parse_json_body
from .needs import (FORM_LEVEL, FORM_MODULE, competency_form, parse_form, parse_needs,
                    save_needs, year_assessments)
from .survey import Refused, answer_json, parse_answer, save_answer, wit_year

SURVEY_BODY = 16 * 1024
NEEDS_BODY = 64 * 1024


class OwnDataMixin:
    """Query arguments limited to ``allowed_query``; the year of a self-assessment."""

    allowed_query: tuple[str, ...] = ()

    def refuse_other_arguments(self) -> None:
        for name in self.request.query_arguments:
            if name not in self.allowed_query:
                raise web.HTTPError(400, f"parameter '{name[:40]}' tidak dikenal: di sini "
                                         "selalu data Anda sendiri yang dibaca dan ditulis")

    def this_year(self) -> int:
        return wit_year(self.now())

    def needs_year(self, writing: bool) -> int:
        """``?tahun=`` (default this year); a self-assessment is written for this year or
        the next (planning), read for any year."""
        this = self.this_year()
        raw = self.get_query_argument("tahun", None, strip=False)
        if raw is None:
            return this
        return parse_year(raw, this, this + 1) if writing else parse_year(raw)

    def catalogue(self) -> dict:
        return self.settings["catalogue"]

    def titles(self) -> dict[str, str]:
        return {m.id: m.title for m in self.catalogue().values()}


class SurveyApi(OwnDataMixin, APIHandler):
    max_body_size = SURVEY_BODY

    @web.authenticated
    def get(self, module: str | None = None):
        self.refuse_other_arguments()
        query = select(ReactionSurvey).where(ReactionSurvey.username == self.current_user["name"])
        if module is not None:
            query = query.where(ReactionSurvey.module == module)
        titles = self.titles()
        with self.sessions() as db:
            rows = [answer_json(r, titles.get(r.module, r.module))
                    for r in db.scalars(query.order_by(ReactionSurvey.module))]
        if module is None:
            self.write_json({"answers": rows})
        elif rows:
            self.write_json(rows[0])
        else:
            raise web.HTTPError(404, f"Anda belum mengisi survei modul '{module}'")

    @web.authenticated
    def put(self, module: str | None = None):
        self.refuse_other_arguments()
        if module is None:
            raise web.HTTPError(405)
        entry = self.catalogue().get(module)
        if entry is None:
            raise web.HTTPError(400, f"modul '{module}' tidak ada dalam katalog")
        try:
            answer = parse_answer(parse_json_body(self.request.body))
            with self.sessions() as db:
                row = save_answer(db, self.current_user["name"], entry, answer, self.now())
                saved = answer_json(row, entry.title)
        except Refused as refused:
            raise web.HTTPError(refused.status, str(refused)) from None
        self.write_json({"success": True, "answer": saved})


class NeedsMixin(OwnDataMixin):
    allowed_query = ("tahun",)

    def codes(self) -> set[str]:
        with self.sessions() as db:
            return {c["code"] for c in competency_form(db)}

    def mine(self, year: int) -> dict | None:
        with self.sessions() as db:
            found = year_assessments(db, year, self.current_user["name"]).get(self.current_user["name"])
        if found is None:
            return None
        return {"year": year, "ratings": found["ratings"], "modules": found["modules"],
                "updated_at": found["updated_at"].isoformat(timespec="seconds") + "Z"}

    def save(self, year: int, ratings: dict, modules: list) -> None:
        with self.sessions() as db:
            save_needs(db, self.current_user["name"], year, ratings, modules, self.now())


class NeedsApi(NeedsMixin, APIHandler):
    max_body_size = NEEDS_BODY

    @web.authenticated
    def get(self):
        self.refuse_other_arguments()
        year = self.needs_year(writing=False)
        found = self.mine(year)
        if found is None:
            raise web.HTTPError(404, f"Anda belum mengisi analisis kebutuhan pelatihan {year}")
        self.write_json(found)

    @web.authenticated
    def put(self):
        self.refuse_other_arguments()
        year = self.needs_year(writing=True)
        try:
            ratings, modules = parse_needs(parse_json_body(self.request.body), self.codes(),
                                           self.catalogue())
            self.save(year, ratings, modules)
        except Refused as refused:
            raise web.HTTPError(refused.status, str(refused)) from None
        self.write_json({"success": True, **self.mine(year)})


class NeedsPage(NeedsMixin, BaseHandler):
    max_body_size = NEEDS_BODY

    @web.authenticated
    async def get(self):
        self.refuse_other_arguments()
        year = self.needs_year(writing=False)
        await self.page(year, self.mine(year))

    @web.authenticated
    async def post(self):
        self.refuse_other_arguments()
        year = self.needs_year(writing=True)
        try:
            ratings, modules = parse_form(self.request.body_arguments, self.codes(), self.catalogue())
            self.save(year, ratings, modules)
        except Refused as refused:
            self.set_status(refused.status)
            await self.page(year, self.entered(), error=str(refused))
            return
        await self.page(year, self.mine(year), saved=True)

    def entered(self) -> dict:
        """What the refused form held, to show it again (unreadable values left out)."""
        ratings, modules = {}, []
        for name, values in self.request.body_arguments.items():
            texts = [v.decode("utf-8", "replace") for v in values]
            if name.startswith(FORM_LEVEL) and texts and texts[0] in ("1", "2", "3", "4", "5"):
                ratings[name[len(FORM_LEVEL):]] = int(texts[0])
            elif name == FORM_MODULE:
                modules += [t for t in texts if t in self.catalogue()]
        return {"ratings": ratings, "modules": modules}

    async def page(self, year: int, mine: dict | None, error: str = "", saved: bool = False):
        with self.sessions() as db:
            form = competency_form(db)
        measured = await self.measured(year)
        this = self.this_year()
        self.render("kebutuhan.html", prefix=self.settings["prefix"], year=year, form=form,
                    mine=mine or {"ratings": {}, "modules": []}, measured=measured,
                    modules=list(self.catalogue().values()), error=error, saved=saved,
                    writable=this <= year <= this + 1, this_year=this, me=self.me())

    async def measured(self, year: int) -> dict[str, dict]:
        """code -> {"level", "required"} from the caller's own competency profile (the
        latest year with a report, at most ``year``); empty when not on the roster."""
        reports = self.settings["reports"]
        first, last = await reports.years()
        body = await reports.profile(min(max(year, first), last), self.current_user["name"])
        if body is None:
            return {}
        return {c["code"]: c for c in json.loads(body)["competencies"]}
