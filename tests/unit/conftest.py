"""The unit tier: pure, in-process tests; no subprocess, no socket, the whole tier well
under 30 s (`make test-fast`). A test that needs nbgrader, a kernel or a server belongs in
tests/component.

- pure (autouse): starting a process, or connecting or binding a socket, fails the test
  with a message pointing at tests/component; so the tier stays what it says.
- cheap_bcrypt (autouse): new passwords are hashed at bcrypt's lowest cost (4) instead of
  the default 12 (about 0.3 s a hash, 9 hashes per demo roster import). The hashes are
  still real bcrypt and verify; only the work factor differs.
"""

import socket
import subprocess

import bcrypt
import pytest


def _refuse(what: str):
    def refuse(*args, **kwargs):
        raise AssertionError(f"tests/unit is pure: {what} is not allowed here; "
                             "move the test to tests/component")
    return refuse


@pytest.fixture(autouse=True)
def pure(monkeypatch):
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse("starting a process"))
    monkeypatch.setattr(socket.socket, "connect", _refuse("connecting a socket"))
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse("connecting a socket"))
    monkeypatch.setattr(socket.socket, "bind", _refuse("binding a socket"))


@pytest.fixture(autouse=True)
def cheap_bcrypt(monkeypatch):
    gensalt = bcrypt.gensalt
    monkeypatch.setattr(bcrypt, "gensalt", lambda rounds=4, prefix=b"2b": gensalt(rounds, prefix))
