"""Put items in the right order."""

import random

import ipywidgets as widgets

from belajar.widgets import _html
from belajar.widgets.base import Incomplete, Latihan, require_text, require_texts


def pairwise_order_score(order, correct) -> float:
    """Fraction of item pairs whose relative order matches ``correct`` (Kendall-based).

    1.0 for the right order, 0.0 for the reverse; an order shifted by one place keeps
    most pairs right, unlike counting items in the exact position.
    """
    rank = {item: i for i, item in enumerate(correct)}
    ranks = [rank[item] for item in order]
    pairs = len(ranks) * (len(ranks) - 1) // 2
    concordant = sum(1 for i in range(len(ranks)) for j in range(i + 1, len(ranks))
                     if ranks[i] < ranks[j])
    return concordant / pairs


class Urutkan(Latihan):
    """``items`` are given in the correct order and shown shuffled (``seed`` fixes it).

    Each position has a Dropdown; choosing an item that sits elsewhere swaps the two,
    so the answer is always a complete order. Score: ``pairwise_order_score`` (fraction
    of pairs in the right relative order). ``explanations[i]`` says why ``items[i]``
    belongs where it does; all are shown after a check.
    """

    def __init__(self, exercise_id, question, items, explanations=None, *, seed=0, **kwargs):
        super().__init__(exercise_id, **kwargs)
        self.question = require_text(self, question, "question")
        self.items = require_texts(self, items, "items", minimum=2)
        if explanations is None:
            self.explanations = None
        else:
            self.explanations = require_texts(self, explanations, "explanations", unique=False)
            if len(self.explanations) != len(self.items):
                self._fail(f"explanations berisi {len(self.explanations)} butir, padahal items "
                           f"berisi {len(self.items)}: beri satu penjelasan untuk setiap item.")
        self.shuffled = self._shuffle(seed)
        self.positions = [
            widgets.Dropdown(options=self.shuffled, value=item, description=f"{i + 1}.",
                             layout=widgets.Layout(width="auto"),
                             style={"description_width": "2.5em"})
            for i, item in enumerate(self.shuffled)
        ]
        self._swapping = False
        for position, dropdown in enumerate(self.positions):
            dropdown.observe(lambda change, p=position: self._swap(p, change), names="value")
        self._assemble(
            widgets.HTML(_html.paragraph(self.question)),
            widgets.HTML(_html.paragraph("Pilih item untuk setiap urutan. Memilih item yang "
                                         "sudah ada di urutan lain akan menukar keduanya.")),
            *self.positions,
        )

    def _shuffle(self, seed) -> list[str]:
        shuffled = list(self.items)
        random.Random(seed).shuffle(shuffled)
        if shuffled == self.items:  # never start with the answer
            shuffled = shuffled[1:] + shuffled[:1]
        return shuffled

    def _swap(self, position, change):
        if self._swapping or change["new"] is None:
            return
        for other, dropdown in enumerate(self.positions):
            if other != position and dropdown.value == change["new"]:
                self._swapping = True
                try:
                    dropdown.value = change["old"]
                finally:
                    self._swapping = False
                return

    @property
    def order(self) -> list:
        return [dropdown.value for dropdown in self.positions]

    def evaluate(self):
        order = self.order
        if None in order or len(set(order)) != len(self.items):
            raise Incomplete("Setiap urutan harus berisi satu item yang berbeda. "
                             "Silakan lengkapi urutannya, lalu klik Periksa.")
        score = pairwise_order_score(order, self.items)
        in_place = sum(a == b for a, b in zip(order, self.items))
        lines = []
        for position, item in enumerate(order):
            right = item == self.items[position]
            line = f"{'✓' if right else '✗'} {position + 1}. {_html.esc(item)}"
            if not right:
                line += " (belum di posisi yang tepat)"
            if self.explanations:
                line += f"<br><i>{_html.esc(self.explanations[self.items.index(item)])}</i>"
            lines.append(line)
        heading = ("Urutan Anda sudah tepat!" if score == 1
                   else "Urutan Anda belum sepenuhnya tepat.")
        summary = (f"{in_place} dari {len(self.items)} item berada di posisi yang tepat; "
                   f"skor urutan {_html.percent(score)} (bagian pasangan item yang "
                   "urutannya sudah benar).")
        return score, _html.box(_html.kind_for(score), heading, _html.paragraph(summary),
                                _html.bullet_list(lines))
