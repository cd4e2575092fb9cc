"""Application factory of the competency service (separate from ``main`` for tests)."""

from __future__ import annotations

import os
from pathlib import Path

from jupyterhub.services.auth import HubOAuthCallbackHandler
from jupyterhub.utils import url_path_join
from tornado import web

from asncore.db import session_factory
from asncore.settings import DEFAULTS
from reports.config import report_config
from reports.engine import ReportConfig

from . import handlers, hr, planhr, voice, voicehr
from . import evaluation_imports, followup
from . import certificate_pages
from . import adminpage
from .catalogue import load_catalogue
from .progress import CreditRules, CreditSweeper
from .reportcache import ReportCache

NIP = r"([0-9]{18})"


def make_app(
    db_url: str,
    prefix: str,
    courses_dir: str | Path,
    config: ReportConfig | None = None,
    learning: dict | None = None,
    evaluation: dict | None = None,
    certificates: dict | None = None,
    assessments_dir: str | Path | None = None,
    assessment_places: dict | None = None,
    accounts: dict | None = None,
) -> web.Application:
    """The service's Tornado app; ``config`` and ``learning`` (the settings' learning
    section: JP credit rules) default to the settings' defaults."""
    config = config or report_config(DEFAULTS)
    sessions = session_factory(db_url)
    catalogue = load_catalogue(courses_dir, db_url)
    rules = CreditRules.from_settings(learning or DEFAULTS["learning"])
    routes = [
        (r"", handlers.HomeHandler),
        (r"oauth_callback", HubOAuthCallbackHandler),
        (r"api/health", handlers.HealthHandler),
        (r"api/me", handlers.MeHandler),
        (r"api/me/events", handlers.EventsHandler),
        (r"api/me/progress", handlers.ProgressHandler),
        (r"api/hr/employees", handlers.EmployeesHandler),
        (rf"api/hr/employees/{NIP}", hr.EmployeeProfileApi),
        (r"api/hr/units", hr.UnitsApi),
        (r"api/hr/units/([A-Za-z0-9._-]+)", hr.UnitsApi),
        (r"api/hr/jp", hr.JpComplianceApi),
        (r"api/hr/jp/import", hr.JpImportApi),
        (r"hr/jp/impor", hr.JpImportPage),
        (r"api/me/profile", hr.MyProfileApi),
        (r"profil", hr.MyProfilePage),
        (r"hr", hr.DashboardPage),
        (rf"hr/pegawai/{NIP}", hr.EmployeePage),
        (r"hr/unduh/([a-z_]+)\.(xlsx|html|csv)", hr.DownloadPage),
        # ASN's voice (issue 11): reaction survey and training-needs self-assessment
        (r"api/me/survei", voice.SurveyApi),
        (r"api/me/survei/([a-z0-9]+(?:-[a-z0-9]+)*)", voice.SurveyApi),
        (r"api/me/kebutuhan", voice.NeedsApi),
        (r"kebutuhan", voice.NeedsPage),
        (r"api/hr/survei", voicehr.SurveyHrApi),
        (r"api/hr/kebutuhan", voicehr.NeedsHrApi),
        (r"hr/suara-asn", voicehr.VoicePage),
        # weakest services and development plans (issue 11, point 4)
        (r"api/hr/evaluasi/peringkat", planhr.RankingApi),
        (r"api/hr/rekomendasi", planhr.RecommendationsApi),
        (r"api/hr/rencana", planhr.PlansApi),
        (r"hr/evaluasi", planhr.EvaluationPage),
        (r"hr/evaluasi/terima", planhr.AcceptPage),
        (r"hr/unduh/rencana-([0-9A-Za-z-]{1,16})\.xlsx", planhr.PlanDownload),
        # follow-up and HR's uploads of the evaluation loop (issue 11, points 5 and 7)
        (r"api/hr/tindak-lanjut", followup.FollowupApi),
        (r"hr/tindak-lanjut", followup.FollowupPage),
        (r"api/hr/impor/(ikm|pengaduan|libur)", evaluation_imports.ImportApi),
        (r"hr/evaluasi/impor", evaluation_imports.ImportFormsPage),
        (r"hr/evaluasi/impor/(ikm|pengaduan|libur)", evaluation_imports.ImportPage),
        # e-certificates (issue 12, point 6): PDF for the owner and HR; public verification
        (r"sertifikat/([^/]{1,80})\.pdf", certificate_pages.CertificateDownload),
        (r"hr/pegawai/sertifikat/([^/]{1,80})\.pdf", certificate_pages.CertificateDownload),
        (r"verifikasi", certificate_pages.VerifyPage),
        (r"verifikasi/([^/]{1,80})", certificate_pages.VerifyPage),
        # admins (issue 13): roster import and unlocking accounts in the browser
        (r"admin", adminpage.AdminHome),
        (r"admin/roster", adminpage.RosterUpload),
        (r"admin/buka-kunci", adminpage.Unlock),
    ]
    return web.Application(
        [(url_path_join(prefix, pattern), handler) for pattern, handler in routes],
        sessions=sessions,
        db_url=db_url,
        reports=ReportCache(sessions.kw["bind"], config),
        prefix=prefix,
        catalogue=catalogue,
        credit_rules=rules,
        credit_sweeper=CreditSweeper(sessions, catalogue, rules),
        jp_targets=dict(config.jp_targets),
        evaluation=dict(evaluation or DEFAULTS["evaluation"]),  # settings section
        certificates=certificate_pages.certificate_settings(certificates, learning),
        # the authored nbgrader courses (<dir>/<course>/source/<assignment>)
        assessments_dir=str(assessments_dir) if assessments_dir else None,
        # the settings' "assessments" and "unix" sections: Beranda reads the exchange and
        # the course folders for the learner's released assignments, submissions, feedback
        assessment_places=assessment_places,
        accounts=accounts or {},  # log-in back-off limits (admin page)
        template_path=str(Path(__file__).parent / "templates"),
        cookie_secret=os.urandom(32),
        # HubAuth itself checks xsrf on cookie-authenticated writes (JupyterHub >= 4.1);
        # token-authenticated calls from notebooks need none.
        xsrf_cookies=False,
    )
