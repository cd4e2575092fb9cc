"""Default competency dictionary and required levels, seeded once by migration 0002.

After that they are HR's data (``python -m reports kamus import``). Managerial and
socio-cultural codes follow PermenPANRB 38/2017 (levels 1-5); the required level by
position type is the commonly cited one: JPT Madya 5, JPT Pratama 4, Administrator 3,
Pengawas 2, Pelaksana 1, for the eight managerial competencies and Perekat Bangsa.
Technical competencies (SPBE, complaint handling, time management) are the agency's own;
no requirement is seeded for them, nor for Fungsional positions (their managerial
requirement depends on the jenjang): HR sets those.
"""

from __future__ import annotations

from belajar.competencies import COMPETENCIES, MANAGERIAL, SOCIOCULTURAL

REQUIRED_BY_POSITION_TYPE = {
    "JPT Madya": 5,
    "JPT Pratama": 4,
    "Administrator": 3,
    "Pengawas": 2,
    "Pelaksana": 1,
}


def default_competencies() -> list[dict]:
    return [{"code": c.code, "name": c.name, "kind": c.kind, "description": ""} for c in COMPETENCIES]


def default_required_levels() -> list[dict]:
    return [
        {"position_type": ptype, "position": "", "competency": c.code, "level": level}
        for ptype, level in REQUIRED_BY_POSITION_TYPE.items()
        for c in COMPETENCIES
        if c.kind in (MANAGERIAL, SOCIOCULTURAL)
    ]
