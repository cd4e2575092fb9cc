"""The hub configuration built against an empty Config(), no hub running."""

import sys
from pathlib import Path

from traitlets.config import Config

from asncore import settings
from asnhub import configure, roles


def build(overrides=None):
    c = Config()
    configure.apply(c, settings.resolve(settings.deep_merge(settings.DEFAULTS, overrides or {})))
    return c


def test_authenticator_policy():
    c = build()
    assert c.JupyterHub.authenticator_class == "asnhub.auth.RosterAuthenticator"
    auth = c.RosterAuthenticator
    assert auth.open_signup is False and auth.enable_signup is False
    assert auth.allowed_failed_logins == 5 and auth.seconds_before_next_try == 600
    assert auth.minimum_password_length >= 10
    assert auth.manage_groups is True
    assert auth.allow_existing_users is False


def test_spawner_isolated_by_default_with_lab():
    c = build()
    assert c.JupyterHub.spawner_class == "asnhub.spawner.RosterSpawner"
    assert c.RosterSpawner.user_prefix == "asn-"
    assert c.Spawner.default_url == "/lab"
    assert c.Spawner.cmd == [sys.executable, "-m", "belajar.startup",
                             str(Path(sys.executable).parent / "jupyterhub-singleuser")]
    assert "access:services!service=kompetensi" in c.Spawner.server_token_scopes
    assert "announcement" not in c.JupyterHub.template_vars


def test_everyone_lands_on_beranda_after_log_in():
    # JupyterHub.default_url is not prefixed by the hub: the base_url must be in it
    assert build().JupyterHub.default_url == "/services/kompetensi/"
    prefixed = build({"hub": {"base_url": "/asn/"}, "service": {"name": "kompetensi"}})
    assert prefixed.JupyterHub.default_url == "/asn/services/kompetensi/"


def test_dev_mode_is_flagged():
    c = build({"hub": {"dev_mode": True}})
    assert c.JupyterHub.spawner_class == "asnhub.spawner.DevSpawner"
    assert "MODE PENGEMBANGAN" in c.JupyterHub.template_vars["announcement"]


def test_roles_least_privilege():
    c = build()
    by_name = {r["name"]: r for r in c.JupyterHub.load_roles}
    for group in ("learner", "trainer", "hr", "admin"):
        role = by_name[f"{group}-role"]
        assert role["groups"] == [group]
        assert role["scopes"] == ["access:services!service=kompetensi"]
    granted = {s for r in c.JupyterHub.load_roles for s in r["scopes"]}
    # nothing that could escalate: no groups/users/admin scopes to any role
    assert not any(s.split("!")[0] in {"admin:users", "admin:groups", "groups", "users", "admin-ui"}
                   for s in granted)
    assert set(by_name["idle-culler"]["scopes"]) == set(roles.CULLER_SCOPES)


def test_services_and_culler(tmp_path):
    c = build({"culler": {"timeout_seconds": 1800}})
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert services["kompetensi"]["url"] == "http://127.0.0.1:10101"
    assert "--timeout=1800" in services["idle-culler"]["command"]
    c = build({"culler": {"enabled": False}, "assessments": {"dir": str(tmp_path)}})
    assert [s["name"] for s in c.JupyterHub.services] == ["kompetensi"]
    assert "idle-culler" not in {r["name"] for r in c.JupyterHub.load_roles}


def test_services_read_the_hubs_settings_file(tmp_path, monkeypatch):
    """Services get the platform folder and the settings file in use, nothing else: they
    load the same file themselves (no settings copied into environment variables)."""
    root = tmp_path / "platform"
    root.mkdir()
    monkeypatch.setenv(settings.ROOT_ENV, str(root))
    monkeypatch.delenv(settings.SETTINGS_ENV, raising=False)

    def environments(c):
        return {s["name"]: s.get("environment") for s in c.JupyterHub.services}

    c = build()
    assert environments(c)["kompetensi"] == {"ASN_ROOT": str(root)}  # no file: defaults
    assert c.JupyterHub.services[0]["cwd"] == str(root)
    proxy = root / "node_modules/.bin/configurable-http-proxy"
    assert c.ConfigurableHTTPProxy.command == [str(proxy)]
    (root / "settings.yaml").write_text("hub:\n  port: 8123\n")
    expected = {"ASN_ROOT": str(root), "ASN_SETTINGS": str(root / "settings.yaml")}
    assert environments(build())["kompetensi"] == expected
    other = tmp_path / "other.yaml"
    other.write_text("{}\n")
    monkeypatch.setenv(settings.SETTINGS_ENV, str(other))
    expected = {"ASN_ROOT": str(root), "ASN_SETTINGS": str(other)}
    assert environments(build())["kompetensi"] == expected


def test_hub_binds_and_stores_under_data_dir():
    c = build({"hub": {"port": 8123}, "data_dir": "/srv/asn"})
    assert c.JupyterHub.port == 8123
    assert c.JupyterHub.db_url == "sqlite:////srv/asn/jupyterhub.sqlite"
    assert c.JupyterHub.cookie_secret_file == "/srv/asn/jupyterhub_cookie_secret"


def test_formgrader_per_course_for_its_trainers_only(tmp_path):
    for course in ("kursus-a", "kursus-b"):
        (tmp_path / course / "source").mkdir(parents=True)
    c = build({"assessments": {"dir": str(tmp_path), "first_port": 10300,
                               "courses_root": "/srv/k", "exchange_dir": "/srv/x"}})
    services = {s["name"]: s for s in c.JupyterHub.services}
    b = services["kursus-b"]
    assert b["url"] == "http://127.0.0.1:10301"
    assert b["user"] == "asn-g-kursus-b" and b["cwd"] == "/srv/k/asn-g-kursus-b/kursus-b"
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["formgrade-kursus-a"] == {
        "name": "formgrade-kursus-a", "groups": ["formgrade-kursus-a"],
        "scopes": ["access:services!service=kursus-a", "access:services!service=penilaian"]}
    assert services["penilaian"]["environment"] == services["kompetensi"]["environment"]
    assert roles["nbgrader-kursus-a"]["scopes"] == ["list:services", "read:services!service=kursus-a"]
    assert c.RosterAuthenticator.courses == ["kursus-a", "kursus-b"]
    dev = build({"hub": {"dev_mode": True}, "assessments": {"dir": str(tmp_path)}})
    assert "kursus-a" not in {s["name"] for s in dev.JupyterHub.services}


def test_course_groups_from_roster():
    from asnhub.auth import groups_for
    from asncore.db import Employee

    courses = ["a", "b"]
    trainer = Employee(role="trainer", courses="b")
    assert groups_for(trainer, courses) == ["trainer", "formgrade-b"]
    assert groups_for(Employee(role="trainer", courses=""), courses) == ["trainer"]
    assert groups_for(Employee(role="learner", courses=""), courses) == ["learner", "nbgrader-a", "nbgrader-b"]
    assert groups_for(Employee(role="learner", courses="a;zzz"), courses) == ["learner", "nbgrader-a"]
    assert groups_for(Employee(role="hr", courses="a"), courses) == ["hr"]
