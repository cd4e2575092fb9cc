"""HR uploads the files of the evaluation loop in the browser (issue 11, point 7): what
``asn-ambon ikm import``, ``pengaduan import`` and ``libur import`` do from the shell.

    GET  hr/evaluasi/impor                         three forms (IKM, SP4N-LAPOR!, holidays)
    POST hr/evaluasi/impor/(ikm|pengaduan|libur)   one form's file; the page with the result
    POST api/hr/impor/(ikm|pengaduan|libur)        the file as the request body (or the
                                                   multipart field ``berkas``); JSON result

HR and admins only. Each file is CSV (UTF-8, ``,`` or ``;``) or XLSX (first sheet), read by
the imports of :mod:`asncore.imports` (their formats are in docs/evaluasi.md): all rows or
nothing, every error with its row and column, idempotent. Whatever arrives is answered
with a 4xx when refused, never a 5xx:

- bodies over :data:`MAX_UPLOAD` are refused before they are read (413);
- a body whose Content-Type is neither CSV, XLSX nor a plain upload is 415;
- an old ``.xls`` workbook, a ``.xlsx`` that is not a zip or not a workbook, a workbook
  unpacking to more than :data:`MAX_UNPACKED` (a zip bomb) and a CSV that is not UTF-8 are
  refused with the reason, as errors of the file (400);
- at most :data:`MAX_ERRORS_SHOWN` errors are listed, with how many more there are.

After a successful import the report cache is told the data changed. The follow-up page
(:mod:`services.kompetensi.followup`) reads IKM, complaints and holidays afresh on every
request, so it never shows figures from before an import.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import select
from tornado import web

from asncore.db import Unit, session_factory
from asncore.imports import complaints, holidays
from asncore.imports import ikm as ikm_import
from asncore.imports.csvtable import ImportRejected, RowError
from asncore.imports.sheets import xlsx_text
from asncore.workdays import local_date

from ..base import BODY_METHODS
from .hr import MAX_UPLOAD, HrApi, HrPage

MAX_UNPACKED = 16 * 1024 * 1024  # an XLSX's parts together, unpacked (~480,000 cells:
# openpyxl then needs about 4 s and 250 MB; a survey of 5,000 respondents is ~2 MB)
MAX_ERRORS_SHOWN = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# what browsers and tools send with a CSV (Windows labels .csv as vnd.ms-excel) or a workbook
ACCEPTED_TYPES = {"", "text/csv", "text/plain", "application/csv", "text/comma-separated-values",
                  "application/vnd.ms-excel", "application/octet-stream", XLSX_TYPE}
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
REJECTED = {"ikm": ikm_import.IkmRejected, "pengaduan": complaints.ComplaintsRejected,
            "libur": holidays.HolidaysRejected}
TITLES = {"ikm": "Survei kepuasan masyarakat (IKM)", "pengaduan": "Ekspor pengaduan SP4N-LAPOR!",
          "libur": "Kalender hari libur dan cuti bersama"}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    content_type: str

    @property
    def looks_xlsx(self) -> bool:
        suffix = PurePath(self.name).suffix.lower()
        return (suffix in (".xlsx", ".xlsm") or self.content_type == XLSX_TYPE
                or self.data.startswith(ZIP_MAGIC))


def _file_error(name: str, message: str) -> RowError:
    return RowError(0, "(berkas)", f"{name}: {message}")


def received_upload(request, kind: str) -> Upload:
    """The uploaded file: the form field ``berkas`` of a multipart body, else the body."""
    files = request.files.get("berkas")
    media = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if files:
        upload = Upload(files[0]["filename"] or f"{kind}.csv", files[0]["body"],
                        (files[0].get("content_type") or "").lower())
    elif media.startswith("multipart/"):
        raise web.HTTPError(400, "tidak ada berkas di kolom formulir 'berkas'")
    elif media not in ACCEPTED_TYPES:
        raise web.HTTPError(415, f"jenis isi '{media[:60]}' tidak diterima; kirim CSV atau XLSX")
    else:
        upload = Upload(f"{kind}.xlsx" if media == XLSX_TYPE else f"{kind}.csv",
                        request.body, media)
    if not upload.data:
        raise web.HTTPError(400, "tidak ada berkas yang diunggah (isi kosong)")
    if len(upload.data) > MAX_UPLOAD:
        raise web.HTTPError(413, "berkas lebih dari 5 MB")
    return upload


def _csv_text(upload: Upload, rejected: type[ImportRejected]) -> str:
    try:
        return upload.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = upload.data[: exc.start].count(b"\n") + 1
        bad = RowError(line, "(berkas)", f"bukan UTF-8 (byte 0x{upload.data[exc.start]:02x}); "
                       "simpan ulang sebagai 'CSV UTF-8' (Excel: Simpan Sebagai > CSV UTF-8) "
                       "atau sebagai .xlsx")
        raise rejected(upload.name, [bad]) from None


def _workbook_text(upload: Upload, rejected: type[ImportRejected]) -> str:
    not_xlsx = "bukan berkas XLSX yang sah; simpan ulang dari Excel sebagai .xlsx atau CSV UTF-8"
    try:
        with zipfile.ZipFile(io.BytesIO(upload.data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise rejected(upload.name, [_file_error(upload.name, not_xlsx)]) from exc
    if unpacked > MAX_UNPACKED:
        raise rejected(upload.name, [_file_error(
            upload.name, f"isi XLSX terlalu besar setelah dibuka (lebih dari "
            f"{MAX_UNPACKED // (1024 * 1024)} MB); simpan sebagai CSV UTF-8")])
    try:
        return xlsx_text(upload.data, upload.name, rejected)
    except ImportRejected:
        raise
    except Exception as exc:  # openpyxl on a hostile workbook: any error means "not valid"
        raise rejected(upload.name, [_file_error(upload.name, not_xlsx)]) from exc


def upload_text(upload: Upload, kind: str) -> str:
    """The file's rows as CSV text (line N = row N); the kind's ImportRejected if unreadable."""
    rejected = REJECTED[kind]
    if PurePath(upload.name).suffix.lower() == ".xls" or upload.data.startswith(OLE_MAGIC):
        raise rejected(upload.name, [_file_error(
            upload.name, "format .xls lama tidak didukung; simpan sebagai .xlsx atau CSV UTF-8")])
    return _workbook_text(upload, rejected) if upload.looks_xlsx else _csv_text(upload, rejected)


# ---- the three imports: the file's text into the database, and what it did -----------------


def _known_units(url: str) -> set[str]:
    with session_factory(url)() as db:
        return set(db.scalars(select(Unit.code)))


def import_ikm(url: str, text: str, name: str) -> dict:
    with session_factory(url)() as db, db.begin():
        services = ikm_import.parse(text, name, set(db.scalars(select(Unit.code))))
        replaced = ikm_import.store(db, services)
    units = sorted({s.unit for s in services})
    periods = sorted({s.period for s in services})
    respondents = sum(s.respondents for s in services)
    return {"rows": respondents, "services": len(services), "units": units, "periods": periods,
            "replaced": replaced,
            "message": f"{respondents} responden dari {len(services)} layanan di {len(units)} unit "
                       f"({', '.join(units)}), periode {', '.join(periods)}; {replaced} layanan "
                       "menggantikan data sebelumnya."}


def import_complaints(url: str, text: str, name: str) -> dict:
    rows = complaints.parse(text, name, _known_units(url))  # the same check the import repeats
    done = complaints.import_complaints_text(url, text, name)
    units = sorted({r.unit for r in rows})
    months = sorted({local_date(r.received_at).strftime("%Y-%m") for r in rows})
    return {"rows": len(rows), "added": done.added, "updated": done.updated,
            "unchanged": done.unchanged, "units": units, "periods": months,
            "message": f"{len(rows)} laporan ({done.summary()}) dari {len(units)} unit "
                       f"({', '.join(units)}), diterima pada bulan {', '.join(months)}."}


def import_holidays(url: str, text: str, name: str) -> dict:
    rows = holidays.parse(text, name)
    with tempfile.TemporaryDirectory() as folder:  # the import reads a file
        path = Path(folder) / "libur.csv"
        path.write_text(text, encoding="utf-8")
        done = holidays.import_holidays(url, path)
    national = sum(r.kind == "national" for r in rows)
    years = ", ".join(map(str, done.years))
    return {"rows": done.imported, "years": list(done.years), "national": national,
            "collective": done.imported - national, "replaced": done.replaced,
            "message": f"{done.imported} hari ({national} libur nasional, "
                       f"{done.imported - national} cuti bersama) untuk tahun {years}; "
                       f"{done.replaced} hari yang tersimpan untuk tahun itu diganti."}


IMPORTS = {"ikm": import_ikm, "pengaduan": import_complaints, "libur": import_holidays}


def refusal(kind: str, exc: ImportRejected) -> dict:
    shown = [str(e) if e.line == 0 else f"{exc.source}: {e}"
             for e in exc.errors[:MAX_ERRORS_SHOWN]]
    if len(exc.errors) > MAX_ERRORS_SHOWN:
        shown.append(f"… dan {len(exc.errors) - MAX_ERRORS_SHOWN} kesalahan lain; perbaiki "
                     "yang di atas lalu unggah lagi")
    return {"success": False, "kind": kind, "message": str(exc).splitlines()[0],
            "errors": shown, "error_count": len(exc.errors)}


def run_import(url: str, kind: str, upload: Upload) -> dict:
    """Check the whole file, then import it; the result for the page and the API."""
    try:
        done = IMPORTS[kind](url, upload_text(upload, kind), upload.name)
    except ImportRejected as exc:
        return refusal(kind, exc)
    return {"success": True, "kind": kind, "file": upload.name, **done}


# ---- handlers ----------------------------------------------------------------------------


class ImportMixin:
    max_body_size = MAX_UPLOAD + 64 * 1024  # the file and its multipart envelope

    def import_worker(self) -> ThreadPoolExecutor:
        """One import at a time per service, off the event loop: a workbook can take
        seconds and hundreds of MB to read."""
        if "import_worker" not in self.settings:
            self.settings["import_worker"] = ThreadPoolExecutor(1, thread_name_prefix="impor")
        return self.settings["import_worker"]

    async def import_upload(self, kind: str) -> dict:
        upload = received_upload(self.request, kind)
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self.import_worker(), run_import,
                                            self.settings["db_url"], kind, upload)
        if result["success"]:
            self.settings["reports"].changed()
        return result


class ImportApi(ImportMixin, HrApi):
    async def post(self, kind: str):
        result = await self.import_upload(kind)
        self.write_json(result, 200 if result["success"] else 400)


class HrOnlyPage(HrPage):
    """A page for HR and admins; a caller known from the headers alone (a token, or a
    cookie on a GET) who is neither is refused before the body is read.

    A browser form's POST is known only from its body: JupyterHub accepts the login cookie
    on a POST only with the form's ``_xsrf`` field, and asking for the user before that
    field is read would drop the cookie for the whole request (403 to HR). Such a POST is
    checked in the handler, once the body (at most :data:`MAX_UPLOAD`) is assembled."""

    def prepare(self):
        super().prepare()
        if self.request.method in BODY_METHODS and "Cookie" in self.request.headers:
            return
        if self.current_user is not None:
            self.require_hr()


class ImportFormsPage(HrOnlyPage):
    @web.authenticated
    def get(self):
        self.render("hr_evaluasi_impor.html", prefix=self.settings["prefix"], titles=TITLES,
                    results={})


class ImportPage(ImportMixin, HrOnlyPage):
    @web.authenticated
    async def post(self, kind: str):
        self.require_hr()  # a form's caller is known only now (HrOnlyPage)
        result = await self.import_upload(kind)
        if not result["success"]:
            self.set_status(400)
        self.render("hr_evaluasi_impor.html", prefix=self.settings["prefix"], titles=TITLES,
                    results={kind: result})
