"""Fixtures for tests against the real JupyterHub (run as root: real Unix users).

- ``hub``: one hub per test module, demo roster, free ports, its own Unix user prefix
  and home base; stopped and its Unix users removed afterwards.
- ``session_for(account)``: a logged-in browser-like session.
- ``token_for(account)``: an API token of that account, obtained through the hub.
"""

from __future__ import annotations

import os

import pytest

from tests.support.client import HubSession, TokenClient
from tests.support.hub import running_hub

pytestmark = pytest.mark.integration


def pytest_collection_modifyitems(items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="integration tests create Unix users: run as root")
        for item in items:
            if "integration" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="module")
def hub():
    with running_hub("it") as hub:
        yield hub


@pytest.fixture(scope="module")
def session_for(hub):
    def make(account):
        session = HubSession(hub.url)
        assert session.login(account.username, account.password), f"log-in of {account} failed"
        return session

    return make


@pytest.fixture(scope="module")
def token_for(hub, session_for):
    cache = {}

    def make(account) -> TokenClient:
        if account.username not in cache:
            token = session_for(account).new_token(account.username)
            cache[account.username] = TokenClient(hub.url, token)
        return cache[account.username]

    return make
