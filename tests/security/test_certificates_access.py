"""E-certificates (issue 12, point 6), as an attacker would try them: enumerate or guess
numbers on the public verification page to harvest names, read more than name, module,
date and status there, mint a certificate without a JP credit, download someone else's,
or break the routes with odd numbers (4xx, never a 5xx, nothing written).

In-process: the competency service with its real database and templates; the hub's OAuth
is replaced by ``X-Test-User`` (tests/support/service_auth.py); the public page is called
without it, and once with the hub's user look-up made to fail.
"""

from __future__ import annotations

import inspect
import itertools
import random
import re
from collections import Counter
from urllib.parse import quote

import pytest
from jupyterhub.services.auth import HubOAuthenticated
from sqlalchemy import func, insert, select

from asncore import certificates
from asncore.certificates import ALPHABET, issue, new_number
from asncore.db import Certificate, JpEntry
from tests.support.certificate_service import (
    HR,
    JOHANIS,
    MODULE,
    NUMBER,
    PEOPLE,
    UNIT,
    YULIANA,
    Service,
    add_person,
    db_fingerprint,
    populate,
)
from tests.support.service_auth import in_process_service

in_service_loop = pytest.mark.asyncio(loop_scope="module")  # the server's loop
NASTY = [
    "abc", "²⁰²⁶", "٢٠٢٦", "-1", "0", "99999999999999999999999999", "1e309", "NaN", "",
    " ", "null", "[]", "{}", "\x00", "%00", "../../etc/passwd", "..", ".", "/",
    "<script>alert(1)</script>", "'; DROP TABLE certificates; --", "=HYPERLINK(\"x\")",
    "x" * 5000, "ü" * 300, "ASN-AMB-2026-0000-000", "ASN-AMB-2026-0000-00000",
    "ASN-AMB-2026-UUUU-UUUU", "ASN-AMB-２０２６-0000-0000", "asn-amb-2026-%", "ASN-AMB-*",
    "ASN-AMB-2026-0000-0000.pdf", "ASN-AMB-2026-0000-0000/../x", "\u202eASN-AMB", "%",
]


@pytest.fixture(scope="module")
async def service(tmp_path_factory):
    with in_process_service(Service, populate, tmp_path_factory.mktemp("sertifikat-aman")) as running:
        yield running


@pytest.fixture(scope="module")
async def issued(service) -> dict[str, str]:
    """Two learners earned the module: username -> certificate number."""
    numbers = {}
    for learner in (YULIANA, JOHANIS):
        state = await service.earn_module(learner)
        numbers[learner] = state["certificate_no"]
        assert re.fullmatch(NUMBER, numbers[learner])
    return numbers


def test_numbers_are_40_random_bits_from_the_system_csprng(monkeypatch):
    assert len(ALPHABET) ** 8 == 2 ** 40
    drawn = [new_number(2026) for _ in range(5000)]
    assert len(set(drawn)) == len(drawn)
    for position in range(8):  # every symbol in every position, none favoured
        counts = Counter(n[13:].replace("-", "")[position] for n in drawn)
        assert set(counts) == set(ALPHABET), position
        assert max(counts.values()) < 260 and min(counts.values()) > 70  # mean 156, sd 12
    # the random part comes from `secrets` (the OS generator), not from `random`
    monkeypatch.setattr(certificates.secrets, "choice", lambda alphabet: "Z")
    assert new_number(2026) == "ASN-AMB-2026-ZZZZ-ZZZZ"
    source = inspect.getsource(certificates)
    assert "import random" not in source and "uuid1" not in source


@in_service_loop
async def test_guessing_numbers_finds_nobody(service, issued):
    rng = random.Random(12)
    year = next(iter(issued.values()))[8:12]
    guesses = {f"ASN-AMB-{year}-{''.join(rng.choices(ALPHABET, k=4))}-"
               f"{''.join(rng.choices(ALPHABET, k=4))}" for _ in range(300)}
    real = issued[YULIANA]
    for position in (13, 14, 15, 16, 18, 19, 20, 21):  # one character off the real number
        for symbol in rng.sample(ALPHABET, 4):
            if symbol != real[position]:
                guesses.add(real[:position] + symbol + real[position + 1:])
    guesses -= set(issued.values())
    names = [name for _, name, _ in PEOPLE.values()]
    for guess in sorted(guesses):
        for path in (f"verifikasi/{guess}", f"verifikasi?nomor={guess}"):
            answer = await service.call(path)
            assert answer.code == 404, (path, answer.code)
            page = answer.body.decode()
            assert not any(name in page for name in names), path


@in_service_loop
async def test_public_page_shows_name_module_date_status_and_nothing_else(
        service, issued, monkeypatch):
    number = issued[YULIANA]
    answer = await service.call(f"verifikasi/{number}")
    assert answer.code == 200
    page = answer.body.decode()
    shown = dict(re.findall(r'<dd id="([a-z]+)">([^<]*)</dd>', page))
    assert set(shown) == {"nomor", "nama", "modul", "tanggal"}
    assert (shown["nomor"], shown["nama"], shown["modul"]) == (number, "Yuliana Sahetapy",
                                                               "Modul Uji")
    assert re.search(r'id="status">SAH<', page)
    digits = re.sub(r"\D", "", re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL))
    nip = PEOPLE[YULIANA][0]
    assert nip[:8] not in digits and nip[8:14] not in digits  # no NIP, even split up
    for private in (UNIT["name"], UNIT["code"], "Analis Layanan", "Pelaksana", "III/a", " JP",
                    issued[JOHANIS], "Johanis", "pukul", "WIT"):
        assert private not in page, private
    # the page never asks the hub who is calling: same page for anyone, even if asking fails
    for headers in ({"X-Test-User": f"{HR}:hr"}, {"Authorization": "token x"},
                    {"Cookie": "jupyterhub-services=x"}):
        again = await service.call(f"verifikasi/{number}", headers=headers)
        assert (again.code, again.body) == (200, answer.body), headers

    def hub_down(handler):
        raise AssertionError("the public page asked the hub who is calling")

    monkeypatch.setattr(HubOAuthenticated, "get_current_user", hub_down)
    assert (await service.call(f"verifikasi/{number}")).body == answer.body


@in_service_loop
async def test_learners_cannot_mint_a_certificate_without_a_jp_credit(service, issued):
    learner = "peserta-tanpa-kredit"
    add_person(service.sessions, learner, "199611112021032006", "Ester Pattiasina")
    await service.answer_exercises(learner)  # no post-test: no credit
    state = await service.progress(learner)
    assert not state["jp_credited"] and state["certificate_no"] is None
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("sertifikat/ASN-AMB-2026-0000-0000.pdf", f"sertifikat/{issued[YULIANA]}.pdf",
                     "verifikasi/ASN-AMB-2026-0000-0000", "verifikasi"):
            answer = await service.call(path, learner, method, b'{"modul": "modul-uji"}')
            assert 400 <= answer.code < 500, (method, path, answer.code)
    with service.sessions() as db:
        assert db.scalar(select(func.count(Certificate.id)).where(
            Certificate.username == learner)) == 0
        # the issuing function itself: only for a platform credit in the ledger
        assert issue(db, learner, f"modul:{MODULE}") is None
        db.execute(insert(JpEntry), [
            {"username": learner, "year": 2026, "activity": "E-learning: Modul Uji",
             "provider": "HR", "jp": 2.0, "source_ref": "modul:lain", "kind": "external",
             "start_date": service.clock.now.date(), "end_date": service.clock.now.date()},
            {"username": learner, "year": 2026, "activity": "Diklat", "provider": "HR",
             "jp": 8.0, "source_ref": "sertifikat:SRT-9", "kind": "platform",
             "start_date": service.clock.now.date(), "end_date": service.clock.now.date()}])
        assert issue(db, learner, "modul:lain") is None
        assert issue(db, learner, "sertifikat:SRT-9") is None
        # a second certificate for a credited module is the same one
        assert issue(db, YULIANA, f"modul:{MODULE}").number == issued[YULIANA]
        db.rollback()
        assert db.scalar(select(func.count(Certificate.id))) == len(issued)


@in_service_loop
async def test_someone_elses_number_in_any_spelling_is_404_for_a_learner(service, issued):
    theirs = issued[YULIANA]
    spellings = {theirs, theirs.lower(), f" {theirs} ", theirs.replace("0", "O").replace("1", "I")}
    for spelling, prefix in itertools.product(spellings, ("sertifikat/", "hr/pegawai/sertifikat/")):
        answer = await service.call(f"{prefix}{quote(spelling)}.pdf", JOHANIS)
        assert answer.code == 404 and not answer.body.startswith(b"%PDF"), spelling
        assert b"Yuliana" not in answer.body
    assert (await service.call(f"sertifikat/{issued[JOHANIS]}.pdf", JOHANIS)).code == 200


@in_service_loop
async def test_bad_numbers_answer_4xx_never_5xx_and_write_nothing(service, issued):
    before = db_fingerprint(service.url)
    for value, who in itertools.product(NASTY, (None, JOHANIS, HR)):
        segment = quote(value, safe="")
        for path in (f"verifikasi/{segment}", f"sertifikat/{segment}.pdf",
                     f"hr/pegawai/sertifikat/{segment}.pdf"):
            answer = await service.call(path, who)
            assert answer.code < 500, (path, who, answer.code)
            assert answer.code >= 400 or (who is None and answer.code == 302), (path, who)
        answer = await service.call(f"verifikasi?nomor={segment}", who)
        assert answer.code in (200, 404), (value, answer.code)  # 200: blank, the form alone
        assert answer.code == 404 or 'id="hasil"' not in answer.body.decode(), value
    assert db_fingerprint(service.url) == before
