"""The reaction survey (Kirkpatrick level 1) at the end of a module: what a learner sends,
how it is stored, and the aggregates HR reads.

A learner answers three Likert questions (1 = sangat tidak setuju .. 5 = sangat setuju)
and may say what to improve (at most :data:`MAX_IMPROVEMENT` characters). One answer per
learner and module: answering again replaces it and moves it to the year of the new
answer (WIT). Only a learner with progress events in the module may answer.

HR sees, per module and per module x unit (the unit of the report year), the number of
respondents, each question's mean and distribution, and the improvement texts without
any identity, sorted alphabetically. A group below ``evaluation.min_group_size`` shows
no figure at all (:mod:`services.kompetensi.smallgroups`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from asncore.constants import LOCAL_TZ
from asncore.db import ProgressEvent, ReactionSurvey

from .catalogue import Module
from .smallgroups import hidden, parts_to_show

QUESTIONS = (  # key, what HR reads
    ("relevance", "Relevan dengan tugas"),
    ("clarity", "Jelas dan mudah dipahami"),
    ("usefulness", "Berguna untuk pekerjaan"),
)
KEYS = tuple(key for key, _ in QUESTIONS)
SCALE = (1, 2, 3, 4, 5)
MAX_IMPROVEMENT = 1000
USER_FIELDS = frozenset({"user", "username", "name", "nip", "pegawai", "id"})
_ALLOWED_CONTROLS = {"\n", "\t"}


class Refused(ValueError):
    """The answer is refused; the message (Indonesian) says why. Nothing was written."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def wit_year(now: dt.datetime) -> int:
    """The year in Ambon of a naive UTC time."""
    return now.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).year


def likert(value, name: str) -> int:
    """A Likert answer: a JSON integer 1-5 (not a string, a float or a boolean)."""
    if type(value) is not int or value not in SCALE:
        raise Refused(f"{name} harus bilangan bulat 1 sampai 5, bukan {str(value)[:24]!r}")
    return value


def clean_text(value, name: str, limit: int) -> str:
    """Free text: a string of at most ``limit`` characters, no control characters but
    line breaks and tabs; trimmed, line breaks as ``\\n``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refused(f"{name} harus berupa teks")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > limit:
        raise Refused(f"{name} paling banyak {limit} karakter (ada {len(text)})")
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in _ALLOWED_CONTROLS for c in text):
        raise Refused(f"{name} berisi karakter kendali yang tidak diizinkan")
    return text


def parse_answer(body) -> dict:
    """The survey answer of a JSON body, or :class:`Refused`."""
    if not isinstance(body, dict):
        raise Refused("body harus berbentuk objek JSON {\"relevance\": 1-5, ...}")
    named = sorted(str(k)[:40] for k in body if str(k).lower() in USER_FIELDS)
    if named:
        raise Refused(f"kolom {named} tidak diterima: jawaban selalu dicatat untuk pemilik "
                      "token, tidak untuk orang lain")
    unknown = sorted(str(k)[:40] for k in body if k not in (*KEYS, "improvement"))[:10]
    if unknown:
        raise Refused(f"kolom tidak dikenal {unknown}; yang diterima: {[*KEYS, 'improvement']}")
    missing = [key for key in KEYS if key not in body]
    if missing:
        raise Refused(f"jawaban belum lengkap: {missing}")
    answer = {key: likert(body[key], key) for key in KEYS}
    answer["improvement"] = clean_text(body.get("improvement"), "improvement", MAX_IMPROVEMENT)
    return answer


def has_started(db: Session, username: str, module: str) -> bool:
    return bool(db.scalar(select(exists().where(ProgressEvent.username == username,
                                                ProgressEvent.module == module))))


def save_answer(db: Session, username: str, module: Module, answer: dict,
                now: dt.datetime) -> ReactionSurvey:
    """Insert or replace ``username``'s answer for ``module`` (committed)."""
    if not has_started(db, username, module.id):
        raise Refused(f"Anda belum mengerjakan modul '{module.id}': survei diisi setelah "
                      "mempelajarinya", 409)
    values = {**answer, "module_version": module.version, "year": wit_year(now), "updated_at": now}
    for _attempt in range(2):  # a concurrent first answer of the same learner: update it
        row = db.scalar(select(ReactionSurvey).where(ReactionSurvey.username == username,
                                                     ReactionSurvey.module == module.id))
        if row is None:
            row = ReactionSurvey(username=username, module=module.id, **values)
            db.add(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
        try:
            db.commit()
            return row
        except IntegrityError:
            db.rollback()
    raise Refused("jawaban tidak dapat disimpan, coba lagi", 409)


def answer_json(row: ReactionSurvey, title: str) -> dict:
    return {"module": row.module, "title": title, "module_version": row.module_version,
            **{key: getattr(row, key) for key in KEYS}, "improvement": row.improvement,
            "year": row.year, "updated_at": row.updated_at.isoformat(timespec="seconds") + "Z"}


# ---- HR's aggregates -----------------------------------------------------------------


def figures(answers: list[dict]) -> dict:
    """n, per question the mean and the distribution over 1..5, and the non-empty
    improvement texts in alphabetical order (never in the order they came)."""
    n = len(answers)
    questions = {}
    for key in KEYS:
        values = [a[key] for a in answers]
        questions[key] = {
            "mean": round(sum(values) / n, 2),
            "distribution": {str(v): values.count(v) for v in SCALE},
        }
    texts = sorted((a["improvement"] for a in answers if a["improvement"]),
                   key=lambda t: (t.casefold(), t))
    return {"shown": True, "respondents": n, "questions": questions, "improvements": texts}


def survey_summary(answers: list[dict], units: dict[str, tuple[str, str]],
                   titles: dict[str, str], min_size: int) -> list[dict]:
    """Per module (catalogue order, then others), its figures and its units' figures.

    ``answers``: dicts with ``username``, ``module``, the question keys and
    ``improvement``; ``units``: username -> (unit code, unit name) in the report year
    (people outside it count in their module's total only)."""
    by_module: dict[str, list[dict]] = {}
    for answer in answers:
        by_module.setdefault(answer["module"], []).append(answer)
    order = [m for m in titles if m in by_module] + sorted(set(by_module) - set(titles))
    result = []
    for module in order:
        rows = by_module[module]
        entry = {"module": module, "title": titles.get(module, module)}
        if len(rows) < min_size:
            result.append({**entry, **hidden(min_size), "units": []})
            continue
        by_unit: dict[str, list[dict]] = {}
        for row in rows:
            if row["username"] in units:
                by_unit.setdefault(units[row["username"]][0], []).append(row)
        names = {code: name for code, name in units.values()}
        shown = parts_to_show({code: len(r) for code, r in by_unit.items()}, len(rows), min_size)
        unit_entries = [
            {"unit_code": code, "unit_name": names[code],
             **(figures(by_unit[code]) if code in shown
                else hidden(min_size, complement=len(by_unit[code]) >= min_size))}
            for code in sorted(by_unit)
        ]
        result.append({**entry, **figures(rows), "units": unit_entries})
    return result
