"""The ``penilaian`` hub service: trainers start a sandboxed autograde of their own course.

The formgrader cannot autograde safely (it runs as the course's grader, which owns the
keys and the gradebook), and dropping to the sandbox user needs root. This small
hub-managed service runs as root, authenticates callers with HubOAuth, lets a caller act
only on courses whose ``formgrade-<course>`` group they are in, and runs
``python -m grading autograde`` for them, one run per course at a time.

    POST /services/penilaian/api/<course>/<assignment>/autograde   -> summary JSON
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web

REPO = Path(__file__).resolve().parent.parent
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")


class AutogradeHandler(HubOAuthenticated, web.RequestHandler):
    def get_login_url(self):
        raise web.HTTPError(403)

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None))[1]
        message = exc.log_message if isinstance(exc, web.HTTPError) and exc.log_message else self._reason
        self.finish({"success": False, "message": message})

    @web.authenticated
    async def post(self, course: str, assignment: str):
        courses: dict[str, str] = self.settings["courses"]
        if course not in courses or not _NAME.match(assignment):
            raise web.HTTPError(404, "kursus atau tugas tidak dikenal")
        if f"formgrade-{course}" not in (self.current_user.get("groups") or []):
            raise web.HTTPError(403, "hanya pelatih kursus ini yang boleh menilai")
        lock = self.settings["locks"].setdefault(course, asyncio.Lock())
        async with lock:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "grading", "autograde", assignment,
                "--course-dir", courses[course], "--sandbox-user", self.settings["sandbox_user"],
                "--workers", str(self.settings["workers"]),
                cwd=str(REPO), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            out, err = await proc.communicate()
        self.finish({
            "success": proc.returncode in (0, 1),  # 1: graded, some submissions flagged
            "flagged": proc.returncode == 1,
            "summary": out.decode(errors="replace"),
            "error": err.decode(errors="replace")[-4000:] if proc.returncode not in (0, 1) else "",
        })


def make_app(prefix: str, courses: dict[str, str], sandbox_user: str, workers: int) -> web.Application:
    return web.Application(
        [
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
            (url_path_join(prefix, r"api/([^/]+)/([^/]+)/autograde"), AutogradeHandler),
        ],
        courses=courses, sandbox_user=sandbox_user, workers=workers, locks={},
        cookie_secret=os.urandom(32),
    )


async def main() -> None:
    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    app = make_app(
        os.environ["JUPYTERHUB_SERVICE_PREFIX"],
        json.loads(os.environ["PENILAIAN_COURSES"]),
        os.environ["PENILAIAN_SANDBOX_USER"],
        int(os.environ.get("PENILAIAN_WORKERS", "2")),
    )
    app.listen(url.port, url.hostname)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
