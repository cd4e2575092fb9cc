"""The IKM of PermenPANRB 14/2017 (asncore.ikm): hand-computed examples, the grade bounds at
their edges under both weight settings, header matching, and the survey file's checks
(asncore.imports.ikm.parse, without a database)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from asncore import ikm
from asncore.ikm import ELEMENTS, Counts, compute, element_for_header, format_id, grade
from asncore.imports import ikm as ikm_import
from asncore.imports.csvtable import ImportRejected

CODES = [e.code for e in ELEMENTS]
HEADER = "unit,layanan,periode," + ",".join(f'"{e.name}"' for e in ELEMENTS)


def counts_from_rows(rows: list[list[int]]) -> dict[str, Counts]:
    """Respondents' rows (nine answers each, U1..U9) -> the counts per element."""
    return {code: Counts.of(row[i] for row in rows) for i, code in enumerate(CODES)}


def counts_with_total(n: int, total: int) -> dict[str, Counts]:
    """Nine elements with ``n`` answers each whose answers add up to ``total``: each
    element gets total // 9 (the first ones one more for the remainder) from answers a
    and a + 1. The index is then 25 * total / (9 n) with weight 1/9, and
    25 * 0.111 * total / n with weight 0.111."""
    out = {}
    base, extra = divmod(total, 9)
    for i, code in enumerate(CODES):
        t = base + (i < extra)
        a, k = divmod(t, n)  # k answers of a + 1, n - k of a
        assert 1 <= a <= 4 and (k == 0 or a < 4)
        tally = [0, 0, 0, 0]
        tally[a - 1] += n - k
        if k:
            tally[a] += k
        out[code] = Counts(*tally)
    assert sum(c.total for c in out.values()) == total
    return out


# ---- a hand-computed service ---------------------------------------------------------
#
#        U1 U2 U3 U4 U5 U6 U7 U8 U9
# R1      3  3  2  4  3  3  2  3  3
# R2      4  3  2  4  3  4  2  3  3
# R3      3  2  1  4  3  3  1  2  3
# R4      3  3  2  4  4  3  2  3  4
# sum    13 11  7 16 13 13  7 11 13   = 104
# NRR  3.25 2.75 1.75 4.00 3.25 3.25 1.75 2.75 3.25   (sum / 4)
#
# weight 1/9:   weighted U1 = 3.25/9 = 0.36111 -> 0.361; U3 = 1.75/9 = 0.19444 -> 0.194
#               IKM = (104/4) / 9 * 25 = 26 * 25 / 9 = 72.2222... -> 72.22 -> C Kurang Baik
# weight 0.111: weighted U1 = 3.25 * 0.111 = 0.36075 -> 0.361; U4 = 4 * 0.111 = 0.444
#               IKM = 26 * 0.111 * 25 = 72.15 -> C Kurang Baik
# weakest (lowest NRR, ties by code): U3 1.75, U7 1.75, U2 2.75 (U8 also 2.75, later code)
# element grades: NRR * 25 -> U3 43.75 D, U2 68.75 C, U1 81.25 B, U4 100 A
ROWS = [
    [3, 3, 2, 4, 3, 3, 2, 3, 3],
    [4, 3, 2, 4, 3, 4, 2, 3, 3],
    [3, 2, 1, 4, 3, 3, 1, 2, 3],
    [3, 3, 2, 4, 4, 3, 2, 3, 4],
]


def test_hand_computed_service_with_the_exact_weight():
    result = compute(counts_from_rows(ROWS), "1/9")
    by_code = {e.code: e for e in result.elements}
    assert [str(e.nrr_2) for e in result.elements] == [
        "3.25", "2.75", "1.75", "4.00", "3.25", "3.25", "1.75", "2.75", "3.25"]
    assert by_code["U1"].weighted_3 == Decimal("0.361")
    assert by_code["U3"].weighted_3 == Decimal("0.194")
    assert by_code["U1"].weighted == pytest.approx(3.25 / 9)
    assert result.index == Decimal("72.22")
    assert (result.grade, result.label) == ("C", "Kurang Baik")
    assert result.respondents == 4
    assert [e.code for e in result.weakest()] == ["U3", "U7", "U2"]
    assert [by_code[c].grade for c in ("U3", "U2", "U1", "U4")] == ["D", "C", "B", "A"]


def test_hand_computed_service_with_the_rounded_weight():
    result = compute(counts_from_rows(ROWS), "0.111")
    by_code = {e.code: e for e in result.elements}
    assert by_code["U1"].weighted_3 == Decimal("0.361")  # 0.36075 half up
    assert by_code["U4"].weighted_3 == Decimal("0.444")
    assert result.index == Decimal("72.15")
    assert (result.grade, result.label, result.weight) == ("C", "Kurang Baik", "0.111")


def test_a_blank_answer_is_left_out_of_that_element_only():
    # U1 answered by 3 of 4 (3, 4, 3): NRR = 10 / 3 = 3.333... -> 3.33; the others as above
    counts = counts_from_rows(ROWS)
    counts["U1"] = Counts.of([3, 4, 3])
    result = compute(counts)
    assert result.elements[0].nrr_2 == Decimal("3.33") and result.elements[0].answers == 3
    # IKM = (10/3 + 91/4) / 9 * 25 = (313/12) / 9 * 25 = 72.4537... -> 72.45
    assert result.index == Decimal("72.45")
    assert result.respondents == 4


# ---- the grade bounds at their edges ------------------------------------------------
#
# Weight 1/9, every element n answers, answers adding up to T: IKM = 25 T / (9 n), so
#   64.99 -> T/n = 23.3964 = 58491/2500     65.00 -> T/n = 23.4    = 117/5
#   76.60 -> T/n = 27.576  = 3447/125       76.61 -> T/n = 27.5796 = 68949/2500
#   88.30 -> T/n = 31.788  = 7947/250       88.31 -> T/n = 31.7916 = 79479/2500
# Weight 0.111: IKM = 25 * 0.111 * T / n = 2.775 T / n, so
#   64.99 -> T/n = 12998/555    65.00 -> 2600/111
#   76.60 -> T/n = 3064/111     76.61 -> 15322/555
#   88.30 -> T/n = 3532/111     88.31 -> 17662/555
EDGES = [
    ("1/9", 2500, 58491, "64.99", "D", "Tidak Baik"),
    ("1/9", 5, 117, "65.00", "C", "Kurang Baik"),
    ("1/9", 125, 3447, "76.60", "C", "Kurang Baik"),
    ("1/9", 2500, 68949, "76.61", "B", "Baik"),
    ("1/9", 250, 7947, "88.30", "B", "Baik"),
    ("1/9", 2500, 79479, "88.31", "A", "Sangat Baik"),
    ("0.111", 555, 12998, "64.99", "D", "Tidak Baik"),
    ("0.111", 111, 2600, "65.00", "C", "Kurang Baik"),
    ("0.111", 111, 3064, "76.60", "C", "Kurang Baik"),
    ("0.111", 555, 15322, "76.61", "B", "Baik"),
    ("0.111", 111, 3532, "88.30", "B", "Baik"),
    ("0.111", 555, 17662, "88.31", "A", "Sangat Baik"),
]


@pytest.mark.parametrize(("weight", "n", "total", "index", "letter", "label"), EDGES)
def test_grade_bounds_at_their_edges(weight, n, total, index, letter, label):
    result = compute(counts_with_total(n, total), weight)
    assert str(result.index) == index
    assert (result.grade, result.label) == (letter, label)


def test_the_same_answers_can_fall_on_either_side_of_a_bound_by_weight():
    # T/n = 117/5 = 23.4: 1/9 -> 23.4 * 25 / 9 = 65.00 (C); 0.111 -> 23.4 * 2.775 = 64.935
    # -> 64.94 (D)
    counts = counts_with_total(5, 117)
    assert (compute(counts, "1/9").index, compute(counts, "1/9").grade) == (Decimal("65.00"), "C")
    assert (compute(counts, "0.111").index, compute(counts, "0.111").grade) == (
        Decimal("64.94"), "D")


def test_the_grade_is_read_from_the_index_rounded_half_up():
    # 25 T / (9 n) = 64.995 -> T/n = 23.3982 = 116991/5000 -> rounds to 65.00 -> C;
    # one answer less: 116990/5000 -> 64.99444... -> 64.99 -> D
    assert compute(counts_with_total(5000, 116991)).index == Decimal("65.00")
    assert compute(counts_with_total(5000, 116991)).grade == "C"
    assert compute(counts_with_total(5000, 116990)).grade == "D"
    assert grade(Fraction(64995, 1000)) == ("C", "Kurang Baik")
    assert grade(Fraction(64994999, 1000000)) == ("D", "Tidak Baik")
    assert grade(Decimal("88.305")) == ("A", "Sangat Baik")
    assert grade(88.3049) == ("B", "Baik")
    assert grade(100) == ("A", "Sangat Baik") and grade(25) == ("D", "Tidak Baik")


# Exact ties on a bound's half cent, which binary floating point sums miss: summing the
# float NRRs times the float weight gives 76.60499999999998, 64.99499999999999 and
# 88.30499999999998, which round down into the lower grade.
#   1/9,   n = 5000, T = 137889: 25 * 137889 / 45000     = 76.605 -> 76.61 -> B
#   0.111, n = 740,  T = 17332:  2.775 * 17332 / 740     = 64.995 -> 65.00 -> C
#   0.111, n = 185,  T = 5887:   2.775 * 5887 / 185      = 88.305 -> 88.31 -> A
@pytest.mark.parametrize(("weight", "n", "total", "index", "letter"), [
    ("1/9", 5000, 137889, "76.61", "B"),
    ("0.111", 740, 17332, "65.00", "C"),
    ("0.111", 185, 5887, "88.31", "A"),
])
def test_floating_point_error_does_not_move_an_index_across_a_bound(weight, n, total,
                                                                    index, letter):
    counts = counts_with_total(n, total)
    floats = sum(float(c.nrr()) * float(ikm.WEIGHTS[weight]) for c in counts.values()) * 25
    assert round(floats, 2) < float(index)  # what naive floats would say
    result = compute(counts, weight)
    assert (str(result.index), result.grade) == (index, letter)


def test_weights_and_bad_input():
    assert ikm.WEIGHTS["1/9"] == Fraction(1, 9) and ikm.WEIGHTS["0.111"] == Fraction(111, 1000)
    with pytest.raises(ValueError, match="weight"):
        compute(counts_from_rows(ROWS), "0.11")
    with pytest.raises(ValueError, match="U9"):
        compute({c: Counts(n3=1) for c in CODES[:8]})
    with pytest.raises(ValueError):
        Counts.of([1, 5])


def test_indonesian_number_format():
    assert format_id(Decimal("72.22")) == "72,22"
    assert format_id(Fraction(1234567, 100)) == "12.345,67"
    assert format_id(Decimal("0.3611"), 3) == "0,361"
    assert format_id(2.675) == "2,68"  # the decimal it prints as, half up


# ---- headers -------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "code"), [
    ("Persyaratan", "U1"),
    ("  PERSYARATAN ", "U1"),
    ("Sistem, Mekanisme, dan Prosedur", "U2"),
    ("sistem mekanisme dan prosedur", "U2"),
    ("Biaya / Tarif", "U4"),
    ("biaya-tarif", "U4"),
    ("u4", "U4"),
    ("U 7", "U7"),
    ("U7 Perilaku Pelaksana", "U7"),
    ("U7. Perilaku pelaksana", "U7"),
    ("Penanganan Pengaduan Saran dan Masukan", "U8"),
    ("U9 - Sarana dan Prasarana", "U9"),
])
def test_headers_name_elements_by_name_or_code(header, code):
    assert element_for_header(header).code == code


@pytest.mark.parametrize("header", ["Pelayanan Ramah", "U10", "U0", "nama", "unit", ""])
def test_other_headers_are_no_element(header):
    assert element_for_header(header) is None


def test_a_code_and_a_name_that_disagree_are_refused():
    with pytest.raises(ValueError, match="U8 adalah 'Penanganan Pengaduan.*'Sarana dan "
                                         "Prasarana' adalah U9"):
        element_for_header("U8 Sarana dan Prasarana")


# ---- the survey file (parsed, no database) -------------------------------------------


def survey(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def errors_of(text: str, known_units=None) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as exc:
        ikm_import.parse(text, "ikm.csv", known_units)
    return [(e.line, e.field, e.message) for e in exc.value.errors]


def test_a_file_is_counted_per_unit_service_and_period():
    text = survey(*(f"dinkes, Poli  Umum ,2026 s1,{','.join(map(str, r))}" for r in ROWS),
                  "DINKES,Poli Umum,2026-S2,4,4,4,4,4,4,4,4,4")
    services = ikm_import.parse(text, "ikm.csv", {"DINKES"})
    assert [(s.unit, s.service, s.period, s.respondents) for s in services] == [
        ("DINKES", "Poli Umum", "2026-S1", 4), ("DINKES", "Poli Umum", "2026-S2", 1)]
    assert services[0].counts == counts_from_rows(ROWS)
    assert compute(services[0].counts).index == Decimal("72.22")


def test_codes_semicolons_and_comment_lines_are_read():
    header = "# sumber: contoh\nUnit;Layanan;Periode;" + ";".join(CODES)
    text = survey("DINKES;Poli;2026;3;3;3;3;3;3;3;3;3", header=header)
    (service,) = ikm_import.parse(text, "ikm.csv")
    assert service.counts["U9"] == Counts(n3=1)


def test_bad_values_name_line_and_column():
    text = survey(
        "DINKES,Poli,2026-S1,1,2,3,4,1,2,3,4,1",
        "DINKES,Poli,2026-S1,5,2.5,x,0,,,,,",
        ",Poli,,1,1,1,1,1,1,1,1,1",
        "LUAR,Poli,2026-S3,1,1,1,1,1,1,1,1,1",
        "DINKES,Poli,2026-S1,,,,,,,,,",
    )
    found = errors_of(text, {"DINKES"})
    assert (3, "persyaratan", "'5' di luar 1-4; jawaban harus 1, 2, 3 atau 4") in found
    assert (3, "sistem, mekanisme, dan prosedur",
            "'2.5' bukan bilangan bulat; jawaban harus 1, 2, 3 atau 4") in found
    assert {(line, field) for line, field, _ in found} >= {
        (3, "waktu penyelesaian"), (3, "biaya/tarif"), (4, "unit"), (4, "periode"),
        (5, "unit"), (5, "periode"), (6, "(baris)")}
    assert any(line == 5 and "LUAR" in m and "tidak dikenal" in m for line, _, m in found)


def test_header_problems_are_all_listed_on_line_1():
    header = "unit,layanan,periode,nama,U1,U2,U3,U4,U5,U6,U8 Sarana dan Prasarana,U9,U1"
    found = errors_of(survey("DINKES,Poli,2026,Ani,1,1,1,1,1,1,1,1,1", header=header))
    fields = {field: message for line, field, message in found if line == 1}
    assert "nama, telepon atau NIK" in fields["nama"]
    assert "U8 adalah" in fields["U8 Sarana dan Prasarana"]
    assert fields["perilaku pelaksana"] == "kolom wajib tidak ada (missing column)"
    assert fields["persyaratan"] == "kolom ganda (repeated column)"


def test_an_element_nobody_answered_in_a_service_is_an_error():
    text = survey("DINKES,Poli,2026,1,1,1,1,1,1,,1,1", "DINKES,Poli,2026,2,2,2,2,2,2,,2,2")
    message = ("tidak ada yang menjawab unsur ini untuk DINKES / Poli / 2026; "
               "NRR tidak dapat dihitung")
    assert errors_of(text) == [(2, "perilaku pelaksana", message)]


def test_an_empty_file_is_refused():
    assert errors_of(survey())[0][2] == "berkas IKM kosong (no rows)"
