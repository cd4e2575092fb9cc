"""One employee's profile from a built report: the dict the API returns and the printable
page renders (the same shape as each section of the HTML report).

The HR service answers many profile requests from one report, so the rows of each
employee are indexed once per report (one ``groupby`` per frame) and each profile then
takes a few row lookups instead of scans over every employee's rows.
"""

from __future__ import annotations

import dataclasses

from .render_html import employee_profiles

PER_EMPLOYEE = ("employees", "levels", "jp", "jp_entries", "gain")
INDEX_ATTRIBUTE = "_rows_by_username"  # kept on the report object, built on first use


def _positions(report) -> dict[str, dict]:
    index = report.__dict__.get(INDEX_ATTRIBUTE)
    if index is None:
        index = {name: getattr(report, name).groupby("username", sort=False).indices for name in PER_EMPLOYEE}
        report.__dict__[INDEX_ATTRIBUTE] = index
    return index


def employee_profile(report, username: str) -> dict:
    """Raises KeyError when ``username`` is not among the report's employees."""
    index = _positions(report)
    if username not in index["employees"]:
        raise KeyError(f"pegawai '{username}' tidak ada dalam laporan ini")
    only = {
        name: getattr(report, name).iloc[index[name].get(username, [])]
        for name in PER_EMPLOYEE
    }
    return next(employee_profiles(dataclasses.replace(report, **only)))
