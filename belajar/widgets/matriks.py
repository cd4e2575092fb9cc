"""Place items into categories, e.g. the quadrants of the Eisenhower matrix."""

import ipywidgets as widgets

from belajar.widgets import _html
from belajar.widgets.base import (Incomplete, Latihan, require_keys, require_text,
                                  require_texts)


class Matriks(Latihan):
    """``items`` is a list of ``{"text": str, "answer": category, "explanation": str}``.

    One Dropdown per item; score = fraction of items in their right category. Every
    item's explanation is shown after a check, with the learner's placement.
    """

    def __init__(self, exercise_id, question, categories, items, **kwargs):
        super().__init__(exercise_id, **kwargs)
        self.question = require_text(self, question, "question")
        self.categories = require_texts(self, categories, "categories", minimum=2)
        if not isinstance(items, (list, tuple)) or not items:
            self._fail("items harus berupa daftar yang tidak kosong.")
        for i, item in enumerate(items):
            require_keys(self, item, f"items[{i}]", ("text", "answer", "explanation"))
            require_text(self, item["explanation"], f"items[{i}]['explanation']")
            if item["answer"] not in self.categories:
                self._fail(f"items[{i}]['answer']={item['answer']!r} bukan salah satu "
                           f"categories {self.categories}.")
        require_texts(self, [item["text"] for item in items], "teks items")
        self.items = [dict(item) for item in items]
        self.placements = [
            widgets.Dropdown(options=self.categories, value=None,
                             layout=widgets.Layout(width="auto"))
            for _ in self.items
        ]
        rows = [
            widgets.HBox([widgets.HTML(f"{i + 1}. {_html.esc(item['text'])}",
                                       layout=widgets.Layout(width="55%")), dropdown])
            for i, (item, dropdown) in enumerate(zip(self.items, self.placements))
        ]
        self._assemble(widgets.HTML(_html.paragraph(self.question)), *rows)

    def evaluate(self):
        missing = [str(i + 1) for i, d in enumerate(self.placements) if d.value is None]
        if missing:
            raise Incomplete("Masih ada item yang belum ditempatkan (nomor "
                             f"{', '.join(missing)}). Silakan pilih kategorinya, "
                             "lalu klik Periksa.")
        right = 0
        lines = []
        for i, (item, dropdown) in enumerate(zip(self.items, self.placements)):
            ok = dropdown.value == item["answer"]
            right += ok
            placed = "" if ok else f" (Anda menempatkan di: {_html.esc(dropdown.value)})"
            lines.append(f"{'✓' if ok else '✗'} {i + 1}. {_html.esc(item['text'])}{placed}"
                         f"<br><i>{_html.esc(item['explanation'])}</i>")
        score = right / len(self.items)
        heading = ("Semua item sudah ditempatkan dengan tepat!" if score == 1
                   else f"{right} dari {len(self.items)} item sudah ditempatkan dengan tepat.")
        return score, _html.box(_html.kind_for(score), heading, _html.bullet_list(lines),
                                _html.paragraph(f"Skor: {_html.percent(score)}."))
