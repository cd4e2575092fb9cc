"""The demo year's plan (services.kompetensi.demoyear, .demopublic): pure, so checked here on
a small synthetic catalogue; tests/component/test_demodata.py writes the real one through
``asn-ambon demo isi`` and reads every screen."""

from __future__ import annotations

import datetime as dt

import pytest

from asncore.events import validate_event
from asncore.ikm import compute
from asncore.imports import complaints as complaint_import
from asncore.imports import ikm as ikm_import
from asncore.imports import jp as jp_import
from asncore.periods import parse_period
from asncore.workdays import in_time
from services.kompetensi.catalogue import Module
from services.kompetensi.demopublic import (
    CERTIFICATE_PREFIX,
    COMPLAINT_PREFIX,
    SERVICE_MARK,
    SHORT_JP,
    complaints_csv,
    ikm_csv,
    jp_csv,
)
from services.kompetensi.demoyear import (
    EVENT_PREFIX,
    FOCUS_MODULE,
    FOCUS_UNIT,
    Assignment,
    Item,
    Person,
    Year,
    default_year,
    demo_periods,
    plan_learning,
)

YEAR = 2025
NOW = dt.datetime(2026, 3, 1, 3, 0)  # the whole demo year is past
HOLIDAYS = frozenset({dt.date(2025, 1, 1), dt.date(2025, 8, 17), dt.date(2025, 12, 25)})
PASS = 0.6


def module(module_id: str, lessons: int) -> Module:
    ids = tuple(f"{n:02d}-pelajaran" for n in range(1, lessons + 1))
    return Module(id=module_id, version=1, title=module_id.title(), jp=2.0, lessons=ids,
                  competencies=({"code": "M.03", "target_level": 2},),
                  lesson_minutes=tuple(20 for _ in ids),
                  lesson_exercises=tuple((f"soal-{n}a", f"soal-{n}b") if n % 3 else ()
                                         for n in range(1, lessons + 1)))


CATALOGUE = {m.id: m for m in (module("komunikasi-pelayanan", 4), module(FOCUS_MODULE, 3),
                               module("e-government", 5))}


def assignments() -> tuple[Assignment, ...]:
    def tests(notebook: str) -> tuple[Item, ...]:
        return tuple(Item(notebook, f"tes_{n}", "M.03", 1 + n % 2, 1.0, False) for n in range(10))

    return (Assignment("pre-test", "pre", tests("pre-test")),
            Assignment("post-test", "post", tests("post-test")),
            Assignment("tugas-tertulis", "task",
                       (Item("tugas-tertulis", "jawaban", "M.03", 3, 10.0, True),)))


ASSESSMENTS = {m: assignments() for m in CATALOGUE}


def person(n: int, unit: str, status: str = "PNS", role: str = "learner") -> Person:
    return Person(f"u{n:02d}", f"19900101201501{1 + n % 2}{n:03d}", unit, "Pelaksana", status,
                  role)


PEOPLE = ([person(n, FOCUS_UNIT, "PPPK" if n == 4 else "PNS") for n in range(5)]
          + [person(n, "DINKES") for n in range(5, 8)]
          + [person(8, "DUKCAPIL"), person(9, "BKPSDM", role="trainer")])
CODES = ["M.01", "M.03", "M.05"]
REQUIRED = {("Pelaksana", "M.01"): 1, ("Pelaksana", "M.03"): 1}


def year_of(seed: int = 3, now: dt.datetime = NOW, year: int = YEAR) -> Year:
    return Year(year, seed, demo_periods(year, now.date()), HOLIDAYS,
                now - dt.timedelta(hours=1), PASS, 5)


def plan(seed: int = 3):
    return plan_learning(PEOPLE, CATALOGUE, ASSESSMENTS, CODES, REQUIRED, year_of(seed))


# ---- the year ---------------------------------------------------------------------------


@pytest.mark.parametrize(("today", "labels"), [
    (dt.date(2027, 1, 2), ("2026-S1", "2026-S2")),  # a past year: its semesters
    (dt.date(2026, 12, 2), ("2026-S1", "2026-S2")),
    (dt.date(2026, 8, 10), ("2026-S1", "2026-S2")),  # S2 began 40 days ago
    (dt.date(2026, 7, 20), ("2026-Q1", "2026-Q2")),  # S2 too young: the quarters
    (dt.date(2026, 4, 20), ("2026-02", "2026-03")),  # Q2 too young: the months
])
def test_the_year_has_two_periods_that_have_run_long_enough(today, labels):
    assert tuple(p.label for p in demo_periods(2026, today)) == labels


def test_a_year_too_young_or_to_come_is_refused_in_indonesian():
    with pytest.raises(ValueError, match="pakai --tahun 2026"):
        demo_periods(2027, dt.date(2027, 1, 20))
    with pytest.raises(ValueError, match="belum tiba"):
        demo_periods(2028, dt.date(2027, 6, 1))
    assert default_year(dt.date(2027, 1, 20)) == 2026
    assert default_year(dt.date(2026, 12, 2)) == 2026


# ---- the learning plan ------------------------------------------------------------------


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    assert plan(3) == plan(3)
    assert plan(3).events != plan(4).events


def test_events_are_marked_well_formed_and_inside_the_year():
    found, year = plan(), year_of()
    assert found.events
    start = dt.datetime.combine(year.periods[0].start, dt.time()) - dt.timedelta(hours=9)
    for e in found.events:
        validate_event(e.event)
        assert e.event["event_id"].startswith(EVENT_PREFIX)
        assert start <= e.when <= year.limit
    assert len({e.event["event_id"] for e in found.events}) == len(found.events)


def test_every_credit_rests_on_evidence_the_jp_rule_accepts():
    """All declared exercises (or the lesson mark) answered, server time >= half the
    module's minutes, the post-test passed and synced before the credit."""
    found = plan()
    assert found.credits
    for credit in found.credits:
        events = [e for e in found.events
                  if (e.username, e.event["module"]) == (credit.username, credit.module)]
        module = CATALOGUE[credit.module]
        for lesson in module.lessons:
            done = {e.event["exercise"] for e in events if e.event["lesson"] == lesson}
            wanted = set(module.exercises(lesson)) or {None}
            assert wanted <= done, (credit, lesson)
        span = max(e.when for e in events) - min(e.when for e in events)
        assert span.total_seconds() >= 0.5 * module.minutes * 60
        posts = [s for s in found.sheets if (s.username, s.course, s.kind)
                 == (credit.username, credit.module, "post")]
        assert len(posts) == 1 and posts[0].share >= PASS
        assert max(e.when for e in events) < posts[0].submitted < posts[0].synced < credit.when


def test_a_failed_post_test_stays_below_the_pass_mark_and_earns_nothing():
    found = plan()
    failed = {k for k, (outcome, _) in found.outcomes.items() if outcome == "failed"}
    assert failed, "the seed should give at least one failed post-test"
    credited = {(c.username, c.module) for c in found.credits}
    for key in failed:
        post = next(s for s in found.sheets if (s.username, s.course, s.kind) == (*key, "post"))
        assert post.share < PASS and key not in credited


def test_the_focus_unit_learns_only_after_the_first_period_and_finishes_its_module():
    found, year = plan(), year_of()
    focus = [p.username for p in PEOPLE if p.unit == FOCUS_UNIT]
    assert {c.username for c in found.credits if c.module == FOCUS_MODULE} >= set(focus)
    first_end = dt.datetime.combine(year.periods[0].end + dt.timedelta(days=1), dt.time())
    assert all(e.when >= first_end - dt.timedelta(hours=9)
               for e in found.events if e.username in focus)


def test_only_learners_study_and_every_module_reaches_the_smallest_group():
    found = plan()
    assert {e.username for e in found.events} <= {p.username for p in PEOPLE
                                                  if p.role == "learner"}
    for module_id in CATALOGUE:
        started = {e.username for e in found.events if e.event["module"] == module_id}
        answered = [r for r in found.reactions if r.module == module_id]
        assert len(started) >= 5 and len(answered) >= 5, module_id
        assert {r.username for r in answered} <= started


def test_reactions_and_needs_are_valid_answers_of_people_who_study():
    found = plan()
    studying = {e.username for e in found.events}
    for r in found.reactions:
        assert all(r.answer[q] in range(1, 6) for q in ("relevance", "clarity", "usefulness"))
    assert {n.username for n in found.needs} == studying
    for n in found.needs:
        assert set(n.ratings) == set(CODES) and all(v in range(1, 6) for v in n.ratings.values())
        assert n.modules and set(n.modules) <= set(CATALOGUE)


def test_an_attempt_that_would_end_after_now_is_moved_before_it():
    """This year, with the second semester barely long enough: nothing after the limit."""
    now = dt.datetime(2026, 8, 6, 1, 0)
    year = Year(2026, 5, demo_periods(2026, now.date()), frozenset(), now - dt.timedelta(hours=1))
    found = plan_learning(PEOPLE, CATALOGUE, ASSESSMENTS, CODES, REQUIRED, year)
    moments = ([e.when for e in found.events] + [s.synced for s in found.sheets]
               + [c.when for c in found.credits] + [r.when for r in found.reactions])
    assert moments and max(moments) <= year.limit


# ---- public feedback and outside learning ---------------------------------------------------


def test_the_survey_file_passes_the_import_and_the_focus_unit_is_lowest_in_both_periods():
    year = year_of()
    services = ikm_import.parse(ikm_csv({p.unit for p in PEOPLE}, year), "demo.csv")
    assert services and all(s.service.endswith(SERVICE_MARK) for s in services)
    assert {s.unit for s in services} == {FOCUS_UNIT, "DINKES", "DUKCAPIL"}  # BKPSDM: none
    for period in year.periods:
        index = {s.unit: compute(s.counts).index for s in services
                 if s.period == period.label}
        assert min(index, key=index.get) == FOCUS_UNIT, index
        assert index[FOCUS_UNIT] < 76.61 <= min(v for u, v in index.items() if u != FOCUS_UNIT)


def late_share(rows, unit: str, period) -> float:
    due = [r for r in rows if r.unit == unit and r.received_at.date() in period
           and r.verified_at is not None]
    late = [r for r in due if not in_time(r.received_at, r.verified_at, 3, HOLIDAYS)]
    return len(late) / len(due)


def test_the_complaints_pass_the_import_and_the_focus_unit_is_late_most_often():
    year = year_of()
    text = complaints_csv({p.unit for p in PEOPLE}, year)
    rows = complaint_import.parse(text, "demo.csv", {FOCUS_UNIT, "DINKES", "DUKCAPIL"}, NOW)
    assert rows and all(r.report_id.startswith(COMPLAINT_PREFIX) for r in rows)
    first = parse_period(f"{YEAR}-S1")
    assert late_share(rows, FOCUS_UNIT, first) > 0.3 > late_share(rows, "DINKES", first)


def test_steps_after_the_limit_are_left_open():
    now = dt.datetime(2026, 12, 2, 3, 0)
    year = Year(2026, 3, demo_periods(2026, now.date()), frozenset(), now - dt.timedelta(hours=1))
    rows = complaint_import.parse(complaints_csv({FOCUS_UNIT}, year), "demo.csv", {FOCUS_UNIT},
                                  now)
    for r in rows:
        for moment in (r.received_at, r.verified_at, r.followed_up_at, r.closed_at):
            assert moment is None or moment <= year.limit
    assert any(r.status != "closed" for r in rows)


def test_outside_activities_pass_the_import_and_keep_pppk_short():
    year = year_of()
    roster = {p.nip: jp_import.RosterEntry(p.username, p.status) for p in PEOPLE}
    rows = jp_import.parse(jp_csv(PEOPLE, year), "demo.csv", roster, NOW.date())
    assert rows and all(r.certificate_no.startswith(CERTIFICATE_PREFIX) for r in rows)
    assert all(r.end_date.year == YEAR for r in rows)
    pppk = {p.username for p in PEOPLE if p.status == "PPPK"}
    assert sum(r.jp for r in rows if r.username in pppk) <= SHORT_JP
