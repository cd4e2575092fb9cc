"""A short written answer, checked against a list of criteria and a self-assessment."""

import re

import ipywidgets as widgets

from belajar.widgets import _html
from belajar.widgets.base import (Incomplete, Latihan, require_keys, require_text,
                                  require_texts)


class IsianBebas(Latihan):
    """``criteria`` is a list of ``{"label": str, "keywords": [str], "patterns": [regex],
    "hint": str}``; ``keywords`` and ``patterns`` are optional but one must be given.

    A criterion appears met when any keyword occurs (case-insensitive, also inside a
    longer word: "maaf" matches "memaafkan") or any regex matches (case-insensitive).
    Score = fraction of criteria that appear met. The learner also ticks which
    criteria they think they met; the feedback points out where the two differ. The
    self-assessment does not change the score. Answers shorter than ``min_chars``
    (ignoring surrounding spaces) are not checked.
    """

    def __init__(self, exercise_id, prompt, criteria, *, min_chars=40,
                 placeholder="Tuliskan jawaban Anda di sini…", **kwargs):
        super().__init__(exercise_id, **kwargs)
        self.prompt = require_text(self, prompt, "prompt")
        if isinstance(min_chars, bool) or not isinstance(min_chars, int) or min_chars < 0:
            self._fail(f"min_chars harus bilangan bulat >= 0, bukan {min_chars!r}.")
        self.min_chars = min_chars
        if not isinstance(criteria, (list, tuple)) or not criteria:
            self._fail("criteria harus berupa daftar yang tidak kosong.")
        self.criteria = []
        self._matchers = []
        for i, criterion in enumerate(criteria):
            self.criteria.append(self._validated(i, criterion))
            self._matchers.append(self._compile(i, criterion))
        require_texts(self, [c["label"] for c in self.criteria], "label criteria")
        self.text = widgets.Textarea(placeholder=placeholder,
                                     layout=widgets.Layout(width="100%", height="8em"))
        self.self_checks = [widgets.Checkbox(description=c["label"], value=False, indent=False)
                            for c in self.criteria]
        self._assemble(
            widgets.HTML(_html.paragraph(self.prompt)),
            self.text,
            widgets.HTML(_html.paragraph("Centang kriteria yang menurut Anda sudah terpenuhi "
                                         "dalam jawaban Anda:")),
            *self.self_checks,
        )

    def _validated(self, i, criterion) -> dict:
        name = f"criteria[{i}]"
        require_keys(self, criterion, name, ("label", "hint"), ("keywords", "patterns"))
        require_text(self, criterion["label"], f"{name}['label']")
        require_text(self, criterion["hint"], f"{name}['hint']")
        if not criterion.get("keywords") and not criterion.get("patterns"):
            self._fail(f"{name} membutuhkan 'keywords' atau 'patterns' agar dapat diperiksa.")
        for key in ("keywords", "patterns"):
            if key in criterion:
                require_texts(self, criterion[key], f"{name}['{key}']", unique=False)
        return dict(criterion)

    def _compile(self, i, criterion) -> list[re.Pattern]:
        matchers = [re.compile(re.escape(k), re.IGNORECASE) for k in criterion.get("keywords", [])]
        for pattern in criterion.get("patterns", []):
            try:
                matchers.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                self._fail(f"criteria[{i}]['patterns'] berisi regex tidak valid "
                           f"{pattern!r}: {exc}.")
        return matchers

    def criteria_met(self, text: str) -> list[bool]:
        return [any(m.search(text) for m in matchers) for matchers in self._matchers]

    def evaluate(self):
        text = self.text.value.strip()
        if len(text) < self.min_chars:
            raise Incomplete(
                f"Jawaban Anda baru {len(text)} karakter. Tuliskan minimal {self.min_chars} "
                "karakter (sekitar satu atau dua kalimat) agar dapat diperiksa.")
        met = self.criteria_met(text)
        lines = []
        for criterion, found, box in zip(self.criteria, met, self.self_checks):
            label = _html.esc(criterion["label"])
            if found:
                line = f"✓ <b>{label}</b>: tampak sudah terpenuhi."
                if not box.value:
                    line += " Anda belum mencentangnya, padahal jawaban Anda sudah memuatnya."
            else:
                line = f"✗ <b>{label}</b>: belum tampak. {_html.esc(criterion['hint'])}"
                if box.value:
                    line += (" Anda mencentang kriteria ini, tetapi kami belum menemukannya; "
                             "coba tuliskan secara lebih jelas.")
            lines.append(line)
        score = sum(met) / len(met)
        heading = ("Semua kriteria tampak terpenuhi!" if score == 1
                   else f"{sum(met)} dari {len(met)} kriteria tampak terpenuhi.")
        return score, _html.box(
            _html.kind_for(score), heading, _html.bullet_list(lines),
            _html.paragraph(f"Skor: {_html.percent(score)}. Pemeriksaan otomatis ini hanya "
                            "mencari kata kunci, jadi hasilnya perkiraan. Anda boleh "
                            "memperbaiki jawaban dan memeriksanya lagi."),
        )
