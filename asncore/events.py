"""Build and validate the learning events sent to the competency service.

An event never names the learner: the service identifies the user from the API token.
"""

import math
import uuid
from datetime import datetime, timezone

KINDS = ("exercise", "lesson")
FIELDS = ("event_id", "kind", "module", "lesson", "exercise", "score", "duration_s", "client_ts")


def make_event(kind, module, lesson, exercise=None, score=0.0, duration_s=0.0, now=None) -> dict:
    """Return a new event dict with a fresh ``event_id`` and a UTC ``client_ts``."""
    now = now or datetime.now(timezone.utc)
    event = {
        "event_id": uuid.uuid4().hex,
        "kind": kind,
        "module": module,
        "lesson": lesson,
        "exercise": exercise,
        "score": float(score),
        "duration_s": round(float(duration_s), 1),
        "client_ts": now.astimezone(timezone.utc).isoformat(timespec="milliseconds"),
    }
    validate_event(event)
    return event


def validate_event(event) -> None:
    """Raise ValueError if ``event`` does not have the agreed shape."""
    if not isinstance(event, dict) or set(event) != set(FIELDS):
        raise ValueError(f"an event must have exactly the keys {FIELDS}, got {sorted(event)}")
    if event["kind"] not in KINDS:
        raise ValueError(f"event kind must be one of {KINDS}, got {event['kind']!r}")
    for key in ("event_id", "module", "lesson"):
        if not isinstance(event[key], str) or not event[key]:
            raise ValueError(f"event {key} must be a non-empty string")
    exercise = event["exercise"]
    if event["kind"] == "exercise" and not (isinstance(exercise, str) and exercise):
        raise ValueError("an exercise event needs an exercise id")
    if event["kind"] == "lesson" and event["exercise"] is not None:
        raise ValueError("a lesson event has exercise None")
    score = event["score"]
    if not isinstance(score, (int, float)) or math.isnan(score) or not 0.0 <= score <= 1.0:
        raise ValueError(f"event score must be in [0, 1], got {score!r}")
    duration = event["duration_s"]
    if not isinstance(duration, (int, float)) or math.isnan(duration) or duration < 0:
        raise ValueError(f"event duration_s must be >= 0, got {duration!r}")
    if not isinstance(event["client_ts"], str):
        raise ValueError("event client_ts must be an ISO-8601 string")
