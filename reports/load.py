"""Read the engine's input frames from the platform database, in bulk.

One ``SELECT`` per table; nothing is filtered here (the engine selects), so the frames
are the raw inputs the engine documents in :mod:`reports.frames`.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

QUERIES = {
    "employees": """SELECT username, nip, name, unit_code, position, position_type, status,
                           role, active FROM employees""",
    "units": "SELECT code, name, parent_code FROM units",
    "unit_history": "SELECT username, unit_code, valid_from FROM unit_memberships",
    "competencies": "SELECT code, name, kind FROM competencies ORDER BY code",
    "required_levels": "SELECT position_type, position, competency, level FROM required_levels",
    "item_scores": """SELECT username, course, assignment, kind, notebook, grade_id, competency,
                             level AS item_level, score, max_score, submitted_at FROM item_scores""",
    "jp_entries": """SELECT username, year, activity, provider, jp, source_ref, start_date,
                            end_date, certificate_no, kind FROM jp_ledger""",
}
DATES = {
    "unit_history": ["valid_from"],
    "item_scores": ["submitted_at"],
    "jp_entries": ["start_date", "end_date"],
}

# Cheap aggregates that change whenever any input does; the service rebuilds on change.
# Plain SQL that SQLite and PostgreSQL both read (times cast to text before COALESCE);
# primary keys and counts only on the big tables (MAX of an unindexed column scans them).
VERSION_QUERY = """SELECT
  (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM item_scores),  -- a re-sync deletes and inserts: new ids
  (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM jp_ledger),
  (SELECT COUNT(*) || ':' || COALESCE(CAST(MAX(updated_at) AS VARCHAR(40)), '') FROM employees),
  (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM unit_memberships),
  (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) || ':' || COALESCE(SUM(level), 0) FROM required_levels),
  (SELECT COUNT(*) || ':' || COALESCE(SUM(LENGTH(name) + LENGTH(kind)), 0) FROM competencies),
  (SELECT COUNT(*) || ':' || COALESCE(SUM(LENGTH(name) + LENGTH(COALESCE(parent_code, ''))), 0) FROM units)
"""


def load_frames(engine: Engine) -> dict[str, pd.DataFrame]:
    frames = {}
    with engine.connect() as conn:
        for name, query in QUERIES.items():
            frames[name] = pd.read_sql(text(query), conn, parse_dates=DATES.get(name))
    frames["employees"]["active"] = frames["employees"]["active"].astype(bool)
    for column in ("start_date", "end_date"):
        frames["jp_entries"][column] = frames["jp_entries"][column].dt.date
    frames["unit_history"]["valid_from"] = frames["unit_history"]["valid_from"].dt.date
    return frames


def data_version(engine: Engine) -> tuple:
    with engine.connect() as conn:
        return tuple(conn.execute(text(VERSION_QUERY)).one())
