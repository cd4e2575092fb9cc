"""Issue 13: the admin page (roster import, unlocking accounts) is for the ``admin`` group
only. Learners, trainers, HR and strangers get 403 on every route, GET and POST, whether
they are known from the headers (a token) or only once a form's body is read (a cookie);
a refused upload never starts the import, a refused unlock clears nothing.

In-process (tests/support/evaluation_city.py): the hub's OAuth is replaced by a fixed
user per request (``X-Test-User``); the database and Tornado are real. The real log-in
cookie and its ``_xsrf`` rule are exercised on a real hub in
tests/security/test_admin_page_hub.py. Written before the routes existed: there every
request below was a 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from asncore.db import LoginFailure, session_factory, utcnow
from asnhub.auth import account_key, pair_key, source_key
from asnhub.demo import demo_csv
from services.kompetensi import adminpage
from tests.support.evaluation_city import (
    ADMIN,
    HR,
    LEARNER,
    TRAINER,
    Service,
    db_fingerprint,
    multipart,
    nip,
    populate_city,
)
from tests.support.service_auth import in_process_service

pytestmark = pytest.mark.asyncio(loop_scope="module")
OUTSIDERS = [LEARNER, TRAINER, HR, "orang:", "sdm2:hr,trainer,learner"]
VICTIM = nip(2)
# the attack: a roster naming the caller (a learner) admin
PROMOTING = (demo_csv() + f"{nip(1)},Penyusup,DINKES,Dinas Kesehatan,Staf,Pelaksana,II/a,"
             "PNS,admin,\n").encode()


@pytest.fixture(scope="module")
async def service(tmp_path_factory):
    with in_process_service(Service, populate_city, tmp_path_factory.mktemp("admin-sec")) as running:
        yield running


@pytest.fixture
def imports(monkeypatch):
    """Every roster import the page starts (none run for real here)."""
    started = []

    async def recorder(data, name, timeout=0):
        started.append(name)
        return _Done(name)

    monkeypatch.setattr(adminpage, "import_roster", recorder)
    return started


class _Done:
    def __init__(self, name):
        self.success, self.file, self.message = True, name, "Roster diimpor (uji)"
        self.summary, self.errors, self.new_accounts, self.credentials_file = [], [], [], None


def slow_down(url: str, username: str) -> None:
    with session_factory(url)() as db:
        for key, count in ((account_key(username), 9), (pair_key(username, "203.0.113.5"), 9),
                           (source_key("203.0.113.5"), 40)):  # the address: over 5 x 5 free
            db.merge(LoginFailure(username=key, count=count, last_failure=utcnow()))
        db.commit()


def counters(url: str, username: str) -> int:
    with session_factory(url)() as db:
        return sum(1 for key in db.scalars(select(LoginFailure.username)) if username in key)


async def test_outsiders_are_refused_on_every_admin_route(service, imports):
    slow_down(service.url, VICTIM)
    before = db_fingerprint(service.url)
    upload, upload_headers = multipart("roster.csv", PROMOTING, "text/csv")
    for user in OUTSIDERS:
        for cookie in ({}, {"Cookie": "jupyterhub-session-id=x"}):  # token-like, form-like
            for path in ("admin", f"admin?nip={VICTIM}"):
                assert (await service.call(path, user, headers=cookie)).code == 403, (user, path)
            answer = await service.call("admin/roster", user, "POST", upload,
                                        {**upload_headers, **cookie})
            assert answer.code == 403, (user, cookie, answer.code)
            answer = await service.call("admin/buka-kunci", user, "POST", f"nip={VICTIM}",
                                        {"Content-Type": "application/x-www-form-urlencoded", **cookie})
            assert answer.code == 403, (user, cookie, answer.code)
            assert "hanya untuk admin" in answer.body.decode()
            for verb in ("PUT", "DELETE", "PATCH"):
                assert (await service.call("admin/buka-kunci", user, verb, b"")).code in (403, 405)
    assert imports == []
    assert counters(service.url, VICTIM) == 2
    assert db_fingerprint(service.url) == before


async def test_anonymous_callers_are_refused(service, imports):
    upload, upload_headers = multipart("roster.csv", PROMOTING, "text/csv")
    assert (await service.call("admin", None)).code in (302, 403)
    assert (await service.call("admin/roster", None, "POST", upload, upload_headers)).code == 403
    assert (await service.call("admin/buka-kunci", None, "POST", f"nip={VICTIM}",
                               {"Content-Type": "application/x-www-form-urlencoded"})).code == 403
    assert imports == []


async def test_admin_sees_the_slowed_account_and_unlocks_it(service, imports):
    slow_down(service.url, VICTIM)
    page = (await service.call("admin", ADMIN)).body.decode()
    assert f'id="akun-{VICTIM}"' in page and "9 kali" in page and "harus menunggu" in page
    assert "1 alamat jaringan" in page  # the address counter: counted, not an account
    found = (await service.call(f"admin?nip={VICTIM[:8]}%20{VICTIM[8:14]}%20{VICTIM[14]}%20{VICTIM[15:]}",
                                ADMIN)).body.decode()
    assert f'id="akun-{VICTIM}"' in found
    other = (await service.call(f"admin?nip={nip(3)}", ADMIN)).body.decode()
    assert f'id="akun-{VICTIM}"' not in other and "tidak sedang diperlambat" in other
    answer = await service.call("admin/buka-kunci", ADMIN, "POST", f"nip={VICTIM}",
                                {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.code == 200
    assert f"Akun {VICTIM} dibuka: 2 penghitung" in answer.body.decode()
    assert counters(service.url, VICTIM) == 0


async def test_unlocking_someone_not_on_the_roster_is_refused(service):
    for raw in ("999999999999999999", "../../x", "' OR 1=1 --", ""):
        answer = await service.call("admin/buka-kunci", ADMIN, "POST", f"nip={raw}",
                                    {"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.code == 400, raw
        assert "tidak ada di roster" in answer.body.decode() or "Tulis NIP" in answer.body.decode()


async def test_old_counters_are_not_listed(service):
    with session_factory(service.url)() as db:
        db.merge(LoginFailure(username=account_key(nip(4)), count=9,
                              last_failure=utcnow() - dt.timedelta(days=2)))
        db.commit()
    assert f'id="akun-{nip(4)}"' not in (await service.call("admin", ADMIN)).body.decode()


async def test_admin_upload_goes_through_the_import(service, imports):
    upload, headers = multipart("../../etc/roster.csv", demo_csv().encode(), "text/csv")
    answer = await service.call("admin/roster", ADMIN, "POST", upload, headers)
    assert answer.code == 200 and "Roster diimpor (uji)" in answer.body.decode()
    assert imports == ["../../etc/roster.csv"]  # reduced to a safe name inside (rosterupload)
