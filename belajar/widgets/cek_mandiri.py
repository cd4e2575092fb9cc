"""A self-check at the end of a lesson: "Saya mampu ..." statements rated 1 to 4."""

import ipywidgets as widgets

from belajar.widgets import _html
from belajar.widgets.base import Incomplete, Latihan, require_keys, require_text

SCALE = (
    (1, "Belum mampu"),
    (2, "Mampu dengan bantuan"),
    (3, "Mampu"),
    (4, "Sangat mampu"),
)


class CekMandiri(Latihan):
    """``statements`` are strings or ``{"text": str, "revisit": str}``, where ``revisit``
    names the lesson to study again when the item is rated low (``<= low_threshold``).

    Score = mean of (rating - 1) / 3, so all "1" gives 0 and all "4" gives 1.
    """

    def __init__(self, exercise_id, statements, *, low_threshold=2, **kwargs):
        kwargs.setdefault("title", "Cek mandiri")
        super().__init__(exercise_id, **kwargs)
        if not isinstance(statements, (list, tuple)) or not statements:
            self._fail("statements harus berupa daftar yang tidak kosong.")
        self.statements = []
        for i, statement in enumerate(statements):
            if isinstance(statement, str):
                statement = {"text": statement}
            require_keys(self, statement, f"statements[{i}]", ("text",), ("revisit",))
            require_text(self, statement["text"], f"statements[{i}]['text']")
            if "revisit" in statement:
                require_text(self, statement["revisit"], f"statements[{i}]['revisit']")
            if any(s["text"] == statement["text"] for s in self.statements):
                self._fail(f"statements berisi pernyataan ganda: {statement['text']!r}.")
            self.statements.append(dict(statement))
        if low_threshold not in (1, 2, 3):
            self._fail(f"low_threshold harus 1, 2 atau 3, bukan {low_threshold!r}.")
        self.low_threshold = low_threshold
        self.ratings = [
            widgets.ToggleButtons(options=[(f"{v} · {label}", v) for v, label in SCALE],
                                  value=None, style={"button_width": "auto"})
            for _ in self.statements
        ]
        rows = []
        for i, (statement, rating) in enumerate(zip(self.statements, self.ratings)):
            rows += [widgets.HTML(f"<b>{i + 1}.</b> {_html.esc(statement['text'])}"), rating]
        self._assemble(
            widgets.HTML(_html.paragraph("Nilailah diri Anda dengan jujur untuk setiap "
                                         "pernyataan. Tidak ada jawaban benar atau salah.")),
            *rows,
        )

    def evaluate(self):
        missing = [str(i + 1) for i, r in enumerate(self.ratings) if r.value is None]
        if missing:
            raise Incomplete(f"Silakan beri nilai untuk pernyataan nomor {', '.join(missing)}, "
                             "lalu klik Periksa.")
        values = [r.value for r in self.ratings]
        score = sum((v - 1) / 3 for v in values) / len(values)
        labels = dict(SCALE)
        low = []
        for statement, value in zip(self.statements, values):
            if value <= self.low_threshold:
                line = (f"<b>{_html.esc(statement['text'])}</b>: Anda menilai {value} "
                        f"({labels[value]}).")
                if "revisit" in statement:
                    revisit = _html.esc(statement["revisit"])
                    line += f" Kami sarankan mempelajari kembali: {revisit}."
                low.append(line)
        if low:
            return score, _html.box(
                "partial", "Terima kasih atas penilaian jujur Anda.",
                _html.paragraph("Bagian berikut masih perlu diperkuat:"),
                _html.bullet_list(low),
                _html.paragraph(f"Skor cek mandiri: {_html.percent(score)}. Anda dapat "
                                "mengisi ulang setelah mempelajarinya kembali."),
            )
        return score, _html.box(
            "ok", "Bagus! Anda merasa sudah mampu di semua pernyataan.",
            _html.paragraph(f"Skor cek mandiri: {_html.percent(score)}. Terapkan kemampuan ini "
                            "dalam pelayanan sehari-hari."),
        )
