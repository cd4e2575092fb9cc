"""Run the competency service as JupyterHub starts it (``python -m services.kompetensi``).

The hub passes ``$ASN_SETTINGS`` and ``$ASN_ROOT``: the service loads the same settings
file as the hub (database, courses, JP targets, report settings).
"""

from __future__ import annotations

import asyncio
import os

from tornado.log import enable_pretty_logging

from asncore.settings import load
from reports.config import report_config

from ..base import listen
from .app import make_app


async def main() -> None:
    enable_pretty_logging()
    settings = load()
    service = settings["service"]
    # set by JupyterHub for its managed services; the fallbacks run it by hand
    url = os.environ.get("JUPYTERHUB_SERVICE_URL") or f"http://127.0.0.1:{service['port']}"
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or f"/services/{service['name']}/"
    app = make_app(
        settings["database"]["platform_url"],
        prefix,
        settings["learning"]["courses_dir"],
        report_config(settings),
        settings["learning"],
        settings["evaluation"],
        settings["certificates"],
        assessments_dir=settings["assessments"]["dir"],
        assessment_places={"assessments": settings["assessments"], "unix": settings["unix"]},
        accounts=settings["accounts"],
    )
    listen(app, url)  # bodies capped before they are read (services.base.MAX_BODY)
    # JP completed by a post-test synced after the learner's last event (progress.py)
    sweeps = asyncio.create_task(app.settings["credit_sweeper"].forever())  # noqa: F841
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
