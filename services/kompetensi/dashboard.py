"""The HR dashboard's content from a built report, filtered by competency and position type.

Year and unit select the report itself (see :mod:`services.kompetensi.hr`); the other two filters
narrow the tables. Charts are the report renderers' own SVG (:mod:`reports.charts`).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd

from reports import charts
from reports.render import competency_codes, competency_names, records, unit_tree
from reports.render_html import summary_figures as figures
from reports.render_html import jp_bars, unit_matrix

PAGE_SIZE = 100


def employee_rows(report, competency: str, position_type: str) -> pd.DataFrame:
    people = report.employees[["username", "nip", "name", "unit_name", "position", "position_type", "status"]]
    if position_type:
        people = people[people["position_type"] == position_type]
    people = people.merge(report.jp[["username", "jp_total", "target", "compliant"]], on="username", how="left")
    if competency:
        levels = report.levels[report.levels["competency"] == competency][["username", "level", "required", "gap"]]
        people = people.merge(levels, on="username", how="left")
    return people.sort_values(["unit_name", "name", "nip"], kind="stable")


def dashboard_context(report, filters: dict, page: int) -> dict:
    codes, names = competency_codes(report), competency_names(report)
    competency = filters["kompetensi"] if filters["kompetensi"] in names else ""
    people = employee_rows(report, competency, filters["jenis_jabatan"])
    pages = max(1, -(-len(people) // PAGE_SIZE))
    page = min(max(1, page), pages)
    summary = report.unit_summary
    if competency:
        summary = summary[summary["competency"] == competency]
    matrix = unit_matrix(report)
    if competency and competency in matrix.columns:
        matrix = matrix[[competency]]
    unit_names = dict(zip(report.units["code"], report.units["name"]))
    query = {k: v for k, v in filters.items() if v not in ("", None)}
    return {
        "filters": filters,
        "query": urlencode(query),
        "download_query": urlencode({k: query[k] for k in ("tahun", "unit") if k in query}),
        "units": [(code, depth, unit_names[code]) for code, depth in unit_tree(report.units)],
        "competencies": [(c, names[c]) for c in codes],
        "position_types": sorted(set(report.employees["position_type"])),
        "figures": figures(report),
        "jp_chart": charts.bars(jp_bars(report), title="Rata-rata JP per pegawai terhadap target, per unit")
        if len(report.jp) else "",
        "heatmap": charts.heatmap(matrix, labels=names) if matrix.size else "",
        "summary": records(summary.sort_values(["unit_name", "competency"])),
        "gain_summary": records(report.gain_summary),
        "people": records(people.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]),
        "people_total": len(people),
        "competency": competency,
        "competency_name": names.get(competency, ""),
        "page": page,
        "pages": pages,
        "csv_files": ["levels", "jp", "jp_ledger", "unit_summary", "distribution", "gain", "gain_summary", "trends"],
    }
