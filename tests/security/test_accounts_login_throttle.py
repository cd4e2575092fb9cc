"""Issue 10 §5, review M3: log-in throttling an attacker cannot turn against someone else.

Before the fix, five wrong passwords for any NIP (HR and admin included) locked that
account for 10 minutes for everyone, one more failure every 10 minutes kept it locked,
and every password check ran bcrypt on the hub's event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import threading
from types import SimpleNamespace

import bcrypt
import pytest
import yaml

from asncore import settings as settings_mod
from asnhub import accounts, demo, hubdb
from asnhub import auth as auth_mod
from asnhub.auth import RosterAuthenticator

ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.9"


@pytest.fixture
def cfg(tmp_path):
    return settings_mod.resolve(settings_mod.deep_merge(
        settings_mod.DEFAULTS, {"data_dir": str(tmp_path / "var"), "hub": {"dev_mode": True}}
    ))


@pytest.fixture
def people(cfg, monkeypatch):
    monkeypatch.setattr(bcrypt, "gensalt", lambda rounds=4, prefix=b"2b": bcrypt_gensalt(4, prefix))
    created = accounts.apply(cfg, demo.demo_rows()).created
    return {a.role: a for a in created}


bcrypt_gensalt = bcrypt.gensalt


class Clock:
    def __init__(self):
        self.now = dt.datetime(2026, 12, 1, 8, 0, 0)

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(auth_mod, "utcnow", clock)
    return clock


@pytest.fixture
def hub_session(cfg):
    with hubdb.session_factory(cfg["database"]["hub_url"])() as session:
        yield session


def authenticator(cfg, hub_session) -> RosterAuthenticator:
    # the production settings: 5 free failures, 600 s at most for one source
    return RosterAuthenticator(
        platform_url=cfg["database"]["platform_url"], allowed_failed_logins=5,
        seconds_before_next_try=600, add_new_table=False, _deprecated_db_session=hub_session,
    )


def handler(ip: str):
    return SimpleNamespace(request=SimpleNamespace(remote_ip=ip, headers={}))


def login(auth, ip: str, username: str, password: str):
    return asyncio.run(auth.authenticate(handler(ip), {"username": username, "password": password}))


def test_attacker_cannot_lock_hr_out(cfg, people, clock, hub_session):
    auth = authenticator(cfg, hub_session)
    hr = people["hr"]
    for i in range(20):
        assert login(auth, ATTACKER, hr.username, f"tebakan-{i}") is None
    clock.advance(60)  # a minute later, not ten
    result = login(auth, OFFICE, hr.username, hr.password)
    assert result and result["name"] == hr.username, "HR locked out by someone else's failures"


def test_attacker_cannot_keep_admin_locked_by_failing_now_and_then(cfg, people, clock, hub_session):
    auth = authenticator(cfg, hub_session)
    admin = people["admin"]
    for i in range(5):
        login(auth, ATTACKER, admin.username, f"tebakan-{i}")
    for k in range(12):  # one more failure every 5 minutes, from ever new sources, for an hour
        clock.advance(300)
        login(auth, f"203.0.113.{10 + k}", admin.username, f"lagi-{k}")
    clock.advance(31)
    result = login(auth, OFFICE, admin.username, admin.password)
    assert result and result["name"] == admin.username, "admin kept locked by one failure per window"


def test_password_checks_run_off_the_event_loop(cfg, people, clock, hub_session, monkeypatch):
    auth = authenticator(cfg, hub_session)
    threads = []
    for name in ("hashpw", "checkpw"):
        real = getattr(bcrypt, name)

        def spy(*args, _real=real):
            threads.append(threading.current_thread())
            return _real(*args)

        monkeypatch.setattr(bcrypt, name, spy)
    learner = people["learner"]
    assert login(auth, OFFICE, learner.username, "salah-sekali") is None
    assert login(auth, OFFICE, learner.username, learner.password)
    assert threads, "no password was checked"
    assert threading.main_thread() not in threads, "bcrypt ran on the hub's event loop"


# -- regressions: guessing stays slow ----------------------------------------------------

def test_one_source_guessing_one_account_is_slowed(cfg, people, clock, hub_session):
    auth = authenticator(cfg, hub_session)
    learner = people["learner"]
    for i in range(5):
        login(auth, ATTACKER, learner.username, f"tebakan-{i}")
    h = handler(ATTACKER)
    assert asyncio.run(auth.authenticate(h, {"username": learner.username,
                                             "password": learner.password})) is None
    assert "detik" in h.asn_login_error
    # blocked attempts are not even checked: no bcrypt to burn
    calls = []
    real = bcrypt.checkpw
    bcrypt.checkpw = lambda *a: calls.append(a) or real(*a)
    try:
        for _ in range(50):
            login(auth, ATTACKER, learner.username, "x")
    finally:
        bcrypt.checkpw = real
    assert calls == []


def test_back_off_grows_for_a_source_and_survives_a_restart(cfg, people, clock, hub_session):
    auth = authenticator(cfg, hub_session)
    learner = people["learner"]
    waits = []
    for i in range(12):
        clock.advance(max(waits[-1:] or [0]) + 1)
        h = handler(ATTACKER)
        asyncio.run(auth.authenticate(h, {"username": learner.username, "password": f"t{i}"}))
        waits.append(authenticator(cfg, hub_session).seconds_to_wait(learner.username, ATTACKER))
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[-1] > 60 and waits == sorted(waits)
    assert waits[-1] <= 600
    for _ in range(6):  # at the longest wait it stays there: one guess per 10 minutes
        clock.advance(601)
        login(auth, ATTACKER, learner.username, "lagi")
    assert auth.seconds_to_wait(learner.username, ATTACKER) == 600


def test_one_source_spraying_many_accounts_is_slowed(cfg, people, clock, hub_session):
    auth = authenticator(cfg, hub_session)
    others = [r.username for r in demo.demo_rows()]
    for i in range(40):
        login(auth, ATTACKER, others[i % len(others)], f"tebakan-{i}")
    trainer = people["trainer"]
    assert auth.seconds_to_wait(trainer.username, ATTACKER) > 0
    assert auth.seconds_to_wait(trainer.username, OFFICE) <= 30


def test_admin_unlocks_an_account_from_the_cli(cfg, people, clock, hub_session, tmp_path):
    from asnhub import commands

    auth = authenticator(cfg, hub_session)
    learner = people["learner"]
    for i in range(9):
        login(auth, ATTACKER, learner.username, f"tebakan-{i}")
    assert auth.seconds_to_wait(learner.username, ATTACKER) > 0
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text(yaml.safe_dump({"data_dir": cfg["data_dir"], "hub": {"dev_mode": True}}))
    spaced = f"{learner.username[:8]} {learner.username[8:14]} {learner.username[14:]}"
    commands.run_unlock(argparse.Namespace(settings=str(settings_file), nip=spaced))
    assert auth.seconds_to_wait(learner.username, ATTACKER) == 0
    assert login(auth, ATTACKER, learner.username, learner.password)


def test_no_page_checks_or_hashes_passwords_on_the_event_loop(cfg, hub_session):
    from nativeauthenticator import handlers as native

    auth = authenticator(cfg, hub_session)
    pages = dict(auth.get_handlers(None))
    assert pages[r"/login"] is auth_mod.RosterLoginHandler
    assert pages[r"/change-password"] is auth_mod.RosterChangePasswordHandler
    assert pages[r"/change-password/([^/]+)"] is auth_mod.RosterChangePasswordAdminHandler
    for page in pages.values():  # nothing left of NativeAuthenticator's own password posts
        assert page not in (native.LoginHandler, native.ChangePasswordHandler,
                            native.ChangePasswordAdminHandler)


def test_change_password_hashes_off_the_event_loop(cfg, people, hub_session, monkeypatch):
    auth = authenticator(cfg, hub_session)
    threads = []
    real = bcrypt.hashpw
    monkeypatch.setattr(bcrypt, "hashpw",
                        lambda *a: threads.append(threading.current_thread()) or real(*a))
    learner = people["learner"]
    assert asyncio.run(auth.change_password_async(learner.username, "Pelayanan-Prima-2026"))
    assert threads and threading.main_thread() not in threads
    assert login(auth, OFFICE, learner.username, "Pelayanan-Prima-2026")
