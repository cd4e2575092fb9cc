"""The lesson context a notebook creates once: it builds exercises and reports progress.

    from belajar import Pelajaran
    p = Pelajaran("komunikasi-pelayanan", "01-mendengar-aktif")
    p.pilihan_ganda("sikap-awal", question=..., options=[...], correct=1, explanations=[...])
    ...
    p.selesai()

Event rule: an exercise event is sent the first time an exercise is checked, and again
only when a later check beats the best score so far (the service keeps the best score).
A lower or equal retry sends nothing. The same rule applies to the lesson event sent by
the "Tandai pelajaran selesai" button. Re-running a cell that creates an exercise with
an id already used in this lesson replaces the widget but keeps its best score.

What the service counts towards the module's JP is its own record, never this object's
word: an exercise event for every exercise the published notebook declares (so exercise
ids are literal strings), the time between the first and last events it received, and the
post-test (``services/kompetensi/progress.py``). ``duration_s`` is informative only.
"""

import logging
import re
import time

from asncore.events import make_event
from belajar.widgets import (CekMandiri, IsianBebas, Matriks, PilihanGanda, Skenario,
                             TandaSelesai, Urutkan)
from belajar.widgets.survei_reaksi import survei_akhir_modul

log = logging.getLogger(__name__)

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Pelajaran:
    """One lesson of one module. ``client`` needs ``send(event) -> bool``; by default the
    process-wide ``belajar.progress.default_client()``, created on first send."""

    def __init__(self, module: str, lesson: str, client=None, *, clock=time.monotonic):
        for name, value in (("module", module), ("lesson", lesson)):
            if not isinstance(value, str) or not SLUG.match(value):
                raise ValueError(f"{name}={value!r} tidak valid: gunakan huruf kecil, angka "
                                 "dan '-', sama dengan id di module.yaml.")
        self.module = module
        self.lesson = lesson
        self._client = client
        self._clock = clock
        self._started = clock()
        self.exercises = {}
        self.best_scores = {}
        self._lesson_score_sent = None

    @property
    def client(self):
        if self._client is None:
            from belajar.progress import default_client

            self._client = default_client()
        return self._client

    def _add(self, cls, args, kwargs):
        exercise = cls(*args, on_result=self._record, clock=self._clock, **kwargs)
        self.exercises[exercise.exercise_id] = exercise
        return exercise

    def pilihan_ganda(self, *args, **kwargs) -> PilihanGanda:
        """A multiple-choice question; arguments as ``PilihanGanda``."""
        return self._add(PilihanGanda, args, kwargs)

    def skenario(self, *args, **kwargs) -> Skenario:
        """A branching scenario; arguments as ``Skenario``."""
        return self._add(Skenario, args, kwargs)

    def urutkan(self, *args, **kwargs) -> Urutkan:
        """An ordering exercise; arguments as ``Urutkan``."""
        return self._add(Urutkan, args, kwargs)

    def matriks(self, *args, **kwargs) -> Matriks:
        """A placement-into-categories exercise; arguments as ``Matriks``."""
        return self._add(Matriks, args, kwargs)

    def isian_bebas(self, *args, **kwargs) -> IsianBebas:
        """A short written answer checked against criteria; arguments as ``IsianBebas``."""
        return self._add(IsianBebas, args, kwargs)

    def cek_mandiri(self, *args, **kwargs) -> CekMandiri:
        """A 1-4 self-rating of "Saya mampu ..." statements; arguments as ``CekMandiri``."""
        return self._add(CekMandiri, args, kwargs)

    def selesai(self) -> TandaSelesai:
        """The "Tandai pelajaran selesai" button for the end of the notebook; in the last
        lesson of its module, the reaction survey below it (``survei_reaksi``)."""
        done = TandaSelesai(self.complete)
        survey = survei_akhir_modul(self)
        if survey is not None:
            done.widget.children += (survey.widget,)
        return done

    def score(self) -> float:
        """Mean best score over every exercise created in this lesson; unchecked ones count
        0, and a lesson without exercises scores 0."""
        if not self.exercises:
            return 0.0
        return sum(self.best_scores.get(i, 0.0) for i in self.exercises) / len(self.exercises)

    def complete(self):
        """Send the lesson event (first time, or when the score improved).

        Returns ``(score, exercises_done, exercises_total, delivered)``."""
        score = self.score()
        done = sum(1 for i in self.exercises if i in self.best_scores)
        if self._lesson_score_sent is not None and score <= self._lesson_score_sent:
            delivered = self._flush()
        else:
            self._lesson_score_sent = score
            delivered = self._send("lesson", None, score, self._clock() - self._started)
        return score, done, len(self.exercises), delivered

    def _record(self, exercise, score: float, duration_s: float) -> None:
        best = self.best_scores.get(exercise.exercise_id)
        if best is not None and score <= best:
            return
        self.best_scores[exercise.exercise_id] = score
        self._send("exercise", exercise.exercise_id, score, duration_s)

    def _send(self, kind, exercise, score, duration_s) -> bool:
        event = make_event(kind, self.module, self.lesson, exercise, score, max(0.0, duration_s))
        try:
            return bool(self.client.send(event))
        except Exception:  # a broken client must not break the notebook
            log.exception("sending a progress event failed")
            return False

    def _flush(self) -> bool:
        try:
            flush = getattr(self.client, "flush", None)
            return bool(flush()) if flush else True
        except Exception:
            log.exception("flushing progress events failed")
            return False
