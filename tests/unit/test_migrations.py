"""The platform database's Alembic migrations: head equals the models, and a database
made by the first release (create_all, no version table) is upgraded in place."""

from __future__ import annotations

import sqlite3

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from asncore.db import Base, Competency, RequiredLevel, UnitMembership, make_engine, session_factory
from asncore.migrate import alembic_config, current_revision, head_revision


def test_head_schema_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    session_factory(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert current_revision(engine) == head_revision()


def test_first_release_database_is_stamped_and_upgraded(tmp_path):
    path = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0001")
    with sqlite3.connect(path) as db:  # what create_all made: the tables, no version table
        db.execute("DROP TABLE alembic_version")
        db.execute("INSERT INTO units VALUES ('DUKCAPIL', 'Dinas Dukcapil')")
        db.execute(
            "INSERT INTO employees VALUES ('199001012015031001', '199001012015031001', 'Ani', "
            "'DUKCAPIL', 'Analis', 'Pelaksana', 'III/a', 'PNS', 'learner', '', 1, '2026-01-01')"
        )
        db.execute(
            "INSERT INTO jp_ledger (username, year, activity, provider, jp, source_ref, start_date,"
            " end_date, created_at) VALUES ('199001012015031001', 2026, 'Modul', 'Platform', 3,"
            " 'modul:x', '2026-01-02', '2026-01-03', '2026-01-03')"
        )
    assert current_revision(engine) is None

    sessions = session_factory(f"sqlite:///{path}")
    with sessions() as db:
        assert [m.unit_code for m in db.scalars(select(UnitMembership))] == ["DUKCAPIL"]
        assert db.get(Competency, "M.03").name == "Komunikasi"
        pelaksana = db.scalars(select(RequiredLevel).where(RequiredLevel.position_type == "Pelaksana")).all()
        assert {r.level for r in pelaksana} == {1} and len(pelaksana) == 9  # M.01-M.08 + SK.01
    with sqlite3.connect(path) as db:
        # 0002 marked it a platform credit; 0003 took it back for re-evaluation (issue 10)
        assert db.execute("SELECT kind, jp FROM jp_ledger").fetchall() == []
        assert db.execute(
            "SELECT username, source_ref, year, jp, start_date, end_date, outcome"
            " FROM jp_credit_reviews"
        ).fetchall() == [("199001012015031001", "modul:x", 2026, 3.0, "2026-01-02",
                          "2026-01-03", "pending")]
    assert current_revision(engine) == head_revision()


def test_downgrade_to_first_release_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite'}"
    session_factory(url)
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    session_factory(url)
    assert current_revision(engine) == head_revision()
