"""Fill the demo roster with a realistic year (``asn-ambon demo isi``), so that a new admin
who starts the demo finds every screen with something on it: the HR dashboard, employee
pages, evaluation, follow-up and ASN's voice, and the learners' own pages.

**Never on a real roster.** It refuses, changing nothing, when ``roster.file`` is set or
when any active employee of the platform database is not a person of the demo roster
(:mod:`asnhub.demo`: same username, NIP and name), and when no demo person is there yet
(run ``asn-ambon init`` first).

**Through the platform's own paths.** The plan (:mod:`.demoyear`, :mod:`.demopublic`)
goes in the order things happen: progress events through :func:`.progress.record_events`
stamped with their moment; pre/post-test and written-task scores as ``item_scores`` rows
shaped as ``grading.sync`` writes them (competency and level from each assignment's
``kompetensi.yaml``, points from its notebook); module JP through
:func:`.progress.credit_if_complete` (which also issues the e-certificate) when the
post-test is synced; reaction surveys and needs self-assessments through
:func:`.survey.save_answer` and :func:`.needs.save_needs`; IKM answers, SP4N-LAPOR!
complaints and outside JP as CSV text through the imports HR uses, so their checks
apply; the year's holiday calendar from ``examples/hari-libur-<year>.csv`` when the year
has none yet (a year without that file keeps weekends only; the complaint pages say so).

**Again = replaced, never doubled.** What it writes is recognisable: progress events
whose id starts ``demo-``; the scores, module credits with their certificates and
reaction surveys of the (person, module) pairs those events cover; the needs
self-assessments of the people they cover; complaints ``DEMO-...``; IKM services
"... (data demo)"; outside activities with certificate ``DEMO/...``. A run removes all of
that first, then writes the year again. Deterministic for a seed and a day (a year still
running is filled up to the present hour), except the random e-certificate numbers
(:mod:`asncore.certificates`). A trainer's real sync of an assignment replaces every row
of it, demo ones included. The holiday calendar is public data, not demo activity: it stays.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from asncore.commands import CommandFailed
from asncore.db import (
    Certificate,
    Competency,
    Complaint,
    Employee,
    IkmCount,
    ItemScore,
    JpEntry,
    NeedsAssessment,
    NeedsModuleRequest,
    NeedsRating,
    ProgressEvent,
    ReactionSurvey,
    RequiredLevel,
    session_factory,
    utcnow,
)
from asncore.imports.complaints import import_complaints_text
from asncore.imports.holidays import holiday_dates, import_holidays, years_with_holidays
from asncore.imports.ikm import import_ikm_text
from asncore.imports.jp import import_jp_text
from asncore.settings import SettingsError, project_root
from asncore.workdays import local_date
from asnhub import demo
from grading.mapping import MAPPING_FILE, assessment_kind, load_mapping

from . import demopublic, demoyear
from .catalogue import Module, load_catalogue
from .demoyear import (
    DEFAULT_SEED,
    Assignment,
    Credit,
    Event,
    Item,
    Needs,
    Person,
    Reaction,
    Sheet,
    Year,
)
from .needs import save_needs
from .progress import CreditRules, credit_if_complete, evidence, record_events
from .survey import save_answer

MODULE_REF = "modul:"


@dataclass(frozen=True)
class Summary:
    year: int
    seed: int
    periods: tuple[str, str]
    people: int
    removed_events: int
    events: int
    sheets: int
    credits: int
    reactions: int
    needs: int
    ikm_services: int
    ikm_respondents: int
    complaints: int
    outside_jp: int
    holidays: str


# ---- never on a real roster ---------------------------------------------------------------


def demo_people(db: Session, settings: dict) -> list[Person]:
    """The active employees, if every one of them is a demo-roster person; else
    :class:`CommandFailed` saying why (Indonesian)."""
    if settings["roster"]["file"]:
        raise CommandFailed(
            f"roster.file diisi ({settings['roster']['file']}): data demo hanya untuk roster "
            "demo, tidak untuk roster sungguhan. Tidak ada yang diubah.")
    known = {(r.username, r.nip, r.name) for r in demo.demo_rows()}
    active = db.scalars(select(Employee).where(Employee.active.is_(True))
                        .order_by(Employee.username)).all()
    strangers = [e.username for e in active if (e.username, e.nip, e.name) not in known]
    if strangers:
        shown = ", ".join(strangers[:3]) + (" ..." if len(strangers) > 3 else "")
        raise CommandFailed(
            f"{len(strangers)} pegawai aktif bukan orang roster demo ({shown}): data demo "
            "hanya untuk platform yang berisi roster demo. Tidak ada yang diubah.")
    if not active:
        raise CommandFailed("roster demo belum dimuat: jalankan 'asn-ambon init' (tanpa "
                            "roster.file) terlebih dahulu. Tidak ada yang diubah.")
    return [Person(e.username, e.nip, e.unit_code, e.position_type, e.status, e.role,
                   tuple(c for c in e.courses.split(";") if c)) for e in active]


# ---- what the platform offers ---------------------------------------------------------------


def notebook_cells(assignment_dir: Path) -> dict[str, tuple[str, float, bool]]:
    """grade_id -> (nbgrader notebook name, points, scored by a trainer) of every graded
    or task cell of the assignment's notebooks."""
    cells = {}
    for path in sorted(assignment_dir.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            if meta.get("grade_id") and (meta.get("grade") or meta.get("task")):
                manual = bool(meta.get("task") or meta.get("solution"))
                cells[meta["grade_id"]] = (path.stem, float(meta.get("points") or 0), manual)
    return cells


def read_assignments(course_dir: Path, codes) -> tuple[Assignment, ...]:
    """The mapped assignments of one assessment course (none if it has no folder)."""
    found = []
    for folder in sorted((course_dir / "source").glob(f"*/{MAPPING_FILE}")):
        folder = folder.parent
        mapping = load_mapping(folder, codes)
        items = tuple(Item(notebook, grade_id, *mapping[grade_id], points, manual)
                      for grade_id, (notebook, points, manual) in notebook_cells(folder).items()
                      if grade_id in mapping and points > 0)
        if items:
            found.append(Assignment(folder.name, assessment_kind(folder), items))
    return tuple(found)


def dictionary(db: Session) -> tuple[list[str], dict[tuple[str, str], int]]:
    """The competency codes and the level each position type requires (position "")."""
    codes = list(db.scalars(select(Competency.code).order_by(Competency.code)))
    required = {(r.position_type, r.competency): r.level
                for r in db.scalars(select(RequiredLevel).where(RequiredLevel.position == ""))}
    return codes, required


def ensure_holidays(platform_url: str, year: int) -> str:
    """Import the example calendar of ``year`` if the platform has none; what happened."""
    with session_factory(platform_url)() as db:
        if year in years_with_holidays(db):
            return f"kalender libur {year} sudah ada (tidak diubah)"
    try:
        path = project_root() / "examples" / f"hari-libur-{year}.csv"
    except SettingsError:
        path = None
    if path is not None and path.is_file():
        import_holidays(platform_url, path)
        return f"kalender libur {year} diimpor dari examples/{path.name}"
    return (f"kalender libur {year} belum ada: tenggat pengaduan dihitung tanpa hari libur, "
            "hanya akhir pekan yang dilewati (impor dengan 'asn-ambon libur import')")


# ---- replace, never double --------------------------------------------------------------------


def clear(db: Session) -> int:
    """Remove what an earlier run wrote (module docstring); returns the events removed.
    The caller commits."""
    mine = ProgressEvent.event_id.startswith(demoyear.EVENT_PREFIX, autoescape=True)
    pairs = db.execute(select(ProgressEvent.username, ProgressEvent.module).where(mine)
                       .distinct()).all()
    for username, module in pairs:
        ref = MODULE_REF + module
        db.execute(delete(ItemScore).where(ItemScore.username == username,
                                           ItemScore.course == module))
        db.execute(delete(ReactionSurvey).where(ReactionSurvey.username == username,
                                                ReactionSurvey.module == module))
        db.execute(delete(JpEntry).where(JpEntry.username == username, JpEntry.source_ref == ref,
                                         JpEntry.kind == "platform"))
        db.execute(delete(Certificate).where(Certificate.username == username,
                                             Certificate.source_ref == ref))
    people = sorted({username for username, _ in pairs})
    assessments = select(NeedsAssessment.id).where(NeedsAssessment.username.in_(people))
    db.execute(delete(NeedsRating).where(NeedsRating.assessment_id.in_(assessments)))
    db.execute(delete(NeedsModuleRequest).where(NeedsModuleRequest.assessment_id.in_(assessments)))
    db.execute(delete(NeedsAssessment).where(NeedsAssessment.username.in_(people)))
    removed = db.execute(delete(ProgressEvent).where(mine)).rowcount
    outside = "sertifikat:" + demopublic.CERTIFICATE_PREFIX
    db.execute(delete(JpEntry).where(JpEntry.kind == "external",
                                     JpEntry.source_ref.startswith(outside, autoescape=True)))
    db.execute(delete(IkmCount).where(
        IkmCount.service.endswith(demopublic.SERVICE_MARK, autoescape=True)))
    db.execute(delete(Complaint).where(
        Complaint.id.startswith(demopublic.COMPLAINT_PREFIX, autoescape=True)))
    return removed


# ---- write the plan -----------------------------------------------------------------------------


def _credited(db: Session, username: str, module: str) -> bool:
    found = db.scalar(select(JpEntry.id).where(JpEntry.username == username,
                                               JpEntry.source_ref == MODULE_REF + module))
    return found is not None


def apply(db: Session, plan: demoyear.Plan, catalogue: dict[str, Module], rules: CreditRules,
          year: int) -> None:
    """Every action of ``plan`` in time order, each committed as the service commits it."""
    for action in plan.actions():
        if isinstance(action, Event):
            result = record_events(db, action.username, [action.event], catalogue, rules,
                                   action.when)
            if result.accepted != 1:
                raise RuntimeError(f"demo event not accepted: {result.as_json()}")
        elif isinstance(action, Sheet):
            db.add_all(ItemScore(course=action.course, assignment=action.assignment,
                                 username=action.username, notebook=item.notebook,
                                 grade_id=item.grade_id, competency=item.competency,
                                 level=item.level, score=score, max_score=item.points,
                                 needs_manual=False, kind=action.kind,
                                 submitted_at=action.submitted, synced_at=action.synced)
                       for item, score in action.scores)
            db.commit()
        elif isinstance(action, Credit):
            module = catalogue[action.module]
            credit_if_complete(db, action.username, module, rules, action.when)
            db.commit()
            if not _credited(db, action.username, action.module):
                missing = evidence(db, action.username, module, rules).missing()
                raise RuntimeError(f"demo credit refused for {action.username}/{module.id}: "
                                   f"{missing}")
        elif isinstance(action, Reaction):
            save_answer(db, action.username, catalogue[action.module], action.answer,
                        action.when)
        elif isinstance(action, Needs):
            save_needs(db, action.username, year, action.ratings, action.modules, action.when)


def fill(settings: dict, year: int | None = None, seed: int = DEFAULT_SEED,
         now: dt.datetime | None = None) -> Summary:
    """Check that the platform holds the demo roster only, then replace its demo year."""
    now = now or utcnow()
    today = local_date(now)
    year = year or demoyear.default_year(today)
    periods = demoyear.demo_periods(year, today)
    url = settings["database"]["platform_url"]
    sessions = session_factory(url)
    with sessions() as db:
        people = demo_people(db, settings)
        codes, required = dictionary(db)
    holidays_note = ensure_holidays(url, year)
    with sessions() as db:
        holidays = frozenset(holiday_dates(db))
    learning, evaluation = settings["learning"], settings["evaluation"]
    plan_year = Year(year, seed, periods, holidays, now - dt.timedelta(hours=1),
                     float(learning["post_test_pass_mark"]), int(evaluation["min_group_size"]))
    catalogue = load_catalogue(learning["courses_dir"], url)
    assessments_dir = Path(settings["assessments"]["dir"])
    assessments = {m: read_assignments(assessments_dir / m, codes) for m in catalogue}
    plan = demoyear.plan_learning(people, catalogue, assessments, codes, required, plan_year)
    units = {p.unit for p in people}
    deadlines = (evaluation["verify_working_days"], evaluation["followup_working_days"])
    with sessions() as db:
        removed = clear(db)
        db.commit()
    ikm = import_ikm_text(url, demopublic.ikm_csv(units, plan_year), "data-demo-ikm.csv")
    complaints = import_complaints_text(
        url, demopublic.complaints_csv(units, plan_year, deadlines), "data-demo-pengaduan.csv",
        now)
    outside = import_jp_text(url, demopublic.jp_csv(people, plan_year), "data-demo-jp.csv", today)
    with sessions() as db:
        apply(db, plan, catalogue, CreditRules.from_settings(learning), year)
    return Summary(
        year=year, seed=seed, periods=(periods[0].label, periods[1].label), people=len(people),
        removed_events=removed, events=len(plan.events), sheets=len(plan.sheets),
        credits=len(plan.credits), reactions=len(plan.reactions), needs=len(plan.needs),
        ikm_services=ikm.services, ikm_respondents=ikm.respondents,
        complaints=complaints.added + complaints.updated + complaints.unchanged,
        outside_jp=outside.added, holidays=holidays_note)
