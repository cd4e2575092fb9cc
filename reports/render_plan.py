"""The development plan as an XLSX workbook: sheet "Rencana Pengembangan Kompetensi" (one
row per module and person), "Peringkat Unit" (the score and its parts) and "Keterangan".

Written in the style of :mod:`reports.render_xlsx` (its sheet writer: bold frozen header,
widths, text that XLSX cannot hold stripped, text a spreadsheet would run as a formula
stored as text).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd
from openpyxl import Workbook

from asncore.ikm import format_id

from .recommend import Outcome, UnitScore
from .render_xlsx import _add_sheet

PLAN_SHEET = "Rencana Pengembangan Kompetensi"  # 31 characters: Excel's longest title
PLAN_COLUMNS = {
    "rank": "Peringkat", "unit_code": "Kode unit", "unit_name": "Unit", "score": "Skor",
    "period": "Periode evaluasi", "target_period": "Periode rencana", "module": "Kode modul",
    "title": "Modul", "jp": "JP", "nip": "NIP", "name": "Nama",
    "position_type": "Jenis jabatan", "unit_reason": "Alasan (unit)",
    "person_reason": "Alasan (pegawai)", "status": "Status", "accepted_by": "Diterima oleh",
    "accepted_at": "Diterima pada",
}
GUIDE = [
    ("Skor", ("0–100, makin tinggi makin lemah: rata-rata bagian yang datanya ada "
              "(IKM, pengaduan, kompetensi).")),
    ("Bagian IKM", ("(100 − IKM unit) / 75 × 100; IKM unit = rata-rata IKM layanannya "
                    "berbobot jumlah responden (PermenPANRB 14/2017).")),
    ("Bagian pengaduan", ("100 × rata-rata porsi laporan yang terlambat diverifikasi dan "
                          "terlambat ditindaklanjuti (SP4N-LAPOR!, hari kerja).")),
    ("Bagian kompetensi", ("100 × porsi pasangan (pegawai, kompetensi) terukur yang di bawah "
                           "level yang dibutuhkan jabatan.")),
    ("Status", ("Usulan: rekomendasi yang belum disimpan; Draf: disimpan SDM; Diterima: modul "
                "sudah ditugaskan kepada pegawai.")),
    ("Alasan", ("Alasan (unit): kelemahan unit yang memanggil modul ini; Alasan (pegawai): "
                "mengapa pegawai ini dipilih.")),
]


@dataclass(frozen=True)
class PlanLine:
    """One module for one person of a unit's plan (or of its recommendation)."""

    rank: int | None
    unit_code: str
    unit_name: str
    score: float | None
    period: str
    target_period: str
    module: str
    title: str
    jp: float | None
    nip: str
    name: str
    position_type: str
    unit_reason: str
    person_reason: str
    status: str
    accepted_by: str = ""
    accepted_at: str = ""


def plan_frame(lines: Sequence[PlanLine]) -> pd.DataFrame:
    frame = pd.DataFrame([asdict(line) for line in lines], columns=list(PLAN_COLUMNS))
    return frame.rename(columns=PLAN_COLUMNS)


def _share(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def ranking_frame(ranking: Sequence[UnitScore]) -> pd.DataFrame:
    rows = []
    for u in ranking:
        ikm, c, g = u.ikm, u.complaints, u.gaps
        rows.append({
            "Peringkat": u.rank, "Kode unit": u.unit_code, "Unit": u.unit_name, "Skor": u.score,
            "Bagian IKM": ikm.part if ikm else None,
            "IKM": float(ikm.index) if ikm else None,
            "Mutu": f"{ikm.grade} ({ikm.label})" if ikm else None,
            "Responden": ikm.respondents if ikm else None,
            "Unsur terlemah": "; ".join(f"{code} {name} {format_id(nrr)}"
                                        for code, name, nrr, _ in ikm.weakest) if ikm else None,
            "Bagian pengaduan": c.part if c else None,
            "Laporan masuk": c.received if c else None,
            "% verifikasi tepat waktu": _share(c.verified_share) if c else None,
            "% tindak lanjut tepat waktu": _share(c.followed_up_share) if c else None,
            "Tunggakan": c.backlog if c else None,
            "Bagian kompetensi": g.part,
            "Pasangan di bawah level": g.below,
            "Pasangan terukur": g.measured,
        })
    return pd.DataFrame(rows, columns=[
        "Peringkat", "Kode unit", "Unit", "Skor", "Bagian IKM", "IKM", "Mutu", "Responden",
        "Unsur terlemah", "Bagian pengaduan", "Laporan masuk", "% verifikasi tepat waktu",
        "% tindak lanjut tepat waktu", "Tunggakan", "Bagian kompetensi",
        "Pasangan di bawah level", "Pasangan terukur"])


def plan_workbook(lines: Sequence[PlanLine], outcome: Outcome) -> bytes:
    """The workbook as bytes (nothing written to disk)."""
    wb = Workbook(write_only=True)
    _add_sheet(wb, PLAN_SHEET, [plan_frame(lines)], freeze="D2",
               wrap={"Alasan (unit)": 60, "Alasan (pegawai)": 45})
    _add_sheet(wb, "Peringkat Unit", [ranking_frame(outcome.ranking)], freeze="D2")
    guide = pd.DataFrame(
        [("Periode evaluasi", outcome.period), ("Periode rencana", outcome.target_period),
         *GUIDE, *(("Perhatian", w) for w in outcome.warnings)], columns=["Hal", "Keterangan"])
    _add_sheet(wb, "Keterangan", [guide], wrap={"Keterangan": 90}, autofilter=False)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
