"""HR's view of public satisfaction (IKM): per unit, service and period the index, its grade,
every element's NRR and the weakest elements; from the platform database or from a survey
file that is only looked at (``python -m reports ikm FILE``).

The arithmetic, the element table and the grade bounds are in :mod:`asncore.ikm`
(PermenPANRB 14/2017); the file format in :mod:`asncore.imports.ikm`.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from asncore.commands import settings_of
from asncore.db import IkmCount, Unit
from asncore.ikm import Counts, ElementScore, compute, format_id
from asncore.imports import ikm as ikm_import
from asncore.periods import parse_period
from asncore.settings import DEFAULTS

WEAKEST = 3


@dataclass(frozen=True)
class IkmSummary:
    """The IKM of one service of one unit in one period.

    - ``unit_code``, ``unit_name`` (None when read from a file), ``service``, ``period``
      (canonical label: ``2026``, ``2026-S1``, ``2026-Q2``, ``2026-03``);
    - ``respondents``: the most answers any element received;
    - ``index``: IKM on the 25-100 scale, Decimal rounded half up to two decimals;
      ``grade`` A/B/C/D and ``label`` (Sangat Baik, Baik, Kurang Baik, Tidak Baik);
    - ``elements``: nine :class:`asncore.ikm.ElementScore` (code U1-U9, name, answers,
      ``nrr`` float, ``nrr_2`` Decimal, ``weighted`` float, ``weighted_3`` Decimal, the
      element's own ``grade``), in U1-U9 order;
    - ``weakest``: the three elements with the lowest NRR, lowest first (ties by code);
    - ``weight``: the weight setting used ("1/9" or "0.111").
    """

    unit_code: str
    unit_name: str | None
    service: str
    period: str
    respondents: int
    index: Decimal
    grade: str
    label: str
    elements: tuple[ElementScore, ...]
    weakest: tuple[ElementScore, ...]
    weight: str


def _summary(unit: str, name: str | None, service: str, period: str,
             counts: dict[str, Counts], weight: str) -> IkmSummary:
    result = compute(counts, weight)
    return IkmSummary(unit, name, service, period, result.respondents, result.index,
                      result.grade, result.label, result.elements,
                      tuple(result.weakest(WEAKEST)), weight)


def _weight(settings: dict | None) -> str:
    return (settings or DEFAULTS)["evaluation"]["ikm_weight"]


def ikm_summary(session, period: str | None = None, *,
                settings: dict | None = None) -> list[IkmSummary]:
    """Every stored service's IKM (only ``period`` when given, any accepted spelling),
    sorted by unit, period, service; the weight from ``settings`` (default: "1/9")."""
    query = select(IkmCount)
    if period is not None:
        query = query.where(IkmCount.period == parse_period(period).label)
    grouped: dict[tuple[str, str, str], dict[str, Counts]] = defaultdict(dict)
    for row in session.scalars(query):
        grouped[(row.unit_code, row.service, row.period)][row.element] = Counts(
            row.answers_1, row.answers_2, row.answers_3, row.answers_4)
    names = {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
    weight = _weight(settings)
    return [
        _summary(unit, names.get(unit), service, label, counts, weight)
        for (unit, service, label), counts in sorted(
            grouped.items(), key=lambda item: (item[0][0], parse_period(item[0][2]),
                                               item[0][1]))
    ]


def file_summary(path: Path | str, weight: str = "1/9") -> list[IkmSummary]:
    """The IKM of every service in a survey file, without importing it (units not checked
    against the database)."""
    services = ikm_import.read(path)
    return [_summary(s.unit, None, s.service, s.period, s.counts, weight) for s in services]


def format_summaries(summaries: list[IkmSummary]) -> str:
    """The per-element tables, the index and the grade, as HR reads them."""
    blocks = []
    for s in summaries:
        unit = f"{s.unit_code} ({s.unit_name})" if s.unit_name else s.unit_code
        title = (f"Unit {unit} · layanan {s.service} · periode {s.period} · "
                 f"{s.respondents} responden")
        lines = [title, f"  {'Unsur':<46}{'NRR':>6}{'NRR tertimbang':>16}"]
        for e in s.elements:
            lines.append(f"  {e.code + ' ' + e.name:<46}{format_id(e.nrr_2):>6}"
                         f"{format_id(e.weighted_3, 3):>16}")
        lines.append(f"  IKM {format_id(s.index)} · mutu {s.grade} ({s.label})")
        weakest = ", ".join(f"{e.code} {e.name} ({format_id(e.nrr_2)})" for e in s.weakest)
        lines.append(f"  Unsur terlemah: {weakest}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def run_ikm_compute(args: argparse.Namespace) -> None:
    weight = settings_of(args)["evaluation"]["ikm_weight"]
    summaries = file_summary(args.file, weight)
    print(f"IKM {args.file} (bobot {weight}; tidak diimpor)\n")
    print(format_summaries(summaries))


def run_ikm_import(args: argparse.Namespace) -> None:
    done = ikm_import.import_ikm(settings_of(args)["database"]["platform_url"], args.file)
    print(f"IKM {args.file}: {done.services} layanan (unit/layanan/periode), "
          f"{done.respondents} responden; {done.replaced} menggantikan data sebelumnya.")


def run_ikm(args: argparse.Namespace) -> None:
    """``ikm FILE`` | ``ikm hitung FILE`` | ``ikm import FILE``."""
    words = list(args.words)
    verb = words.pop(0) if len(words) == 2 and words[0] in ("hitung", "import") else "hitung"
    if len(words) != 1:
        raise ValueError("pemakaian: ikm [hitung|import] BERKAS")
    args.file = words[0]
    (run_ikm_import if verb == "import" else run_ikm_compute)(args)


def add_ikm_command(subparsers: argparse._SubParsersAction) -> None:
    ikm = subparsers.add_parser(
        "ikm", usage="%(prog)s [-h] [hitung|import] BERKAS", help="indeks kepuasan masyarakat: 'ikm BERKAS' atau 'ikm hitung BERKAS' "
        "menghitung tanpa mengimpor; 'ikm import BERKAS' mengimpor (CSV/XLSX)")
    ikm.add_argument("words", nargs="+", metavar="BERKAS",
                     help="berkas survei (CSV/XLSX), didahului 'hitung' atau 'import'")
    ikm.set_defaults(run=run_ikm)
