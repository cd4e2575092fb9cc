"""The HR API's answers, serialised once per built report.

Built in the report cache's worker thread right after the report, so an API request is a
dictionary lookup and a write of ready bytes: the service answers 20 concurrent HR
clients from one Tornado thread without queueing behind pandas work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from reports.render import records
from reports.render_html import employee_profiles


def to_json(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, default=str).encode()


@dataclass(frozen=True)
class ReportViews:
    profiles: dict[str, bytes]  # username -> profile JSON
    usernames_by_nip: dict[str, str]
    units: bytes  # every unit's summary
    unit: dict[str, bytes]  # unit code -> that unit's summary
    jp: dict[str, bytes]  # "" (all) | "belum" | "memenuhi" -> compliance list

    @classmethod
    def of(cls, report) -> ReportViews:
        year = report.config.year
        profiles = {p["username"]: to_json(p) for p in employee_profiles(report)}
        units = _unit_payloads(report)
        return cls(
            profiles=profiles,
            usernames_by_nip=dict(zip(report.employees["nip"], report.employees["username"])),
            units=to_json({"year": year, "units": list(units.values())}),
            unit={code: to_json({"year": year, **payload}) for code, payload in units.items()},
            jp=_jp_payloads(report),
        )


def person_profile(report, username: str) -> bytes | None:
    """The profile JSON of ``username`` from a report (built for that person alone or not),
    exactly as :class:`ReportViews` serialises it; None when they are not in the report."""
    for profile in employee_profiles(report):
        if profile["username"] == username:
            return to_json(profile)
    return None


def _unit_payloads(report) -> dict[str, dict]:
    payloads = {}
    for code, rows in report.unit_summary.groupby("unit_code", sort=True):
        payloads[code] = {
            "code": code,
            "name": rows["unit_name"].iloc[0],
            "employees": int(rows["employees"].iloc[0]),
            "competencies": records(rows.drop(columns=["unit_code", "unit_name", "employees"])),
        }
    return payloads


def _jp_payloads(report) -> dict[str, bytes]:
    people = report.employees[["username", "nip", "name", "unit_code", "status"]]
    jp = report.jp.merge(people, on="username").sort_values(["unit_code", "name"], kind="stable")
    rows = records(jp.drop(columns="username"))
    targets = dict(report.config.jp_targets)

    def payload(selected: list[dict]) -> bytes:
        return to_json({"year": report.config.year, "targets": targets, "count": len(selected),
                        "employees": selected})

    return {
        "": payload(rows),
        "belum": payload([r for r in rows if not r["compliant"]]),
        "memenuhi": payload([r for r in rows if r["compliant"]]),
    }
