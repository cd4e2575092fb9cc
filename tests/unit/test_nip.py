import pytest

from asncore.nip import nip_error, normalize


def test_valid_pns_nip():
    assert nip_error("199005142015032001") is None


def test_spaces_and_dots_are_dropped():
    assert normalize("19900514 201503 2 001") == "199005142015032001"
    assert normalize("19900514.201503.2.001") == "199005142015032001"


@pytest.mark.parametrize(
    "nip, fragment",
    [
        ("19900514201503200", "18 digit"),
        ("1990051420150320X1", "18 digit"),
        ("199002302015032001", "tanggal lahir"),  # 30 February
        ("199005142015132001", "TMT CPNS"),  # month 13
        ("199005142000032001", "usia 15"),  # CPNS at age 9
        ("199005142015033001", "jenis kelamin"),
    ],
)
def test_invalid_pns_nip(nip, fragment):
    assert fragment in (nip_error(nip) or "")


def test_pppk_only_needs_18_digits():
    assert nip_error("198811232024212006", "PPPK") is None
    assert nip_error("000000000000000000", "PPPK") is None
    assert nip_error("000000000000000000", "PNS") is not None
    assert "18 digit" in nip_error("12345", "PPPK")
