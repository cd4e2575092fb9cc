"""A refusal answered from ``prepare`` keeps the connection usable (services.base).

The services stream request bodies, so ``prepare`` runs before Tornado has finished
reading a request; an answer sent from there made Tornado close the connection, and the
hub's proxy, reusing its pooled connection for the person's next request, answered that
one 503 ("socket hang up") — seen as a learner's form post answered 503 instead of 403.
A request WITH a body is still refused unread, and its connection closed."""

from __future__ import annotations

import socket
import threading

import pytest
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.testing import bind_unused_port

from services.base import ServiceHandler


class Refusing(ServiceHandler):
    def prepare(self):
        super().prepare()
        raise web.HTTPError(403, "hanya untuk admin")

    def get(self):
        self.finish("tidak sampai di sini")


@pytest.fixture
def port():
    sock, port = bind_unused_port()
    ready, loop_box = threading.Event(), {}

    def serve():
        loop = IOLoop(make_current=False)
        loop_box["loop"] = loop
        server = HTTPServer(web.Application([(r"/x", Refusing)]))
        loop.add_callback(lambda: (server.add_sockets([sock]), ready.set()))
        loop.start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield port
    loop_box["loop"].add_callback(loop_box["loop"].stop)
    thread.join(10)


def answer(conn: socket.socket) -> bytes:
    """One whole response (the refusal pages carry Content-Length), or b'' at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_a_refused_get_leaves_the_connection_open_for_the_next_request(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        for _ in range(3):
            conn.sendall(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
            response = answer(conn)
            assert response.startswith(b"HTTP/1.1 403"), response[:80]
            assert b"hanya untuk admin" in response


def test_a_refused_post_with_a_body_is_still_refused_unread(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"POST /x HTTP/1.1\r\nHost: a\r\nCookie: c=1\r\nContent-Length: 1000\r\n\r\n")
        response = answer(conn)
        assert response.startswith(b"HTTP/1.1 403"), response[:80]
        assert conn.recv(100) == b""  # closed: the body is never read
