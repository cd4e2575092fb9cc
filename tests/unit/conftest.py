"""The unit tier: pure, in-process tests; no subprocess, no socket, the whole tier well
under 30 s (`make test-fast`). A test that needs nbgrader, a kernel or a server belongs in
tests/component.

- cheap_bcrypt (autouse): new passwords are hashed at bcrypt's lowest cost (4) instead of
  the default 12 (about 0.3 s a hash, 9 hashes per demo roster import). The hashes are
  still real bcrypt and verify; only the work factor differs.
"""

import bcrypt
import pytest


@pytest.fixture(autouse=True)
def cheap_bcrypt(monkeypatch):
    gensalt = bcrypt.gensalt
    monkeypatch.setattr(bcrypt, "gensalt", lambda rounds=4, prefix=b"2b": gensalt(rounds, prefix))
