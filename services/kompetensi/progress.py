"""Record learning events for one user and credit a module's JP, once, on evidence the
server controls.

The rule (issue 10; DESIGN §5 "Learning hours"). A module's JP is credited when all of:

1. **Exercises answered**: for every lesson, an exercise event arrived for each exercise
   its notebook declares (``catalogue.Module.exercises``: read from the published
   notebook, never from the learner). A lesson that declares no exercise needs its
   "Tandai pelajaran selesai" (lesson) event instead. The score does not matter: answered
   is answered; the post-test measures learning.
2. **Real time spent**: the time between the first and the last event of the module the
   service *received* (its own clock, ``received_at``) reaches ``learning.min_time_share``
   of the minutes the module's lessons declare. ``duration_s`` and ``client_ts`` are the
   client's word and never count.
3. **Post-test passed**: the learner's items of kind ``post`` in the assessment course with
   the module's id (``assessments/<module-id>``, synced to ``item_scores``) reach
   ``learning.post_test_pass_mark`` of their points in at least one post-test assignment
   with no item still waiting for a trainer's manual grade.

The rule is checked when the learner's events arrive, when the learner reads their
progress, and by :class:`CreditSweeper` after a post-test is synced (the service runs it
every minute, and over everyone at start). The ledger's unique ``(username, source_ref)``
keeps the credit single. A credit gets its e-certificate in the same transaction
(``asncore.certificates``, issue 12). A credit that migration 0003 took back (given under the old rule:
lesson events alone) is credited again with its original year and dates once the evidence
is complete (``jp_credit_reviews``).

Events: a batch with any malformed event is refused whole (HTTP 400, nothing written); a
well-formed event naming a module, lesson or exercise the catalogue does not know is listed
as rejected while the others are kept (HTTP 422 if none is kept).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import case, exists, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from asncore import certificates
from asncore.constants import LOCAL_TZ
from asncore.db import ItemScore, JpCreditReview, JpEntry, ProgressEvent, utcnow
from asncore.events import validate_event

from .catalogue import Module

log = logging.getLogger(__name__)

PROVIDER = "Platform Kompetensi ASN Kota Ambon"
USER_FIELDS = frozenset({"user", "username", "name", "nip"})
# post-test states, as learners read them
POST_MISSING, POST_PENDING, POST_FAILED, POST_PASSED = (
    "belum ada", "menunggu penilaian", "belum lulus", "lulus")


@dataclass(frozen=True)
class CreditRules:
    min_time_share: float = 0.5
    post_test_pass_mark: float = 0.6

    @classmethod
    def from_settings(cls, learning: dict) -> CreditRules:
        return cls(float(learning["min_time_share"]), float(learning["post_test_pass_mark"]))


class EventsRefused(Exception):
    """A batch the service refuses; nothing of it was written."""

    def __init__(self, status: int, message: str, rejected: list[dict]):
        super().__init__(message)
        self.status, self.message, self.rejected = status, message, rejected


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


def _event_id(event) -> str | None:
    """The event's id to echo back, only when it is a short string."""
    value = event.get("event_id") if isinstance(event, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None


def shape_error(event) -> str | None:
    """Why ``event`` is malformed (not what our client sends), or None."""
    if isinstance(event, dict) and USER_FIELDS & set(event):
        return "pengguna ditentukan dari token, bukan dari isi event (user fields are refused)"
    try:
        validate_event(event)
    except ValueError as exc:
        return f"event tidak valid: {exc}"
    return None


def catalogue_error(event: dict, catalogue: dict[str, Module]) -> str | None:
    """Why a well-formed event does not fit the published modules, or None."""
    module = catalogue.get(event["module"])
    if module is None:
        return f"modul '{event['module']}' tidak dikenal"
    if event["lesson"] not in module.lessons:
        return f"pelajaran '{event['lesson']}' tidak ada di modul '{module.id}'"
    if (event["kind"] == "exercise" and not module.problems
            and event["exercise"] not in module.exercises(event["lesson"])):
        return f"latihan '{event['exercise']}' tidak ada di pelajaran '{event['lesson']}'"
    return None


def record_events(
    db: Session, username: str, events: list, catalogue: dict[str, Module],
    rules: CreditRules, now: dt.datetime,
) -> BatchResult:
    """Store the batch's events for ``username``, stamped with the server time ``now``
    (naive UTC), then credit the modules they complete.

    Raises :class:`EventsRefused` (nothing written) if any event is malformed (400) or
    none fits the catalogue (422)."""
    malformed = [
        {"index": i, "event_id": _event_id(e), "error": error}
        for i, e in enumerate(events) if (error := shape_error(e))
    ]
    if malformed:
        raise EventsRefused(400, "kiriman berisi event yang tidak valid; tidak ada yang "
                            "disimpan", malformed)
    result = BatchResult()
    touched: set[str] = set()
    seen: set[str] = set()
    for index, event in enumerate(events):
        error = catalogue_error(event, catalogue)
        if error:
            result.rejected.append({"index": index, "event_id": event["event_id"],
                                    "error": error})
            continue
        if event["event_id"] in seen or db.scalar(
                select(ProgressEvent.id).where(ProgressEvent.event_id == event["event_id"])):
            result.duplicates += 1
            continue
        seen.add(event["event_id"])
        db.add(ProgressEvent(username=username, received_at=now, **event))
        result.accepted += 1
        touched.add(event["module"])
    if result.rejected and not (result.accepted or result.duplicates):
        db.rollback()
        raise EventsRefused(422, "tidak ada event yang cocok dengan modul yang diterbitkan",
                            result.rejected)
    db.flush()
    for module_id in sorted(touched):
        if credit_if_complete(db, username, catalogue[module_id], rules, now):
            result.credited.append(module_id)
    db.commit()
    return result


@dataclass
class Evidence:
    """What the server holds towards one learner's credit for one module."""

    module: Module
    rules: CreditRules
    answered: dict[str, set[str]]  # lesson -> exercise ids with an event
    lessons_marked: set[str]  # lessons with a lesson event
    best_scores: dict[str, float]
    first: dt.datetime | None
    last: dt.datetime | None
    post_status: str
    post_score: float | None

    def exercises_missing(self) -> dict[str, list[str]]:
        return {
            lesson: missing
            for lesson in self.module.lessons
            if (missing := [x for x in self.module.exercises(lesson)
                            if x not in self.answered.get(lesson, set())])
        }

    def lessons_done(self) -> list[str]:
        """Lessons whose exercises are all answered (marked done, if they have none)."""
        missing = self.exercises_missing()
        return [
            lesson for lesson in self.module.lessons
            if lesson not in missing
            and (self.module.exercises(lesson) or lesson in self.lessons_marked)
        ]

    @property
    def study_seconds(self) -> float:
        return (self.last - self.first).total_seconds() if self.first and self.last else 0.0

    @property
    def required_seconds(self) -> float:
        return self.rules.min_time_share * self.module.minutes * 60

    def missing(self) -> list[str]:
        """What still stands between the learner and the module's JP, in Indonesian."""
        notes = []
        if self.module.problems:
            notes.append("latihan modul ini tidak dapat dibaca server; hubungi pelatih")
        exercises = self.exercises_missing()
        if exercises:
            notes.append("latihan belum dijawab: " + "; ".join(
                f"{lesson}: {', '.join(ids)}" for lesson, ids in exercises.items()))
        unmarked = [lesson for lesson in self.module.lessons
                    if not self.module.exercises(lesson) and lesson not in self.lessons_marked]
        if unmarked:
            notes.append("pelajaran belum ditandai selesai: " + ", ".join(unmarked))
        if self.study_seconds < self.required_seconds:
            notes.append(f"waktu belajar belum cukup: {self.study_seconds / 60:.0f} dari "
                         f"{self.required_seconds / 60:.0f} menit")
        mark = f"{self.rules.post_test_pass_mark:.0%}"
        if self.post_status == POST_MISSING:
            notes.append("menunggu post-test")
        elif self.post_status == POST_PENDING:
            notes.append("post-test menunggu penilaian pelatih")
        elif self.post_status == POST_FAILED:
            notes.append(f"nilai post-test {self.post_score:.0%} di bawah batas lulus {mark}")
        return notes

    @property
    def complete(self) -> bool:
        return not self.missing()


def _post_test(db: Session, username: str, module: Module, pass_mark: float):
    rows = db.execute(
        select(ItemScore.assignment, func.sum(ItemScore.score), func.sum(ItemScore.max_score),
               func.max(case((ItemScore.needs_manual, 1), else_=0)))
        .where(ItemScore.username == username, ItemScore.course == module.id,
               ItemScore.kind == "post")
        .group_by(ItemScore.assignment)
    ).all()
    graded = [score / maximum for _, score, maximum, manual in rows if not manual and maximum]
    best = max(graded) if graded else None
    if best is not None and best >= pass_mark - 1e-9:
        return POST_PASSED, best
    if any(manual for *_, manual in rows):
        return POST_PENDING, best
    return (POST_FAILED, best) if best is not None else (POST_MISSING, None)


def evidence(db: Session, username: str, module: Module, rules: CreditRules) -> Evidence:
    rows = db.execute(
        select(ProgressEvent.kind, ProgressEvent.lesson, ProgressEvent.exercise,
               func.min(ProgressEvent.received_at), func.max(ProgressEvent.received_at),
               func.max(ProgressEvent.score))
        .where(ProgressEvent.username == username, ProgressEvent.module == module.id)
        .group_by(ProgressEvent.kind, ProgressEvent.lesson, ProgressEvent.exercise)
    ).all()
    answered: dict[str, set[str]] = {}
    marked, best = set(), {}
    for kind, lesson, exercise, _first, _last, score in rows:
        if kind == "exercise":
            answered.setdefault(lesson, set()).add(exercise)
            best[exercise] = max(score, best.get(exercise, 0.0))
        else:
            marked.add(lesson)
    status, score = _post_test(db, username, module, rules.post_test_pass_mark)
    return Evidence(
        module=module, rules=rules, answered=answered, lessons_marked=marked, best_scores=best,
        first=min((r[3] for r in rows), default=None), last=max((r[4] for r in rows), default=None),
        post_status=status, post_score=score,
    )


def _local_date(stamp: dt.datetime) -> dt.date:
    return stamp.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).date()


def _credited(db: Session, username: str, module_id: str) -> bool:
    return db.scalar(select(JpEntry.id).where(
        JpEntry.username == username, JpEntry.source_ref == f"modul:{module_id}")) is not None


def credit_if_complete(
    db: Session, username: str, module: Module, rules: CreditRules, now: dt.datetime,
    found: Evidence | None = None,
) -> bool:
    """Add the module's JP to the ledger if the evidence is complete and it is not there yet.
    ``now``: the server time (naive UTC); the entry's end date is its date in WIT."""
    if _credited(db, username, module.id):
        return False
    found = found or evidence(db, username, module, rules)
    if not found.complete:
        return False
    ref = f"modul:{module.id}"
    review = db.scalar(select(JpCreditReview).where(
        JpCreditReview.username == username, JpCreditReview.source_ref == ref,
        JpCreditReview.outcome == "pending"))
    if review is not None:  # taken back by migration 0003: restore it as it was
        entry = JpEntry(username=username, year=review.year, activity=review.activity,
                        provider=review.provider, jp=review.jp, source_ref=ref,
                        start_date=review.start_date, end_date=review.end_date)
    else:
        end = _local_date(now)
        entry = JpEntry(username=username, year=end.year, activity=f"E-learning: {module.title}",
                        provider=PROVIDER, jp=module.jp, source_ref=ref,
                        start_date=min(_local_date(found.first), end), end_date=end)
    try:
        with db.begin_nested():
            db.add(entry)
            if review is not None:
                review.outcome, review.reviewed_at = "recredited", now
    except IntegrityError:  # a concurrent request credited it first
        return False
    certificates.issue(db, username, ref, module.title, now)  # its e-certificate (issue 12)
    return True


def credit_pending(
    db: Session, catalogue: dict[str, Module], rules: CreditRules, now: dt.datetime,
    since: dt.datetime | None = None,
) -> list[tuple[str, str]]:
    """Credit every module whose evidence became complete through a post-test: learners with
    post-test items of a catalogue module (synced at or after ``since``, if given) and no
    credit yet. Returns the ``(username, module)`` pairs credited; the caller commits."""
    if not catalogue:
        return []
    query = (
        select(ItemScore.username, ItemScore.course)
        .where(ItemScore.kind == "post", ItemScore.course.in_(list(catalogue)),
               ~exists().where(JpEntry.username == ItemScore.username,
                               JpEntry.source_ref == literal("modul:") + ItemScore.course))
        .distinct()
    )
    if since is not None:
        query = query.where(ItemScore.synced_at >= since)
    credited = []
    for username, course in db.execute(query).all():
        if credit_if_complete(db, username, catalogue[course], rules, now):
            credited.append((username, course))
    return credited


class CreditSweeper:
    """Credits modules completed by a post-test synced after the learner's last event.

    The first :meth:`run` looks at every learner with a post-test (after a restart, and
    after migration 0003); later runs at the post-tests synced since the previous run
    (with a margin for transactions that committed late)."""

    MARGIN = dt.timedelta(minutes=5)

    def __init__(self, sessions, catalogue: dict[str, Module], rules: CreditRules,
                 clock=utcnow):
        self.sessions, self.catalogue, self.rules, self.clock = sessions, catalogue, rules, clock
        self.since: dt.datetime | None = None

    def run(self) -> list[tuple[str, str]]:
        started = self.clock()
        with self.sessions() as db:
            credited = credit_pending(db, self.catalogue, self.rules, started, self.since)
            db.commit()
        self.since = started - self.MARGIN
        if credited:
            log.info("JP credited after post-test: %s", credited)
        return credited

    async def forever(self, every_s: float = 60.0) -> None:
        """Run in a worker thread every ``every_s`` seconds; a failed run is logged."""
        import asyncio

        while True:
            try:
                await asyncio.to_thread(self.run)
            except Exception:
                log.exception("crediting JP after post-tests failed")
            await asyncio.sleep(every_s)


def progress_summary(
    db: Session, username: str, catalogue: dict[str, Module], year: int, jp_target: float,
    rules: CreditRules, now: dt.datetime,
) -> dict:
    """The learner's modules with what each still needs, and their JP ledger of ``year``.
    A module whose evidence is complete but not yet credited is credited here (the caller
    commits)."""
    modules = []
    certificates.issue_missing(db, username, now)  # credits given before the roster had them
    for module in catalogue.values():
        found = evidence(db, username, module, rules)
        credited = _credited(db, username, module.id) or credit_if_complete(
            db, username, module, rules, now, found)
        done = found.lessons_done()
        exercises_missing = found.exercises_missing()
        total = sum(len(module.exercises(lesson)) for lesson in module.lessons)
        modules.append(
            {
                "id": module.id,
                "title": module.title,
                "jp": module.jp,
                "lessons_total": len(module.lessons),
                "lessons_done": done,
                "completion": round(len(done) / len(module.lessons), 3) if module.lessons else 0,
                "completed": len(done) == len(module.lessons),
                "exercise_best_scores": found.best_scores,
                "exercises_total": total,
                "exercises_answered": total - sum(map(len, exercises_missing.values())),
                "exercises_missing": exercises_missing,
                "study_minutes": round(found.study_seconds / 60, 1),
                "study_minutes_required": round(found.required_seconds / 60, 1),
                "post_test": {"status": found.post_status,
                              "score": None if found.post_score is None
                              else round(found.post_score, 3),
                              "pass_mark": rules.post_test_pass_mark},
                "jp_credited": credited,
                "certificate_no": certificates.number_for(db, username, module.id)
                if credited else None,
                "missing": [] if credited else found.missing(),
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
