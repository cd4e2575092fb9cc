"""The shared shape of an exercise: a body, a "Periksa" button and a feedback pane.

A subclass builds its input widgets, calls ``_assemble(...)`` and implements
``evaluate() -> (score, feedback_html)``; it raises ``Incomplete`` when the answer cannot
be checked yet. On every successful check the exercise stores ``score`` and
``best_score`` and calls ``on_result(exercise, score, duration_s)`` (the lesson).
"""

import logging
import re
import time

import ipywidgets as widgets

from belajar.widgets import _html

log = logging.getLogger(__name__)

EXERCISE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class Incomplete(Exception):
    """The answer cannot be checked yet; the message tells the learner what to do."""


class Latihan:
    """Base class of all exercise widgets. Display it as a cell's value."""

    check_label = "Periksa"

    def __init__(self, exercise_id, *, title="", on_result=None, clock=time.monotonic):
        if not isinstance(exercise_id, str) or not EXERCISE_ID.match(exercise_id):
            raise ValueError(
                f"exercise_id {exercise_id!r} tidak valid: gunakan huruf, angka, '.', '_' "
                "atau '-' (maksimal 64 karakter), misalnya 'latihan-1'."
            )
        self.exercise_id = exercise_id
        self.title = title
        self.score = None
        self.best_score = None
        self.attempts = 0
        self._on_result = on_result
        self._clock = clock
        self._started = clock()
        self._shown = False
        self.feedback = widgets.HTML()
        self.button = widgets.Button(description=self.check_label, button_style="primary",
                                     icon="check", tooltip="Periksa jawaban Anda")
        self.button.on_click(self._check)
        self.widget = None

    def _fail(self, message: str):
        """Raise a ValueError that names this exercise."""
        raise ValueError(f"{type(self).__name__} '{self.exercise_id}': {message}")

    def _assemble(self, *children):
        header = [widgets.HTML(_html.title(self.title))] if self.title else []
        self.widget = widgets.VBox([*header, *children, self.button, self.feedback])
        self.widget.add_class("belajar-latihan")

    def _repr_mimebundle_(self, **kwargs):
        if not self._shown:
            self._shown = True
            self._started = self._clock()
        return self.widget._repr_mimebundle_(**kwargs)

    def elapsed(self) -> float:
        return max(0.0, self._clock() - self._started)

    def evaluate(self) -> tuple[float, str]:
        raise NotImplementedError

    def _check(self, _button=None):
        try:
            score, feedback_html = self.evaluate()
        except Incomplete as exc:
            self.feedback.value = _html.notice(str(exc))
            return
        self._complete(score, feedback_html)

    def _complete(self, score: float, feedback_html: str):
        self.score = score
        self.best_score = score if self.best_score is None else max(self.best_score, score)
        self.attempts += 1
        self.feedback.value = feedback_html
        if self._on_result is not None:
            try:
                self._on_result(self, score, self.elapsed())
            except Exception:  # progress must never break the exercise
                log.exception("recording the result of %s failed", self.exercise_id)


def require_text(owner: Latihan, value, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        owner._fail(f"{name} harus berupa teks yang tidak kosong.")
    return value


def require_texts(owner: Latihan, values, name: str, minimum: int = 1, unique=True) -> list[str]:
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        owner._fail(f"{name} harus berupa daftar teks.")
    values = list(values)
    if len(values) < minimum:
        owner._fail(f"{name} harus berisi minimal {minimum} butir, ada {len(values)}.")
    for i, value in enumerate(values):
        require_text(owner, value, f"{name}[{i}]")
    if unique:
        seen = set()
        for value in values:
            if value in seen:
                owner._fail(f"{name} berisi butir ganda: {value!r}. Setiap butir harus berbeda.")
            seen.add(value)
    return values


def require_keys(owner: Latihan, mapping, name: str, required, optional=()) -> dict:
    if not isinstance(mapping, dict):
        owner._fail(f"{name} harus berupa dict dengan kunci {sorted(required)}.")
    missing = [k for k in required if k not in mapping]
    if missing:
        owner._fail(f"{name} tidak memiliki kunci {missing}.")
    unknown = sorted(set(mapping) - set(required) - set(optional))
    if unknown:
        owner._fail(f"{name} memiliki kunci yang tidak dikenal {unknown}; "
                    f"kunci yang boleh: {sorted(set(required) | set(optional))}.")
    return mapping


def require_score(owner: Latihan, value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        owner._fail(f"{name} harus berupa angka antara 0 dan 1, bukan {value!r}.")
    return float(value)
