"""The competency codes a module may target, kept as data.

Managerial and socio-cultural codes follow PermenPANRB 38/2017; technical codes are
defined by the agency (BKPSDM) itself and may be extended here.
"""

from dataclasses import dataclass

MANAGERIAL = "managerial"
SOCIOCULTURAL = "sociocultural"
TECHNICAL = "technical"

LEVELS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Competency:
    code: str
    name: str
    kind: str


COMPETENCIES = (
    Competency("M.01", "Integritas", MANAGERIAL),
    Competency("M.02", "Kerjasama", MANAGERIAL),
    Competency("M.03", "Komunikasi", MANAGERIAL),
    Competency("M.04", "Orientasi pada Hasil", MANAGERIAL),
    Competency("M.05", "Pelayanan Publik", MANAGERIAL),
    Competency("M.06", "Pengembangan Diri dan Orang Lain", MANAGERIAL),
    Competency("M.07", "Mengelola Perubahan", MANAGERIAL),
    Competency("M.08", "Pengambilan Keputusan", MANAGERIAL),
    Competency("SK.01", "Perekat Bangsa", SOCIOCULTURAL),
    Competency("T.SPBE", "E-Government/SPBE", TECHNICAL),
    Competency("T.PENGADUAN", "Pengelolaan Pengaduan", TECHNICAL),
    Competency("T.WAKTU", "Manajemen Waktu", TECHNICAL),
)

BY_CODE = {c.code: c for c in COMPETENCIES}


def is_known(code: str) -> bool:
    return code in BY_CODE
