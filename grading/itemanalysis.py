"""Item analysis of one test for its trainers (classical test theory): pure functions.

Input: the item scores of the N learners whose submission is fully graded, the items'
maximum scores, and for multiple-choice items the key, the options and each learner's
answer. Output: per item statistics, per test statistics, the pre/post comparison.
Loading them from a course is :mod:`grading.itemanalysis_load`; the workbook is
:mod:`grading.itemanalysis_xlsx`.

Definitions (item *i* with maximum ``mᵢ``; learner *n* scores ``xₙᵢ``, total
``Xₙ = Σᵢ xₙᵢ``, **rest score** ``Rₙᵢ = Xₙ − xₙᵢ``; an item a learner has no grade for
scores 0). Variances and standard deviations are population ones (divided by N), the
same in every formula below; correlations and the reliability do not depend on that choice,
the SEM does.

- **Difficulty** ``pᵢ = mean(xᵢ) / mᵢ`` (0 = nobody, 1 = everybody scored): Moodle's
  *facility index* (average mark / maximum mark).
- **Discrimination, point-biserial** ``rᵢ`` = Pearson correlation of ``xᵢ`` with the
  **rest score** ``Rᵢ`` — the *corrected* item-total correlation: the total without the
  item, so an item is never correlated with itself (on a 7-item test the uncorrected total
  inflates every item's r). This is Moodle's *discrimination index*: the correlation of the
  question's mark with the marks for the rest of the test (``calculator.php``: covariance
  of the mark with the "other marks" over the root of both variances). For a 0/1 item it
  is the point-biserial correlation; for a partial-credit item the same Pearson formula
  (the item–rest correlation). Undefined (None) when N < 2 or either variance is 0.
- **Upper–lower index** ``Dᵢ`` = mean of ``xᵢ/mᵢ`` in the upper group − in the lower group.
  Groups: the 27 % of learners with the highest and with the lowest **rest score** (the
  same corrected total as ``rᵢ``), ``g = max(1, ⌊0.27·N + 0.5⌋)`` learners each, N ≥ 2
  (Kelley's 27 %). Learners tied at a group's boundary share its remaining places: each
  counts with weight (places left / tied learners), so the result never depends on the
  order of tied learners (e.g. one place, three tied learners: each counts 1/3).
- **Distractors** (multiple-choice items): how many learners chose each option (the key
  marked), left it empty, wrote something that is no option, or whose answer could not be
  read; with the share of the upper and lower groups (same weighted groups as ``Dᵢ``)
  that chose it. A working distractor draws more of the lower group than of the upper.
- **Reliability**: coefficient alpha on the raw item scores,
  ``k/(k−1) · (1 − Σ σᵢ² / σ_X²)``, k the number of items (an item nobody or everybody
  answered correctly stays in k, as in KR-20). When every item is dichotomous (every
  score is 0 or the item's maximum) and all maxima are equal, this *is* **KR-20**,
  ``k/(k−1) · (1 − Σ pᵢqᵢ / σ_X²)`` (σᵢ² = m²·pᵢqᵢ and σ_X² scales by m²), and is labelled
  so. **Partial credit** (any score strictly between 0 and the maximum, e.g. a rubric
  scored 0–10) or unequal maxima: KR-20 does not apply; the same formula is reported as
  **Cronbach's alpha**, KR-20's generalisation, and labelled so — never silently
  dichotomised. Moodle's *coefficient of internal consistency* is this coefficient. Undefined
  when k < 2 or σ_X² = 0.
- **Standard error of measurement** ``SEM = σ_X · √(1 − r)`` in score points (Moodle:
  *standard error* = SD × *error ratio*, error ratio = √(1 − CIC)); undefined with r.
- **Flags**: ``p < 0.20`` (very hard), ``p > 0.95`` (very easy), ``r ≤ 0`` (the
  point-biserial; an item with no variance is already flagged by its p).
- **Pre vs post**: per pair of parallel items (objective → pre item → post item), the
  difficulty on each form over its own learners and the change ``p_post − p_pre``.

Sources: Moodle Docs, "Quiz report statistics" (docs.moodle.org/28/en/Development:Quiz_report_statistics)
and "Quiz statistics calculations" (docs.moodle.org/dev/Quiz_statistics_calculations);
Moodle's ``question/classes/statistics/questions/calculator.php`` (facility, discrimination
index, with s−1 denominators that cancel in the correlation); the upper–lower 27 % groups
after Kelley (1939) as described in Lopez, "The item discrimination index: does it work?",
Rasch Measurement Transactions 12:1 (1998) p. 626; KR-20 after Kuder & Richardson (1937).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

P_LOW, P_HIGH = 0.20, 0.95
GROUP_FRACTION = 0.27
FLAG_LABELS = {
    "sulit": "terlalu sulit (p < 0,20)",
    "mudah": "terlalu mudah (p > 0,95)",
    "daya_beda": "daya beda ≤ 0",
}
EMPTY, OTHER, UNREADABLE = "(kosong)", "(bukan pilihan)", "(tidak terbaca)"
KR20, ALPHA = "KR-20", "alfa Cronbach"
KIND_LABELS = {"pre": "pre-test", "post": "post-test", "task": "tugas"}

# what each statistic means, for trainers (page, workbook, command)
EXPLANATIONS = [
    ("Tingkat kesukaran (p)",
     ("Rata-rata skor butir dibagi skor maksimumnya: 0 berarti tidak ada yang benar, 1 berarti "
      "semua benar. Butir dengan p di bawah 0,20 terlalu sulit dan di atas 0,95 terlalu mudah; "
      "keduanya hampir tidak membedakan peserta. Periksa kunci, kalimat soal, dan apakah "
      "materinya sudah diajarkan.")),
    ("Daya beda (r point-biserial)",
     ("Korelasi antara skor butir dan skor sisa tes (total tanpa butir itu sendiri), -1 sampai "
      "1. Makin tinggi, makin baik butir memisahkan peserta yang menguasai materi dari yang "
      "belum; sekitar 0,20 ke atas umumnya dianggap memadai (pedoman umum teori tes klasik). "
      "Nilai 0 atau negatif berarti peserta yang nilainya tinggi justru sering salah: periksa "
      "kunci dan pengecohnya.")),
    ("Indeks kelompok atas–bawah (D)",
     ("Proporsi benar kelompok atas (27 % peserta dengan skor sisa tertinggi) dikurangi "
      "proporsi benar kelompok bawah (27 % terendah). Cara lain membaca daya beda; D negatif "
      "berarti kelompok bawah lebih sering benar.")),
    ("Pengecoh",
     ("Berapa peserta memilih tiap pilihan jawaban, dan berapa bagian kelompok atas dan bawah "
      "yang memilihnya. Pengecoh yang baik dipilih sebagian peserta, lebih banyak dari kelompok "
      "bawah. Pengecoh yang hampir tidak dipilih siapa pun sebaiknya diganti dengan "
      "kesalahpahaman yang sering terjadi; pengecoh yang banyak dipilih kelompok atas mungkin "
      "juga benar atau kalimatnya rancu.")),
    ("Reliabilitas (KR-20 / alfa Cronbach)",
     ("Seberapa konsisten butir-butir tes mengukur hal yang sama, 0 sampai 1. KR-20 dipakai "
      "bila semua butir bernilai benar/salah dengan bobot sama; bila ada nilai sebagian (mis. "
      "rubrik 0–10) atau bobot berbeda, dipakai alfa Cronbach. Tes yang pendek (mis. 7 butir) "
      "cenderung rendah reliabilitasnya; angka rendah berarti skor satu peserta sebaiknya tidak "
      "dipakai sendirian untuk keputusan.")),
    ("Kesalahan baku pengukuran (SEM)",
     ("Simpangan baku skor total × akar(1 − reliabilitas), dalam poin. Skor seorang peserta "
      "kira-kira bisa bergeser ± 1 SEM bila ia mengerjakan tes yang setara; selisih skor yang "
      "lebih kecil dari itu belum tentu berarti.")),
    ("Pre-test dan post-test",
     ("Tingkat kesukaran tiap pasangan butir yang mengukur tujuan yang sama, sebelum dan "
      "sesudah belajar. Kenaikan p menunjukkan butir itu lebih sering dijawab benar setelah "
      "modul; p yang sudah tinggi di pre-test berarti peserta sudah menguasainya sebelum "
      "belajar, sehingga butir itu tidak menunjukkan hasil belajar.")),
    ("Catatan",
     ("Hanya kiriman yang seluruh butirnya sudah dinilai yang dihitung. Dengan kurang dari 30 "
      "peserta angka-angka ini hanya petunjuk kasar: baca bersama isi butirnya. Dasar "
      "perhitungan: laporan statistik kuis Moodle (indeks fasilitas, indeks diskriminasi) dan "
      "teori tes klasik.")),
]


@dataclass(frozen=True)
class ItemSpec:
    """An item of the test: its graded cell, maximum, and for multiple choice its key and options."""

    grade_id: str
    max_score: float
    key: str | None = None
    options: tuple[str, ...] = ()


@dataclass
class OptionCount:
    option: str
    is_key: bool
    count: int
    share: float            # of the N learners
    upper_share: float | None  # of the upper group (weighted, as for D)
    lower_share: float | None


@dataclass
class ItemStats:
    position: int           # 1-based, in the test's order
    grade_id: str
    max_score: float
    n: int
    mean: float | None
    difficulty: float | None
    point_biserial: float | None
    upper: float | None     # mean score / max in the upper group
    lower: float | None
    upper_lower: float | None
    dichotomous: bool
    flags: list[str] = field(default_factory=list)
    key: str | None = None
    options: list[OptionCount] = field(default_factory=list)


@dataclass
class TotalStats:
    n_learners: int
    n_items: int
    max_total: float
    mean: float | None
    sd: float | None
    reliability: float | None
    reliability_method: str  # KR20 or ALPHA
    sem: float | None


@dataclass
class PrePostRow:
    objective: str
    pre_item: str
    post_item: str
    p_pre: float | None
    p_post: float | None
    change: float | None


@dataclass
class PrePost:
    pre_assignment: str
    post_assignment: str
    pairing: str            # how items were paired, for people
    n_pre: int
    n_post: int
    rows: list[PrePostRow]


@dataclass
class Analysis:
    course: str
    assignment: str
    kind: str               # pre, post or task
    total: TotalStats
    items: list[ItemStats]
    excluded: int           # submissions left out: not fully graded yet
    notes: list[str] = field(default_factory=list)
    pre_post: PrePost | None = None

    def to_dict(self) -> dict:
        return asdict(self)


# ---- the statistics ----------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _variance(values: Sequence[float]) -> float:
    """Population variance (divided by N)."""
    m = _mean(values)
    return sum((v - m) ** 2 for v in values) / len(values)


def correlation(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r; None when fewer than two values or either has no variance."""
    if len(x) < 2:
        return None
    mx, my = _mean(x), _mean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return round(sxy / math.sqrt(sxx * syy), 12)  # an r of 0 stays 0, not 1e-17


def group_size(n: int) -> int:
    """Places in the upper (and in the lower) group: 27 % of n, rounded half up, at least 1."""
    return max(1, math.floor(GROUP_FRACTION * n + 0.5))


def group_weights(ranking: Sequence[float], places: int, highest: bool) -> list[float]:
    """Each learner's weight (0–1) in the group of the ``places`` highest (or lowest)
    values of ``ranking``; learners tied at the boundary share the places left."""
    by_value: dict[float, list[int]] = {}
    for i, value in enumerate(ranking):
        by_value.setdefault(value, []).append(i)
    weights = [0.0] * len(ranking)
    left = places
    for value in sorted(by_value, reverse=highest):
        tied = by_value[value]
        share = min(1.0, left / len(tied))
        for i in tied:
            weights[i] = share
        left -= len(tied)
        if left <= 0:
            break
    return weights


def _weighted_share(weights: Sequence[float], values: Sequence[float], places: int) -> float:
    return sum(w * v for w, v in zip(weights, values)) / places


def reliability(columns: Sequence[Sequence[float]]) -> float | None:
    """Coefficient alpha of the item-score columns (population variances); None when k < 2
    or the totals do not vary. Equals KR-20 for 0/1 items."""
    k = len(columns)
    if k < 2 or not columns[0]:
        return None
    totals = [sum(row) for row in zip(*columns)]
    total_variance = _variance(totals)
    if total_variance <= 1e-12:
        return None
    return k / (k - 1) * (1 - sum(_variance(c) for c in columns) / total_variance)


def _is_dichotomous(values: Sequence[float], max_score: float) -> bool:
    return all(v == 0 or v == max_score for v in values)


def _flags(p: float | None, r: float | None) -> list[str]:
    flags = []
    if p is not None and p < P_LOW:
        flags.append("sulit")
    if p is not None and p > P_HIGH:
        flags.append("mudah")
    if r is not None and r <= 0:
        flags.append("daya_beda")
    return flags


def response_category(answer: str | None, options: Sequence[str]) -> str:
    """An answer (already ``strip().upper()``-ed, None if unreadable) as an option or a bucket."""
    if answer is None:
        return UNREADABLE
    if answer == "":
        return EMPTY
    return answer if answer in options else OTHER


def _option_counts(spec: ItemSpec, answers: Sequence[str | None], upper: Sequence[float],
                   lower: Sequence[float], places: int | None) -> list[OptionCount]:
    categories = [response_category(a, spec.options) for a in answers]
    n = len(categories)
    rows = []
    for option in [*spec.options, EMPTY, OTHER, UNREADABLE]:
        chosen = [1.0 if c == option else 0.0 for c in categories]
        count = int(sum(chosen))
        if option not in spec.options and count == 0:
            continue
        rows.append(OptionCount(
            option, option == spec.key, count, count / n if n else 0.0,
            _weighted_share(upper, chosen, places) if places else None,
            _weighted_share(lower, chosen, places) if places else None))
    return rows


def analyse(scores: Mapping[str, Mapping[str, float]], items: Sequence[ItemSpec],
            answers: Mapping[str, Mapping[str, str | None]] | None = None
            ) -> tuple[list[ItemStats], TotalStats]:
    """Item and test statistics. ``scores``: learner -> grade_id -> score (missing = 0);
    ``items`` in the test's order; ``answers``: grade_id -> learner -> normalised answer
    (None = unreadable) for the multiple-choice items (``spec.key`` set)."""
    learners = sorted(scores)
    n = len(learners)
    answers = answers or {}
    columns = [[float(scores[s].get(spec.grade_id, 0.0)) for s in learners] for spec in items]
    totals = [sum(row) for row in zip(*columns)] if columns else [0.0] * n
    places = group_size(n) if n >= 2 else None
    stats = []
    for position, (spec, column) in enumerate(zip(items, columns), 1):
        rest = [t - x for t, x in zip(totals, column)]
        scaled = [x / spec.max_score for x in column] if spec.max_score > 0 else None
        mean = _mean(column) if n else None
        p = mean / spec.max_score if n and spec.max_score > 0 else None
        r = correlation(column, rest)
        upper = lower = d = None
        up_w: list[float] = []
        low_w: list[float] = []
        if places and scaled is not None:
            up_w = group_weights(rest, places, highest=True)
            low_w = group_weights(rest, places, highest=False)
            upper = _weighted_share(up_w, scaled, places)
            lower = _weighted_share(low_w, scaled, places)
            d = upper - lower
        item = ItemStats(position, spec.grade_id, spec.max_score, n, mean, p, r, upper, lower, d,
                         _is_dichotomous(column, spec.max_score), _flags(p, r), spec.key)
        if spec.key is not None:
            given = answers.get(spec.grade_id, {})
            item.options = _option_counts(spec, [given.get(s) for s in learners], up_w, low_w,
                                          places)
        stats.append(item)
    return stats, total_stats(columns, items, totals)


def total_stats(columns: Sequence[Sequence[float]], items: Sequence[ItemSpec],
                totals: Sequence[float]) -> TotalStats:
    n = len(totals)
    r = reliability(columns) if n else None
    equal_max = len({spec.max_score for spec in items}) <= 1
    dichotomous = all(_is_dichotomous(c, spec.max_score) for c, spec in zip(columns, items))
    sd = math.sqrt(_variance(totals)) if n else None
    return TotalStats(
        n_learners=n, n_items=len(items), max_total=sum(spec.max_score for spec in items),
        mean=_mean(totals) if n else None, sd=sd, reliability=r,
        reliability_method=KR20 if dichotomous and equal_max else ALPHA,
        sem=sd * math.sqrt(1 - r) if r is not None and sd is not None else None,
    )



def pre_post(pre: Sequence[ItemStats], post: Sequence[ItemStats],
             pairs: Sequence[tuple[str, str, str]]) -> list[PrePostRow]:
    """One row per (objective, pre grade_id, post grade_id); an item missing on a form
    gets None."""
    p_pre = {s.grade_id: s.difficulty for s in pre}
    p_post = {s.grade_id: s.difficulty for s in post}
    rows = []
    for objective, a, b in pairs:
        before, after = p_pre.get(a), p_post.get(b)
        change = after - before if before is not None and after is not None else None
        rows.append(PrePostRow(objective, a, b, before, after, change))
    return rows


def number_text(value: float | None, digits: int = 2) -> str:
    """A statistic as people read it here: decimal comma, ``–`` when undefined."""
    return "–" if value is None else f"{value:.{digits}f}".replace(".", ",")
