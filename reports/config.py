"""What a report is made with, from the platform settings (the one place that reads them
for the reports: JP targets, mastery thresholds, trend period)."""

from __future__ import annotations

import datetime as dt

from .engine import ReportConfig


def report_config(settings: dict, year: int | None = None, unit: str | None = None,
                  include_inactive: bool = False) -> ReportConfig:
    """The report settings for ``year`` (default: this year) and ``unit`` (default: all)."""
    learning, reports = settings["learning"], settings["reports"]
    return ReportConfig(
        year=year or dt.date.today().year,
        mastery_thresholds=tuple(reports["mastery_thresholds"]),
        jp_targets={"PNS": learning["jp_target_pns"], "PPPK": learning["jp_target_pppk"]},
        unit=unit,
        period=reports["trend_period"],
        include_inactive=include_inactive,
    )
