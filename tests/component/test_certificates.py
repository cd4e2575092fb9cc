"""E-certificates through the competency service, in-process (issue 12, point 6): issued
where the JP is credited, downloaded by its owner and by HR, refused to another learner,
verified on a public page that needs no log-in and shows no NIP; revoked with its credit;
issued by migration 0007 for credits already in the ledger.

The hub's OAuth is replaced by a fixed user model per request (``X-Test-User``, see
tests/support/service_auth.py); the public page is called with no such header. The real
log-in and token paths to the same service are covered in tests/integration.
"""

from __future__ import annotations

import datetime as dt
import re

import pypdfium2 as pdfium
import pytest
import zxingcpp
from alembic import command
from sqlalchemy import delete, insert, select, text

from asncore.constants import LOCAL_TZ
from asncore.db import Certificate, Employee, JpEntry, make_engine, session_factory
from asncore.migrate import alembic_config
from tests.support.certificate_service import (
    ADMIN,
    HR,
    JOHANIS,
    MARKUS,
    MODULE,
    MODULE_TITLE,
    NUMBER,
    ORIGIN,
    PREFIX,
    YULIANA,
    Service,
    add_person,
    populate,
)
from tests.support.service_auth import in_process_service

in_service_loop = pytest.mark.asyncio(loop_scope="module")  # the server's loop


@pytest.fixture(scope="module")
async def service(tmp_path_factory):
    with in_process_service(Service, populate, tmp_path_factory.mktemp("sertifikat")) as running:
        yield running


@pytest.fixture(scope="module")
async def yuliana_number(service):
    """Yuliana earns the module; the number of the certificate issued with the credit."""
    state = await service.earn_module(YULIANA)
    assert state["jp_credited"] and re.fullmatch(NUMBER, state["certificate_no"])
    return state["certificate_no"]


def pdf_text(body: bytes) -> str:
    document = pdfium.PdfDocument(body)
    return document[0].get_textpage().get_text_range()


def wit_date(stamp: dt.datetime) -> dt.date:
    return stamp.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).date()


@in_service_loop
async def test_no_certificate_before_the_credit_then_one_with_it(service):
    await service.answer_exercises(JOHANIS)
    state = await service.progress(JOHANIS)
    assert not state["jp_credited"] and state["certificate_no"] is None
    assert state["missing"] == ["menunggu post-test"]
    with service.sessions() as db:
        assert db.scalars(select(Certificate).where(Certificate.username == JOHANIS)).all() == []
    service.sync_post_test(JOHANIS, 0.8)
    state = await service.progress(JOHANIS)
    assert state["jp_credited"] and re.fullmatch(NUMBER, state["certificate_no"])
    with service.sessions() as db:
        certificate = db.scalars(select(Certificate).where(Certificate.username == JOHANIS)).one()
        credit = db.scalars(select(JpEntry).where(JpEntry.username == JOHANIS)).one()
    # what is printed, frozen at issue; the number is also the credit's certificate_no
    assert (certificate.number, certificate.name, certificate.nip, certificate.module_title,
            certificate.jp, certificate.completed_on, certificate.source_ref) == (
        state["certificate_no"], "Johanis Latuheru", JOHANIS, MODULE_TITLE, 2.0,
        credit.end_date, f"modul:{MODULE}")
    assert credit.certificate_no == certificate.number
    assert certificate.number.startswith(f"ASN-AMB-{wit_date(service.clock.now).year}-")
    # reading the progress again issues nothing new
    assert (await service.progress(JOHANIS))["certificate_no"] == certificate.number
    with service.sessions() as db:
        assert len(db.scalars(select(Certificate)).all()) == 1


@in_service_loop
async def test_the_sweep_after_a_post_test_sync_issues_it_with_the_credit(service):
    learner = "peserta-sweep"
    add_person(service.sessions, learner, "198811302012122001", "Ribka Tuhumena")
    await service.answer_exercises(learner)
    service.sync_post_test(learner, 0.9)
    assert (learner, MODULE) in service.app.settings["credit_sweeper"].run()  # no page read
    with service.sessions() as db:
        certificate = db.scalars(select(Certificate).where(Certificate.username == learner)).one()
        credit = db.scalars(select(JpEntry).where(JpEntry.username == learner)).one()
    assert credit.certificate_no == certificate.number and certificate.name == "Ribka Tuhumena"


@in_service_loop
async def test_learner_page_links_the_pdf_and_the_owner_downloads_it(service, yuliana_number):
    page = (await service.call("", YULIANA)).body.decode()
    link = f'href="{PREFIX}sertifikat/{yuliana_number}.pdf"'
    assert link in page and f'id="sertifikat-{MODULE}"' in page
    answer = await service.call(f"sertifikat/{yuliana_number}.pdf", YULIANA)
    assert answer.code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="sertifikat-{yuliana_number}.pdf"')
    assert answer.headers["Cache-Control"] == "no-store"
    found = [line.strip() for line in pdf_text(answer.body).splitlines()]
    url = f"{ORIGIN}{PREFIX}verifikasi/{yuliana_number}"
    with service.sessions() as db:
        completed = db.scalars(select(Certificate).where(
            Certificate.number == yuliana_number)).one().completed_on
    for expected in ("SERTIFIKAT", f"Nomor: {yuliana_number}", "Yuliana Sahetapy",
                     "NIP 19850312 201001 2 003", MODULE_TITLE,
                     "dengan beban belajar 2 jam pelajaran (JP) atau 90 menit",
                     "BKPSDM Kota Ambon", "PEMERINTAH KOTA AMBON", url):
        assert expected in found, (expected, found)
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember"]
    assert f"Ambon, {completed.day} {months[completed.month - 1]} {completed.year}" in found
    image = pdfium.PdfDocument(answer.body)[0].render(scale=2).to_pil()
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [url]


@in_service_loop
async def test_another_learner_gets_404_and_hr_and_admin_get_it(service, yuliana_number):
    for path in (f"sertifikat/{yuliana_number}.pdf", f"hr/pegawai/sertifikat/{yuliana_number}.pdf",
                 f"sertifikat/{yuliana_number.lower()}.pdf"):
        refused = await service.call(path, JOHANIS)
        assert refused.code == 404, path
        assert b"tidak ditemukan" in refused.body and b"Yuliana" not in refused.body
    for who in (HR, ADMIN):
        for path in (f"sertifikat/{yuliana_number}.pdf",
                     f"hr/pegawai/sertifikat/{yuliana_number}.pdf"):
            answer = await service.call(path, who)
            assert answer.code == 200, (who, path)
            assert "Yuliana Sahetapy" in pdf_text(answer.body)
    anonymous = await service.call(f"sertifikat/{yuliana_number}.pdf")
    assert anonymous.code in (302, 403) and not anonymous.body.startswith(b"%PDF")


@in_service_loop
async def test_hr_employee_page_links_the_certificate(service, yuliana_number):
    answer = await service.call(f"hr/pegawai/{YULIANA}", HR)
    assert answer.code == 200
    page = answer.body.decode()
    # a relative link: from hr/pegawai/<nip> it is hr/pegawai/sertifikat/<nomor>.pdf
    assert f'<a class="sertifikat" href="sertifikat/{yuliana_number}.pdf">' in page
    assert (await service.call(f"hr/pegawai/sertifikat/{yuliana_number}.pdf", HR)).code == 200
    own = (await service.call("profil", YULIANA)).body.decode()  # same template, own profile
    assert f'href="sertifikat/{yuliana_number}.pdf"' in own


@in_service_loop
async def test_verification_page_is_public_and_shows_only_name_module_date_status(
        service, yuliana_number):
    answer = await service.call(f"verifikasi/{yuliana_number}")  # no X-Test-User: nobody
    assert answer.code == 200
    page = answer.body.decode()
    assert re.search(r'id="status">SAH<', page)
    assert 'id="nama">Yuliana Sahetapy<' in page
    assert f'id="modul">{MODULE_TITLE}<' in page and f'id="nomor">{yuliana_number}<' in page
    with service.sessions() as db:
        completed = db.scalars(select(Certificate).where(
            Certificate.number == yuliana_number)).one().completed_on
    assert re.search(rf'id="tanggal">{completed.day} [A-Z][a-z]+ {completed.year}<', page)
    for private in (YULIANA, "19850312", "Dinas Kependudukan", "Analis Layanan", "III/a",
                    "2 JP", "jam pelajaran (JP) modul"):
        assert private not in page, private
    assert answer.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "script-src" not in answer.headers["Content-Security-Policy"]
    # the form on the page, with the number typed in lower case
    typed = await service.call(f"verifikasi?nomor={yuliana_number.lower()}")
    assert typed.code == 200 and 'id="nama">Yuliana Sahetapy<' in typed.body.decode()
    empty = await service.call("verifikasi")
    assert empty.code == 200 and 'name="nomor"' in empty.body.decode()


@in_service_loop
async def test_verification_of_a_made_up_number_is_a_clear_404(service, yuliana_number):
    made_up = "ASN-AMB-2026-0000-0000"
    assert made_up != yuliana_number
    for path in (f"verifikasi/{made_up}", f"verifikasi?nomor={made_up}", "verifikasi/bukan-nomor"):
        answer = await service.call(path)
        assert answer.code == 404, path
        page = answer.body.decode()
        assert "TIDAK DITEMUKAN" in page and "Periksa kembali nomor" in page
        assert "Yuliana" not in page


@in_service_loop
async def test_a_revoked_credit_shows_dicabut_and_its_pdf_is_refused(service):
    add_person(service.sessions, "peserta-dicabut", "199503032020122005", "Sarah Manuputty")
    number = (await service.earn_module("peserta-dicabut"))["certificate_no"]
    assert re.fullmatch(NUMBER, number)
    with service.sessions() as db, db.begin():  # HR takes the credit back
        db.execute(delete(JpEntry).where(JpEntry.username == "peserta-dicabut"))
    page = await service.call(f"verifikasi/{number}")
    assert page.code == 200 and re.search(r'id="status">DICABUT<', page.body.decode())
    assert "tidak berlaku" in page.body.decode()
    for who in ("peserta-dicabut", HR):
        refused = await service.call(f"sertifikat/{number}.pdf", who)
        assert refused.code == 404 and b"dicabut" in refused.body
    # the progress read credits the module again (the evidence is still there): same number
    state = await service.progress("peserta-dicabut")
    assert state["jp_credited"] and state["certificate_no"] == number
    again = (await service.call(f"verifikasi/{number}")).body.decode()
    assert re.search(r'id="status">SAH<', again)


@in_service_loop
async def test_a_credit_before_the_roster_gets_its_certificate_on_the_next_read(service):
    state = await service.earn_module(MARKUS)  # credited while not in the roster
    assert state["jp_credited"] and state["certificate_no"] is None
    with service.sessions() as db:
        credit = db.scalars(select(JpEntry).where(JpEntry.username == MARKUS)).one()
        assert credit.certificate_no is None
    add_person(service.sessions, MARKUS, MARKUS, "Markus Tuhumury")
    state = await service.progress(MARKUS)
    assert re.fullmatch(NUMBER, state["certificate_no"])
    page = (await service.call(f"verifikasi/{state['certificate_no']}")).body.decode()
    assert 'id="nama">Markus Tuhumury<' in page


def test_migration_0007_issues_certificates_for_credits_already_in_the_ledger(tmp_path):
    url = f"sqlite:///{tmp_path / 'lama.sqlite'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0006")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (code, name) VALUES ('DUKCAPIL', 'Dukcapil')"))
        conn.execute(insert(Employee.__table__), [{
            "username": YULIANA, "nip": YULIANA, "name": "Yuliana Sahetapy",
            "unit_code": "DUKCAPIL", "position": "Analis", "position_type": "Pelaksana",
            "grade": "III/a", "status": "PNS", "role": "learner", "courses": "", "active": True,
            "updated_at": dt.datetime(2026, 1, 1)}])
        ledger = [  # a module credit, an HR-recorded activity, a credit of a non-employee
            (YULIANA, "E-learning: Komunikasi Pelayanan", "modul:komunikasi-pelayanan", "platform",
             None),
            (YULIANA, "Bimtek SPBE", "sertifikat:SRT-1", "external", "SRT-1"),
            ("bukan-pegawai", "E-learning: Modul Uji", "modul:modul-uji", "platform", None),
        ]
        for username, activity, ref, kind, certificate_no in ledger:
            conn.execute(insert(JpEntry.__table__), [{
                "username": username, "year": 2026, "activity": activity, "provider": "x",
                "jp": 3.0, "source_ref": ref, "start_date": dt.date(2026, 3, 1),
                "end_date": dt.date(2026, 3, 9), "certificate_no": certificate_no, "kind": kind,
                "created_at": dt.datetime(2026, 3, 9)}])
    sessions = session_factory(url)  # upgrades to the head
    with sessions() as db:
        certificate = db.scalars(select(Certificate)).one()
        assert (certificate.username, certificate.source_ref, certificate.name, certificate.nip,
                certificate.module_title, certificate.jp, certificate.completed_on) == (
            YULIANA, "modul:komunikasi-pelayanan", "Yuliana Sahetapy", YULIANA,
            "Komunikasi Pelayanan", 3.0, dt.date(2026, 3, 9))
        assert re.fullmatch(NUMBER, certificate.number)
        numbers = {e.source_ref: e.certificate_no for e in db.scalars(select(JpEntry))}
        assert numbers == {"modul:komunikasi-pelayanan": certificate.number,
                           "sertifikat:SRT-1": "SRT-1", "modul:modul-uji": None}
    command.downgrade(alembic_config(engine), "0006")
    with engine.connect() as conn:
        left = dict(conn.execute(text("SELECT source_ref, certificate_no FROM jp_ledger")).all())
    assert left == {"modul:komunikasi-pelayanan": None, "sertifikat:SRT-1": "SRT-1",
                    "modul:modul-uji": None}
