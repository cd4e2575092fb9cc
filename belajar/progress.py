"""Deliver learning events to the competency service, surviving outages.

``send`` first writes the event to a local outbox, then tries to deliver everything
pending. Delivery never raises: a notebook keeps working when the service is down, the
learner is offline, or the environment has no service (CI, a trainer previewing).

Response handling per request:

* 2xx: delivered, removed from the outbox.
* 401, 403 (token problem), 404 (wrong URL), 408, 429, 5xx, network errors, timeouts:
  kept for the next try. 404 is kept, not dropped, so a misconfigured URL loses nothing.
* any other 4xx: the service rejected the events for good; they are dropped and a
  warning is logged (retrying would fail forever and block later events).

Events carry a unique ``event_id``; the service ignores ids it has already stored, so a
retry after a lost response never counts twice.
"""

import logging
import os
from collections.abc import Callable, Mapping

from asncore.events import validate_event
from belajar.outbox import Outbox

log = logging.getLogger(__name__)

DEFAULT_OUTBOX = "~/.belajar/outbox.jsonl"
EVENTS_PATH = "/api/me/events"
TIMEOUT_S = 3.0
MAX_BATCH = 500
RETRYABLE_4XX = frozenset({401, 403, 404, 408, 429})

# transport(url, headers, json_body, timeout_s) -> HTTP status code; raises on network errors
Transport = Callable[[str, Mapping[str, str], dict, float], int]


def requests_transport(url: str, headers: Mapping[str, str], body: dict, timeout: float) -> int:
    import requests

    return requests.post(url, json=body, headers=dict(headers), timeout=timeout).status_code


class ProgressClient:
    """Send events to ``POST {KOMPETENSI_URL}/api/me/events`` with the hub API token.

    Arguments default to the environment: ``KOMPETENSI_URL``, ``JUPYTERHUB_API_TOKEN``
    and ``BELAJAR_OUTBOX`` (else ``~/.belajar/outbox.jsonl``).
    """

    def __init__(self, base_url=None, token=None, outbox_path=None,
                 transport: Transport | None = None, timeout: float = TIMEOUT_S,
                 max_batch: int = MAX_BATCH):
        env = os.environ
        base_url = env.get("KOMPETENSI_URL", "") if base_url is None else base_url
        self.base_url = base_url.rstrip("/")
        self.token = env.get("JUPYTERHUB_API_TOKEN", "") if token is None else token
        self.outbox = Outbox(outbox_path or env.get("BELAJAR_OUTBOX") or DEFAULT_OUTBOX)
        self.timeout = timeout
        self.max_batch = max_batch
        self._transport = transport or requests_transport

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.token)

    def send(self, event: dict) -> bool:
        """Store ``event`` in the outbox, then try to deliver; True if all was delivered."""
        validate_event(event)
        try:
            self.outbox.append(event)
        except OSError as exc:
            log.warning("could not write the outbox %s: %s", self.outbox.path, exc)
            return self._post([event]) == "delivered"
        return self.flush()

    def pending(self) -> list[dict]:
        try:
            return self.outbox.read()
        except OSError as exc:
            log.warning("could not read the outbox %s: %s", self.outbox.path, exc)
            return []

    def flush(self) -> bool:
        """Deliver all pending events; True if all were accepted. Never raises.

        A pending line that is not a valid event (an outbox edited by hand, or written by
        another version) is dropped here with a warning: the service refuses a whole batch
        with a malformed event, which would drop the good events with it."""
        events = self._drop_invalid(self.pending())
        if not events:
            return True
        if not self.configured:
            return False
        all_delivered = True
        for start in range(0, len(events), self.max_batch):
            batch = events[start:start + self.max_batch]
            outcome = self._post(batch)
            if outcome == "retry":
                return False
            if outcome == "rejected":
                all_delivered = False
            try:
                self.outbox.remove(e.get("event_id") for e in batch)
            except OSError as exc:
                log.warning("could not update the outbox %s: %s", self.outbox.path, exc)
                return False
        return all_delivered

    def _drop_invalid(self, events: list[dict]) -> list[dict]:
        valid, invalid = [], []
        for event in events:
            try:
                validate_event(event)
            except ValueError as exc:
                invalid.append(event)
                log.warning("dropping an invalid event from the outbox: %s", exc)
            else:
                valid.append(event)
        if invalid:
            try:
                self.outbox.remove(e["event_id"] for e in invalid
                                   if isinstance(e.get("event_id"), str))
            except (OSError, TypeError) as exc:
                log.warning("could not update the outbox %s: %s", self.outbox.path, exc)
        return valid

    def _post(self, batch: list[dict]) -> str:
        if not self.configured:
            return "retry"
        url = self.base_url + EVENTS_PATH
        headers = {"Authorization": f"token {self.token}"}
        try:
            status = self._transport(url, headers, {"events": batch}, self.timeout)
        except Exception as exc:  # any transport failure means "try again later"
            log.info("progress service unreachable (%s): %d event(s) kept", exc, len(batch))
            return "retry"
        if 200 <= status < 300:
            return "delivered"
        if 400 <= status < 500 and status not in RETRYABLE_4XX:
            log.warning("progress service rejected %d event(s) with HTTP %d: dropped",
                        len(batch), status)
            return "rejected"
        log.info("progress service answered HTTP %d: %d event(s) kept", status, len(batch))
        return "retry"


_default_client = None


def default_client() -> ProgressClient:
    """The process-wide client, created on first use from the environment."""
    global _default_client
    if _default_client is None:
        _default_client = ProgressClient()
    return _default_client
