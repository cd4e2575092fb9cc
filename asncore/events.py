"""Build and validate the learning events sent to the competency service, and read which
exercises a lesson declares.

An event never names the learner: the service identifies the user from the API token.
Nothing in an event is evidence of time: the service stamps each event with its own clock
when it arrives; ``duration_s`` and ``client_ts`` are the client's word, kept for display.

Which exercises a lesson has is read from its notebook (:func:`declared_exercises`): every
call ``<lesson>.<method>("<exercise-id>", ...)`` with ``<method>`` one of
:data:`EXERCISE_METHODS` (the exercise constructors of ``belajar.Pelajaran``) in a code
cell. Lessons write the id as a literal string (``courses/README.md``); a call whose id is
not a literal is reported, so the module checker and the service can refuse it.
"""

import ast
import math
import re
import uuid
from datetime import datetime, timezone

KINDS = ("exercise", "lesson")
FIELDS = ("event_id", "kind", "module", "lesson", "exercise", "score", "duration_s", "client_ts")

# The methods of belajar.Pelajaran that create an exercise (tests/security/test_jp_rules.py
# checks this list against the class).
EXERCISE_METHODS = ("pilihan_ganda", "skenario", "urutkan", "matriks", "isian_bebas",
                    "cek_mandiri")

EVENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
EXERCISE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_ID_LENGTH = 64
MAX_CLIENT_TS_LENGTH = 40
MAX_DURATION_S = 366 * 24 * 3600.0


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
        "duration_s": round(min(float(duration_s), MAX_DURATION_S), 1),
        "client_ts": now.astimezone(timezone.utc).isoformat(timespec="milliseconds"),
    }
    validate_event(event)
    return event


def _number(value) -> bool:
    """A finite JSON number (``bool`` is not one)."""
    return type(value) in (int, float) and math.isfinite(value)


def _matches(pattern: re.Pattern, value) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def validate_event(event) -> None:
    """Raise ValueError if ``event`` does not have the agreed shape; never anything else,
    whatever ``event`` is."""
    if not isinstance(event, dict):
        raise ValueError(f"an event must be an object with exactly the keys {FIELDS}, "
                         f"got {type(event).__name__}")
    if set(event) != set(FIELDS):
        keys = sorted(str(k)[:40] for k in event)[:20]
        raise ValueError(f"an event must have exactly the keys {FIELDS}, got {keys}")
    if event["kind"] not in KINDS:
        raise ValueError(f"event kind must be one of {KINDS}")
    if not _matches(EVENT_ID, event["event_id"]):
        raise ValueError("event event_id must be 1-64 letters, digits, '.', '_' or '-'")
    for key in ("module", "lesson"):
        if not (_matches(SLUG, event[key]) and len(event[key]) <= MAX_ID_LENGTH):
            raise ValueError(f"event {key} must be an id of lowercase letters, digits and '-' "
                             f"(at most {MAX_ID_LENGTH})")
    exercise = event["exercise"]
    if event["kind"] == "exercise" and not _matches(EXERCISE_ID, exercise):
        raise ValueError("an exercise event needs an exercise id (letters, digits, '.', '_', "
                         "'-', at most 64)")
    if event["kind"] == "lesson" and exercise is not None:
        raise ValueError("a lesson event has exercise None")
    score = event["score"]
    if not (_number(score) and 0.0 <= score <= 1.0):
        raise ValueError("event score must be a number in [0, 1]")
    duration = event["duration_s"]
    if not (_number(duration) and 0.0 <= duration <= MAX_DURATION_S):
        raise ValueError(f"event duration_s must be a number in [0, {MAX_DURATION_S:.0f}]")
    client_ts = event["client_ts"]
    if not (isinstance(client_ts, str) and len(client_ts) <= MAX_CLIENT_TS_LENGTH):
        raise ValueError("event client_ts must be an ISO-8601 string")
    try:
        datetime.fromisoformat(client_ts)
    except ValueError:
        raise ValueError("event client_ts must be an ISO-8601 string") from None


def _without_magics(source: str) -> str:
    """A code cell's source with IPython's ``%``/``!`` lines blanked (kept line numbers)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def declared_exercises(sources) -> tuple[list[str], list[str]]:
    """The exercise ids created in a lesson's code cells, in order, and the problems found
    (a cell that does not parse, an id that is not a literal string).

    ``sources``: the source text of each code cell."""
    ids: list[str] = []
    problems: list[str] = []
    for number, source in enumerate(sources, start=1):
        try:
            tree = ast.parse(_without_magics(source))
        except SyntaxError as exc:
            problems.append(f"sel kode ke-{number}: tidak dapat dibaca ({exc.msg})")
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in EXERCISE_METHODS):
                continue
            arg = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "exercise_id"), None)
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                problems.append(f"sel kode ke-{number}: {node.func.attr}(...) harus diberi id "
                                "latihan berupa teks tetap, misalnya \"latihan-1\"")
            elif arg.value not in ids:  # re-creating an exercise replaces it (belajar.lesson)
                ids.append(arg.value)
    return ids, problems
