"""One realistic year of learning for the demo roster, planned in memory for ``asn-ambon
demo isi`` (:mod:`.demodata` writes it through the service's own functions). Pure: no
database, no clock, no file; the same inputs and seed give the same plan.

The story, chosen so that every screen has something to show:

- the year has two periods (:func:`demo_periods`): its semesters, or, for a year still
  young, the last two quarters or months that began at least :data:`MIN_DAYS` ago;
- the learners of the :data:`FOCUS_UNIT` (the unit whose public service the demo makes
  the weakest, :mod:`.demopublic`) study only in the second period, after the first
  period's poor survey, and all of them finish :data:`FOCUS_MODULE`; every other
  learner takes each module with a seeded chance of finishing it, failing its
  post-test, stopping half-way or not starting, in either period;
- one attempt at a module: the pre-test on its first morning; each lesson in one
  sitting, its exercises answered minutes apart (the lesson's declared minutes spread
  over them; lessons on the same or following working days), so the server-side time
  between the first and last events exceeds the JP rule's share of the module's
  minutes; the post-test after the last lesson, synced by the trainer one or two
  working days later, which is when the module's JP is credited (the service's
  ``CreditSweeper`` does the same); the written task of most who finish, graded a few
  working days later;
- scores follow each learner's seeded ability: lower on the pre-test, higher on the
  post-test; a finisher's post-test reaches the pass mark, a failed one stays below it;
- reaction surveys from most who finish and some who do not; a training-needs
  self-assessment early in the year from every learner.

Every module is started by, and surveyed from, at least ``min_group`` learners where the
roster allows, so HR's aggregates (hidden below that size) show. Times are naive UTC, as
the platform database keeps them; days and hours are chosen in Ambon time (WIT).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field

from asncore.constants import LOCAL_TZ
from asncore.periods import Period, parse_period
from asncore.workdays import add_working_days, is_working_day, local_date

from .catalogue import Module

DEFAULT_SEED = 1
FOCUS_UNIT = "KEL-BENTENG"
FOCUS_MODULE = "manajemen-waktu"  # Waktu Penyelesaian (U3) is the focus unit's worst element
ABILITY = (0.55, 0.92)  # chance of a right answer on the post-test, less 0.12
FOCUS_ABILITY = (0.45, 0.72)  # the focus unit passes its post-test, but narrowly
MIN_DAYS = 35  # a period must have run this long to hold whole module attempts
ATTEMPT_DAYS = 30  # latest start of an attempt: this many days before the period's end
EVENT_PREFIX = "demo-"  # every demo progress event's id starts so (demodata removes them)
OUTCOMES = ("finished", "failed", "stopped", "none")  # "failed": the post-test
CHANCES = (0.5, 0.1, 0.15, 0.25)
FOCUS_CHANCES = (0.3, 0.05, 0.25, 0.4)  # the focus unit's other modules, second period
IMPROVEMENTS = (
    "",
    "",
    "Tambahkan contoh kasus dari kantor kelurahan.",
    "Latihan skenario sangat membantu; mohon ditambah.",
    "Waktu belajar terasa lebih lama dari perkiraan di modul.",
    "Sebaiknya ada video singkat di setiap pelajaran.",
    "Materi mudah dipraktikkan di loket pelayanan.",
    "Beberapa soal post-test kurang jelas maksudnya.",
)


@dataclass(frozen=True)
class Person:
    """A demo-roster person as the platform knows them."""

    username: str
    nip: str
    unit: str
    position_type: str
    status: str  # PNS | PPPK
    role: str
    courses: tuple[str, ...] = ()  # the roster's courses; empty: every module


@dataclass(frozen=True)
class Item:
    """A graded cell of an assessment, as ``grading.sync`` writes its score."""

    notebook: str
    grade_id: str
    competency: str
    level: int
    points: float
    manual: bool  # scored by a trainer with a rubric (5 criteria of 0-2 points)


@dataclass(frozen=True)
class Assignment:
    name: str
    kind: str  # pre | post | task
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Year:
    """What the plan is for: the year, its two periods, the holidays, the latest moment
    anything may happen (naive UTC), the JP rule's pass mark and HR's smallest group."""

    year: int
    seed: int
    periods: tuple[Period, Period]
    holidays: frozenset[dt.date]
    limit: dt.datetime
    pass_mark: float = 0.6
    min_group: int = 5

    def rng(self, *parts) -> random.Random:
        """A generator of its own for one part of the plan: adding a person or a module
        changes nothing of the others'."""
        return random.Random("|".join(map(str, (self.seed, self.year, *parts))))

    @property
    def last_day(self) -> dt.date:
        return min(local_date(self.limit), self.periods[1].end)


@dataclass(frozen=True)
class Event:
    when: dt.datetime
    username: str
    event: dict  # the event as the lesson's client sends it (asncore.events)


@dataclass(frozen=True)
class Sheet:
    """One learner's scores on one assignment, synced at ``synced``."""

    synced: dt.datetime
    submitted: dt.datetime
    username: str
    course: str
    assignment: str
    kind: str
    scores: tuple[tuple[Item, float], ...]

    @property
    def share(self) -> float:
        return sum(s for _, s in self.scores) / sum(i.points for i, _ in self.scores)


@dataclass(frozen=True)
class Credit:
    when: dt.datetime
    username: str
    module: str


@dataclass(frozen=True)
class Reaction:
    when: dt.datetime
    username: str
    module: str
    answer: dict  # relevance, clarity, usefulness (1-5), improvement


@dataclass(frozen=True)
class Needs:
    when: dt.datetime
    username: str
    ratings: dict[str, int]
    modules: list[str]


@dataclass
class Plan:
    # (user, module) -> (outcome, index of the period)
    outcomes: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)
    needs: list[Needs] = field(default_factory=list)

    def actions(self) -> list:
        """Everything in the order it happens (same moment: events, scores, credits,
        surveys, needs)."""
        ranked = [(e.when, 0, i, e) for i, e in enumerate(self.events)]
        ranked += [(s.synced, 1, i, s) for i, s in enumerate(self.sheets)]
        ranked += [(c.when, 2, i, c) for i, c in enumerate(self.credits)]
        ranked += [(r.when, 3, i, r) for i, r in enumerate(self.reactions)]
        ranked += [(n.when, 4, i, n) for i, n in enumerate(self.needs)]
        return [action for *_, action in sorted(ranked, key=lambda r: r[:3])]


# ---- the year ---------------------------------------------------------------------------


def demo_periods(year: int, today: dt.date) -> tuple[Period, Period]:
    """The demo year's two periods: the semesters of a past year, or of this year once
    its second semester has run :data:`MIN_DAYS`; else the last two quarters, else
    months, that have. ValueError (Indonesian) for a year too young or still to come."""
    if year > today.year:
        raise ValueError(f"tahun {year} belum tiba: data demo hanya untuk tahun yang sudah "
                         "berjalan")
    kinds = ([f"{year}-S{n}" for n in (1, 2)], [f"{year}-Q{n}" for n in range(1, 5)],
             [f"{year}-{n:02d}" for n in range(1, 13)])
    for labels in kinds:
        begun = [p for p in map(parse_period, labels)
                 if year < today.year or p.start + dt.timedelta(days=MIN_DAYS) <= today]
        if len(begun) >= 2:
            return begun[-2], begun[-1]
    raise ValueError(f"tahun {year} baru berjalan: belum ada dua periode yang masing-masing "
                     f"sudah {MIN_DAYS} hari; pakai --tahun {year - 1}")


def default_year(today: dt.date) -> int:
    """This year once it has two periods to show, else last year."""
    try:
        demo_periods(today.year, today)
    except ValueError:
        return today.year - 1
    return today.year


def wit(day: dt.date, minutes: int) -> dt.datetime:
    """``minutes`` after midnight of ``day`` in Ambon, as naive UTC."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ) + dt.timedelta(minutes=minutes)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def working_day(day: dt.date, holidays) -> dt.date:
    """``day`` if it is a working day, else the next one."""
    return day if is_working_day(day, holidays) else add_working_days(day, 1, holidays)


def day_in(rng: random.Random, first: dt.date, last: dt.date, holidays) -> dt.date:
    """A working day from ``first`` (a random day up to ``last``, moved to a working day)."""
    span = max(0, (last - first).days)
    return working_day(first + dt.timedelta(days=rng.randint(0, span)), holidays)


# ---- who takes what -----------------------------------------------------------------------


def assign_outcomes(learners: list[Person], modules: list[str], year: Year
                    ) -> dict[tuple[str, str], tuple[str, int]]:
    """(user, module) -> (outcome, period index) for every module a learner may take."""
    plan: dict[tuple[str, str], tuple[str, int]] = {}
    for person in learners:
        for module in modules:
            if person.courses and module not in person.courses:
                continue
            rng = year.rng("take", person.username, module)
            if person.unit == FOCUS_UNIT:
                outcome = "finished" if module == FOCUS_MODULE else rng.choices(
                    OUTCOMES, FOCUS_CHANCES)[0]
                plan[(person.username, module)] = (outcome, 1)
            else:
                outcome = rng.choices(OUTCOMES, CHANCES)[0]
                plan[(person.username, module)] = (outcome, 0 if rng.random() < 0.6 else 1)
    _top_up_modules(plan, modules, year)
    for person in learners:  # everyone studies something: the needs survey comes with it
        mine = [k for k in plan if k[0] == person.username]
        if mine and all(plan[k][0] == "none" for k in mine):
            key = year.rng("start", person.username).choice(sorted(mine))
            plan[key] = ("stopped", plan[key][1])
    return plan


def _top_up_modules(plan: dict, modules: list[str], year: Year) -> None:
    """Start a module for more learners until ``min_group`` have started it."""
    for module in modules:
        keys = sorted(k for k in plan if k[1] == module)
        started = [k for k in keys if plan[k][0] != "none"]
        idle = [k for k in keys if plan[k][0] == "none"]
        year.rng("top-up", module).shuffle(idle)
        for key in idle[:max(0, year.min_group - len(started))]:
            plan[key] = ("stopped", plan[key][1])


# ---- one attempt ------------------------------------------------------------------------


def event_id(year: Year, *parts) -> str:
    digest = hashlib.sha256("|".join(map(str, (year.seed, year.year, *parts))).encode())
    return EVENT_PREFIX + digest.hexdigest()[:24]


def _event(year: Year, username: str, when: dt.datetime, previous: dt.datetime, module: str,
           lesson: str, exercise: str | None, score: float) -> dict:
    return {
        "event_id": event_id(year, username, module, lesson, exercise, when.isoformat()),
        "kind": "exercise" if exercise else "lesson",
        "module": module,
        "lesson": lesson,
        "exercise": exercise,
        "score": score,
        "duration_s": round(max(1.0, (when - previous).total_seconds()), 1),
        "client_ts": when.replace(tzinfo=dt.UTC).isoformat(timespec="milliseconds"),
    }


def _next_sitting(rng: random.Random, end: dt.datetime, holidays) -> dt.datetime:
    """When the learner opens the next lesson: soon after on a morning, else on one of the
    next working days."""
    hour = end.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).hour
    if hour < 13 and rng.random() < 0.35:
        return end + dt.timedelta(minutes=rng.randint(5, 25))
    day = add_working_days(local_date(end), rng.choice((1, 1, 2)), holidays)
    return wit(day, rng.randint(8 * 60, 13 * 60 + 30))


def lessons(rng: random.Random, year: Year, person: Person, module: Module, count: int,
            start: dt.datetime, ability: float) -> list[Event]:
    """The first ``count`` lessons of ``module``, each in one sitting from ``start`` on."""
    out, cursor = [], start
    for index in range(count):
        lesson, minutes = module.lessons[index], module.lesson_minutes[index]
        exercises = module.exercises(lesson)
        previous = cursor
        steps = exercises or (None,)
        for exercise in steps:
            gap = minutes * 60 / (len(steps) + (1 if exercises else 0)) * rng.uniform(0.7, 1.4)
            when = previous + dt.timedelta(seconds=round(gap))
            score = round(min(1.0, max(0.0, rng.gauss(ability, 0.18))), 2) if exercise else 1.0
            out.append(Event(when, person.username,
                             _event(year, person.username, when, previous, module.id, lesson,
                                    exercise, score)))
            previous = when
        cursor = _next_sitting(rng, previous, year.holidays)
    return out


def scores(rng: random.Random, assignment: Assignment, chance: float) -> list[tuple[Item, float]]:
    """Each item right with probability ``chance`` (autograded: all or nothing), or a
    rubric score (five criteria of 0-2 points) for a trainer-scored item."""
    out = []
    for item in assignment.items:
        if item.manual:
            criteria = sum(rng.choices((0, 1, 2), (0.1, 0.9 - chance * 0.8, chance * 0.8))[0]
                           for _ in range(5))
            out.append((item, round(item.points * criteria / 10, 2)))
        else:
            out.append((item, item.points if rng.random() < chance else 0.0))
    return out


def pass_or_fail(rng: random.Random, sheet: list[tuple[Item, float]], passed: bool,
                 mark: float) -> list[tuple[Item, float]]:
    """``sheet`` with answers turned right (or wrong) until it passes (fails) ``mark``."""
    sheet = list(sheet)
    total = sum(i.points for i, _ in sheet)
    order = list(range(len(sheet)))
    rng.shuffle(order)
    for index in order:
        share = sum(s for _, s in sheet) / total
        if (share >= mark - 1e-9) == passed:
            break
        item, score = sheet[index]
        if passed and score < item.points:
            sheet[index] = (item, item.points)
        elif not passed and score > 0:
            sheet[index] = (item, 0.0)
    return sheet


def _sheet(when: dt.datetime, rng: random.Random, year: Year, person: Person, course: str,
           assignment: Assignment, chosen: list[tuple[Item, float]]) -> Sheet:
    synced_day = add_working_days(local_date(when), rng.choice((1, 2)), year.holidays)
    return Sheet(wit(synced_day, rng.randint(14 * 60, 16 * 60 + 30)), when, person.username,
                 course, assignment.name, assignment.kind, tuple(chosen))


def attempt(year: Year, person: Person, module: Module, assignments: tuple[Assignment, ...],
            outcome: str, period: Period) -> Plan:
    """One learner's attempt at one module (``outcome`` one of :data:`OUTCOMES` but none)."""
    rng = year.rng("attempt", person.username, module.id)
    ability = year.rng("ability", person.username).uniform(
        *(FOCUS_ABILITY if person.unit == FOCUS_UNIT else ABILITY))
    by_kind = {a.kind: a for a in assignments}
    first = period.start + dt.timedelta(days=2)
    latest = min(period.end, year.last_day) - dt.timedelta(days=ATTEMPT_DAYS)
    day = day_in(rng, first, max(first, latest), year.holidays)
    pre_at = wit(day, rng.randint(8 * 60 + 15, 10 * 60 + 30))
    plan = Plan()
    if "pre" in by_kind:
        chance = min(0.85, max(0.15, ability - 0.25))
        plan.sheets.append(_sheet(pre_at, rng, year, person, module.id, by_kind["pre"],
                                  scores(rng, by_kind["pre"], chance)))
    count = len(module.lessons) if outcome in ("finished", "failed") else rng.randint(
        1, max(1, len(module.lessons) - 1))
    start = pre_at + dt.timedelta(minutes=rng.randint(10, 30))
    plan.events = lessons(rng, year, person, module, count, start, ability)
    if outcome == "stopped" and len(plan.events) > 1 and rng.random() < 0.5:
        plan.events.pop()  # stopped in the middle of a lesson
    last = plan.events[-1].when
    if outcome in ("finished", "failed") and "post" in by_kind:
        post_day = add_working_days(local_date(last), rng.choice((1, 1, 2)), year.holidays)
        post_at = wit(post_day, rng.randint(9 * 60, 11 * 60 + 30))
        chosen = pass_or_fail(rng, scores(rng, by_kind["post"], min(0.97, ability + 0.12)),
                              outcome == "finished", year.pass_mark)
        post = _sheet(post_at, rng, year, person, module.id, by_kind["post"], chosen)
        plan.sheets.append(post)
        if outcome == "finished":
            plan.credits.append(Credit(post.synced + dt.timedelta(minutes=rng.randint(1, 4)),
                                       person.username, module.id))
            if "task" in by_kind and rng.random() < 0.75:
                task_day = add_working_days(post_day, rng.randint(1, 3), year.holidays)
                task_at = wit(task_day, rng.randint(10 * 60, 15 * 60))
                plan.sheets.append(_sheet(task_at, rng, year, person, module.id, by_kind["task"],
                                          scores(rng, by_kind["task"], ability)))
    return _before_limit(plan, year.limit)


def _before_limit(plan: Plan, limit: dt.datetime) -> Plan:
    """The attempt moved earlier as a whole if its end would be after ``limit``."""
    moments = ([e.when for e in plan.events] + [s.synced for s in plan.sheets]
               + [c.when for c in plan.credits])
    late = max(moments) - limit
    if late <= dt.timedelta(0):
        return plan
    shift = late + dt.timedelta(hours=1)
    return Plan(
        events=[Event(e.when - shift, e.username, {
            **e.event, "client_ts": (e.when - shift).replace(tzinfo=dt.UTC).isoformat(
                timespec="milliseconds")}) for e in plan.events],
        sheets=[Sheet(s.synced - shift, s.submitted - shift, s.username, s.course, s.assignment,
                      s.kind, s.scores) for s in plan.sheets],
        credits=[Credit(c.when - shift, c.username, c.module) for c in plan.credits],
    )


# ---- the voice of the learners ----------------------------------------------------------


def reactions(plan: Plan, year: Year, focus_learners: set[str]) -> list[Reaction]:
    """Surveys after the last lesson: from most who finished, some others; every module
    topped up to ``min_group`` respondents from those who started it."""
    last: dict[tuple[str, str], dt.datetime] = {}
    for e in plan.events:
        key = (e.username, e.event["module"])
        last[key] = max(e.when, last.get(key, e.when))
    chosen = []
    for key in sorted(last):
        outcome = plan.outcomes[key][0]
        rng = year.rng("survey", *key)
        sure = outcome == "finished" and key[0] in focus_learners and key[1] == FOCUS_MODULE
        if sure or rng.random() < (0.85 if outcome == "finished" else 0.3):
            chosen.append(key)
    for module in sorted({m for _, m in last}):
        others = [k for k in sorted(last) if k[1] == module and k not in chosen]
        year.rng("survey-top-up", module).shuffle(others)
        missing = year.min_group - sum(1 for k in chosen if k[1] == module)
        chosen += others[:max(0, missing)]
    out = []
    for key in sorted(chosen):
        rng = year.rng("answer", *key)
        finished = plan.outcomes[key][0] == "finished"  # those who stopped like it less
        answer = {q: min(5, max(1, rng.choice((3, 3, 4, 4, 5)) - (not finished)
                                + (rng.random() < 0.2) - (rng.random() < 0.2)))
                  for q in ("relevance", "clarity", "usefulness")}
        answer["improvement"] = rng.choice(IMPROVEMENTS)
        out.append(Reaction(last[key] + dt.timedelta(minutes=rng.randint(2, 8)), *key, answer))
    return out


def needs(learners: list[Person], codes: list[str], required: dict[tuple[str, str], int],
          modules: list[str], year: Year) -> list[Needs]:
    """A self-assessment early in the first period: each competency rated near the level
    the position requires, one or two modules asked for."""
    out = []
    first = year.periods[0].start + dt.timedelta(days=3)
    last = min(first + dt.timedelta(days=40), year.last_day)
    for person in learners:
        rng = year.rng("needs", person.username)
        day = day_in(rng, first, last, year.holidays)
        ratings = {}
        for code in codes:
            need = required.get((person.position_type, code))
            ratings[code] = (min(5, max(1, need + rng.choice((-1, 0, 0, 1)))) if need
                             else rng.choice((1, 2, 2, 3)))
        own = [m for m in modules if not person.courses or m in person.courses]
        asked = sorted(rng.sample(own, k=min(len(own), rng.choice((1, 1, 2)))))
        out.append(Needs(wit(day, rng.randint(9 * 60, 15 * 60)), person.username, ratings, asked))
    return out


# ---- everything ---------------------------------------------------------------------------


def plan_learning(people: list[Person], catalogue: dict[str, Module],
                  assessments: dict[str, tuple[Assignment, ...]], codes: list[str],
                  required: dict[tuple[str, str], int], year: Year) -> Plan:
    """The year's learning activity of the demo roster's learners."""
    learners = [p for p in people if p.role == "learner"]
    modules = list(catalogue)
    plan = Plan(outcomes=assign_outcomes(learners, modules, year))
    by_name = {p.username: p for p in learners}
    for (username, module_id), (outcome, period) in sorted(plan.outcomes.items()):
        if outcome == "none":
            continue
        part = attempt(year, by_name[username], catalogue[module_id],
                       assessments.get(module_id, ()), outcome, year.periods[period])
        plan.events += part.events
        plan.sheets += part.sheets
        plan.credits += part.credits
    focus = {p.username for p in learners if p.unit == FOCUS_UNIT}
    plan.reactions = reactions(plan, year, focus)
    studying = {e.username for e in plan.events}
    plan.needs = needs([p for p in learners if p.username in studying], codes, required,
                       modules, year)
    return plan
