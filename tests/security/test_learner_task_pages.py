"""Attacks on the learner's assessment pages (``belajar.tugas`` on each learner's server,
issue 13) and on Beranda's submission states, on a real hub with real Unix users.

Two courses from the fixture (kursus-uji released, kursus-dua not); Budi and Citra take
kursus-uji, Ani only kursus-dua. Refused: Ani fetching or submitting kursus-uji's
assignment from her own server (released to the exchange, which her Unix user can read:
the page must check her courses itself); Ani acting on Budi's server (the hub refuses);
names that try to leave the learner's folders. Beranda: Citra does not see Budi's
submission as hers, Ani does not see kursus-uji at all."""

from __future__ import annotations

import pwd
import re
from pathlib import Path

import pytest

from tests.support.hub import REAL_HUB, running_hub
from tests.support.learner_tasks import assessments_dir, logged_in_token, release, set_courses

pytestmark = REAL_HUB
COURSE, OTHER_COURSE, ASSIGNMENT = "kursus-uji", "kursus-dua", "tugas"
PAGE = f"belajar/tugas/{COURSE}/{ASSIGNMENT}"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    sources = assessments_dir(tmp_path_factory.mktemp("src") / "assessments", [COURSE, OTHER_COURSE])
    with running_hub("tp", {"assessments": {"dir": str(sources)}}) as hub:
        yield hub


@pytest.fixture(scope="module")
def people(hub, tmp_path_factory):
    trainer = hub.by_role("trainer")[0]
    ani, budi, citra = hub.by_role("learner")[:3]
    set_courses(hub, tmp_path_factory.mktemp("roster"), {
        trainer.username: f"{COURSE};{OTHER_COURSE}", ani.username: OTHER_COURSE,
        budi.username: COURSE, citra.username: COURSE})
    release(logged_in_token(hub, trainer), COURSE, ASSIGNMENT)
    clients = {}
    for name, account in (("ani", ani), ("budi", budi), ("citra", citra)):
        client = logged_in_token(hub, account)
        client.start_server(account.username)
        clients[name] = (account, client)
    # Budi fetches and submits through his own pages
    account, client = clients["budi"]
    opened = client.post(f"/user/{account.username}/{PAGE}/kerjakan", allow_redirects=False)
    assert opened.status_code == 302, opened.text[-2000:] + hub.log()[-3000:]
    assert opened.headers["Location"].endswith(f"/lab/tree/{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    sent = client.post(f"/user/{account.username}/{PAGE}/kirim", data={"konfirmasi": "ya"})
    assert sent.status_code == 200 and "Terkirim pada" in sent.text, sent.text[-2000:]
    return clients


def home_of(hub, account) -> Path:
    return Path(pwd.getpwnam(hub.unix_name(account.username)).pw_dir)


def test_a_learner_cannot_act_on_a_course_she_is_not_in(hub, people):
    ani, client = people["ani"]
    base = f"/user/{ani.username}/{PAGE}"
    page = client.get(base)
    assert page.status_code == 403 and "tidak terdaftar sebagai peserta kursus" in page.text
    for action, data in (("kerjakan", None), ("kirim", {"konfirmasi": "ya"}), ("umpan-balik", None)):
        refused = client.post(f"{base}/{action}", data=data, allow_redirects=False)
        assert refused.status_code == 403, (action, refused.status_code, refused.text[-500:])
    assert not (home_of(hub, ani) / COURSE).exists(), "the assignment was fetched anyway"
    inbound = Path(hub.settings["assessments"]["exchange_dir"]) / COURSE / "inbound"
    assert not list(inbound.glob(f"{ani.username}+*")), "a submission was made anyway"
    # her own course has nothing released: an Indonesian "not released yet", no action
    own = client.get(f"/user/{ani.username}/belajar/tugas/{OTHER_COURSE}/{ASSIGNMENT}")
    assert own.status_code == 404 and "belum dibagikan" in own.text
    assert client.post(f"/user/{ani.username}/belajar/tugas/{OTHER_COURSE}/{ASSIGNMENT}/kerjakan",
                       allow_redirects=False).status_code == 404
    assert not (home_of(hub, ani) / OTHER_COURSE).exists()


def test_a_learner_cannot_use_another_learners_server(hub, people):
    _, intruder = people["ani"]
    citra, citra_client = people["citra"]
    budi, _ = people["budi"]
    inbound = Path(hub.settings["assessments"]["exchange_dir"]) / COURSE / "inbound"
    before = sorted(inbound.glob(f"{budi.username}+*"))
    for who in (intruder, citra_client):  # even a classmate in the same course
        base = f"/user/{budi.username}/{PAGE}"
        assert who.get(base, allow_redirects=False).status_code in (302, 403)
        for action in ("kerjakan", "kirim", "umpan-balik"):
            r = who.post(f"{base}/{action}", data={"konfirmasi": "ya"}, allow_redirects=False)
            assert r.status_code == 403, (action, r.status_code)
    assert sorted(inbound.glob(f"{budi.username}+*")) == before
    assert not (home_of(hub, citra) / COURSE).exists()


def test_names_cannot_leave_the_learners_folders(hub, people):
    budi, client = people["budi"]
    for path in (f"belajar/tugas/{COURSE}/..%2F..%2Fetc", f"belajar/tugas/..%2F{COURSE}/{ASSIGNMENT}",
                 f"{PAGE}/umpan-balik/..%2F{ASSIGNMENT}.html", f"{PAGE}/umpan-balik/.bashrc.html"):
        r = client.get(f"/user/{budi.username}/{path}", allow_redirects=False)
        assert r.status_code == 404, (path, r.status_code)


def test_beranda_shows_only_my_own_submission_state(hub, people):
    rows = {}
    for name in ("ani", "budi", "citra"):
        _, client = people[name]
        html = client.get("/services/kompetensi/").text
        found = re.search(rf'<li id="penilaian-{COURSE}-{ASSIGNMENT}">(.*?)</li>', html, re.DOTALL)
        rows[name] = " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else None
    assert rows["ani"] is None  # not her course
    assert "terkirim" in rows["budi"]
    assert "belum dikerjakan" in rows["citra"] and "terkirim" not in rows["citra"]
