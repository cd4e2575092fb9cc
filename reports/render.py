"""What the HR report renderers share: the report's shape, atomic writes, Indonesian wording.

The renderers (:mod:`reports.render_xlsx`, :mod:`reports.render_csv`,
:mod:`reports.render_html`) read only the engine's output frames (:mod:`reports.frames`)
through any object shaped like :class:`ReportLike`; they never modify them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from asncore import fileio, spreadsheet
from asncore.constants import JP_CEILING_STATUSES, LOCAL_TZ
from asncore.timetext import MONTHS, timestamp_text
from asncore.units import ancestries, tree_order

from .engine import MIN_ITEMS_PER_LEVEL, Report

TITLE = "Laporan Kompetensi ASN Pemerintah Kota Ambon"
FILE_MODE = 0o640  # personal data (NIP, names): the owner and the HR service's group only

PERIOD_LABELS = {"year": "Per tahun", "quarter": "Per triwulan"}
KIND_LABELS = {"managerial": "Manajerial", "sociocultural": "Sosial kultural",
               "technical": "Teknis"}
JP_KIND_LABELS = {"platform": "Platform", "external": "Luar platform"}

LEVEL_BASIS = "indikasi level, berbasis tes pengetahuan"
LEVEL_RULE = (
    "Level (0–5) di laporan ini adalah indikasi level, berbasis tes pengetahuan di platform "
    "e-learning, bukan hasil penilaian kompetensi (asesmen) menurut PermenPANRB 38/2017. "
    "Level dihitung dari butir penilaian yang dipetakan ke kompetensi dan level "
    "(kompetensi.yaml). Suatu level punya bukti cukup bila didukung paling sedikit "
    "{min_items} butir soal, atau 1 tugas tertulis yang dinilai pelatih dengan rubrik. Level "
    "dikuasai bila jumlah skor / jumlah skor maksimum butir level itu mencapai ambang, atau "
    "bila dari paling sedikit {min_items} butir hanya satu yang tidak bernilai penuh: satu "
    "kekeliruan tidak menjatuhkan level. Level dicapai = level tertinggi yang dikuasai, dengan semua level "
    "di bawahnya yang punya bukti cukup juga dikuasai; level dengan bukti kurang dari itu "
    "tidak menaikkan dan tidak menurunkan level. 0 = level terendah yang diuji dengan bukti "
    "cukup belum dikuasai. 'Belum dinilai' = belum ada butir; 'bukti belum cukup' = ada "
    "butir, tetapi belum ada level dengan bukti cukup (tidak pernah ditulis 0). Kolom "
    "'butir' = banyaknya butir di level itu yang mendukung angka level. Butir pre-test "
    "dihitung hanya selama belum ada post-test kursus yang sama."
)
EVIDENCE_TEXT = {"belum dinilai": "belum dinilai", "bukti belum cukup": "bukti belum cukup"}
GAP_RULE = (
    "Gap = level dicapai − level dibutuhkan jabatan. Negatif: di bawah kebutuhan jabatan; "
    "0 atau positif: memenuhi. Kosong bila belum dinilai atau jabatan tidak mensyaratkan "
    "kompetensi itu."
)
JP_RULE = (
    "JP platform = modul e-learning yang diselesaikan di platform; JP luar = kegiatan "
    "pengembangan kompetensi yang dicatat BKPSDM (dengan sertifikat). PNS: hak paling "
    "sedikit 20 JP setahun (PP 11/2017 jo. PP 17/2020, Pasal 203 ayat (4)); kekurangan = "
    "maks(0, batas − total JP). PPPK: pengembangan kompetensi paling lama 24 JP dalam "
    "1 tahun masa perjanjian kerja (PP 49/2018 Pasal 40 ayat (1)): batas atas, bukan "
    "target; JP di bawahnya bukan kekurangan, JP di atasnya ditandai 'melebihi batas'."
)
JP_RULE_LABELS = {"minimum": "paling sedikit", "ceiling": "paling lama"}
GAIN_RULE = (
    "Skor pre-test dan post-test dalam persen. "
    "Gain ternormalisasi = (post − pre) / (100 − pre). "
    "Gain kelas (Hake) = (rata-rata post − rata-rata pre) / (100 − rata-rata pre), "
    "hanya peserta yang mengikuti keduanya."
)
EMPTY_RULE = ("Belum ada data (belum mengikuti, atau tidak disyaratkan). Level tanpa angka "
              "ditulis 'belum dinilai' atau 'bukti belum cukup', tidak pernah 0.")


# Renderers read only the engine's Report attributes (tests pass stand-ins with the same).
ReportLike = Report


# ---- files -----------------------------------------------------------------------------


def atomic_path(path: str | os.PathLike, mode: int = FILE_MODE):
    """:func:`asncore.fileio.atomic_path` with the reports' file mode: readers never see a
    half-written report."""
    return fileio.atomic_path(path, mode)


def write_text_atomic(path: str | os.PathLike, text: str, mode: int = FILE_MODE) -> Path:
    return fileio.atomic_write(path, text, mode)


# ---- frames ----------------------------------------------------------------------------


def spec_columns(frame: pd.DataFrame, spec: Mapping[str, tuple], name: str) -> pd.DataFrame:
    """``frame`` restricted to the columns of ``spec``, in its order; names what is missing."""
    missing = [c for c in spec if c not in frame.columns]
    if missing:
        raise ValueError(
            f"report.{name} lacks column(s) {', '.join(missing)} of reports.frames; "
            f"it has {', '.join(map(str, frame.columns)) or 'none'}"
        )
    return frame.loc[:, list(spec)]


# ---- text a spreadsheet must not misread ----------------------------------------------

# one rule for every spreadsheet the platform writes (asncore.spreadsheet); the names stay
# importable from here for the renderers
ILLEGAL_CHARACTERS, FORMULA_START = spreadsheet.ILLEGAL_CHARACTERS, spreadsheet.FORMULA_START
clean_text, inert_text = spreadsheet.clean_text, spreadsheet.inert_text


def is_text(values: pd.Series) -> bool:
    """A column that may hold text: pandas ``str`` or ``object``."""
    return isinstance(values.dtype, pd.StringDtype) or pd.api.types.is_object_dtype(values.dtype)


def text_columns(frame: pd.DataFrame, fix) -> pd.DataFrame:
    """``frame`` with ``fix`` applied to every value of its text (``str``, ``object``)
    columns; the frame itself is left unchanged."""
    columns = [c for c in frame.columns if is_text(frame[c])]
    if not columns:
        return frame
    out = frame.copy()
    for c in columns:
        out[c] = frame[c].map(fix, na_action="ignore")
    return out


def rows(frame: pd.DataFrame) -> Iterator[tuple]:
    """Rows as tuples of plain Python values, ``None`` for every missing one (NA, NaN)."""
    return zip(*[frame[c].to_numpy(dtype=object, na_value=None) for c in frame.columns])


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values, ``None`` for every missing one (NA, NaN)."""
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, row)) for row in rows(frame)]


def competency_codes(report: ReportLike) -> list[str]:
    """Competency codes in dictionary order."""
    return [str(c) for c in report.competencies["code"]]


def competency_names(report: ReportLike) -> dict[str, str]:
    c = report.competencies
    return dict(zip(c["code"].astype(str), c["name"].astype(str)))


def sorted_employees(employees: pd.DataFrame) -> pd.DataFrame:
    """Employees by unit name, then name, then NIP (a stable, readable order)."""
    return employees.sort_values(["unit_name", "name", "nip"], kind="stable",
                                 na_position="last")


def _unit_parents(units: pd.DataFrame) -> dict[str, str | None]:
    return {code: (None if pd.isna(parent) else parent)
            for code, parent in zip(units["code"], units["parent_code"])}


def unit_tree(units: pd.DataFrame, root: str | None = None) -> list[tuple[str, int]]:
    """``(code, depth)`` depth first, parents before children, siblings by name; only the
    subtree of ``root`` when it is a known unit. A unit with an unknown parent is a root."""
    return tree_order(_unit_parents(units), dict(zip(units["code"], units["name"])), root)


def unit_ancestors(units: pd.DataFrame) -> dict[str, list[str]]:
    """Each unit code -> itself and its ancestors, nearest first (cycles cut)."""
    return ancestries(_unit_parents(units))


# ---- wording ---------------------------------------------------------------------------


def date_text(value: Any) -> str:
    """``2026-05-14`` -> ``"14 Mei 2026"``; missing -> ``"–"``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    d = pd.Timestamp(value)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def now() -> dt.datetime:
    return dt.datetime.now(LOCAL_TZ)


def period_text(report: ReportLike) -> str:
    """How the trends are cut: ``"Per tahun"``, ``"Per triwulan"``."""
    period = getattr(report.config, "period", None) or "year"
    return PERIOD_LABELS.get(period, str(period))


def unit_filter_text(report: ReportLike) -> str:
    code = getattr(report.config, "unit", None)
    if not code:
        return "Semua unit"
    match = report.units.loc[report.units["code"] == code, "name"]
    name = str(match.iloc[0]) if len(match) else code
    return f"{name} ({code}) beserta sub-unitnya"


def _percent(x: Any) -> str:
    x = float(x)
    return f"{x * 100:g}%" if x <= 1 else f"{x:g}%"


def thresholds_text(thresholds: Any) -> str:
    """The config's mastery thresholds as a sentence (fractions shown as percent)."""
    if thresholds is None:
        return ""
    if isinstance(thresholds, Mapping):
        parts = [f"level {k}: ≥ {_percent(v) if isinstance(v, (int, float)) else v}"
                 for k, v in thresholds.items()]
        return "Ambang penguasaan: " + "; ".join(parts) + "."
    if isinstance(thresholds, (int, float)):
        return f"Ambang penguasaan: skor ≥ {_percent(thresholds)} dari skor maksimum butir."
    if isinstance(thresholds, Sequence) and not isinstance(thresholds, str):
        parts = [f"level {i}: ≥ {_percent(v)}" for i, v in enumerate(thresholds, start=1)]
        return "Ambang penguasaan: " + "; ".join(parts) + "."
    return f"Ambang penguasaan: {thresholds}."


def jp_targets_text(targets: Mapping[str, float]) -> str:
    """The yearly JP rule of each status, from the settings: a minimum or a ceiling."""
    listed = ", ".join(
        f"{status} {JP_RULE_LABELS[jp_rule(status)]} {float(jp):g} JP"
        for status, jp in targets.items())
    return f"JP per tahun: {listed} (dari pengaturan platform)."


def jp_rule(status: str) -> str:
    """``"ceiling"`` for the statuses whose yearly JP is a maximum (PPPK), else
    ``"minimum"`` (as :func:`reports.engine.jp_compliance` decides)."""
    return "ceiling" if status in JP_CEILING_STATUSES else "minimum"


def level_text(level: Any, evidence: str | None = None) -> Any:
    """A level as people read it: the number, or why there is none ("belum dinilai",
    "bukti belum cukup"); never 0 for missing evidence."""
    if level is not None and not (isinstance(level, float) and level != level) \
            and level is not pd.NA:
        return level
    return EVIDENCE_TEXT.get(evidence or "", "belum dinilai")


def reading_guide(report: ReportLike, generated_at: dt.datetime | str | None = None,
                  level_rule: str | None = None) -> list[tuple[str, str]]:
    """``(topic, explanation)`` pairs telling HR what the report holds and how to read it.
    ``level_rule`` replaces the default explanation of how a level is set."""
    cfg = report.config
    default_rule = LEVEL_RULE.format(min_items=getattr(cfg, "min_items", MIN_ITEMS_PER_LEVEL))
    rule = " ".join(filter(None, [level_rule or default_rule,
                                  thresholds_text(getattr(cfg, "mastery_thresholds", None))]))
    inactive = "Termasuk" if getattr(cfg, "include_inactive", False) else "Tidak termasuk"
    return [
        ("Judul", TITLE),
        ("Tahun", str(cfg.year)),
        ("Periode tren", period_text(report)),
        ("Unit", unit_filter_text(report)),
        ("Pegawai nonaktif", inactive),
        ("Dibuat pada", timestamp_text(generated_at)),
        ("Indikasi level", f"Semua level di laporan ini: {LEVEL_BASIS}."),
        ("Level kompetensi", rule),
        ("Gap", GAP_RULE),
        ("JP per tahun", jp_targets_text(cfg.jp_targets) + " " + JP_RULE),
        ("Pre-test dan post-test", GAIN_RULE),
        ("Sel kosong atau –", EMPTY_RULE),
    ]
