"""The unit tier refuses what belongs in tests/component (tests/unit/conftest.py)."""

import socket
import subprocess

import pytest


def test_a_process_cannot_start_here():
    with pytest.raises(AssertionError, match="tests/component"):
        subprocess.run(["true"])


def test_a_socket_cannot_connect_or_bind_here():
    with socket.socket() as sock:
        with pytest.raises(AssertionError, match="tests/component"):
            sock.bind(("127.0.0.1", 0))
        with pytest.raises(AssertionError, match="tests/component"):
            sock.connect(("127.0.0.1", 9))
