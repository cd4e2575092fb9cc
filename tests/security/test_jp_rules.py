"""Issue 10, point 1, in-process: where the server reads a lesson's exercises, the credit
rule's parts, the sweep after a post-test sync, the two settings, and migration 0003's
re-evaluation of credits given under the old rule. No sockets, no subprocesses."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import pytest
import yaml
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from asncore import settings as s
from asncore.db import (
    ItemScore,
    JpCreditReview,
    JpEntry,
    ProgressEvent,
    make_engine,
    session_factory,
)
from asncore.events import EXERCISE_METHODS, declared_exercises, make_event, validate_event
from asncore.migrate import alembic_config
from belajar.lesson import Pelajaran
from services.kompetensi.catalogue import load_catalogue
from services.kompetensi.progress import (
    CreditRules,
    CreditSweeper,
    EventsRefused,
    credit_if_complete,
    evidence,
    record_events,
)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests/fixtures/courses"  # modul-uji: 2 lessons of 10 min, "soal-1" each
T0 = dt.datetime(2026, 3, 2, 1, 0)  # naive UTC, as the service stores it


def test_exercise_methods_are_the_exercise_constructors_of_pelajaran():
    creating = {name for name, f in vars(Pelajaran).items()
                if inspect.isfunction(f) and "_add" in f.__code__.co_names}
    assert set(EXERCISE_METHODS) == creating


def test_every_published_lesson_declares_readable_exercises(tmp_path):
    catalogue = load_catalogue(REPO / "courses", f"sqlite:///{tmp_path / 'k.sqlite'}")
    assert len(catalogue) == 4
    for module in catalogue.values():
        assert module.problems == (), module.id
        for lesson in module.lessons:
            assert module.exercises(lesson), (module.id, lesson)
    komunikasi = catalogue["komunikasi-pelayanan"]
    spec = yaml.safe_load((REPO / "courses" / "komunikasi-pelayanan" / "module.yaml").read_text())
    assert komunikasi.minutes == sum(lesson["minutes"] for lesson in spec["lessons"]) > 0
    assert komunikasi.jp == spec["jp"]
    assert komunikasi.exercises("01-mendengar-aktif") == (
        "parafrase-akta", "urutan-mendengar", "cek-mendengar")


def test_exercise_ids_are_read_as_literals_only():
    ids, problems = declared_exercises([
        "%matplotlib inline\nfrom belajar import Pelajaran\np = Pelajaran('m', 'l')",
        "p.pilihan_ganda('a', 'Soal?', ['x', 'y'], 0, ['.', '.'])\np.urutkan(exercise_id='b')",
        "p.pilihan_ganda('a', 'lagi')",  # re-created: the same exercise
        "nama = 'c'\np.matriks(nama)",
        "p.selesai()\nprint(1 +",
    ])
    assert ids == ["a", "b"]
    assert len(problems) == 2
    assert "sel kode ke-4" in problems[0] and "teks tetap" in problems[0]
    assert "sel kode ke-5" in problems[1]


@pytest.mark.parametrize("event", [
    1, None, [], "x", {"a": 1},
    {**make_event("lesson", "m", "l"), "duration_s": float("inf")},
    {**make_event("lesson", "m", "l"), "score": True},
    {**make_event("lesson", "m", "l"), "module": "M"},
    {**make_event("lesson", "m", "l"), "event_id": ""},
    {**make_event("lesson", "m", "l"), "client_ts": "kemarin"},
    {**make_event("lesson", "m", "l"), "client_ts": 5},
    {**make_event("exercise", "m", "l", "x"), "exercise": "x" * 65},
])
def test_validate_event_raises_only_value_error(event):
    with pytest.raises(ValueError):
        validate_event(event)


def test_settings_defaults_and_bounds():
    assert s.DEFAULTS["learning"]["min_time_share"] == 0.5
    assert s.DEFAULTS["learning"]["post_test_pass_mark"] == 0.6
    assert s.resolve({"data_dir": "/srv/a", "learning": {"courses_dir": "/c",
                                                         "min_time_share": 0}})
    for bad in ({"min_time_share": 1.5}, {"min_time_share": -0.1},
                {"post_test_pass_mark": 0}, {"post_test_pass_mark": 1.2},
                {"post_test_pass_mark": "60%"}):
        with pytest.raises(s.SettingsError, match="learning"):
            s.validate({"learning": bad})


@pytest.fixture
def platform(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    sessions = session_factory(url)
    return sessions, load_catalogue(FIXTURES, url)


def answer_everything(db, catalogue, user: str, minutes_apart: float, rules=None):
    module = catalogue["modul-uji"]
    for i, lesson in enumerate(module.lessons):
        events = [make_event("exercise", module.id, lesson, x, 1.0) for x in module.exercises(lesson)]
        record_events(db, user, events, catalogue, rules or CreditRules(),
                      T0 + dt.timedelta(minutes=i * minutes_apart))


def post_test(db, user: str, score: float, assignment="post-test", manual=False, kind="post"):
    db.add(ItemScore(course="modul-uji", assignment=assignment, username=user, notebook="nb",
                     grade_id="q1", competency="M.03", level=2, score=score, max_score=1.0,
                     kind=kind, needs_manual=manual))
    db.commit()


def test_the_time_rule_uses_the_server_clock_and_its_setting(platform):
    sessions, catalogue = platform
    module = catalogue["modul-uji"]  # 20 minutes declared
    with sessions() as db:
        answer_everything(db, catalogue, "a", minutes_apart=9)
        post_test(db, "a", 1.0)
        found = evidence(db, "a", module, CreditRules())
        assert found.study_seconds == 9 * 60 and found.missing() == [
            "waktu belajar belum cukup: 9 dari 10 menit"]
        assert evidence(db, "a", module, CreditRules(min_time_share=0.45)).complete
        assert not credit_if_complete(db, "a", module, CreditRules(), T0)
        assert credit_if_complete(db, "a", module, CreditRules(min_time_share=0.4), T0)


def test_post_test_rule_pass_mark_kind_and_manual_grading(platform):
    sessions, catalogue = platform
    module = catalogue["modul-uji"]
    with sessions() as db:
        answer_everything(db, catalogue, "b", minutes_apart=30)
        post_test(db, "b", 1.0, assignment="pre-test", kind="pre")  # a pre-test never counts
        assert evidence(db, "b", module, CreditRules()).missing() == ["menunggu post-test"]
        post_test(db, "b", 0.59)
        assert evidence(db, "b", module, CreditRules()).missing() == [
            "nilai post-test 59% di bawah batas lulus 60%"]
        assert evidence(db, "b", module, CreditRules(post_test_pass_mark=0.55)).complete
        post_test(db, "b", 1.0, assignment="post-test-2", manual=True)
        assert evidence(db, "b", module, CreditRules()).missing() == [
            "post-test menunggu penilaian pelatih"]
        post_test(db, "b", 0.6, assignment="post-test-3")  # exactly the pass mark
        assert evidence(db, "b", module, CreditRules()).complete


def test_events_batch_refused_whole_when_one_is_malformed(platform):
    sessions, catalogue = platform
    good = make_event("exercise", "modul-uji", "01-satu", "soal-1", 1.0)
    with sessions() as db:
        with pytest.raises(EventsRefused) as refused:
            record_events(db, "c", [good, {**good, "event_id": "x", "score": 2}], catalogue,
                          CreditRules(), T0)
        assert refused.value.status == 400 and refused.value.rejected[0]["index"] == 1
        with pytest.raises(EventsRefused) as refused:
            record_events(db, "c", [{**good, "exercise": "soal-9"}], catalogue, CreditRules(), T0)
        assert refused.value.status == 422
        assert db.scalars(select(ProgressEvent)).all() == []
        # a stale lesson id is listed, the good event kept
        result = record_events(db, "c", [{**good, "event_id": "y" * 32, "lesson": "09-lama"},
                                         good, good], catalogue, CreditRules(), T0)
        assert (result.accepted, result.duplicates, len(result.rejected)) == (1, 1, 1)
        stored = db.scalars(select(ProgressEvent)).one()
        assert stored.received_at == T0 and stored.username == "c"


def test_sweeper_credits_after_a_post_test_sync_once(platform):
    sessions, catalogue = platform
    clock = [T0 + dt.timedelta(hours=2)]
    sweeper = CreditSweeper(sessions, catalogue, CreditRules(), clock=lambda: clock[0])
    with sessions() as db:
        answer_everything(db, catalogue, "d", minutes_apart=15)
    assert sweeper.run() == []
    with sessions() as db:  # the trainer's sync, after the learner's last event
        post_test(db, "d", 0.8)
    assert sweeper.run() == [("d", "modul-uji")]
    assert sweeper.run() == []
    with sessions() as db:
        entry = db.scalars(select(JpEntry)).one()
        assert (entry.jp, entry.source_ref, entry.year) == (2.0, "modul:modul-uji", 2026)
        assert entry.start_date == dt.date(2026, 3, 2) and entry.end_date == dt.date(2026, 3, 2)


def test_migration_0003_takes_back_old_credits_and_the_service_restores_the_honest_ones(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0002")
    with Session(engine) as db:  # under the old rule: both got 2 JP in 2025 from lesson events
        for user in ("jujur", "curang"):
            db.add(JpEntry(username=user, year=2025, activity="E-learning: Modul Uji",
                           provider="Platform", jp=2.0, source_ref="modul:modul-uji",
                           start_date=dt.date(2025, 12, 30), end_date=dt.date(2025, 12, 31)))
            for lesson in ("01-satu", "02-dua"):
                db.add(ProgressEvent(received_at=dt.datetime(2025, 12, 30, 23, 59),
                                     username=user, **make_event("lesson", "modul-uji", lesson)))
        db.add(JpEntry(username="jujur", year=2025, activity="Diklat", provider="BPSDM", jp=8,
                       source_ref="sertifikat:1", start_date=dt.date(2025, 5, 1),
                       end_date=dt.date(2025, 5, 2), kind="external"))
        start = dt.datetime(2025, 12, 30, 2, 0)
        for minutes, lesson in ((0, "01-satu"), (40, "02-dua")):  # only "jujur" answered
            db.add(ProgressEvent(received_at=start + dt.timedelta(minutes=minutes), username="jujur",
                                 **make_event("exercise", "modul-uji", lesson, "soal-1", 1.0)))
        db.commit()
        for user in ("jujur", "curang"):
            post_test(db, user, 0.9)

    sessions = session_factory(url)  # upgrades to 0003
    with sessions() as db:
        assert [(e.username, e.source_ref) for e in db.scalars(select(JpEntry))] == [
            ("jujur", "sertifikat:1")]
        assert {r.username: r.outcome for r in db.scalars(select(JpCreditReview))} == {
            "jujur": "pending", "curang": "pending"}
    catalogue = load_catalogue(FIXTURES, url)
    now = dt.datetime(2026, 12, 1, 23, 0)
    assert CreditSweeper(sessions, catalogue, CreditRules(), clock=lambda: now).run() == [
        ("jujur", "modul-uji")]
    with sessions() as db:
        restored = db.scalars(select(JpEntry).where(JpEntry.source_ref == "modul:modul-uji")).one()
        assert (restored.username, restored.year, restored.jp, restored.end_date) == (
            "jujur", 2025, 2.0, dt.date(2025, 12, 31))
        assert {r.username: r.outcome for r in db.scalars(select(JpCreditReview))} == {
            "jujur": "recredited", "curang": "pending"}
    command.downgrade(alembic_config(engine), "0002")  # the pending one goes back
    with Session(engine) as db:
        assert sorted((e.username, e.source_ref) for e in db.scalars(select(JpEntry))) == [
            ("curang", "modul:modul-uji"), ("jujur", "modul:modul-uji"), ("jujur", "sertifikat:1")]


def test_module_checker_refuses_an_exercise_id_the_server_cannot_read(tmp_path):
    from belajar.check import check_module
    from tests.support.lesson_module import GOOD_CELL, make_module

    folder = make_module(tmp_path, cells=(GOOD_CELL, "nama = 'q2'\np.urutkan(nama, 'Urutkan', ['a', 'b'])"))
    (error,) = check_module(folder, execute=False)
    assert "sel kode ke-2" in error and "teks tetap" in error
