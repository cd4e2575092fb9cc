"""Run the competency service as JupyterHub starts it (``python -m kompetensi``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from urllib.parse import urlparse

from tornado.log import enable_pretty_logging

from reports.engine import ReportConfig

from .app import make_app


async def main() -> None:
    enable_pretty_logging()
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/kompetensi/")
    targets = {
        "PNS": float(os.environ.get("KOMPETENSI_JP_TARGET_PNS", "20")),
        "PPPK": float(os.environ.get("KOMPETENSI_JP_TARGET_PPPK", "24")),
    }
    reports = json.loads(os.environ.get("KOMPETENSI_REPORTS") or "{}")
    config = ReportConfig(
        year=dt.date.today().year,
        jp_targets=targets,
        period=reports.get("trend_period", "year"),
        **({"mastery_thresholds": tuple(reports["mastery_thresholds"])} if "mastery_thresholds" in reports else {}),
    )
    app = make_app(
        os.environ["KOMPETENSI_DB_URL"], prefix, os.environ["KOMPETENSI_COURSES_DIR"], targets, config
    )
    app.listen(url.port, url.hostname)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
