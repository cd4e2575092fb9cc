"""The progress client delivering to a real HTTP server on 127.0.0.1: success, the
server down then up, errors and timeouts. The outbox and retry rules over a fake
transport are in tests/unit/test_belajar_progress.py."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from asncore.events import make_event
from belajar.progress import ProgressClient

TOKEN = "secret-token"


def event(exercise="latihan-1", score=1.0):
    return make_event("exercise", "komunikasi-pelayanan", "01-mendengar-aktif", exercise,
                      score, 12.5)


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "home" / ".belajar" / "outbox.jsonl"


class EventsServer:
    """A tiny stand-in for the competency service's POST /api/me/events."""

    def __init__(self, port=0, status=200, delay=0.0):
        received = self.received = []
        self.status = status
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                if delay:
                    threading.Event().wait(delay)
                received.append({"path": self.path,
                                 "authorization": self.headers.get("Authorization"),
                                 "body": body})
                try:
                    self.send_response(server_self.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:  # the client gave up waiting (timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/services/kompetensi"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server():
    srv = EventsServer()
    yield srv
    srv.stop()


def received_ids(server):
    return [e["event_id"] for r in server.received for e in r["body"]["events"]]


def test_real_server_success_clears_outbox(outbox, server):
    client = ProgressClient(base_url=server.url, token=TOKEN, outbox_path=outbox)
    ev = event()
    assert client.send(ev) is True
    assert client.pending() == []
    (request,) = server.received
    assert request["path"] == "/services/kompetensi/api/me/events"
    assert request["authorization"] == f"token {TOKEN}"
    assert request["body"] == {"events": [ev]}


def test_real_server_down_then_up_delivers_exactly_once(outbox):
    down = EventsServer()
    port = down.port
    down.stop()  # nothing listens on the port now: connection refused
    client = ProgressClient(base_url=f"http://127.0.0.1:{port}/services/kompetensi",
                            token=TOKEN, outbox_path=outbox)
    ev = event()
    assert client.send(ev) is False
    assert [e["event_id"] for e in client.pending()] == [ev["event_id"]]

    up = EventsServer(port=port)
    try:
        assert client.flush() is True
        assert client.flush() is True
        later = event("latihan-2")
        assert client.send(later) is True
        assert received_ids(up) == [ev["event_id"], later["event_id"]]
        assert client.pending() == []
    finally:
        up.stop()


def test_real_server_error_keeps_events_for_later(outbox, server):
    server.status = 503
    client = ProgressClient(base_url=server.url, token=TOKEN, outbox_path=outbox)
    ev = event()
    assert client.send(ev) is False
    assert len(client.pending()) == 1
    server.status = 200
    assert client.flush() is True
    assert received_ids(server) == [ev["event_id"], ev["event_id"]]  # same id on retry
    assert client.pending() == []


def test_real_server_timeout_keeps_events(outbox):
    slow = EventsServer(delay=1.0)
    try:
        client = ProgressClient(base_url=slow.url, token=TOKEN, outbox_path=outbox,
                                timeout=0.2)
        assert client.send(event()) is False
        assert len(client.pending()) == 1
    finally:
        slow.stop()
