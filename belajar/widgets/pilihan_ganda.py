"""Multiple choice with one right answer and an explanation for every option."""

import ipywidgets as widgets

from belajar.widgets import _html
from belajar.widgets.base import Incomplete, Latihan, require_text, require_texts


class PilihanGanda(Latihan):
    """One question, several options, exactly one correct.

    ``correct`` is the 0-based index of the right option; ``explanations[i]`` says why
    option ``i`` is right or wrong and is shown when the learner picks it. Score 1 or 0.
    The right option is not revealed after a wrong answer, so a retry still teaches.
    """

    def __init__(self, exercise_id, question, options, correct, explanations, **kwargs):
        super().__init__(exercise_id, **kwargs)
        self.question = require_text(self, question, "question")
        self.options = require_texts(self, options, "options", minimum=2)
        self.explanations = require_texts(self, explanations, "explanations", unique=False)
        if len(self.explanations) != len(self.options):
            self._fail(f"explanations berisi {len(self.explanations)} butir, padahal options "
                       f"berisi {len(self.options)}: beri satu penjelasan untuk setiap pilihan.")
        if isinstance(correct, bool) or not isinstance(correct, int) \
                or not 0 <= correct < len(self.options):
            self._fail(f"correct={correct!r} di luar rentang: harus nomor pilihan "
                       f"0 sampai {len(self.options) - 1} (dihitung dari 0).")
        self.correct = correct
        self.choice = widgets.RadioButtons(
            options=[(text, i) for i, text in enumerate(self.options)], value=None,
            layout=widgets.Layout(width="auto"),
        )
        self._assemble(widgets.HTML(_html.paragraph(self.question)), self.choice)

    def evaluate(self):
        chosen = self.choice.value
        if chosen is None:
            raise Incomplete("Silakan pilih salah satu jawaban terlebih dahulu, lalu klik Periksa.")
        explanation = _html.paragraph(self.explanations[chosen])
        if chosen == self.correct:
            return 1.0, _html.box("ok", "Tepat sekali!", explanation)
        return 0.0, _html.box(
            "wrong", "Belum tepat.",
            _html.paragraph(f"Anda memilih: {self.options[chosen]}"),
            explanation,
            _html.paragraph("Silakan pertimbangkan penjelasan di atas dan coba lagi."),
        )
