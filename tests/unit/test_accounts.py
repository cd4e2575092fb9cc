"""Roster import into the databases (dev mode: no Unix users), idempotence, lockout."""

import asyncio
import csv

import pytest
from sqlalchemy import select

from asncore import settings
from asnhub import accounts, demo, hubdb
from asnhub.auth import RosterAuthenticator
from asncore.db import Employee, session_factory


@pytest.fixture
def cfg(tmp_path):
    return settings.resolve(
        settings.deep_merge(settings.DEFAULTS, {"data_dir": str(tmp_path), "hub": {"dev_mode": True}})
    )


def employees(cfg):
    with session_factory(cfg["database"]["platform_url"])() as db:
        return {e.username: e for e in db.scalars(select(Employee))}


def test_import_is_idempotent_and_keeps_passwords(cfg):
    rows = demo.demo_rows()
    first = accounts.apply(cfg, rows)
    assert len(first.created) == len(rows)
    second = accounts.apply(cfg, rows)
    assert second.created == [] and second.updated == 0 and second.deactivated == []
    with hubdb.session_factory(cfg["database"]["hub_url"])() as db:
        assert len(hubdb.usernames_with_credentials(db)) == len(rows)


def test_reimport_updates_and_deactivates_without_deleting(cfg):
    rows = demo.demo_rows()
    accounts.apply(cfg, rows)
    moved = rows[0].__class__(**{**rows[0].__dict__, "unit_code": "DINKES", "unit_name": demo.UNITS["DINKES"]})
    result = accounts.apply(cfg, [moved, *rows[1:-1]])
    assert result.updated == 1
    assert result.deactivated == [rows[-1].username]
    state = employees(cfg)
    assert state[rows[0].username].unit_code == "DINKES"
    assert state[rows[-1].username].active is False
    assert len(state) == len(rows)


def test_credentials_file_is_root_only_and_appends(cfg, tmp_path):
    out = tmp_path / "creds.csv"
    accounts.write_credentials(out, [accounts.NewAccount("a", "p1", "learner")])
    accounts.write_credentials(out, [accounts.NewAccount("b", "p2", "hr")])
    assert out.stat().st_mode & 0o777 == 0o600
    with out.open() as f:
        assert list(csv.DictReader(f)) == [
            {"username": "a", "password": "p1", "role": "learner"},
            {"username": "b", "password": "p2", "role": "hr"},
        ]


def test_back_off_survives_a_new_authenticator(cfg):
    accounts.apply(cfg, demo.demo_rows())
    make = lambda: RosterAuthenticator(  # noqa: E731
        platform_url=cfg["database"]["platform_url"], allowed_failed_logins=2,
        seconds_before_next_try=600, add_new_table=False,
    )
    auth = make()
    auth.add_login_attempt("x")
    assert not auth.is_blocked("x")
    auth.add_login_attempt("x")
    assert auth.is_blocked("x")
    assert make().is_blocked("x"), "a restarted hub forgot the lockout"
    make().successful_login("x")
    assert not make().is_blocked("x")


def test_auth_model_groups_and_inactive(cfg):
    rows = demo.demo_rows()
    accounts.apply(cfg, rows)
    auth = RosterAuthenticator(platform_url=cfg["database"]["platform_url"], add_new_table=False)
    admin = next(r for r in rows if r.role == "admin")
    emp = employees(cfg)[admin.username]
    assert auth._auth_model(emp) == {"name": admin.username, "admin": True, "groups": ["admin"]}
    accounts.apply(cfg, [r for r in rows if r.role != "admin"])
    assert not auth.check_allowed(admin.username)

    class U:
        name = admin.username

    assert asyncio.run(auth.refresh_user(U())) is False
    assert auth.normalize_username("19900514 201503 2 001") == "199005142015032001"
    assert auth.normalize_username("Pelatih") == "pelatih"


def test_deactivation_revokes_hub_tokens_and_cookie(cfg):
    from jupyterhub import orm

    rows = demo.demo_rows()
    accounts.apply(cfg, rows)
    gone, kept = rows[-1].username, rows[0].username
    with hubdb.session_factory(cfg["database"]["hub_url"])() as db:
        db.add(orm.OAuthClient(identifier="jupyterhub"))  # what the hub registers at start
        users = {name: orm.User(name=name) for name in (gone, kept)}
        db.add_all(users.values())
        db.commit()
        for user in users.values():
            user.new_api_token(note="uji")
        cookie_before = {n: u.cookie_id for n, u in users.items()}
        db.commit()
    result = accounts.apply(cfg, rows[:-1])
    assert result.deactivated == [gone]
    with hubdb.session_factory(cfg["database"]["hub_url"])() as db:
        tokens = {t.user.name for t in db.query(orm.APIToken)}
        cookies = {u.name: u.cookie_id for u in db.query(orm.User)}
    assert tokens == {kept}
    assert cookies[gone] != cookie_before[gone] and cookies[kept] == cookie_before[kept]
