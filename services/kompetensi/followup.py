"""HR's follow-up view (issue 11, point 5): per unit, IKM and complaint handling across
periods beside the unit's training, and a "sebelum/sesudah" comparison; the rules are in
:mod:`reports.followup`. HR and admins only; never a person's row.

    GET api/hr/tindak-lanjut?unit=&periode=   JSON: rows (unit x period) and comparisons
    GET hr/tindak-lanjut?unit=&periode=       the same as tables, one per unit

``periode``: tahun, semester, triwulan or bulan (default: the kind of the stored IKM
periods). The training frames are kept until :func:`reports.load.data_version` changes;
IKM, complaints and holidays are read on every request, so an import shows at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from decimal import Decimal

from tornado import web

from asncore.ikm import format_id
from reports.followup import (
    Comparison,
    Followup,
    FollowupConfig,
    followup_from_db,
    load_training_frames,
)
from reports.load import data_version
from reports.render import unit_tree

from .evaluation_imports import HrOnlyPage
from .hr import HrApi

GRANULARITY_OF = {"tahun": "year", "semester": "semester", "triwulan": "quarter", "bulan": "month"}
NAME_OF = {english: name for name, english in GRANULARITY_OF.items()}
CAUTION = ("Ini perbandingan, bukan bukti sebab-akibat: perubahan IKM dan pengaduan juga "
           "dipengaruhi hal lain di luar pelatihan (jumlah pengunjung, anggaran, sarana, "
           "pergantian pimpinan, cara survei).")
STATUS_TEXT = {
    "ok": "Periode sebelum pelatihan pertama dibandingkan dengan periode terakhir.",
    "no_training": "Belum ada pegawai unit ini yang menyelesaikan modul di platform.",
    "no_before": "Tidak ada data IKM atau pengaduan sebelum pelatihan pertama.",
    "no_after": "Belum ada data IKM atau pengaduan sejak pelatihan pertama.",
}


class TrainingFrames:
    """The training frames of :mod:`reports.followup`, loaded again when the report data
    change (the version query is cheap; loading happens in a worker thread)."""

    def __init__(self, engine):
        self.engine = engine
        self._lock = asyncio.Lock()
        self._cached: tuple[tuple, dict] | None = None

    async def get(self) -> dict:
        loop = asyncio.get_running_loop()
        async with self._lock:
            version = await loop.run_in_executor(None, data_version, self.engine)
            if self._cached is None or self._cached[0] != version:
                frames = await loop.run_in_executor(None, load_training_frames, self.engine)
                self._cached = (version, frames)
            return self._cached[1]


def plain(value):
    """JSON-ready: Decimal -> float, dates -> ISO text, dataclasses and dicts recursively."""
    if dataclasses.is_dataclass(value):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: plain(v) for key, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def comparison_json(comparison: Comparison) -> dict:
    return {**plain(comparison), "note": STATUS_TEXT[comparison.status]}


class FollowupMixin:
    def training_frames(self) -> TrainingFrames:
        """One per application, made on first use."""
        if "followup_frames" not in self.settings:
            self.settings["followup_frames"] = TrainingFrames(self.sessions.kw["bind"])
        return self.settings["followup_frames"]

    def granularity(self) -> str | None:
        raw = self.get_argument("periode", "")
        if raw and raw not in GRANULARITY_OF:
            raise web.HTTPError(400, "periode harus tahun, semester, triwulan atau bulan")
        return GRANULARITY_OF.get(raw)

    async def followup(self) -> tuple[Followup, dict]:
        granularity = self.granularity()
        unit = self.get_argument("unit", "") or None
        frames = await self.training_frames().get()
        if unit is not None and unit not in set(frames["units"]["code"]):
            raise web.HTTPError(404, f"unit '{unit[:64]}' tidak dikenal")
        config = FollowupConfig.from_settings(self.settings["evaluation"],
                                              granularity=granularity, as_of=self.now())
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, followup_from_db, self.sessions.kw["bind"],
                                            config, unit, frames)
        return result, frames

    def payload(self, result: Followup) -> dict:
        return {"unit": self.get_argument("unit", "") or None,
                "periode": NAME_OF[result.granularity],
                "min_group_size": int(self.settings["evaluation"]["min_group_size"]),
                "note": CAUTION,
                "rows": plain(result.rows),
                "comparisons": [comparison_json(c) for c in result.comparisons]}


class FollowupApi(FollowupMixin, HrApi):
    async def get(self):
        result, _frames = await self.followup()
        self.write_json(self.payload(result))


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def number(value, decimals: int = 1) -> str:
    return "–" if value is None else format_id(value, decimals)


def signed(value, decimals: int = 2, scale: float = 1.0, suffix: str = "") -> str:
    if value is None:
        return "–"
    text = format_id(abs(value) * scale, decimals)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text + suffix


def comparison_lines(c: Comparison) -> list[str]:
    """The sebelum/sesudah figures both periods have, one line each."""
    if c.status != "ok":
        return []
    b, a = c.before, c.after
    lines = []
    if b.ikm_index is not None or a.ikm_index is not None:
        lines.append(f"IKM {number(b.ikm_index, 2)} → {number(a.ikm_index, 2)} "
                     f"({signed(c.ikm_change)})")
    for label, key, change in (
            ("verifikasi tepat waktu", "verified_share", c.verified_share_change),
            ("tindak lanjut tepat waktu", "followed_up_share", c.followed_up_share_change)):
        if getattr(b, key) is not None or getattr(a, key) is not None:
            lines.append(f"{label} {percent(getattr(b, key))} → {percent(getattr(a, key))} "
                         f"({signed(change, 0, 100, ' poin')})")
    if b.backlog is not None or a.backlog is not None:
        lines.append(f"tunggakan pengaduan {number(b.backlog, 0)} → {number(a.backlog, 0)}")
    return lines


class FollowupPage(FollowupMixin, HrOnlyPage):
    @web.authenticated
    async def get(self):
        result, frames = await self.followup()
        units = frames["units"]
        by_unit = {c.unit_code: (c, [r for r in result.rows if r.unit_code == c.unit_code])
                   for c in result.comparisons}
        names = dict(zip(units["code"], units["name"]))
        self.render("hr_tindak_lanjut.html", prefix=self.settings["prefix"], caution=CAUTION,
                    sections=list(by_unit.values()), status_text=STATUS_TEXT,
                    periode=NAME_OF[result.granularity], granularities=list(GRANULARITY_OF),
                    unit=self.get_argument("unit", ""),
                    units=[(code, depth, names[code]) for code, depth in unit_tree(units)],
                    min_group=int(self.settings["evaluation"]["min_group_size"]),
                    percent=percent, number=number, signed=signed,
                    comparison_lines=comparison_lines)
