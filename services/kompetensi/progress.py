"""Record learning events for one user and credit a finished module's JP once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from asncore.events import validate_event

from .catalogue import Module
from asncore.db import JpEntry, ProgressEvent

PROVIDER = "Platform Kompetensi ASN Kota Ambon"


@dataclass
class BatchResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)
    credited: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "jp_credited": self.credited,
        }


def _event_error(event, catalogue: dict[str, Module]) -> str | None:
    if isinstance(event, dict) and {"user", "username", "name"} & set(event):
        return "pengguna ditentukan dari token, bukan dari isi event (user fields are refused)"
    try:
        validate_event(event)
    except ValueError as exc:
        return str(exc)
    module = catalogue.get(event["module"])
    if module is None:
        return f"modul '{event['module']}' tidak dikenal"
    if event["lesson"] not in module.lessons:
        return f"pelajaran '{event['lesson']}' tidak ada di modul '{module.id}'"
    return None


def record_events(
    db: Session, username: str, events: list, catalogue: dict[str, Module], today: dt.date
) -> BatchResult:
    """Store each valid event for ``username``; bad ones are listed, the rest go on."""
    result = BatchResult()
    touched: set[str] = set()
    for index, event in enumerate(events):
        error = _event_error(event, catalogue)
        if error:
            event_id = event.get("event_id") if isinstance(event, dict) else None
            result.rejected.append({"index": index, "event_id": event_id, "error": error})
            continue
        if db.scalar(select(ProgressEvent.id).where(ProgressEvent.event_id == event["event_id"])):
            result.duplicates += 1
            continue
        db.add(ProgressEvent(username=username, **event))
        result.accepted += 1
        if event["kind"] == "lesson":
            touched.add(event["module"])
    db.flush()
    for module_id in sorted(touched):
        if credit_if_complete(db, username, catalogue[module_id], today):
            result.credited.append(module_id)
    db.commit()
    return result


def lessons_done(db: Session, username: str, module_id: str) -> set[str]:
    rows = db.scalars(
        select(ProgressEvent.lesson).where(
            ProgressEvent.username == username,
            ProgressEvent.module == module_id,
            ProgressEvent.kind == "lesson",
        )
    )
    return set(rows)


def credit_if_complete(db: Session, username: str, module: Module, today: dt.date) -> bool:
    """Add the module's JP to the ledger the first time all its lessons are done."""
    if not set(module.lessons) <= lessons_done(db, username, module.id):
        return False
    ref = f"modul:{module.id}"
    exists = db.scalar(
        select(JpEntry.id).where(JpEntry.username == username, JpEntry.source_ref == ref)
    )
    if exists:
        return False
    first = db.scalar(
        select(func.min(ProgressEvent.received_at)).where(
            ProgressEvent.username == username, ProgressEvent.module == module.id
        )
    )
    try:
        with db.begin_nested():
            db.add(
                JpEntry(
                    username=username, year=today.year, activity=f"E-learning: {module.title}",
                    provider=PROVIDER, jp=module.jp, source_ref=ref,
                    start_date=(first.date() if first else today), end_date=today,
                )
            )
    except IntegrityError:  # a concurrent request credited it first
        return False
    return True


def progress_summary(
    db: Session, username: str, catalogue: dict[str, Module], year: int, jp_target: float
) -> dict:
    modules = []
    for module in catalogue.values():
        done = lessons_done(db, username, module.id) & set(module.lessons)
        best = dict(
            db.execute(
                select(ProgressEvent.exercise, func.max(ProgressEvent.score))
                .where(
                    ProgressEvent.username == username,
                    ProgressEvent.module == module.id,
                    ProgressEvent.kind == "exercise",
                )
                .group_by(ProgressEvent.exercise)
            ).all()
        )
        modules.append(
            {
                "id": module.id,
                "title": module.title,
                "jp": module.jp,
                "lessons_total": len(module.lessons),
                "lessons_done": sorted(done),
                "completion": round(len(done) / len(module.lessons), 3) if module.lessons else 0,
                "completed": len(done) == len(module.lessons),
                "exercise_best_scores": best,
            }
        )
    ledger = db.scalars(
        select(JpEntry).where(JpEntry.username == username, JpEntry.year == year)
    ).all()
    jp_year = round(sum(e.jp for e in ledger), 2)
    return {
        "year": year,
        "jp_year": jp_year,
        "jp_target": jp_target,
        "jp_remaining": max(0.0, round(jp_target - jp_year, 2)),
        "ledger": [
            {"activity": e.activity, "provider": e.provider, "jp": e.jp, "source": e.source_ref,
             "start_date": e.start_date.isoformat(), "end_date": e.end_date.isoformat(),
             "certificate_no": e.certificate_no}
            for e in ledger
        ],
        "modules": modules,
    }
