"""The competency dictionary: one source, HR's table in the platform database.

Migration 0002 seeds it (PermenPANRB 38/2017 managerial and socio-cultural codes, the
agency's technical codes); afterwards it is HR's data (``asn-ambon kamus
import-kompetensi``). The checkers of ``module.yaml`` and ``kompetensi.yaml`` ask this
module which codes exist, so a code HR adds can be mapped to a lesson or a graded item at
once, and a code HR removes is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .db import Competency as CompetencyRow
from .db import session_factory


@dataclass(frozen=True)
class Competency:
    code: str
    name: str
    kind: str


def load_dictionary(platform_url: str | None = None) -> dict[str, Competency]:
    """Every competency of the dictionary by code, in code order. Without a URL, the
    platform database of the current settings."""
    if platform_url is None:
        from .settings import load

        platform_url = load()["database"]["platform_url"]
    with session_factory(platform_url)() as session:
        rows = session.scalars(select(CompetencyRow).order_by(CompetencyRow.code)).all()
        return {r.code: Competency(r.code, r.name, r.kind) for r in rows}


def known_codes(platform_url: str | None = None) -> frozenset[str]:
    """The codes a module or an assessment item may name."""
    return frozenset(load_dictionary(platform_url))
