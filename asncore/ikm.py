"""The public satisfaction index (IKM) of PermenPANRB 14/2017 (Pedoman Penyusunan Survei
Kepuasan Masyarakat Unit Penyelenggara Pelayanan Publik): pure arithmetic, no database.

**Elements (unsur)** as the regulation's scope (ruang lingkup) lists them; the code U1-U9
follows that list. Questionnaires in use do not all keep this order (many ask about Sarana
dan Prasarana as question 8 and about Penanganan Pengaduan as question 9): key files by
the element's *name* when in doubt; a header with both ("U9 Sarana dan Prasarana") must
agree with this table, or the file is refused.

====  ========================================
code  element (unsur)
====  ========================================
U1    Persyaratan
U2    Sistem, Mekanisme, dan Prosedur
U3    Waktu Penyelesaian
U4    Biaya/Tarif
U5    Produk Spesifikasi Jenis Pelayanan
U6    Kompetensi Pelaksana
U7    Perilaku Pelaksana
U8    Penanganan Pengaduan, Saran dan Masukan
U9    Sarana dan Prasarana
====  ========================================

**Answers** are the perception values 1-4 (1 the worst, 4 the best).

**Formula** (the regulation's annex, "Metode Pengolahan Data"):

- per element, the mean perception value NRR = sum of the answers / number of answers
  given to that element (an element left blank by a respondent is not counted for it:
  "total unsur yang terisi");
- weighted NRR = NRR x weight; the weight is the number of elements' share of 1:
  ``1/9`` exactly, or ``0.111`` as many offices round it (setting
  ``evaluation.ikm_weight``);
- the service's index IKM = sum of the weighted NRRs x 25, on the 25-100 scale
  ("nilai interval konversi").

**Grade (mutu pelayanan)**, the regulation's conversion table:

=============  ==============  =====  ===========
NI (1-4)       IKM (25-100)    mutu   kinerja
=============  ==============  =====  ===========
1,00-2,5996    25,00-64,99     D      Tidak Baik
2,60-3,064     65,00-76,60     C      Kurang Baik
3,0644-3,532   76,61-88,30     B      Baik
3,5324-4,00    88,31-100,00    A      Sangat Baik
=============  ==============  =====  ===========

The table's bounds have two decimals, so the grade is read from the index **rounded to two
decimals, half up** (64,994 -> 64,99 -> D; 64,995 -> 65,00 -> C). Everything is computed
with exact fractions (the weight 1/9 too) and rounded once at the end, so no binary
floating-point error can move an index across a bound. An element's own grade (for
"weakest element" texts) uses the same table on NRR x 25.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

SCALE = 25
ANSWERS = (1, 2, 3, 4)
WEIGHTS = {"1/9": Fraction(1, 9), "0.111": Fraction(111, 1000)}
# lowest index (two decimals) of each grade, best first
GRADES = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)


@dataclass(frozen=True)
class Element:
    code: str
    name: str


ELEMENTS = (
    Element("U1", "Persyaratan"),
    Element("U2", "Sistem, Mekanisme, dan Prosedur"),
    Element("U3", "Waktu Penyelesaian"),
    Element("U4", "Biaya/Tarif"),
    Element("U5", "Produk Spesifikasi Jenis Pelayanan"),
    Element("U6", "Kompetensi Pelaksana"),
    Element("U7", "Perilaku Pelaksana"),
    Element("U8", "Penanganan Pengaduan, Saran dan Masukan"),
    Element("U9", "Sarana dan Prasarana"),
)
BY_CODE = {e.code: e for e in ELEMENTS}


def squash(text: str) -> str:
    """Lowercase letters and digits only: how headers are matched ("Biaya / tarif" and
    "BIAYA-TARIF" are the same)."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


_BY_NAME = {squash(e.name): e for e in ELEMENTS}
# the regulation writes some names with and without a comma before "dan"; squash covers it
_CODE_PREFIX = re.compile(r"^u([1-9])(?![0-9])(.*)$")


def element_for_header(header: str) -> Element | None:
    """The element a column header names (name, code, or code then name), else None.

    Raises ValueError when the header gives a code and a name that disagree.
    """
    key = squash(header)
    if key in _BY_NAME:
        return _BY_NAME[key]
    m = _CODE_PREFIX.match(key)
    if m is None:
        return None
    element = BY_CODE[f"U{m[1]}"]
    rest = m[2]
    if rest and rest != squash(element.name):
        named = _BY_NAME.get(rest)
        also = f"; '{named.name}' adalah {named.code}" if named else ""
        raise ValueError(
            f"kode {element.code} adalah '{element.name}', bukan '{header}'{also}"
        )
    return element


@dataclass(frozen=True)
class Counts:
    """How many answers 1, 2, 3 and 4 one element received."""

    n1: int = 0
    n2: int = 0
    n3: int = 0
    n4: int = 0

    @classmethod
    def of(cls, answers: Iterable[int]) -> Counts:
        tally = [0, 0, 0, 0]
        for a in answers:
            if a not in ANSWERS:
                raise ValueError(f"answer {a!r} is not one of {ANSWERS}")
            tally[a - 1] += 1
        return cls(*tally)

    @property
    def answers(self) -> int:
        return self.n1 + self.n2 + self.n3 + self.n4

    @property
    def total(self) -> int:
        return self.n1 + 2 * self.n2 + 3 * self.n3 + 4 * self.n4

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.n1 + other.n1, self.n2 + other.n2, self.n3 + other.n3,
                      self.n4 + other.n4)

    def nrr(self) -> Fraction:
        if self.answers == 0:
            raise ValueError("no answers: the NRR is undefined")
        return Fraction(self.total, self.answers)


def weight_of(setting: str) -> Fraction:
    try:
        return WEIGHTS[setting]
    except KeyError:
        raise ValueError(f"IKM weight must be one of {', '.join(WEIGHTS)}: {setting!r}") from None


def round_half_up(value: Fraction | Decimal | float, decimals: int = 2) -> Decimal:
    """``value`` to ``decimals`` places, half away from zero; exact for fractions (a float
    is taken as the decimal it prints as)."""
    if not isinstance(value, Fraction):
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    if value < 0:
        return -round_half_up(-value, decimals)
    scaled = value * 10**decimals
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(whole).scaleb(-decimals)


def round2(value: Fraction | Decimal | float) -> Decimal:
    return round_half_up(value, 2)


def grade(index: Decimal | float | Fraction) -> tuple[str, str]:
    """(mutu, kinerja) of an index on the 25-100 scale, rounded to two decimals first."""
    rounded = round2(index)
    for lowest, letter, label in GRADES:
        if rounded >= lowest:
            return letter, label
    return GRADES[-1][1], GRADES[-1][2]  # below 25 cannot come from answers 1-4


@dataclass(frozen=True)
class ElementScore:
    """One element of one service: ``nrr`` the mean answer (1-4) and ``weighted`` NRR x
    weight as floats, ``nrr_2`` and ``weighted_3`` the exact values rounded half up to 2
    and 3 decimals (what people read), ``grade`` the element's own grade (NRR x 25 on the
    conversion table)."""

    code: str
    name: str
    answers: int
    nrr: float
    nrr_2: Decimal
    weighted: float
    weighted_3: Decimal
    grade: str

    @classmethod
    def of(cls, element: Element, counts: Counts, weight: Fraction) -> ElementScore:
        nrr = counts.nrr()
        return cls(element.code, element.name, counts.answers, float(nrr), round2(nrr),
                   float(nrr * weight), round_half_up(nrr * weight, 3), grade(nrr * SCALE)[0])


@dataclass(frozen=True)
class IkmResult:
    """The index of one service: ``index`` is IKM rounded to two decimals (what the grade
    is read from); ``respondents`` the most answers any element received."""

    elements: tuple[ElementScore, ...]
    index: Decimal
    grade: str
    label: str
    respondents: int
    weight: str

    def weakest(self, k: int = 3) -> list[ElementScore]:
        """The ``k`` elements with the lowest NRR (ties by code)."""
        return sorted(self.elements, key=lambda e: (e.nrr, e.code))[:k]


def compute(counts: Mapping[str, Counts], weight: str = "1/9") -> IkmResult:
    """IKM of one service from the answer counts of every element (code -> Counts).

    All nine elements must be present with at least one answer each.
    """
    w = weight_of(weight)
    missing = [e.code for e in ELEMENTS if counts.get(e.code, Counts()).answers == 0]
    if missing:
        raise ValueError(f"elements without answers: {', '.join(missing)}")
    unknown = sorted(set(counts) - set(BY_CODE))
    if unknown:
        raise ValueError(f"unknown elements: {', '.join(unknown)}")
    scores = tuple(ElementScore.of(e, counts[e.code], w) for e in ELEMENTS)
    index = sum((counts[e.code].nrr() * w for e in ELEMENTS), Fraction(0)) * SCALE
    letter, label = grade(index)
    respondents = max(counts[e.code].answers for e in ELEMENTS)
    return IkmResult(scores, round2(index), letter, label, respondents, weight)


def format_id(value: Decimal | float, decimals: int = 2) -> str:
    """A number the Indonesian way: comma decimals, dot thousands (1.234,56)."""
    text = f"{round_half_up(value, decimals):,}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")
