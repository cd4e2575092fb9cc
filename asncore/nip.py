"""NIP (Nomor Induk Pegawai) validation.

A PNS NIP has 18 digits: birth date YYYYMMDD, CPNS start YYYYMM, gender (1 male,
2 female) and a 3-digit serial. PPPK numbers are 18 digits too but follow another
split, so for them only the length and digits are checked.
"""

from __future__ import annotations

import datetime as dt
import re

_SPACES = re.compile(r"[\s.]+")


def normalize(raw: str) -> str:
    """NIPs are often written grouped ("19850312 201003 1 001"); drop the separators."""
    return _SPACES.sub("", raw or "")


def nip_error(nip: str, status: str = "PNS") -> str | None:
    """The reason ``nip`` is not a valid NIP for ``status`` (PNS/PPPK), or None."""
    if not nip.isdigit() or len(nip) != 18:
        return "NIP harus 18 digit angka (NIP must be 18 digits)"
    if status == "PPPK":
        return None
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return f"tanggal lahir {nip[0:8]} dalam NIP tidak valid (invalid birth date)"
    start_year, start_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= start_month <= 12 or start_year < 1950:
        return f"TMT CPNS {nip[8:14]} dalam NIP tidak valid (invalid CPNS start)"
    if (start_year, start_month) < (birth.year + 15, birth.month):
        return "TMT CPNS lebih awal dari usia 15 tahun (CPNS start before age 15)"
    if nip[14] not in "12":
        return f"digit jenis kelamin '{nip[14]}' harus 1 atau 2 (gender digit must be 1 or 2)"
    return None
