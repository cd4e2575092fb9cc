"""nbgrader courses on the hub: grader accounts, course directories, a locked-down exchange.

For each course in ``assessments/<course>/source`` (run as root at start):

- a system user ``<prefix>g-<course>`` owns the course directory
  ``<courses_root>/<grader>/<course>`` (0700: learners never read source/, the gradebook,
  submissions or feedback) and runs that course's formgrader service;
- the exchange ``<exchange>/<course>/``: ``outbound`` readable, ``inbound`` 3733
  (anyone may drop a submission, nobody but the grader may list it; setgid so each
  submission belongs to the grader's group; sticky so nobody deletes another's),
  ``feedback`` 0711 (a learner fetches their own file by its secret hash, cannot list);
- nbgrader configuration for the course and for this hub's learners' servers (exchange
  classes from ``grading.exchange`` that accept this layout instead of a world-writable
  root). The learners' copy sits in the hub's own Jupyter configuration directory
  (``asnhub.publish.jupyter_config_dir``), never in the shared environment: a second hub
  on the machine does not re-point this hub's learners at its exchange.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from asncore import unixnames
from asncore.fileio import atomic_write
from grading.course import AUTOGRADE_PREPROCESSORS, FEEDBACK_PREPROCESSORS
from grading.exchange import FACTORY

from .publish import jupyter_config_dir
from .unixusers import HOME_MODE

COMMON_CONFIG = "nbgrader_common.py"
# Python, not JSON: the student id is the hub name of whoever runs the server, read at load
LEARNER_CONFIG = "nbgrader_config.py"
CSP_SAME_ORIGIN = "frame-ancestors 'self'"
# The grader's server (JupyterLab and the formgrader) sends this policy on every page:
# nothing is loaded from or sent to another origin, no plugins, no <base> or form
# hijacking to another origin. Inline scripts stay allowed (nbgrader's formgrade pages use
# them), so what keeps learners' HTML inert there is the sanitising in the course config.
GRADER_CSP = "; ".join([
    CSP_SAME_ORIGIN,  # the formgrader opens inside the service's own JupyterLab
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])


def course_ids(assessments_dir: str | Path) -> list[str]:
    return sorted(p.parent.name for p in Path(assessments_dir).glob("*/source"))


def grader_name(course: str, prefix: str) -> str:
    return f"{prefix}g-{course}"[:32]


def sandbox_name(prefix: str) -> str:
    """The Unix user that runs learners' code during autograde (no home, no log-in)."""
    return f"{prefix}sandbox"


def grader_home(settings: dict, course: str) -> Path:
    return Path(settings["assessments"]["courses_root"]) / grader_name(course, settings["unix"]["user_prefix"])


def course_dir(settings: dict, course: str) -> Path:
    return grader_home(settings, course) / course


def service_port(settings: dict, course: str) -> int:
    courses = course_ids(settings["assessments"]["dir"])
    return settings["assessments"]["first_port"] + courses.index(course)


def _exchange_lines(exchange: str) -> list[str]:
    lines = [
        f"c.Exchange.root = {exchange!r}",
        "c.Exchange.path_includes_course = True",
    ]
    lines += [f"c.ExchangeFactory.{kind} = {cls!r}" for kind, cls in FACTORY.items()]
    return lines


def learner_config(exchange: str) -> str:
    return "\n".join(
        ["# Written by asnhub at start: nbgrader for learners' servers. Do not edit.",
         "c = get_config()  # noqa",
         *_exchange_lines(exchange),
         # courses come from the learner's hub groups (nbgrader-<course>)
         'c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"',
         # submissions carry the hub name (the NIP), not the prefixed Unix name
         "import os",
         'c.CourseDirectory.student_id = os.environ.get("JUPYTERHUB_USER", "*")', ""]
    )


LEARNER_MAP = ".peserta-unix.json"


def course_config(
    course: str, exchange: str, authored: str = "", learner_map: str = "", counts: str = "latest"
) -> str:
    """The course's own settings from the repository (``assessments/<course>/
    nbgrader_config.py``: stubs, ignore list), then the platform's exchange layout."""
    return "\n".join(
        ["# Written by asnhub at start from assessments/<course>/nbgrader_config.py",
         "# and settings.yaml. Do not edit here.",
         authored,
         "c = get_config()  # noqa",
         f"c.CourseDirectory.course_id = {course!r}",
         # the learners' config asks the hub for course groups; the course side does not
         'c.Authenticator.plugin_class = "nbgrader.auth.NoAuthPlugin"',
         'c.CourseDirectory.student_id = "*"',
         "c.CollectApp.check_owner = False  # HardenedCollect refuses instead of warning",
         f"c.HardenedCollect.learner_map = {learner_map!r}",
         f"c.HardenedCollect.counts = {counts!r}",
         # released feedback never shows hidden tests (the formgrader reads this file too)
         f"c.GenerateFeedback.preprocessors = {FEEDBACK_PREPROCESSORS!r}",
         # learners' code runs only in `python -m grading autograde`'s sandbox
         f"c.Autograde.autograde_preprocessors = {AUTOGRADE_PREPROCESSORS!r}",
         # learners' markdown and outputs render inert in the formgrader and in feedback:
         # sanitize_html covers outputs, the preprocessor raw HTML in markdown cells, the
         # filter their links (nbgrader's formgrade template renders markdown cells
         # without the template's clean_html)
         "c.HTMLExporter.sanitize_html = True",
         'c.HTMLExporter.preprocessors = ["nbconvert.preprocessors.sanitize.SanitizeHTML"]',
         'c.HTMLExporter.filters = {"markdown2html": "asnhub.assessments.inert_markdown"}',
         *_exchange_lines(exchange), ""]
    )


MARKDOWN_TAGS = ["a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt",
                 "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol",
                 "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
                 "thead", "tr", "ul"]
MARKDOWN_ATTRIBUTES = {"a": ["href", "title"], "img": ["src", "alt", "title"],
                       "td": ["align"], "th": ["align"], "*": ["class"]}


def inert_markdown(source: str) -> str:
    """Markdown as HTML keeping only formatting tags, no handlers, no ``id`` (the page's
    own elements stay unclobbered) and only http(s)/mailto links: ``[x](javascript:..)``
    loses its link. The formgrader's ``markdown2html`` filter for learners' text."""
    from nbconvert.filters.markdown import markdown2html_mistune
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    sanitizer = SanitizeHTML(tags=MARKDOWN_TAGS, attributes=MARKDOWN_ATTRIBUTES)
    return sanitizer.sanitize_html_tags(markdown2html_mistune(source))


def grader_server_config(course_path: Path) -> str:
    # The formgrader opens inside the service's own JupyterLab (same origin): allow
    # exactly that frame, where JupyterHub >= 4.1 forbids all frames by default.
    return "\n".join(
        ["c = get_config()  # noqa",
         f"c.ServerApp.root_dir = {str(course_path)!r}",
         f'c.ServerApp.tornado_settings = {{"headers": {{"Content-Security-Policy": "{GRADER_CSP}"}}}}',
         ""]
    )


def write_learner_config(settings: dict) -> Path:
    """This hub's nbgrader configuration for its learners' servers (readable, written by
    the hub's account only); the spawner puts its directory on their JUPYTER_CONFIG_PATH."""
    text = learner_config(settings["assessments"]["exchange_dir"])
    return atomic_write(jupyter_config_dir(settings) / LEARNER_CONFIG, text, 0o644)


def _ensure_grader(name: str, home: Path) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        home.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["useradd", "--system", "--create-home", "--home-dir", str(home), "--shell",
             "/usr/sbin/nologin", "--user-group", name],
            check=True, capture_output=True, text=True,
        )
        return pwd.getpwnam(name)


def _copy_missing(src: Path, dest: Path, uid: int, gid: int) -> int:
    """Copy files of ``src`` that ``dest`` lacks (trainers may edit the course copy)."""
    copied = 0
    for path in sorted(src.rglob("*")):
        target = dest / path.relative_to(src)
        if path.is_dir():
            if not target.exists():
                target.mkdir(mode=0o700)
                os.chown(target, uid, gid)
        elif not target.exists():
            shutil.copyfile(path, target)
            os.chown(target, uid, gid)
            os.chmod(target, 0o600)
            copied += 1
    return copied


def _dir(path: Path, uid: int, gid: int, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chown(path, uid, gid)
    os.chmod(path, mode)


def setup_courses(settings: dict) -> list[str]:
    """Create or repair every course's grader, directories and configuration."""
    cfg = settings["assessments"]
    exchange = Path(cfg["exchange_dir"])
    courses = course_ids(cfg["dir"])
    _dir(exchange, 0, 0, 0o755)
    _dir(Path(cfg["courses_root"]), 0, 0, 0o755)
    for course in courses:
        home = grader_home(settings, course)
        user = _ensure_grader(grader_name(course, settings["unix"]["user_prefix"]), home)
        uid, gid = user.pw_uid, user.pw_gid
        _dir(home, uid, gid, HOME_MODE)
        path = course_dir(settings, course)
        _dir(path, uid, gid, 0o700)
        _dir(path / "source", uid, gid, 0o700)
        _copy_missing(Path(cfg["dir"]) / course / "source", path / "source", uid, gid)
        # the rubrics kompetensi.yaml names (rubric: rubrik/<file>.md): generate checks them
        if (Path(cfg["dir"]) / course / "rubrik").is_dir():
            _dir(path / "rubrik", uid, gid, 0o700)
            _copy_missing(Path(cfg["dir"]) / course / "rubrik", path / "rubrik", uid, gid)
        # courses load ../nbgrader_common.py: it sits next to the course directory too
        common = Path(cfg["dir"]) / COMMON_CONFIG
        if common.exists():
            atomic_write(home / COMMON_CONFIG, common.read_text(), 0o644, uid, gid)
        authored_file = Path(cfg["dir"]) / course / "nbgrader_config.py"
        authored = authored_file.read_text() if authored_file.exists() else ""
        text = course_config(course, str(exchange), authored, str(path / LEARNER_MAP),
                             cfg["counts"])
        atomic_write(path / "nbgrader_config.py", text, 0o644, uid, gid)
        _dir(home / ".jupyter", uid, gid, 0o700)
        atomic_write(home / ".jupyter/jupyter_server_config.py", grader_server_config(path), 0o644, uid, gid)
        ex = exchange / course
        _dir(ex, uid, gid, 0o755)
        _dir(ex / "outbound", uid, gid, 0o755)
        _dir(ex / "inbound", uid, gid, 0o3733)
        _dir(ex / "feedback", uid, gid, 0o711)
    sandbox = sandbox_name(settings["unix"]["user_prefix"])
    try:
        pwd.getpwnam(sandbox)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", "--user-group", sandbox],
                       check=True, capture_output=True, text=True)
    write_learner_config(settings)
    write_learner_maps(settings)
    return courses


def write_learner_maps(settings: dict) -> None:
    """For each set-up course, {hub name: Unix name} of the active people who may take it
    (``courses`` empty or naming it): the collect's owner check reads it
    (``grading.exchange.HardenedCollect.learner_map``), as root or as the grader, who may
    not read the platform's Unix-name key. Rewritten after every roster import."""
    from sqlalchemy import select

    from asncore.db import Employee, session_factory

    with session_factory(settings["database"]["platform_url"])() as db:
        people = [(e.username, e.courses) for e in db.scalars(select(Employee)) if e.active]
    name_of = unixnames.namer(settings)
    for course in course_ids(settings["assessments"]["dir"]):
        path = course_dir(settings, course)
        if not path.is_dir():
            continue
        names = {u: name_of(u) for u, taken in people
                 if not taken or course in taken.split(";")}
        owner = path.stat()
        atomic_write(path / LEARNER_MAP, json.dumps(names, indent=1, sort_keys=True) + "\n",
                     0o640, owner.st_uid, owner.st_gid)


def formgrader_services(settings: dict) -> list[dict]:
    """One hub-managed formgrader per course, named like the course (nbgrader requires it)."""
    services = []
    for course in course_ids(settings["assessments"]["dir"]):
        home = grader_home(settings, course)
        services.append(
            {
                "name": course,
                "url": f"http://127.0.0.1:{service_port(settings, course)}",
                "user": grader_name(course, settings["unix"]["user_prefix"]),
                "cwd": str(course_dir(settings, course)),
                "command": [str(Path(sys.executable).parent / "jupyterhub-singleuser")],
                "environment": {
                    "HOME": str(home),
                    "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
                    "JUPYTERHUB_DEFAULT_URL": "/formgrader",
                    # this hub's Jupyter configuration (JupyterLab's language), as learners get
                    "JUPYTER_CONFIG_PATH": str(jupyter_config_dir(settings)),
                },
                "oauth_no_confirm": True,
            }
        )
    return services


GRADING_SERVICE = "penilaian"


def grading_service(settings: dict) -> dict:
    """Root-run service that autogrades a course, sandboxed, for that course's trainers.
    It loads the same settings file (courses, sandbox user, workers, platform DB)."""
    from asncore.settings import project_root, service_environment

    return {
        "name": GRADING_SERVICE,
        "url": f"http://127.0.0.1:{settings['assessments']['grading_port']}",
        "command": [sys.executable, "-m", "services.penilaian.app"],
        "cwd": str(project_root()),
        "environment": service_environment(),
        "oauth_no_confirm": True,
    }


def course_roles(courses: list[str]) -> list[dict]:
    """nbgrader's multi-course RBAC (demos/demo_multiple_classes), least privilege; a
    course's trainers may also call the grading service (it checks the course itself)."""
    roles = []
    for course in courses:
        roles.append({"name": f"formgrade-{course}", "groups": [f"formgrade-{course}"],
                      "scopes": [f"access:services!service={course}",
                                 f"access:services!service={GRADING_SERVICE}"]})
        roles.append({"name": f"nbgrader-{course}", "groups": [f"nbgrader-{course}"],
                      "scopes": ["list:services", f"read:services!service={course}"]})
    return roles
