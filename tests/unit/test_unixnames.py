"""The one hub-name -> Unix-name mapping (asncore.unixnames)."""

from __future__ import annotations

import re

import pytest

from asncore import unixnames

KEY = bytes(range(32))
NIP = "199005142015032001"


def test_name_is_prefixed_opaque_and_stable():
    name = unixnames.unix_name(NIP, "asn-", KEY)
    assert name == unixnames.unix_name(NIP, "asn-", KEY)
    assert re.fullmatch(r"asn-[a-z2-7]{12}", name)
    assert not any(NIP[i:i + 4] in name for i in range(len(NIP) - 3))
    assert len(unixnames.unix_name(NIP, "abcdefghij", KEY)) <= 32  # useradd's limit


def test_the_key_decides_the_name():
    other = bytes(reversed(range(32)))
    assert unixnames.unix_name(NIP, "asn-", KEY) != unixnames.unix_name(NIP, "asn-", other)


def test_names_of_neighbouring_nips_differ():
    names = {unixnames.unix_name(f"19900514201503200{k}", "asn-", KEY) for k in range(10)}
    assert len(names) == 10


def test_key_is_made_once_private_and_never_replaced(tmp_path):
    path = unixnames.ensure_key(tmp_path / "var")
    first = path.read_bytes()
    assert len(first) == unixnames.KEY_BYTES and path.stat().st_mode & 0o777 == 0o600
    assert unixnames.ensure_key(tmp_path / "var").read_bytes() == first
    settings = {"data_dir": str(tmp_path / "var"), "unix": {"user_prefix": "asn-"}}
    assert unixnames.namer(settings)(NIP) == unixnames.unix_name(NIP, "asn-", first)


def test_a_damaged_key_is_refused(tmp_path):
    path = tmp_path / unixnames.KEY_FILE
    path.write_bytes(b"short")
    with pytest.raises(ValueError, match="kunci nama akun Unix rusak"):
        unixnames.read_key(path)
