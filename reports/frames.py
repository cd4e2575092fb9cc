"""The frames that cross the reports engine's boundaries, as data.

Loaders (platform database, bare gradebook) produce the INPUT frames; the engine
(:mod:`reports.engine`) takes only these and returns the OUTPUT frames; renderers (XLSX,
CSV, HTML, the HR service) read only the outputs. Each spec maps a column to its kind and
whether it may be missing; :func:`reports.schema.validate` checks a frame against a spec
and names every offending column and row.

Kinds: ``str``, ``int`` (nullable integer), ``float``, ``bool``, ``date``, ``datetime``.
"""

from __future__ import annotations

# ---- inputs ----------------------------------------------------------------------------

EMPLOYEES = {  # one row per person on the roster, active or not
    "username": ("str", False),  # hub user name (the NIP for ASN)
    "nip": ("str", False),
    "name": ("str", False),
    "unit_code": ("str", False),  # current unit
    "position": ("str", False),  # jabatan
    "position_type": ("str", False),  # JPT Madya | JPT Pratama | Administrator | Pengawas | Pelaksana | Fungsional ...
    "status": ("str", False),  # PNS | PPPK
    "role": ("str", False),  # learner | trainer | hr | admin
    "active": ("bool", False),
}

UNITS = {  # organisational units (OPD), nested through parent_code
    "code": ("str", False),
    "name": ("str", False),
    "parent_code": ("str", True),
}

UNIT_HISTORY = {  # which unit a person belonged to from a date (written by roster imports)
    "username": ("str", False),
    "unit_code": ("str", False),
    "valid_from": ("date", False),
}

COMPETENCIES = {  # the competency dictionary, editable by HR
    "code": ("str", False),  # M.01 .. M.08, SK.01, T.SPBE ...
    "name": ("str", False),
    "kind": ("str", False),  # managerial | sociocultural | technical
}

REQUIRED_LEVELS = {  # required level per position type, optionally per position
    "position_type": ("str", False),
    "position": ("str", True),  # empty: every position of the type; set: overrides the type
    "competency": ("str", False),
    "level": ("int", False),  # 1..5
}

ITEM_SCORES = {  # one graded item of one learner's counted submission
    "username": ("str", False),
    "course": ("str", False),
    "assignment": ("str", False),
    "kind": ("str", False),  # pre | post | task | other
    "notebook": ("str", False),
    "grade_id": ("str", False),
    "competency": ("str", False),
    "item_level": ("int", False),  # 1..5, from kompetensi.yaml
    "score": ("float", False),
    "max_score": ("float", False),
    "submitted_at": ("datetime", True),
}

JP_ENTRIES = {  # the JP ledger: platform modules and activities HR records
    "username": ("str", False),
    "year": ("int", False),
    "activity": ("str", False),
    "provider": ("str", False),
    "jp": ("float", False),
    "source_ref": ("str", False),
    "start_date": ("date", False),
    "end_date": ("date", False),
    "certificate_no": ("str", True),
    "kind": ("str", False),  # platform | external
}

# ---- outputs ---------------------------------------------------------------------------

LEVELS = {  # one row per (employee, competency) of the dictionary
    "username": ("str", False),
    "competency": ("str", False),
    # 0..5, an indication from knowledge tests; missing without enough evidence (see evidence)
    "level": ("int", True),
    "required": ("int", True),  # missing when the position requires nothing
    "gap": ("int", True),  # level - required
    "evidence": ("str", False),  # dinilai | bukti belum cukup | belum dinilai
    "level_items": ("int", False),  # items behind the level (0 without a level)
    "level_rubric": ("int", False),  # of which task items a trainer scored with a rubric
    "items": ("int", False),  # every counted item of the competency
    "score": ("float", False),
    "max_score": ("float", False),
}

JP_COMPLIANCE = {  # one row per employee for the report year
    "username": ("str", False),
    "year": ("int", False),
    "jp_platform": ("float", False),
    "jp_external": ("float", False),
    "jp_total": ("float", False),
    "rule": ("str", False),  # minimum (PNS: at least target) | ceiling (PPPK: at most target)
    "target": ("float", False),  # the rule's JP: 20 for PNS, 24 for PPPK (settings)
    "shortfall": ("float", False),  # minimum: max(0, target - total); ceiling: always 0
    "excess": ("float", False),  # ceiling: max(0, total - target); minimum: always 0
    "compliant": ("bool", False),  # minimum: total >= target; ceiling: total <= target
}

GAIN = {  # pre/post per employee and course
    "username": ("str", False),
    "course": ("str", False),
    "pre_pct": ("float", True),  # 0..100
    "post_pct": ("float", True),
    "gain": ("float", True),  # normalised gain (post - pre) / (100 - pre)
    "status": ("str", False),  # lengkap | belum post-test | belum pre-test | pre-test sempurna
}

GAIN_SUMMARY = {  # per course
    "course": ("str", False),
    "n_pre": ("int", False),
    "n_post": ("int", False),
    "n_both": ("int", False),
    "mean_pre": ("float", True),
    "mean_post": ("float", True),
    "mean_gain": ("float", True),  # mean of the individual gains
    "class_gain": ("float", True),  # Hake: (mean_post - mean_pre) / (100 - mean_pre), pairs only
}

UNIT_SUMMARY = {  # per unit (descendants rolled up) and competency
    "unit_code": ("str", False),
    "unit_name": ("str", False),
    "competency": ("str", False),
    "employees": ("int", False),  # selected employees (active unless include_inactive) in the unit and its descendants
    "assessed": ("int", False),
    "mean_level": ("float", True),
    "mean_gap": ("float", True),
    "pct_meeting": ("float", True),  # share of assessed with gap >= 0, 0..100
}

DISTRIBUTION = {  # per unit (rolled up), competency and level 0..5
    "unit_code": ("str", False),
    "competency": ("str", False),
    "level": ("int", False),
    "count": ("int", False),
}

TRENDS = {  # per period (e.g. "2026" or "2026-Q3") and competency, all active employees
    "period": ("str", False),
    "competency": ("str", False),
    "assessed": ("int", False),
    "mean_level": ("float", True),
}

GRADEBOOK_SCORES = {  # bare gradebook mode: nbgrader export's student x assignment score
    "student_id": ("str", False),
    "assignment": ("str", False),
    "score": ("float", False),
}
