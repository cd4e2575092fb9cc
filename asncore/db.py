"""The platform database: roster, competency dictionary, scores, JP ledger, account safety.

The bottom package owns it: the roster import, the authenticator, grading sync, HR's
imports and the competency service write to it through the models here. SQLite by
default, any SQLAlchemy URL works. The schema is versioned with Alembic
(``asncore/migrations``): :func:`session_factory` brings any database to the newest
revision before use.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """An organisational unit (OPD or a part of one), nested through ``parent_code``."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)


class Employee(Base):
    """One roster row: an ASN (or staff member) and their platform role."""

    __tablename__ = "employees"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    position: Mapped[str] = mapped_column(String(200))
    position_type: Mapped[str] = mapped_column(String(40))
    grade: Mapped[str] = mapped_column(String(10))  # golongan, e.g. III/a or IX (PPPK)
    status: Mapped[str] = mapped_column(String(8))  # PNS | PPPK
    role: Mapped[str] = mapped_column(String(16))  # one of asncore.constants.ROLES
    # nbgrader courses, ";"-separated: taught (trainer) or taken (learner; empty = all)
    courses: Mapped[str] = mapped_column(String(400), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    def as_identity(self) -> dict:
        return {
            "username": self.username,
            "nip": self.nip,
            "name": self.name,
            "unit": {"code": self.unit_code},
            "position": self.position,
            "position_type": self.position_type,
            "status": self.status,
            "role": self.role,
            "active": self.active,
        }


class UnitMembership(Base):
    """From which date a person belonged to a unit; a roster import that moves someone
    adds a row, so reports over past periods can use the unit of that time."""

    __tablename__ = "unit_memberships"
    __table_args__ = (UniqueConstraint("username", "valid_from"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    unit_code: Mapped[str] = mapped_column(String(32))
    valid_from: Mapped[dt.date] = mapped_column(Date)


class Competency(Base):
    """The competency dictionary (PermenPANRB 38/2017 plus the agency's technical ones)."""

    __tablename__ = "competencies"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # managerial | sociocultural | technical
    description: Mapped[str] = mapped_column(String(1000), default="")


class RequiredLevel(Base):
    """Level (1-5) a position type, or one position of it, requires on a competency."""

    __tablename__ = "required_levels"
    __table_args__ = (UniqueConstraint("position_type", "position", "competency"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position_type: Mapped[str] = mapped_column(String(40))
    position: Mapped[str] = mapped_column(String(200), default="")  # "" = the whole type
    competency: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    level: Mapped[int] = mapped_column(Integer)


class LoginFailure(Base):
    """Failed-login counter per user name; persisted so a hub restart keeps lockouts."""

    __tablename__ = "login_failures"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_failure: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(url: str) -> sessionmaker[Session]:
    """Migrate the schema to the newest revision and return a session factory for ``url``."""
    from .migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)


class ProgressEvent(Base):
    """One learning event from a lesson notebook, for the user the token belongs to."""

    __tablename__ = "progress_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # exercise | lesson
    module: Mapped[str] = mapped_column(String(64), index=True)
    lesson: Mapped[str] = mapped_column(String(64))
    exercise: Mapped[str | None] = mapped_column(String(64), nullable=True)
    score: Mapped[float] = mapped_column(Float)
    duration_s: Mapped[float] = mapped_column(Float)
    client_ts: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class JpEntry(Base):
    """The JP (learning hours) ledger: platform modules and activities HR records."""

    __tablename__ = "jp_ledger"
    __table_args__ = (UniqueConstraint("username", "source_ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    activity: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    jp: Mapped[float] = mapped_column(Float)
    # "modul:<id>" for a finished platform module (credited once), else HR's reference
    source_ref: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    certificate_no: Mapped[str | None] = mapped_column(String(120), nullable=True)
    kind: Mapped[str] = mapped_column(String(16), default="platform", server_default="platform")  # platform | external
    proof: Mapped[str | None] = mapped_column(String(400), nullable=True)  # link or file name
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ItemScore(Base):
    """A learner's score on one graded item, synced from a course's gradebook."""

    __tablename__ = "item_scores"
    __table_args__ = (UniqueConstraint("course", "assignment", "username", "notebook", "grade_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course: Mapped[str] = mapped_column(String(64), index=True)
    assignment: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64), index=True)
    notebook: Mapped[str] = mapped_column(String(128))
    grade_id: Mapped[str] = mapped_column(String(128))
    competency: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    needs_manual: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(8), default="other", server_default="other")  # pre | post | task | other
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    synced_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class JpCreditReview(Base):
    """A module credit given under the rule before issue 10 (lesson events alone), taken out
    of the ledger by migration 0003. The competency service credits it again, with these
    year, dates and JP, once the learner's evidence meets the current rule (``outcome``
    becomes ``recredited``); until then it stays ``pending`` and counts for nothing."""

    __tablename__ = "jp_credit_reviews"
    __table_args__ = (UniqueConstraint("username", "source_ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    source_ref: Mapped[str] = mapped_column(String(120))  # "modul:<id>"
    year: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    jp: Mapped[float] = mapped_column(Float)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    credited_at: Mapped[dt.datetime] = mapped_column(DateTime)  # the old entry's created_at
    outcome: Mapped[str] = mapped_column(String(16), default="pending")  # pending | recredited
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- Public voice (issue 11): IKM aggregates, complaints, holidays


class IkmCount(Base):
    """How many respondents answered 1, 2, 3 and 4 on one IKM element (U1-U9,
    :mod:`asncore.ikm`) for one unit, service and period. Only these counts are kept: no
    respondent's row, nothing that could identify one (``asncore.imports.ikm``)."""

    __tablename__ = "ikm_counts"
    __table_args__ = (UniqueConstraint("unit_code", "service", "period", "element"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    service: Mapped[str] = mapped_column(String(200))  # layanan
    period: Mapped[str] = mapped_column(String(16), index=True)  # asncore.periods label
    element: Mapped[str] = mapped_column(String(4))  # U1-U9
    answers_1: Mapped[int] = mapped_column(Integer)
    answers_2: Mapped[int] = mapped_column(Integer)
    answers_3: Mapped[int] = mapped_column(Integer)
    answers_4: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Complaint(Base):
    """A public complaint from an SP4N-LAPOR! export, by its LAPOR! id; times in UTC
    (naive), empty while the step has not happened."""

    __tablename__ = "complaints"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    category: Mapped[str] = mapped_column(String(200), default="")
    # submitted | verified | forwarded | followed_up | responded | closed | postponed |
    # not_authority | archived (asncore.imports.complaints.STATUSES)
    status: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    followed_up_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Holiday(Base):
    """A day off for the whole civil service: a national holiday or cuti bersama (the
    yearly SKB of three ministers); working days skip them (asncore.workdays)."""

    __tablename__ = "holidays"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # national | collective (cuti bersama)


# --- ASN's voice (issue 11): reaction survey, training needs


class CompetencyLevelDescription(Base):
    """What a level (1-5) of a competency looks like in behaviour: what ASN rate
    themselves against in the training-needs self-assessment. Seeded by migration 0005
    (PermenPANRB 38/2017 for the managerial and socio-cultural codes, the agency's wording
    for its technical ones); a competency without rows falls back to a generic scale."""

    __tablename__ = "competency_levels"
    competency: Mapped[str] = mapped_column(ForeignKey("competencies.code"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    description: Mapped[str] = mapped_column(String(500))


class ReactionSurvey(Base):
    """A learner's reaction to a module (Kirkpatrick level 1): one answer per learner and
    module, replaced when they answer again. HR reads aggregates only (groups of at least
    ``evaluation.min_group_size``), never a row."""

    __tablename__ = "reaction_surveys"
    __table_args__ = (UniqueConstraint("username", "module"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    module: Mapped[str] = mapped_column(String(64), index=True)
    module_version: Mapped[int] = mapped_column(Integer)
    relevance: Mapped[int] = mapped_column(Integer)  # 1-5 Likert
    clarity: Mapped[int] = mapped_column(Integer)
    usefulness: Mapped[int] = mapped_column(Integer)
    improvement: Mapped[str] = mapped_column(String(1000), default="")
    year: Mapped[int] = mapped_column(Integer, index=True)  # of the last answer, in WIT
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class NeedsAssessment(Base):
    """A learner's training-needs self-assessment for one year (one per learner and year,
    replaced when they save again): self-rated levels and the modules they ask for."""

    __tablename__ = "needs_assessments"
    __table_args__ = (UniqueConstraint("username", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class NeedsRating(Base):
    """One self-rated level (1-5) of a needs assessment."""

    __tablename__ = "needs_ratings"
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("needs_assessments.id", ondelete="CASCADE"), primary_key=True)
    competency: Mapped[str] = mapped_column(ForeignKey("competencies.code"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)


class NeedsModuleRequest(Base):
    """A module of the catalogue a learner asks for in a needs assessment."""

    __tablename__ = "needs_module_requests"
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("needs_assessments.id", ondelete="CASCADE"), primary_key=True)
    module: Mapped[str] = mapped_column(String(64), primary_key=True)


# --- Development plans (issue 11)


class DevelopmentPlan(Base):
    """HR's plan for one unit after an evaluation period: the recommendation of
    ``reports.recommend`` as it stood when HR saved it (``draft``) or accepted it
    (``accepted``: its modules are then assigned, see :class:`ModuleAssignment`)."""

    __tablename__ = "development_plans"
    __table_args__ = (UniqueConstraint("unit_code", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    period: Mapped[str] = mapped_column(String(16), index=True)  # evaluated (asncore.periods)
    target_period: Mapped[str] = mapped_column(String(16))  # the next period: the plan's
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | accepted
    score: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0-100, weakest high
    reasons: Mapped[str] = mapped_column(String(2000), default="")  # the unit's weaknesses
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    accepted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class DevelopmentPlanItem(Base):
    """One module for one person in a plan, with the reasons in words."""

    __tablename__ = "development_plan_items"
    __table_args__ = (UniqueConstraint("plan_id", "module", "username"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("development_plans.id", ondelete="CASCADE"), index=True)
    module: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(1000), default="")  # the unit's, for the module
    person_reason: Mapped[str] = mapped_column(String(500), default="")  # why this person


class ModuleAssignment(Base):
    """A module assigned to a person for a period; the learner sees it as "Ditugaskan".
    Written only when HR accepts a plan; one per person, module and period."""

    __tablename__ = "module_assignments"
    __table_args__ = (UniqueConstraint("username", "module", "period"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    module: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))  # the plan's target period
    year: Mapped[int] = mapped_column(Integer, index=True)  # of that period
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("development_plans.id", ondelete="SET NULL"), nullable=True, index=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# --- Certificates (issue 12)


class Certificate(Base):
    """The e-certificate of one platform module credit (``jp_ledger`` row with ``source_ref``
    ``modul:<id>``), as it was issued: the name, NIP, title, JP and date printed on it.
    ``number`` is public (QR code, verification page) and random (asncore.certificates).
    Valid while the credit is in the ledger; "dicabut" (revoked) once it is not."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("username", "source_ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    source_ref: Mapped[str] = mapped_column(String(120))  # "modul:<id>", as in jp_ledger
    name: Mapped[str] = mapped_column(String(200))
    nip: Mapped[str] = mapped_column(String(18))
    module_title: Mapped[str] = mapped_column(String(200))
    jp: Mapped[float] = mapped_column(Float)
    completed_on: Mapped[dt.date] = mapped_column(Date)  # the credit's end date (WIT)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
