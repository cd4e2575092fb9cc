"""Turn validated settings into JupyterHub configuration.

One ``update_<section>`` per concern, each setting values on ``c`` (never appending
to what another set). ``jupyterhub_config.py`` calls :func:`apply` and nothing else,
so all of this is testable against an empty ``traitlets.config.Config``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jupyterhub.utils import url_path_join

from asncore import unixnames
from asncore.settings import project_root, service_environment

from . import assessments, cgroups, roles
from .publish import public_environment
from .spawner import spawner_limits

TEMPLATES = Path(__file__).resolve().parent / "templates"

DEV_MODE_BANNER = (
    "MODE PENGEMBANGAN — tanpa isolasi: semua server berjalan sebagai satu akun sistem. "
    "Jangan dipakai untuk peserta sungguhan. (Development mode: no isolation.)"
)


def venv_bin(name: str) -> str:
    """A program of the environment the hub runs in (shared with learners' servers)."""
    return str(Path(sys.executable).parent / name)


def service_url(settings: dict) -> str:
    service = settings["service"]
    return f"http://127.0.0.1:{service['port']}"


def update_hub(c, settings: dict) -> None:
    hub, data_dir = settings["hub"], Path(settings["data_dir"])
    c.JupyterHub.ip = hub["ip"]
    c.JupyterHub.port = hub["port"]
    c.JupyterHub.base_url = hub["base_url"]
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = hub["hub_port"]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub['proxy_api_port']}"
    c.JupyterHub.db_url = settings["database"]["hub_url"]
    c.JupyterHub.cookie_secret_file = str(data_dir / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(data_dir / "jupyterhub.pid")
    c.JupyterHub.template_paths = [str(TEMPLATES)]
    # After log-in (and at "/") everyone lands on Beranda, the competency service's home
    # (issue 13), not in JupyterLab: it opens a learner's lessons in their server, shows
    # HR the dashboard link and trainers their formgrader. Not prefixed by the hub itself.
    beranda = url_path_join(hub["base_url"], "services", settings["service"]["name"])
    c.JupyterHub.default_url = beranda + "/"
    c.ConfigurableHTTPProxy.command = [
        str(project_root() / "node_modules/.bin/configurable-http-proxy")
    ]
    c.ConfigurableHTTPProxy.pid_file = str(data_dir / "jupyterhub-proxy.pid")
    # beranda_url: the hub pages' "Beranda" link (asnhub/templates/page.html)
    template_vars = {"platform_name": "Kompetensi ASN Kota Ambon", "beranda_url": beranda + "/"}
    if hub["dev_mode"]:
        template_vars["announcement"] = DEV_MODE_BANNER
    c.JupyterHub.template_vars = template_vars


def update_auth(c, settings: dict) -> None:
    accounts = settings["accounts"]
    c.JupyterHub.authenticator_class = "asnhub.auth.RosterAuthenticator"
    c.RosterAuthenticator.platform_url = settings["database"]["platform_url"]
    c.RosterAuthenticator.courses = assessments.course_ids(settings["assessments"]["dir"])
    c.RosterAuthenticator.open_signup = accounts["open_signup"]
    c.RosterAuthenticator.enable_signup = accounts["open_signup"]
    c.RosterAuthenticator.minimum_password_length = accounts["min_password_length"]
    c.RosterAuthenticator.check_common_password = accounts["check_common_password"]
    c.RosterAuthenticator.allowed_failed_logins = accounts["allowed_failed_logins"]
    c.RosterAuthenticator.seconds_before_next_try = accounts["lockout_seconds"]
    c.RosterAuthenticator.account_backoff_seconds = accounts["account_backoff_seconds"]
    c.RosterAuthenticator.manage_groups = True
    # Accounts come from the roster only: no one is created by logging in.
    c.RosterAuthenticator.allow_existing_users = False
    c.RosterAuthenticator.auth_refresh_age = 300


def update_spawner(c, settings: dict) -> None:
    ui, service = settings["ui"], settings["service"]
    if settings["hub"]["dev_mode"]:
        c.JupyterHub.spawner_class = "asnhub.spawner.DevSpawner"
        c.DevSpawner.home_dir_template = str(Path(settings["data_dir"]) / "dev-homes/{username}")
    else:
        c.JupyterHub.spawner_class = "asnhub.spawner.RosterSpawner"
        c.RosterSpawner.user_prefix = settings["unix"]["user_prefix"]
        c.RosterSpawner.names_key_file = str(unixnames.key_path(settings["data_dir"]))
        # cgroups where the machine offers them (unix.cgroups), rlimits always; said at start
        plan = cgroups.plan_for(settings["unix"])
        c.RosterSpawner.cgroup = plan.as_config()
        c.RosterSpawner.limits = spawner_limits(settings["unix"], cgroup=plan)
    # distribute the published modules into ~/modul as the learner, then run the server
    c.Spawner.cmd = [sys.executable, "-m", "belajar.startup", venv_bin("jupyterhub-singleuser")]
    c.Spawner.default_url = ui["default_url"]
    c.Spawner.notebook_dir = "~"
    c.Spawner.environment = {
        "KOMPETENSI_URL": f"{service_url(settings)}/services/{service['name']}",
        "BELAJAR_LOCALE": ui["locale"],
        # this hub's modules and Jupyter/nbgrader configuration (its exchange), never the
        # shared environment's: another hub on the machine cannot re-point these servers
        **public_environment(settings),
    }
    c.Spawner.server_token_scopes = roles.server_token_scopes(service["name"])
    c.Spawner.http_timeout = 60
    c.Spawner.start_timeout = 120


def update_services(c, settings: dict) -> None:
    service, culler = settings["service"], settings["culler"]
    services = [
        {
            "name": service["name"],
            "url": service_url(settings),
            "command": [sys.executable, "-m", "services.kompetensi"],
            "cwd": str(project_root()),
            # the service loads the same settings file itself (asncore.settings.load)
            "environment": service_environment(),
            "oauth_no_confirm": True,
            "display": True,
        }
    ]
    if culler["enabled"]:
        services.append(
            {
                "name": "idle-culler",
                "command": [
                    sys.executable,
                    "-m",
                    "jupyterhub_idle_culler",
                    f"--timeout={culler['timeout_seconds']}",
                    f"--cull-every={culler['every_seconds']}",
                ],
            }
        )
    courses = assessments.course_ids(settings["assessments"]["dir"])
    if not settings["hub"]["dev_mode"] and courses:  # graders and sandbox need root
        services += assessments.formgrader_services(settings)
        services.append(assessments.grading_service(settings))
    c.JupyterHub.services = services
    c.JupyterHub.load_roles = roles.load_roles(service["name"], culler["enabled"]) + (
        assessments.course_roles(courses)
    )


def apply(c, settings: dict) -> None:
    update_hub(c, settings)
    update_auth(c, settings)
    update_spawner(c, settings)
    update_services(c, settings)
