"""E-certificates: the PDF for its owner and HR, and the public verification page
(issue 12, point 6; the rules are in ``asncore/certificates.py``).

    GET sertifikat/<nomor>.pdf              the owner's own; HR and admins anyone's
    GET hr/pegawai/sertifikat/<nomor>.pdf   the same (the relative link of HR's employee page)
    GET verifikasi/<nomor>                  public, no log-in: name, module, date, SAH/DICABUT
    GET verifikasi?nomor=<nomor>            the same, from the page's form

A learner asking for someone else's number gets the same 404 as for a number that does
not exist: the download tells nobody whose a number is. The verification page needs no
log-in and reads no identity (it never asks the hub who is calling); it shows nothing but
the name, the module title, the completion date and the status, never the NIP, JP or
unit, and asks search engines not to index it. Its only key is the certificate number,
40 random bits, so names cannot be enumerated through it.
"""

from __future__ import annotations

from tornado import web

from asncore.certificates import Verification, find, is_valid, parse_number, verify
from asncore.constants import HR_ROLES
from asncore.settings import DEFAULTS
from reports.certificate_pdf import CertificatePage, render_certificate
from reports.render import date_text

from ..base import ServiceHandler, role_of
from .handlers import BaseHandler

NOT_FOUND = "sertifikat dengan nomor itu tidak ditemukan"


def verify_url(settings: dict, number: str) -> str:
    """Where the certificate ``number`` is verified: the public origin (setting
    ``certificates.public_origin``; empty: none, a path) + the service's prefix."""
    origin = settings["certificates"]["public_origin"].rstrip("/")
    return f"{origin}{settings['prefix']}verifikasi/{number}"


def certificate_settings(certificates: dict | None, learning: dict | None) -> dict:
    """The app setting ``certificates``: the settings' section plus the minutes of a JP."""
    return {**(certificates or DEFAULTS["certificates"]),
            "minutes_per_jp": (learning or DEFAULTS["learning"])["minutes_per_jp"]}


class CertificateDownload(BaseHandler):
    """The certificate as a PDF: the owner's own, or anyone's for HR and admins."""

    @web.authenticated
    def get(self, raw: str):
        number = parse_number(raw)
        user = self.current_user
        with self.sessions() as db:
            certificate = find(db, number) if number else None
            mine = certificate is not None and certificate.username == user["name"]
            if certificate is None or not (mine or role_of(user) in HR_ROLES):
                raise web.HTTPError(404, NOT_FOUND)
            if not is_valid(db, certificate):
                raise web.HTTPError(404, f"sertifikat {certificate.number} telah dicabut: JP "
                                         "modulnya tidak lagi tercatat")
        setting = self.settings["certificates"]
        pdf = render_certificate(CertificatePage(
            number=certificate.number, name=certificate.name, nip=certificate.nip,
            module_title=certificate.module_title, jp=certificate.jp,
            completed_on=certificate.completed_on, issued_at=certificate.issued_at,
            verify_url=verify_url(self.settings, certificate.number),
            header=tuple(setting["header"]), issuer=setting["issuer"], place=setting["place"],
            minutes_per_jp=setting["minutes_per_jp"]))
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Content-Disposition",
                        f'attachment; filename="sertifikat-{certificate.number}.pdf"')
        self.finish(pdf)


class VerifyPage(ServiceHandler):
    """Public: is this certificate genuine? No log-in, no identity read."""

    def get_current_user(self):
        return None  # never ask the hub: the page is the same for everyone

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("X-Robots-Tag", "noindex, nofollow")

    def get(self, raw: str | None = None):
        if raw is None:
            raw = self.get_query_argument("nomor", None)
        with self.settings["sessions"]() as db:
            found: Verification | None = verify(db, raw) if raw else None
        if raw and found is None:
            self.set_status(404)
        self.render("verifikasi.html", found=found, asked=(raw or "")[:40],
                    completed=date_text(found.completed_on) if found else "",
                    issuer=self.settings["certificates"]["issuer"],
                    prefix=self.settings["prefix"])
