"""Push an assignment's item scores, with their competency mapping, to the platform database.

One transaction per assignment: the previous rows of that course and assignment are
replaced, so a re-sync after regrading is exact and a failure changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import delete

from asncore.db import ItemScore, session_factory

from .gradebook import item_scores


def _timestamp(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    stamp = dt.datetime.fromisoformat(value)
    return stamp.astimezone(dt.timezone.utc).replace(tzinfo=None) if stamp.tzinfo else stamp


def sync(course_dir: Path, course_id: str, assignment: str, platform_url: str) -> int:
    from asncore.competencies import known_codes

    from .mapping import assessment_kind, load_mapping

    mapping = load_mapping(course_dir / "source" / assignment, known_codes(platform_url))
    kind = assessment_kind(course_dir / "source" / assignment)
    scores = item_scores(course_dir, assignment)
    unmapped = sorted({s.grade_id for s in scores} - set(mapping))
    if unmapped:
        raise ValueError(
            f"{course_dir / 'source' / assignment}: grade_id tanpa pemetaan kompetensi: {', '.join(unmapped)}"
        )
    sessions = session_factory(platform_url)
    with sessions() as db, db.begin():
        db.execute(delete(ItemScore).where(ItemScore.course == course_id, ItemScore.assignment == assignment))
        for s in scores:
            code, level = mapping[s.grade_id]
            db.add(ItemScore(course=course_id, assignment=assignment, username=s.student,
                             notebook=s.notebook, grade_id=s.grade_id, competency=code,
                             level=level, score=s.score, max_score=s.max_score,
                             needs_manual=s.needs_manual, kind=kind,
                             submitted_at=_timestamp(s.timestamp)))
    return len(scores)
