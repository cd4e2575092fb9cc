"""The training-needs self-assessment (analisis kebutuhan pelatihan mandiri): each ASN
rates themself on the competencies of the dictionary, against the descriptions of the
levels, and asks for modules of the catalogue; one assessment per person and year, saved
again = replaced. This is how ASN take part in planning their own development.

HR reads it per (unit, position type) of the report year, beside the measured levels of
the competency report (:mod:`reports.engine`'s ``levels``: level and required level per
person): for each competency how many rated themselves below the level their position
requires, the mean self-rating, the mean measured level; and how many asked for each
module. What ASN said is shown only for groups of at least ``evaluation.min_group_size``
respondents (:mod:`services.kompetensi.smallgroups`); measured levels, which HR reads per
person on the dashboard anyway, are always shown.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from asncore.constants import LEVELS
from asncore.db import (Competency, CompetencyLevelDescription, NeedsAssessment,
                        NeedsModuleRequest, NeedsRating)

from .smallgroups import hidden
from .survey import USER_FIELDS, Refused, likert

# For a competency without descriptions of its own (one HR added after migration 0005).
GENERIC_LEVELS = (
    "Memahami dasar-dasarnya dan menerapkannya dengan bimbingan.",
    "Menerapkannya secara mandiri dalam tugas sehari-hari.",
    "Membimbing rekan kerja dan memperbaiki cara kerja di unit.",
    "Memimpin penerapannya lintas unit kerja.",
    "Menjadi rujukan dan merumuskan kebijakannya di tingkat instansi.",
)
FORM_LEVEL = "level-"  # form field of a competency's rating: level-<code>
FORM_MODULE = "modul"
FORM_OTHER = frozenset({"_xsrf"})


# ---- what the learner rates against ---------------------------------------------------


def competency_form(db: Session) -> list[dict]:
    """Every competency of the dictionary (code order) with its level descriptions."""
    described: dict[str, dict[int, str]] = {}
    for row in db.scalars(select(CompetencyLevelDescription)):
        described.setdefault(row.competency, {})[row.level] = row.description
    form = []
    for c in db.scalars(select(Competency).order_by(Competency.code)):
        own = described.get(c.code, {})
        form.append({
            "code": c.code, "name": c.name, "kind": c.kind, "description": c.description,
            "levels": [{"level": level, "description": own.get(level, GENERIC_LEVELS[level - 1])}
                       for level in LEVELS],
        })
    return form


# ---- what the learner sends -----------------------------------------------------------


def _checked(ratings: dict, modules: list, codes, catalogue) -> tuple[dict[str, int], list[str]]:
    unknown = sorted(str(c)[:40] for c in ratings if c not in codes)[:10]
    if unknown:
        raise Refused(f"kompetensi tidak ada dalam kamus: {unknown}")
    checked = {code: likert(value, f"level {code}") for code, value in ratings.items()}
    if any(not isinstance(m, str) for m in modules):
        raise Refused("modules harus berupa daftar id modul (teks)")
    strange = sorted(m[:64] for m in modules if m not in catalogue)[:10]
    if strange:
        raise Refused(f"modul tidak ada dalam katalog: {strange}")
    if len(set(modules)) != len(modules):
        raise Refused("modules berisi id modul ganda")
    if not checked and not modules:
        raise Refused("isi penilaian diri untuk paling sedikit satu kompetensi, atau pilih modul")
    return checked, sorted(modules)


def parse_needs(body, codes, catalogue) -> tuple[dict[str, int], list[str]]:
    """Ratings and modules of a JSON body ``{"ratings": {code: 1-5}, "modules": [id]}``."""
    if not isinstance(body, dict):
        raise Refused("body harus berbentuk objek JSON {\"ratings\": {...}, \"modules\": [...]}")
    named = sorted(str(k)[:40] for k in body if str(k).lower() in USER_FIELDS)
    if named:
        raise Refused(f"kolom {named} tidak diterima: penilaian selalu dicatat untuk pemilik "
                      "token, tidak untuk orang lain")
    unknown = sorted(str(k)[:40] for k in body if k not in ("ratings", "modules"))[:10]
    if unknown:
        raise Refused(f"kolom tidak dikenal {unknown}; yang diterima: ['ratings', 'modules']")
    ratings, modules = body.get("ratings", {}), body.get("modules", [])
    if not isinstance(ratings, dict):
        raise Refused("ratings harus berbentuk objek {\"M.01\": 1-5, ...}")
    if not isinstance(modules, list) or len(modules) > len(catalogue):
        raise Refused(f"modules harus berupa daftar paling banyak {len(catalogue)} id modul")
    return _checked(ratings, modules, codes, catalogue)


def parse_form(arguments: dict[str, list[bytes]], codes, catalogue) -> tuple[dict[str, int], list[str]]:
    """Ratings and modules of the HTML form: ``level-<code>`` = "1".."5" (empty: not
    rated), ``modul`` repeated; any other field is refused."""
    ratings: dict = {}
    modules: list[str] = []
    for name, values in arguments.items():
        if name.lower() in USER_FIELDS:
            raise Refused(f"isian '{name[:40]}' tidak diterima: penilaian selalu dicatat untuk "
                          "Anda sendiri")
        texts = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values]
        if name == FORM_MODULE:
            if len(texts) > len(catalogue):
                raise Refused("terlalu banyak modul dipilih")
            modules += texts
        elif name.startswith(FORM_LEVEL):
            if len(texts) != 1:
                raise Refused(f"isian '{name[:40]}' dikirim lebih dari sekali")
            if texts[0] == "":
                continue
            if texts[0] not in ("1", "2", "3", "4", "5"):
                raise Refused(f"level {name[len(FORM_LEVEL):][:40]} harus 1 sampai 5")
            ratings[name[len(FORM_LEVEL):]] = int(texts[0])
        elif name not in FORM_OTHER:
            raise Refused(f"isian '{name[:40]}' tidak dikenal")
    return _checked(ratings, modules, codes, catalogue)


# ---- storage --------------------------------------------------------------------------


def save_needs(db: Session, username: str, year: int, ratings: dict[str, int],
               modules: list[str], now: dt.datetime) -> None:
    """Insert or replace ``username``'s assessment of ``year`` (committed)."""
    for _attempt in range(2):  # a concurrent first save of the same learner: replace it
        try:
            row = db.scalar(select(NeedsAssessment).where(NeedsAssessment.username == username,
                                                          NeedsAssessment.year == year))
            if row is None:
                row = NeedsAssessment(username=username, year=year, updated_at=now)
                db.add(row)
                db.flush()
            else:
                row.updated_at = now
                db.execute(delete(NeedsRating).where(NeedsRating.assessment_id == row.id))
                db.execute(delete(NeedsModuleRequest)
                           .where(NeedsModuleRequest.assessment_id == row.id))
            db.add_all([NeedsRating(assessment_id=row.id, competency=c, level=v)
                        for c, v in ratings.items()])
            db.add_all([NeedsModuleRequest(assessment_id=row.id, module=m) for m in modules])
            db.commit()
            return
        except IntegrityError:
            db.rollback()
    raise Refused("penilaian tidak dapat disimpan, coba lagi", 409)


def year_assessments(db: Session, year: int, username: str | None = None) -> dict[str, dict]:
    """username -> {"ratings": {code: level}, "modules": [id], "updated_at": datetime}."""
    mine = [NeedsAssessment.year == year]
    if username is not None:
        mine.append(NeedsAssessment.username == username)
    result = {row.username: {"ratings": {}, "modules": [], "updated_at": row.updated_at}
              for row in db.scalars(select(NeedsAssessment).where(*mine))}
    ratings = (select(NeedsAssessment.username, NeedsRating.competency, NeedsRating.level)
               .join(NeedsRating, NeedsRating.assessment_id == NeedsAssessment.id).where(*mine))
    for user, code, level in db.execute(ratings):
        result[user]["ratings"][code] = level
    requests = (select(NeedsAssessment.username, NeedsModuleRequest.module)
                .join(NeedsModuleRequest, NeedsModuleRequest.assessment_id == NeedsAssessment.id)
                .where(*mine).order_by(NeedsModuleRequest.module))
    for user, module in db.execute(requests):
        result[user]["modules"].append(module)
    return result


# ---- HR's aggregates ------------------------------------------------------------------


def _mean(values: list) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _present(value) -> bool:
    return not pd.isna(value)  # not None, NaN or NA


def needs_summary(report, assessments: dict[str, dict], titles: dict[str, str],
                  min_size: int) -> list[dict]:
    """One entry per (unit, position type) of the report's employees."""
    codes = [str(c) for c in report.competencies["code"]]
    names = dict(zip(codes, report.competencies["name"].astype(str)))
    people = report.employees
    groups: dict[tuple[str, str], list[str]] = {}
    unit_names: dict[str, str] = {}
    for user, unit, unit_name, ptype in zip(people["username"], people["unit_code"],
                                            people["unit_name"], people["position_type"]):
        groups.setdefault((unit, ptype), []).append(user)
        unit_names[unit] = unit_name if _present(unit_name) else unit
    levels = report.levels
    cell = {(u, c): (int(lv) if _present(lv) else None, int(rq) if _present(rq) else None)
            for u, c, lv, rq in zip(levels["username"], levels["competency"],
                                    levels["level"], levels["required"])}
    result = []
    for (unit, ptype), members in sorted(groups.items()):
        answered = [m for m in members if m in assessments]
        shown = len(answered) >= min_size
        entry = {"unit_code": unit, "unit_name": unit_names[unit], "position_type": ptype,
                 "employees": len(members)}
        entry.update({"shown": True, "respondents": len(answered)} if shown else hidden(min_size))
        competencies = []
        for code in codes:
            measured = [cell[(m, code)][0] for m in members
                        if cell.get((m, code), (None,))[0] is not None]
            required = sorted({cell[(m, code)][1] for m in members
                               if cell.get((m, code), (None, None))[1] is not None})
            row = {"code": code, "name": names[code], "required": required,
                   "measured": len(measured), "mean_measured": _mean(measured)}
            if shown:
                row["self"] = _self_figures(answered, code, assessments, cell, min_size)
            competencies.append(row)
        entry["competencies"] = competencies
        if shown:
            entry["modules"] = [
                {"module": m, "title": title,
                 "requests": sum(m in assessments[a]["modules"] for a in answered)}
                for m, title in titles.items()
            ]
        result.append(entry)
    return result


def _self_figures(answered: list[str], code: str, assessments: dict, cell: dict,
                  min_size: int) -> dict:
    rated = [(assessments[a]["ratings"][code], cell.get((a, code), (None, None))[1])
             for a in answered if code in assessments[a]["ratings"]]
    if len(rated) < min_size:
        return hidden(min_size)
    return {"shown": True, "rated": len(rated),
            "mean_self": _mean([own for own, _ in rated]),
            "below_required": sum(1 for own, req in rated if req is not None and own < req)}
