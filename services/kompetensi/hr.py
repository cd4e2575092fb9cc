"""HR's views of the competency reports: dashboard, employee page, downloads, JSON API.

Every handler here serves HR and admins only (``require_role``), except the ``me``
variants, which serve the caller's own profile. The data come from
:class:`services.kompetensi.reportcache.ReportCache`; nothing here writes to the database.
"""

from __future__ import annotations

import json

from tornado import web

from asncore.constants import HR_ROLES
from asncore.imports.csvtable import ImportRejected
from asncore.imports.jp import import_jp_text
from reports import render_csv, render_html, render_xlsx
from reports.profile import employee_profile
from reports.render_html import render_employee

from ..base import parse_int
from .dashboard import dashboard_context
from .handlers import APIHandler, BaseHandler

CSV_FRAMES = {name.removesuffix(".csv") for name in render_csv.CSV_FILES}
WRITERS = {  # file kind -> (name -> function writing that file of a report into a folder)
    "xlsx": lambda name: lambda report, folder: render_xlsx.write_xlsx(report, folder / f"{name}.xlsx"),
    "html": lambda name: lambda report, folder: render_html.write_html(report, folder / f"{name}.html"),
    "csv": lambda name: lambda report, folder: render_csv.write_csvs(report, folder)[f"{name}.csv"],
}
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


class ReportMixin:
    """Year and unit from the query, the cached report for them, NIP lookups."""

    def year(self) -> int:
        """``?tahun=`` (or ``?year=``), default this year; 400 unless four ASCII digits in
        2000-2100 (:func:`services.base.parse_year`)."""
        return self.year_argument("tahun", "year")

    async def my_profile(self) -> bytes:
        """The caller's own profile JSON, built for them alone (never the city's report),
        for a year from the first year with data to this year."""
        first, last = await self.settings["reports"].years()
        year = self.year_argument("tahun", "year", first=first, last=last)
        profile = await self.settings["reports"].profile(year, self.current_user["name"])
        if profile is None:
            raise web.HTTPError(404, "profil Anda belum ada dalam laporan (tidak ada di roster aktif)")
        return profile

    def unit(self) -> str | None:
        return self.get_argument("unit", "") or None

    async def report(self):
        unit = self.unit()
        report = await self.settings["reports"].get(self.year(), None)
        if unit is not None and unit not in set(report.units["code"]):
            raise web.HTTPError(404, f"unit '{unit}' tidak dikenal")
        if unit is not None:
            report = await self.settings["reports"].get(self.year(), unit)
        return report

    def username_for_nip(self, report, nip: str) -> str:
        match = report.employees.loc[report.employees["nip"] == nip, "username"]
        if match.empty:
            raise web.HTTPError(404, f"pegawai dengan NIP {nip} tidak ada dalam laporan")
        return match.iloc[0]

    def profile(self, report, username: str) -> dict:
        return employee_profile(report, username)


class HrApi(ReportMixin, APIHandler):
    def prepare(self):
        super().prepare()
        if self.current_user is None:
            raise web.HTTPError(403, "perlu token atau log masuk")
        self.require_role(*HR_ROLES)


def views(report):
    return report.__dict__["views"]


class EmployeeProfileApi(HrApi):
    async def get(self, nip: str):
        report = await self.report()
        username = views(report).usernames_by_nip.get(nip)
        if username is None:
            raise web.HTTPError(404, f"pegawai dengan NIP {nip} tidak ada dalam laporan")
        self.write_bytes(views(report).profiles[username])


class UnitsApi(HrApi):
    """Every unit's summary per competency (rolled up over sub-units), or one unit's."""

    async def get(self, code: str | None = None):
        report = await self.report()
        if code is None:
            self.write_bytes(views(report).units)
        elif code in views(report).unit:
            self.write_bytes(views(report).unit[code])
        else:
            raise web.HTTPError(404, f"unit '{code}' tidak dikenal")


class JpComplianceApi(HrApi):
    """JP this year against the target, per employee; ``?status=belum`` lists only shortfalls."""

    async def get(self):
        wanted = self.get_argument("status", "")
        if wanted not in ("", "belum", "memenuhi"):
            raise web.HTTPError(400, "status harus 'belum' atau 'memenuhi'")
        report = await self.report()
        self.write_bytes(views(report).jp[wanted])


class MyProfileApi(ReportMixin, APIHandler):
    """The caller's own competency profile (any role)."""

    @web.authenticated
    async def get(self):
        self.write_bytes(await self.my_profile())


class HrPage(ReportMixin, BaseHandler):
    def require_hr(self) -> None:
        self.require_role(*HR_ROLES, message="Halaman ini hanya untuk SDM (BKPSDM) dan admin")


class DashboardPage(HrPage):
    @web.authenticated
    async def get(self):
        self.require_hr()
        report = await self.report()
        filters = {
            "tahun": report.config.year,
            "unit": self.unit() or "",
            "kompetensi": self.get_argument("kompetensi", ""),
            "jenis_jabatan": self.get_argument("jenis_jabatan", ""),
        }
        page = parse_int(self.get_query_argument("halaman", "1"), "halaman", 1, 1_000_000)
        context = dashboard_context(report, filters, page)
        self.render("hr.html", c=context, prefix=self.settings["prefix"])


class EmployeePage(HrPage):
    @web.authenticated
    async def get(self, nip: str):
        self.require_hr()
        report = await self.report()
        self.finish(render_employee(self.profile(report, self.username_for_nip(report, nip))))


class MyProfilePage(ReportMixin, BaseHandler):
    @web.authenticated
    async def get(self):
        self.finish(render_employee(json.loads(await self.my_profile())))


class DownloadPage(HrPage):
    """``laporan.xlsx``, ``laporan.html`` or one of the CSV frames, for the year and unit."""

    @web.authenticated
    async def get(self, name: str, ext: str):
        self.require_hr()
        if ext == "csv" and name not in CSV_FRAMES:
            raise web.HTTPError(404, f"berkas {name}.csv tidak ada; pilihan: {', '.join(sorted(CSV_FRAMES))}")
        if ext in ("xlsx", "html") and name != "laporan":
            raise web.HTTPError(404)
        report = await self.report()
        body = await self.settings["reports"].file(report, f"{name}.{ext}", WRITERS[ext](name))
        suffix = f"-{report.config.unit}" if report.config.unit else ""
        filename = f"{name}-{report.config.year}{suffix}.{ext}"
        self.set_header("Content-Type", MEDIA[ext])
        self.set_header("Content-Disposition", f'attachment; filename="{filename}"')
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


MAX_UPLOAD = 5 * 1024 * 1024


class JpUpload:
    """HR adds learning activities outside the platform (CSV as ``python -m reports jp
    import`` reads it): all rows or none, every error with its line and column."""

    max_body_size = MAX_UPLOAD + 64 * 1024  # the file and its multipart envelope

    def uploaded_text(self) -> tuple[str, str]:
        files = self.request.files.get("berkas")
        if files:
            name, body = files[0]["filename"] or "unggahan.csv", files[0]["body"]
        else:
            name, body = "unggahan.csv", self.request.body
        if not body:
            raise web.HTTPError(400, "tidak ada berkas CSV yang diunggah")
        if len(body) > MAX_UPLOAD:
            raise web.HTTPError(413, "berkas lebih dari 5 MB")
        try:
            return name, body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise web.HTTPError(400, f"{name}: bukan teks UTF-8 ({exc})") from exc

    def run_import(self) -> dict:
        name, text = self.uploaded_text()
        try:
            done = import_jp_text(self.settings["db_url"], text, name)
        except ImportRejected as exc:
            return {"success": False, "message": str(exc).splitlines()[0],
                    "errors": [f"{name}: {e}" for e in exc.errors]}
        self.settings["reports"].changed()
        return {"success": True, "added": done.added, "skipped": done.skipped}


class JpImportApi(JpUpload, HrApi):
    def post(self):
        result = self.run_import()
        self.write_json(result, 200 if result["success"] else 400)


class JpImportPage(JpUpload, HrPage):
    @web.authenticated
    def post(self):
        self.require_hr()
        self.render("hr_import.html", result=self.run_import(), prefix=self.settings["prefix"])
