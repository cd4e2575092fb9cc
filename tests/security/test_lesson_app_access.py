"""Attacks on lessons as apps (Voilà in each learner's server, issue 13) on a real hub.

Voilà adds routes under ``/user/<name>/voila/`` of every learner's server, nowhere else.
Refused: another learner rendering, listing or shutting down kernels in Budi's server (the
hub's per-user access); anyone, logged in or not, reading Budi's pictures through
``voila/files/``, which Voilà serves without authentication (``AllowListFileHandler`` is
a plain Tornado static handler): with Voilà's default allowlist (``*.png|jpg|gif|svg``)
it would hand Budi's pictures to anyone; ``VoilaConfiguration.file_allowlist = []``."""

from __future__ import annotations

import pytest
import requests

from tests.support.client import HubSession, logged_in
from tests.support.hub import REAL_HUB, running_hub

pytestmark = REAL_HUB
LESSON = "modul/komunikasi-pelayanan/01-mendengar-aktif.ipynb"
PICTURE = "modul/foto-ktp.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"rahasia-budi" * 4


@pytest.fixture(scope="module")
def hub():
    with running_hub("va") as hub:
        yield hub


@pytest.fixture(scope="module")
def people(hub):
    budi, ani = hub.by_role("learner")[:2]
    clients = {}
    for account in (budi, ani):
        client = logged_in(hub.url, account)
        client.start_server(account.username)
        clients[account.username] = client
    out = clients[budi.username].execute(
        budi.username, f"import os; open(os.path.expanduser('~/{PICTURE}'), 'wb').write({PNG!r})")
    assert out["error"] is None, out
    return budi, ani, clients


def test_budi_renders_his_own_lesson(hub, people):
    budi, _, clients = people
    r = clients[budi.username].get(f"/user/{budi.username}/voila/render/{LESSON}", timeout=120)
    assert r.status_code == 200 and 'id="buka-lab"' in r.text
    assert "from belajar import" not in r.text  # no code sent to the browser


@pytest.mark.parametrize("path", [f"voila/render/{LESSON}", "voila/tree", "voila/tree/modul",
                                  "voila/api/contents/modul"])
def test_another_learner_cannot_use_budis_voila(hub, people, path):
    budi, ani, clients = people
    r = clients[ani.username].get(f"/user/{budi.username}/{path}", allow_redirects=False)
    assert r.status_code in (403, 404), (r.status_code, r.text[:300])
    assert "rahasia" not in r.text and "Pelajaran 1" not in r.text


def test_another_learner_in_a_browser_session_is_refused(hub, people):
    budi, ani, _ = people
    session = HubSession(hub.url)
    assert session.login(ani.username, ani.password)
    r = session.http.get(f"{hub.url}/user/{budi.username}/voila/render/{LESSON}", timeout=60)
    assert "Pelajaran 1" not in r.text and r.url.startswith(f"{hub.url}/hub/")
    assert session.http.get(f"{hub.url}/user/{budi.username}/voila/files/{PICTURE}",
                            timeout=30).content != PNG


def test_another_learner_cannot_shut_down_budis_kernels(hub, people):
    budi, ani, clients = people
    kernel = clients[budi.username].post(f"/user/{budi.username}/api/kernels",
                                         json={"name": "python3"}).json()["id"]
    try:
        r = clients[ani.username].post(f"/user/{budi.username}/voila/api/shutdown/{kernel}")
        assert r.status_code == 403, r.text[:300]
        ids = [k["id"] for k in clients[budi.username].get(f"/user/{budi.username}/api/kernels").json()]
        assert kernel in ids
    finally:
        clients[budi.username].delete(f"/user/{budi.username}/api/kernels/{kernel}")


@pytest.mark.parametrize("who", ["anonymous", "ani", "budi"])
def test_nobody_reads_budis_pictures_through_voila_files(hub, people, who):
    budi, ani, clients = people
    url = f"/user/{budi.username}/voila/files/{PICTURE}"
    if who == "anonymous":
        r = requests.get(hub.url + url, allow_redirects=False, timeout=30)
    else:
        r = clients[budi.username if who == "budi" else ani.username].get(url, allow_redirects=False)
    assert r.status_code in (302, 403, 404), r.status_code
    assert PNG not in r.content
