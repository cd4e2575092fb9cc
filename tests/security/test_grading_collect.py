"""Collect must copy learners' submissions without following anything they planted.

Issue 10, point 2 (security review H1, M6). Each test builds nbgrader's quickstart course
with the platform's exchange layout (`grading.exchange.FACTORY`, HardenedCollect with the
owner check), makes a submission folder owned by a real learner account (the throw-away
sandbox account of tests/component/conftest.py plays the learner) and runs
`python -m grading collect` as root, as an operator or the penilaian service would.
"""

from __future__ import annotations

import os
import pwd
import resource
import subprocess
import sys

import pytest

from grading.exchange import FACTORY
from tests.component.conftest import base_dir, course, course_template, sandbox_user  # noqa: F401

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
P1 = "problem1.ipynb"
FSIZE_CAP = 20 * 1024 * 1024  # so that the old code's /dev/zero copy stops instead of filling the disk


def _platform_config(course_dir: str, exchange: str) -> None:
    lines = [f"c.Exchange.root = {exchange!r}", "c.Exchange.path_includes_course = True",
             "c.CollectApp.check_owner = False", "c.HardenedCollect.user_prefix = ''"]
    lines += [f"c.ExchangeFactory.{kind} = {cls!r}" for kind, cls in FACTORY.items()]
    with open(os.path.join(course_dir, "nbgrader_config.py"), "a") as f:
        f.write("\n" + "\n".join(lines) + "\n")


@pytest.fixture
def setup(course, sandbox_user):
    exchange = os.path.join(os.path.dirname(course), "exchange")
    inbound = os.path.join(exchange, "course101", "inbound")
    os.makedirs(inbound)
    _platform_config(course, exchange)
    learner = pwd.getpwnam(sandbox_user)
    return course, exchange, inbound, sandbox_user, learner


def _entry(inbound, student, stamp="2026-11-20 10:00:00.000000 UTC", course_dir=None,
           uid=None, gid=None):
    """A submission folder as `nbgrader submit` leaves it, owned by uid."""
    path = os.path.join(inbound, f"{student}+ps1+{stamp}+r{abs(hash(stamp)) % 1000}")
    os.makedirs(path)
    src = os.path.join(course_dir, "release", "ps1")
    for name in os.listdir(src):
        with open(os.path.join(src, name), "rb") as f, open(os.path.join(path, name), "wb") as g:
            g.write(f.read())
    with open(os.path.join(path, "timestamp.txt"), "w") as f:
        f.write(stamp)
    if uid is not None:
        _chown_tree(path, uid, gid)
    return path


def _chown_tree(path, uid, gid):
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), uid, gid)
    os.lchown(path, uid, gid)


def _collect(course_dir, exchange, *extra):
    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_CAP, FSIZE_CAP))

    return subprocess.run(
        [sys.executable, "-m", "grading", "collect", "ps1", "--course-dir", course_dir,
         "--exchange", exchange, *extra],
        cwd=REPO, capture_output=True, text=True, timeout=300, preexec_fn=cap)


def _copied_files(course_dir):
    """Every file collect wrote (submitted/ and attempts/, partial copies included)."""
    found = []
    for top in ("submitted", "attempts"):
        for dirpath, _dirs, files in os.walk(os.path.join(course_dir, top)):
            found += [os.path.join(dirpath, f) for f in files]
    return found


def _read(path, n=None):
    with open(path, "rb") as f:
        return f.read(n) if n else f.read()


def test_symlink_to_source_notebook_is_not_collected(setup):
    course_dir, exchange, inbound, student, learner = setup
    path = _entry(inbound, student, course_dir=course_dir)
    os.remove(os.path.join(path, P1))
    os.symlink(os.path.join(course_dir, "source", "ps1", P1), os.path.join(path, P1))
    _chown_tree(path, learner.pw_uid, learner.pw_gid)
    r = _collect(course_dir, exchange)
    for f in _copied_files(course_dir):
        assert b"BEGIN SOLUTION" not in _read(f), f"instructor notebook copied to {f}"
    assert "ditolak" in r.stderr and "symlink" in r.stderr, r.stderr[-2000:]


def test_symlink_to_gradebook_is_not_collected(setup):
    course_dir, exchange, inbound, student, learner = setup
    path = _entry(inbound, student, course_dir=course_dir)
    os.symlink(os.path.join(course_dir, "gradebook.db"), os.path.join(path, "nilai.db"))
    _chown_tree(path, learner.pw_uid, learner.pw_gid)
    _collect(course_dir, exchange)
    for f in _copied_files(course_dir):
        assert not _read(f, 16).startswith(b"SQLite format"), f"gradebook copied to {f}"


def test_symlink_to_dev_zero_does_not_fill_the_disk(setup):
    course_dir, exchange, inbound, student, learner = setup
    path = _entry(inbound, student, course_dir=course_dir)
    os.symlink("/dev/zero", os.path.join(path, "nol.bin"))
    _chown_tree(path, learner.pw_uid, learner.pw_gid)
    r = _collect(course_dir, exchange)
    big = [f for f in _copied_files(course_dir) if os.path.getsize(f) > 1_000_000]
    assert not big, f"collect wrote {big} ({r.returncode})"


def test_hard_link_to_gradebook_is_not_collected(setup):
    course_dir, exchange, inbound, student, learner = setup
    path = _entry(inbound, student, course_dir=course_dir, uid=learner.pw_uid, gid=learner.pw_gid)
    os.link(os.path.join(course_dir, "gradebook.db"), os.path.join(path, "nilai.db"))
    _collect(course_dir, exchange)
    for f in _copied_files(course_dir):
        assert not _read(f, 16).startswith(b"SQLite format"), f"gradebook copied to {f}"


def test_file_owned_by_someone_else_is_refused(setup):
    """The owner check covers every file, not only the top folder."""
    course_dir, exchange, inbound, student, learner = setup
    path = _entry(inbound, student, course_dir=course_dir, uid=learner.pw_uid, gid=learner.pw_gid)
    secret = os.path.join(path, "bukan-milik.txt")
    with open(secret, "w") as f:
        f.write("RAHASIA-ORANG-LAIN")
    os.chown(secret, 0, 0)
    _collect(course_dir, exchange)
    for f in _copied_files(course_dir):
        assert b"RAHASIA-ORANG-LAIN" not in _read(f), f"foreign file copied to {f}"


def test_oversize_notebook_is_refused(setup):
    course_dir, exchange, inbound, student, learner = setup
    path = _entry(inbound, student, course_dir=course_dir)
    with open(os.path.join(path, P1), "a") as f:
        f.write(" " * 11_000_000)  # valid JSON, 11 MB: far past any learner's notebook
    _chown_tree(path, learner.pw_uid, learner.pw_gid)
    r = _collect(course_dir, exchange)
    big = [f for f in _copied_files(course_dir) if os.path.getsize(f) > 10_000_000]
    assert not big, f"collect wrote {big} ({r.returncode})"


def test_fifo_neither_hangs_nor_breaks_collect(setup):
    """A FIFO in the latest attempt: the earlier, clean attempt is collected instead."""
    course_dir, exchange, inbound, student, learner = setup
    _entry(inbound, student, "2026-11-20 10:00:00.000000 UTC", course_dir,
           learner.pw_uid, learner.pw_gid)
    bad = _entry(inbound, student, "2026-11-21 10:00:00.000000 UTC", course_dir)
    os.mkfifo(os.path.join(bad, "pipa"))
    _chown_tree(bad, learner.pw_uid, learner.pw_gid)
    _collect(course_dir, exchange)
    stamp = os.path.join(course_dir, "submitted", student, "ps1", "timestamp.txt")
    assert os.path.exists(stamp) and _read(stamp).startswith(b"2026-11-20")


def test_cli_collect_does_not_archive_a_forged_attempt(setup):
    """An entry in the learner's name but owned by someone else never reaches attempts/
    (the CLI used to archive every inbound entry before the owner check)."""
    course_dir, exchange, inbound, student, learner = setup
    _entry(inbound, student, course_dir=course_dir)  # root-owned: forged
    r = _collect(course_dir, exchange, "--counts", "first")
    assert not os.path.exists(os.path.join(course_dir, "attempts", student)), r.stdout
    assert not os.path.exists(os.path.join(course_dir, "submitted", student))


def test_clean_submission_is_collected(setup):
    """The control: an honest submission goes through, every attempt kept."""
    course_dir, exchange, inbound, student, learner = setup
    _entry(inbound, student, course_dir=course_dir, uid=learner.pw_uid, gid=learner.pw_gid)
    r = _collect(course_dir, exchange)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 percobaan baru" in r.stdout
    got = os.path.join(course_dir, "submitted", student, "ps1", P1)
    assert _read(got) == _read(os.path.join(course_dir, "release", "ps1", P1))
