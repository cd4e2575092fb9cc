"""The e-certificate of a completed module as a one-page PDF (A4 landscape), in Bahasa
Indonesia (issue 12, point 6).

Drawn with ReportLab's canvas in the PDF standard fonts (Times, Helvetica: nothing to
embed or install); text those fonts cannot show (letters outside Windows-1252) is folded
to its base letters. The QR code (segno) is drawn as vector squares, so it stays sharp at
any print size; it holds the verification URL, which is also printed in full.

:func:`render_certificate` is a pure function of a :class:`CertificatePage`: the same page
gives the same bytes (ReportLab's ``invariant`` mode: no creation time or random id).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from asncore.nip import nip_error

from .render import date_text, timestamp_text

PROVIDER = "Platform Kompetensi ASN Kota Ambon"
NAVY, GOLD = HexColor("#1f3a5f"), HexColor("#b08d3c")
INK, GREY = HexColor("#1d2733"), HexColor("#5a6472")
WIDTH, HEIGHT = landscape(A4)
CENTRE = WIDTH / 2
TEXT_WIDTH = WIDTH - 220  # the widest a centred line may run
URL_WIDTH = 330  # the verification URL beside the QR code


@dataclass(frozen=True)
class CertificatePage:
    """Everything printed on one certificate."""

    number: str
    name: str
    nip: str
    module_title: str
    jp: float
    completed_on: dt.date  # WIT
    issued_at: dt.datetime  # naive UTC, as the platform database stores it
    verify_url: str
    header: Sequence[str] = ("Pemerintah Kota Ambon",
                             "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia")
    issuer: str = "BKPSDM Kota Ambon"
    place: str = "Ambon"
    minutes_per_jp: int = 45
    provider: str = PROVIDER


_NO_DECOMPOSITION = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i"})


def printable(text: str) -> str:
    """``text`` in what the standard fonts show (Windows-1252): other letters lose their
    marks (``Ŕ`` -> ``R``, ``Ł`` -> ``L``), anything else becomes ``?``."""
    out = []
    for char in text.translate(_NO_DECOMPOSITION):
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char)
                           if not unicodedata.combining(c))
            try:
                base.encode("cp1252")
                out.append(base or "?")
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


def nip_text(nip: str) -> str:
    """A PNS NIP grouped as it is written (``19850312 201001 2 003``); others as given."""
    if nip_error(nip, "PNS") is None:
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip


def number_text(value: float) -> str:
    """``3.0`` -> ``3``, ``2.5`` -> ``2,5`` (Indonesian decimal comma)."""
    return f"{value:g}".replace(".", ",")


def _fitted(text: str, font: str, size: float, width: float, smallest: float) -> float:
    """The largest size from ``size`` down to ``smallest`` at which ``text`` fits ``width``."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _wrapped(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` (a longer word alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _centred(c: Canvas, y: float, text: str, font: str, size: float, colour=INK,
             spacing: float = 0) -> None:
    c.setFillColor(colour)
    if spacing:  # letter-spaced; the spacing must not leak into the text after it
        width = stringWidth(text, font, size) + spacing * (len(text) - 1)
        c.saveState()
        t = c.beginText(CENTRE - width / 2, y)
        t.setFont(font, size)
        t.setCharSpace(spacing)
        t.textOut(text)
        c.drawText(t)
        c.restoreState()
    else:
        c.setFont(font, size)
        c.drawCentredString(CENTRE, y, text)


def _frame(c: Canvas) -> None:
    c.setStrokeColor(NAVY)
    c.setLineWidth(4)
    c.rect(18, 18, WIDTH - 36, HEIGHT - 36)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.2)
    c.rect(28, 28, WIDTH - 56, HEIGHT - 56)
    for x, y in ((28, 28), (WIDTH - 28, 28), (28, HEIGHT - 28), (WIDTH - 28, HEIGHT - 28)):
        c.setFillColor(GOLD)
        c.rect(x - 5, y - 5, 10, 10, stroke=0, fill=1)


def _letterhead(c: Canvas, lines: Sequence[str]) -> float:
    """The header lines in capitals over a double rule (as on a kop surat); returns the
    rule's height."""
    y = HEIGHT - 72
    for i, line in enumerate(lines):
        text = printable(line).upper()
        font = "Times-Bold"
        size = _fitted(text, font, 16 if i == 0 else 13, TEXT_WIDTH, 8)
        _centred(c, y, text, font, size, NAVY)
        y -= 19
    y += 6
    c.setStrokeColor(NAVY)
    c.setLineWidth(2)
    c.line(110, y, WIDTH - 110, y)
    c.setLineWidth(0.6)
    c.line(110, y - 4, WIDTH - 110, y - 4)
    return y - 4


def _qr(c: Canvas, url: str, x: float, y: float, size: float) -> None:
    """``url`` as a QR code (error correction M) in a ``size``-point square whose lower
    left corner is (x, y), its quiet zone included."""
    code = segno.make(url, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(border=4)]
    module = size / len(rows)
    c.setFillColor(white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(HexColor("#000000"))
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        start = None
        for col, dark in enumerate([*row, False]):  # runs of dark modules, one rectangle each
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                c.rect(x + start * module, top, (col - start) * module, module, stroke=0, fill=1)
                start = None


def _body(c: Canvas, page: CertificatePage, top: float) -> None:
    _centred(c, top - 60, "SERTIFIKAT", "Times-Bold", 42, NAVY, spacing=8)
    _centred(c, top - 86, f"Nomor: {page.number}", "Times-Roman", 12)
    _centred(c, top - 116, "diberikan kepada", "Times-Italic", 14, GREY)
    name = printable(page.name)
    size = _fitted(name, "Times-Bold", 28, TEXT_WIDTH, 14)
    _centred(c, top - 150, name, "Times-Bold", size)
    half = max(190, stringWidth(name, "Times-Bold", size) / 2 + 20)
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.8)
    c.line(CENTRE - half, top - 160, CENTRE + half, top - 160)
    _centred(c, top - 178, f"NIP {nip_text(page.nip)}", "Times-Roman", 13)
    _centred(c, top - 208, "telah menyelesaikan pembelajaran elektronik (e-learning) modul",
             "Times-Roman", 13)
    y = top - 232
    for line in _wrapped(printable(page.module_title), "Times-Bold", 18, TEXT_WIDTH)[:2]:
        _centred(c, y, line, "Times-Bold", _fitted(line, "Times-Bold", 18, TEXT_WIDTH, 9), NAVY)
        y -= 21
    minutes = number_text(page.jp * page.minutes_per_jp)
    _centred(c, y - 2, f"dengan beban belajar {number_text(page.jp)} jam pelajaran (JP) atau "
             f"{minutes} menit", "Times-Roman", 13)
    _centred(c, y - 20, f"di {printable(page.provider)} pada tanggal "
             f"{date_text(page.completed_on)}.", "Times-Roman", 13)


def _footer(c: Canvas, page: CertificatePage) -> None:
    _qr(c, page.verify_url, 58, 50, 112)
    c.setFillColor(INK)
    c.setFont("Helvetica-Bold", 8.5)
    c.drawString(178, 142, "Periksa keaslian sertifikat ini:")
    c.setFont("Helvetica", 8.5)
    c.drawString(178, 130, "pindai kode QR di samping, atau buka alamat")
    url = printable(page.verify_url)
    size = _fitted(url, "Courier", 8.5, URL_WIDTH, 6.5)
    per_line = int(URL_WIDTH / stringWidth("x", "Courier", size))  # a monospaced font
    lines = [url[i:i + per_line] for i in range(0, len(url), per_line)]
    c.setFont("Courier", size)
    y = 117
    for line in lines[:3]:
        c.drawString(178, y, line)
        y -= size + 2
    c.setFont("Helvetica", 7.5)
    c.setFillColor(GREY)
    c.drawString(178, y - 4, "Halaman itu hanya menunjukkan nama, modul, tanggal, dan status.")
    c.drawString(178, 56, f"1 JP (jam pelajaran) = {page.minutes_per_jp} menit.")
    signer_x = WIDTH - 200
    c.setFillColor(INK)
    c.setFont("Times-Roman", 13)
    c.drawCentredString(signer_x, 150, f"{printable(page.place)}, {date_text(page.completed_on)}")
    c.setFont("Times-Bold", 13)
    c.drawCentredString(signer_x, 132, printable(page.issuer))
    c.setFont("Times-Italic", 9.5)
    c.setFillColor(GREY)
    for i, line in enumerate(("Diterbitkan secara elektronik melalui",
                              printable(page.provider),
                              f"pada {timestamp_text(page.issued_at)}")):
        c.drawCentredString(signer_x, 90 - 12 * i, line)


def render_certificate(page: CertificatePage) -> bytes:
    """The certificate as PDF bytes."""
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(WIDTH, HEIGHT), invariant=1, pageCompression=1)
    c.setTitle(f"Sertifikat {page.number}")
    c.setAuthor(printable(page.issuer))
    c.setSubject(printable(page.module_title))
    c.setCreator(PROVIDER)
    _frame(c)
    top = _letterhead(c, page.header)
    _body(c, page, top)
    _footer(c, page)
    c.showPage()
    c.save()
    return buffer.getvalue()
