"""Bring the platform database to the newest schema revision (Alembic, run in-process).

Every process that opens the platform database calls :func:`upgrade` through
``db.session_factory``; at the newest revision it costs one query. A database created by
the first release (``create_all``, no ``alembic_version`` table) is stamped as revision
0001 and then upgraded. On SQLite a lock file next to the database serialises processes
that start at the same moment (hub, competency service, a CLI).
"""

from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextlib.contextmanager
def _lock(engine: Engine):
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine) -> None:
    head = head_revision()
    if current_revision(engine) == head:
        return
    with _lock(engine):
        current = current_revision(engine)
        if current == head:
            return
        cfg = alembic_config(engine)
        if current is None and inspect(engine).has_table("employees"):
            command.stamp(cfg, FIRST_REVISION)  # made by create_all before migrations existed
        command.upgrade(cfg, "head")
