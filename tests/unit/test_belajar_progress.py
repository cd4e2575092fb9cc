"""The progress client: outbox and retries, over a fake transport. Delivery to a real
local HTTP server is in tests/component/test_belajar_progress_http.py."""

import json
import logging
import stat

import pytest
import requests

from asncore.events import make_event
from belajar.progress import ProgressClient

TOKEN = "secret-token"


def event(exercise="latihan-1", score=1.0):
    return make_event("exercise", "komunikasi-pelayanan", "01-mendengar-aktif", exercise,
                      score, 12.5)


class FakeTransport:
    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls = []

    def __call__(self, url, headers, body, timeout):
        self.calls.append({"url": url, "headers": dict(headers), "body": body,
                           "timeout": timeout})
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "home" / ".belajar" / "outbox.jsonl"


def make_client(outbox, transport, **kwargs):
    kwargs.setdefault("base_url", "http://hub.example/services/kompetensi/")
    kwargs.setdefault("token", TOKEN)
    return ProgressClient(outbox_path=outbox, transport=transport, **kwargs)


def test_success_posts_once_and_clears_outbox(outbox):
    transport = FakeTransport(200)
    client = make_client(outbox, transport)
    ev = event()
    assert client.send(ev) is True
    assert client.pending() == []
    (call,) = transport.calls
    assert call["url"] == "http://hub.example/services/kompetensi/api/me/events"
    assert call["headers"] == {"Authorization": f"token {TOKEN}"}
    assert call["body"] == {"events": [ev]}
    assert call["timeout"] == 3.0
    assert "user" not in json.dumps(call["body"])


def test_outbox_is_private(outbox):
    client = make_client(outbox, FakeTransport(503))
    client.send(event())
    assert stat.S_IMODE(outbox.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o600
    client._transport = FakeTransport(200)
    client.send(event("latihan-2"))  # the rewrite keeps the mode
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o600


@pytest.mark.parametrize("outcome", [
    500, 502, 401, 403, 404, 429,
    requests.ConnectionError("refused"), requests.Timeout("slow"), OSError("no route"),
])
def test_transient_failures_keep_events(outbox, outcome):
    client = make_client(outbox, FakeTransport(outcome))
    first, second = event("a"), event("b")
    assert client.send(first) is False
    assert client.send(second) is False
    assert [e["event_id"] for e in client.pending()] == [first["event_id"], second["event_id"]]


def test_pending_events_go_in_one_request_then_are_removed(outbox):
    transport = FakeTransport(503, 503, 200)
    client = make_client(outbox, transport)
    events = [event("a"), event("b")]
    for ev in events:
        client.send(ev)
    assert client.flush() is True
    assert transport.calls[-1]["body"] == {"events": events}
    assert client.pending() == []
    assert client.flush() is True
    assert len(transport.calls) == 3  # nothing left to post


def test_permanent_rejection_drops_events_with_a_warning(outbox, caplog):
    client = make_client(outbox, FakeTransport(422))
    with caplog.at_level(logging.WARNING, logger="belajar.progress"):
        assert client.send(event()) is False
    assert client.pending() == []
    assert "rejected 1 event(s) with HTTP 422" in caplog.text


def test_without_configuration_events_stay_and_nothing_is_posted(outbox, monkeypatch):
    monkeypatch.delenv("KOMPETENSI_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    transport = FakeTransport(200)
    client = ProgressClient(outbox_path=outbox, transport=transport)
    assert client.configured is False
    assert client.send(event()) is False
    assert len(client.pending()) == 1 and transport.calls == []


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KOMPETENSI_URL", "http://127.0.0.1:10101/services/kompetensi")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t0k")
    monkeypatch.setenv("BELAJAR_OUTBOX", str(tmp_path / "env-outbox.jsonl"))
    transport = FakeTransport(201)
    client = ProgressClient(transport=transport)
    assert client.send(event()) is True
    assert transport.calls[0]["url"] == "http://127.0.0.1:10101/services/kompetensi/api/me/events"
    assert transport.calls[0]["headers"]["Authorization"] == "token t0k"
    assert (tmp_path / "env-outbox.jsonl").exists()


def test_large_outbox_is_sent_in_batches(outbox):
    transport = FakeTransport(503)
    client = make_client(outbox, transport, max_batch=2)
    for i in range(5):
        client.send(event(f"e{i}"))
    transport.outcomes = [200]
    assert client.flush() is True
    assert [len(c["body"]["events"]) for c in transport.calls[-3:]] == [2, 2, 1]
    assert client.pending() == []


def test_corrupt_outbox_line_is_skipped(outbox):
    client = make_client(outbox, FakeTransport(503))
    client.send(event("a"))
    with open(outbox, "a") as f:
        f.write('{"event_id": "half\n')
    client.send(event("b"))
    assert [e["exercise"] for e in client.pending()] == ["a", "b"]


def test_invalid_event_is_refused(outbox):
    client = make_client(outbox, FakeTransport(200))
    bad = {**event(), "score": 1.5}
    with pytest.raises(ValueError, match="score"):
        client.send(bad)
    with pytest.raises(ValueError, match="exactly the keys"):
        client.send({**event(), "user": "198001012006041001"})
    assert client.pending() == []


def test_invalid_outbox_lines_are_dropped_not_sent(outbox, caplog):
    """The service refuses a whole batch holding a malformed event (issue 10): a line the
    client would not have written must not cost the good events their delivery."""
    transport = FakeTransport(200)
    client = make_client(outbox, transport)
    outbox.parent.mkdir(parents=True)
    bad = {**event("x"), "event_id": "bad-1", "score": float("inf")}
    outbox.write_text(json.dumps(bad) + "\n" + json.dumps(event("a")) + "\n")
    with caplog.at_level(logging.WARNING):
        assert client.flush() is True
    assert [e["exercise"] for e in transport.calls[0]["body"]["events"]] == ["a"]
    assert client.pending() == []
    assert "invalid event" in caplog.text
