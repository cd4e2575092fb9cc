"""The admin page on a real hub, with real log-in cookies (issue 13): learners, trainers and
HR get 403 on every admin route, GET and POST (with the form's ``_xsrf`` cookie value when
they have one); the admin's own POST without ``_xsrf`` is refused and changes nothing,
the same POST with it goes through. tests/security/test_admin_page_access.py covers the
same routes in-process with more inputs."""

from __future__ import annotations

import re

import pytest

from asnhub.demo import demo_csv
from tests.support.client import HubSession
from tests.support.hub import REAL_HUB, running_hub

pytestmark = REAL_HUB
ADMIN_PAGE = "/services/kompetensi/admin"
XSRF = re.compile(r'name="_xsrf" value="([^"]+)"')
PROMOTING = demo_csv().replace(",learner,", ",admin,")  # every learner made admin


@pytest.fixture(scope="module")
def hub():
    with running_hub("adm") as hub:
        yield hub


def session_for(hub, account) -> HubSession:
    session = HubSession(hub.url)
    assert session.login(account.username, account.password)
    return session


def employees(hub):
    admin = session_for(hub, hub.by_role("admin")[0])
    return admin.http.get(f"{hub.url}/services/kompetensi/api/hr/employees", timeout=30).json()


def test_learner_trainer_and_hr_are_refused_every_admin_route(hub):
    before = employees(hub)
    victim = hub.by_role("learner")[1].username
    for role in ("learner", "trainer", "hr"):
        session = session_for(hub, hub.by_role(role)[0])
        page = session.http.get(f"{hub.url}{ADMIN_PAGE}", timeout=30)
        assert page.status_code == 403 and "hanya untuk admin" in page.text, (role, page.status_code)
        assert session.http.get(f"{hub.url}{ADMIN_PAGE}?nip={victim}", timeout=30).status_code == 403
        xsrf = {"_xsrf": session.http.cookies.get("_xsrf", path="/services/kompetensi/") or
                session.http.cookies.get("_xsrf") or ""}
        r = session.http.post(f"{hub.url}{ADMIN_PAGE}/roster", data=xsrf, timeout=60,
                              files={"berkas": ("roster.csv", PROMOTING.encode(), "text/csv")})
        assert r.status_code == 403, (role, r.status_code, r.text[:300])
        r = session.http.post(f"{hub.url}{ADMIN_PAGE}/buka-kunci", data={**xsrf, "nip": victim},
                              timeout=30)
        assert r.status_code == 403, (role, r.status_code)
    assert employees(hub) == before  # nobody was made admin


def test_admin_post_without_xsrf_is_refused(hub):
    before = employees(hub)
    session = session_for(hub, hub.by_role("admin")[0])
    page = session.http.get(f"{hub.url}{ADMIN_PAGE}", timeout=30)
    assert page.status_code == 200
    token = XSRF.search(page.text).group(1)
    victim = hub.by_role("learner")[2].username
    for data in ({"nip": victim}, {"nip": victim, "_xsrf": "bukan-token"}):
        r = session.http.post(f"{hub.url}{ADMIN_PAGE}/buka-kunci", data=data,
                              allow_redirects=False, timeout=30)
        assert r.status_code == 403, (data, r.status_code)
    r = session.http.post(f"{hub.url}{ADMIN_PAGE}/roster", data={}, allow_redirects=False,
                          files={"berkas": ("roster.csv", PROMOTING.encode(), "text/csv")},
                          timeout=60)
    assert r.status_code == 403, r.status_code
    assert employees(hub) == before
    r = session.http.post(f"{hub.url}{ADMIN_PAGE}/buka-kunci",
                          data={"nip": victim, "_xsrf": token}, timeout=30)
    assert r.status_code == 200 and f"Akun {victim} dibuka" in r.text  # the control
