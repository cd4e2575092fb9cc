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
