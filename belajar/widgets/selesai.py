"""The "mark this lesson as done" button shown at the end of a lesson."""

import ipywidgets as widgets

from belajar.widgets import _html


class TandaSelesai:
    """Calls ``on_done()`` when clicked; it returns ``(score, done, total, delivered)``."""

    def __init__(self, on_done):
        self._on_done = on_done
        self.button = widgets.Button(description="Tandai pelajaran selesai",
                                     button_style="success", icon="flag-checkered",
                                     layout=widgets.Layout(width="auto"))
        self.feedback = widgets.HTML()
        self.button.on_click(self._click)
        self.widget = widgets.VBox([self.button, self.feedback])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _click(self, _button=None):
        score, done, total, delivered = self._on_done()
        parts = []
        if total:
            parts.append(_html.paragraph(
                f"Skor pelajaran: {_html.percent(score)} ({done} dari {total} latihan "
                "sudah dikerjakan)."))
            if done < total:
                parts.append(_html.paragraph(
                    "Latihan yang belum dikerjakan dihitung 0. Anda dapat mengerjakannya lalu "
                    "menekan tombol ini lagi untuk memperbarui skor."))
        parts.append(_html.paragraph(
            "Kemajuan Anda sudah tercatat." if delivered else
            "Kemajuan Anda tersimpan di komputer ini dan akan dikirim otomatis saat layanan "
            "tersedia. Anda tidak perlu melakukan apa pun."))
        self.feedback.value = _html.box("ok", "Terima kasih! Pelajaran ini telah ditandai selesai.",
                                        *parts)
