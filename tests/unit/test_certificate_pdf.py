"""The e-certificate PDF (issue 12, point 6), rendered and read back in-process: its text
through PDFium's text layer, its page rendered to PNG (in the test's tmp dir) with the QR
code decoded from the pixels. Also the certificate numbers' format
(``asncore.certificates``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from asncore.certificates import ALPHABET, new_number, parse_number
from reports.certificate_pdf import (
    CertificatePage,
    nip_text,
    number_text,
    printable,
    render_certificate,
)

URL = "https://belajar.ambon.go.id/services/kompetensi/verifikasi/ASN-AMB-2026-7K3Q-M9XD"
PAGE = CertificatePage(
    number="ASN-AMB-2026-7K3Q-M9XD", name="Yuliana Sahetapy", nip="198503122010012003",
    module_title="Komunikasi Pelayanan Publik", jp=3.0, completed_on=dt.date(2026, 12, 5),
    issued_at=dt.datetime(2026, 12, 5, 1, 30),  # UTC: 10.30 WIT
    verify_url=URL)


def read_back(pdf: bytes, png_path=None) -> tuple[str, Image.Image, pdfium.PdfDocument]:
    """(text of the only page, the page rendered at 144 dpi, the document)."""
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    page = document[0]
    text = page.get_textpage().get_text_range()
    image = page.render(scale=2).to_pil()
    if png_path is not None:
        image.save(png_path)
    return text, image, document


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


def test_certificate_says_who_what_when_and_where_to_check(tmp_path):
    pdf = render_certificate(PAGE)
    assert pdf.startswith(b"%PDF-")
    text, image, _ = read_back(pdf, tmp_path / "sertifikat.png")
    found = lines(text)
    for expected in ("PEMERINTAH KOTA AMBON",
                     "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
                     "SERTIFIKAT", "Nomor: ASN-AMB-2026-7K3Q-M9XD", "diberikan kepada",
                     "Yuliana Sahetapy", "NIP 19850312 201001 2 003",
                     "telah menyelesaikan pembelajaran elektronik (e-learning) modul",
                     "Komunikasi Pelayanan Publik",
                     "dengan beban belajar 3 jam pelajaran (JP) atau 135 menit",
                     "Ambon, 5 Desember 2026", "BKPSDM Kota Ambon", URL,
                     "pada 5 Desember 2026 pukul 10.30 WIT", "1 JP (jam pelajaran) = 45 menit."):
        assert expected in found, (expected, found)
    assert "di Platform Kompetensi ASN Kota Ambon pada tanggal 5 Desember 2026." in found
    assert "\u25a0" not in text  # no glyph the font could not show
    # A4 landscape at 144 dpi, and the QR code holds exactly the printed URL
    assert image.size == (1684, 1191)
    codes = zxingcpp.read_barcodes(Image.open(tmp_path / "sertifikat.png"))
    assert [(c.format, c.text) for c in codes] == [(zxingcpp.BarcodeFormat.QRCode, URL)]


def test_the_pdf_metadata_names_no_person_and_output_is_reproducible():
    pdf = render_certificate(PAGE)
    assert render_certificate(PAGE) == pdf  # no creation time, no random document id
    meta = pdfium.PdfDocument(pdf).get_metadata_dict()
    assert meta["Title"] == "Sertifikat ASN-AMB-2026-7K3Q-M9XD"
    assert meta["Author"] == "BKPSDM Kota Ambon"
    assert PAGE.nip not in repr(meta) and PAGE.name not in repr(meta)
    other = render_certificate(dataclasses.replace(PAGE, name="Johanis Latuheru"))
    assert other != pdf


def test_date_and_time_are_those_of_ambon():
    late = dataclasses.replace(PAGE, completed_on=dt.date(2027, 1, 1),
                               issued_at=dt.datetime(2026, 12, 31, 15, 30))  # 00.30 WIT
    found = lines(read_back(render_certificate(late))[0])
    assert "Ambon, 1 Januari 2027" in found
    assert "pada 1 Januari 2027 pukul 00.30 WIT" in found


def test_long_names_titles_urls_and_odd_letters_still_fit_one_page(tmp_path):
    page = dataclasses.replace(
        PAGE, name="Dr. Maria Magdalena Wattimena-Latuconsina, S.Sos., M.Si.",
        nip="199901012024211001",  # not a PNS split (month 21): printed as given
        module_title="Penanganan Pengaduan Masyarakat melalui SP4N-LAPOR! dan Tindak "
                     "Lanjutnya di Perangkat Daerah Kota Ambon",
        jp=2.5, header=("Pemerintah Kota Ambon",), issuer="BKPSDM Kota Ambon",
        verify_url="/services/kompetensi/verifikasi/ASN-AMB-2026-7K3Q-M9XD")
    text, image, _ = read_back(render_certificate(page), tmp_path / "panjang.png")
    found = lines(text)
    assert page.name in found and "NIP 199901012024211001" in found
    assert "Penanganan Pengaduan Masyarakat melalui SP4N-LAPOR! dan Tindak" in found
    assert "Lanjutnya di Perangkat Daerah Kota Ambon" in found
    assert "dengan beban belajar 2,5 jam pelajaran (JP) atau 112,5 menit" in found
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [page.verify_url]
    odd = dataclasses.replace(PAGE, name="Łukasz Ŕąčkowski – Ōta")
    text = read_back(render_certificate(odd))[0]
    assert "Lukasz Rackowski – Ota" in lines(text) and "\u25a0" not in text


@pytest.mark.parametrize(("nip", "shown"), [
    ("198503122010012003", "19850312 201001 2 003"),
    ("199901012024211001", "199901012024211001"),  # PPPK: another split
])
def test_nip_is_grouped_only_when_it_is_a_pns_nip(nip, shown):
    assert nip_text(nip) == shown


def test_text_helpers():
    assert (number_text(3.0), number_text(2.5), number_text(112.5)) == ("3", "2,5", "112,5")
    assert printable("Sahetapy – “Nona”") == "Sahetapy – “Nona”"  # all in Windows-1252
    assert printable("Ḿ中") == "M?"


def test_numbers_have_the_printed_form_and_forgive_typing():
    number = new_number(2026)
    assert re.fullmatch(r"ASN-AMB-2026-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
    assert set(number[13:].replace("-", "")) <= set(ALPHABET)
    assert parse_number(number) == number
    assert parse_number(f"  {number.lower()} ") == number
    assert parse_number("asn-amb-2026-7kaq-m9xo") == "ASN-AMB-2026-7KAQ-M9X0"  # O is 0
    assert parse_number("ASN-AMB-2026-7KIQ-M9XD") == "ASN-AMB-2026-7K1Q-M9XD"  # I is 1
    assert parse_number("ASN-AMB-2026-7KLQ-M9XD") == "ASN-AMB-2026-7K1Q-M9XD"  # L is 1
    for bad in (None, "", "ASN-AMB-2026-7KUQ-M9XD",  # U is not in the alphabet
                "ASN-AMB-26-7K3Q-M9XD", "ASN-AMB-2026-7K3Q", "ASN-AMB-2026-7K3Q-M9XD-",
                "ASN-AMB-２０２６-7K3Q-M9XD", "ASN-AMB-2026-7K3Q-M9XD\x00", "x" * 41,
                "ASN_AMB_2026_7K3Q_M9XD", "../ASN-AMB-2026-7K3Q-M9XD"):
        assert parse_number(bad) is None, bad
