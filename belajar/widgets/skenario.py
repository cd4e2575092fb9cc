"""A branching scenario: situations, choices, and endings that carry a score."""

import ipywidgets as widgets

from belajar.widgets import _html
from belajar.widgets.base import (Latihan, require_keys, require_score, require_text,
                                  require_texts)


class Skenario(Latihan):
    """Walk a small graph of steps until an ending; the ending gives the score.

    ``steps`` maps a step id to ``{"situation": str, "choices": [choice, ...]}``; a
    choice is ``{"label": str, "next": step-or-ending id, "note": str (optional)}``.
    ``endings`` maps an ending id to ``{"score": 0..1, "explanation": str,
    "title": str (optional)}``. ``start`` defaults to the first step.

    Each click on "Periksa" takes the chosen action, shows its note and the next
    situation. At an ending the exercise is scored; "Ulangi skenario" starts over.
    Every step must be reachable and must lead to an ending; cycles are allowed.
    """

    def __init__(self, exercise_id, steps, endings, *, start=None, **kwargs):
        super().__init__(exercise_id, **kwargs)
        self.steps = self._validated_steps(steps)
        self.endings = self._validated_endings(endings)
        clash = sorted(set(self.steps) & set(self.endings))
        if clash:
            self._fail(f"id {clash} dipakai sebagai langkah dan sekaligus akhir; "
                       "gunakan id yang berbeda.")
        self.start = next(iter(self.steps)) if start is None else start
        if self.start not in self.steps:
            self._fail(f"start={self.start!r} bukan id langkah; yang ada: {list(self.steps)}.")
        self._check_graph()
        self.situation = widgets.HTML()
        self.choices = widgets.RadioButtons(options=[], value=None,
                                            layout=widgets.Layout(width="auto"))
        self.restart_button = widgets.Button(description="Ulangi skenario", icon="refresh",
                                             layout=widgets.Layout(display="none"))
        self.restart_button.on_click(self.restart)
        self._assemble(self.situation, self.choices)
        self.widget.children = (*self.widget.children, self.restart_button)
        self.restart()

    def _validated_steps(self, steps) -> dict:
        if not isinstance(steps, dict) or not steps:
            self._fail("steps harus berupa dict {id_langkah: langkah} yang tidak kosong.")
        for step_id, step in steps.items():
            require_text(self, step_id, "id langkah")
            require_keys(self, step, f"steps[{step_id!r}]", ("situation", "choices"))
            require_text(self, step["situation"], f"steps[{step_id!r}]['situation']")
            choices = step["choices"]
            if not isinstance(choices, list) or not choices:
                self._fail(f"steps[{step_id!r}]['choices'] harus berupa daftar yang tidak kosong.")
            for i, choice in enumerate(choices):
                name = f"steps[{step_id!r}]['choices'][{i}]"
                require_keys(self, choice, name, ("label", "next"), ("note",))
                require_text(self, choice["next"], f"{name}['next']")
                if "note" in choice:
                    require_text(self, choice["note"], f"{name}['note']")
            labels = [c["label"] for c in choices]
            require_texts(self, labels, f"label pilihan di langkah {step_id!r}")
        return dict(steps)

    def _validated_endings(self, endings) -> dict:
        if not isinstance(endings, dict) or not endings:
            self._fail("endings harus berupa dict {id_akhir: akhir} yang tidak kosong.")
        for ending_id, ending in endings.items():
            require_text(self, ending_id, "id akhir")
            name = f"endings[{ending_id!r}]"
            require_keys(self, ending, name, ("score", "explanation"), ("title",))
            require_score(self, ending["score"], f"{name}['score']")
            require_text(self, ending["explanation"], f"{name}['explanation']")
            if "title" in ending:
                require_text(self, ending["title"], f"{name}['title']")
        return dict(endings)

    def _check_graph(self):
        for step_id, step in self.steps.items():
            for choice in step["choices"]:
                if choice["next"] not in self.steps and choice["next"] not in self.endings:
                    self._fail(f"pilihan {choice['label']!r} di langkah {step_id!r} menuju "
                               f"{choice['next']!r}, yang bukan langkah maupun akhir.")
        reached, todo = {self.start}, [self.start]
        while todo:
            for choice in self.steps[todo.pop()]["choices"]:
                if choice["next"] not in reached:
                    reached.add(choice["next"])
                    if choice["next"] in self.steps:
                        todo.append(choice["next"])
        unreachable = [i for i in [*self.steps, *self.endings] if i not in reached]
        if unreachable:
            self._fail(f"langkah/akhir {unreachable} tidak dapat dicapai dari {self.start!r}.")
        finishing = set(self.endings)
        changed = True
        while changed:
            changed = False
            for step_id, step in self.steps.items():
                leads_out = any(c["next"] in finishing for c in step["choices"])
                if step_id not in finishing and leads_out:
                    finishing.add(step_id)
                    changed = True
        stuck = [s for s in self.steps if s not in finishing]
        if stuck:
            self._fail(f"dari langkah {stuck} tidak ada jalan menuju akhir mana pun.")

    @property
    def finished(self) -> bool:
        return self.ending is not None

    def restart(self, _button=None):
        """Go back to the first step; the best score so far is kept."""
        self.current = self.start
        self.ending = None
        self.path = []
        self.feedback.value = ""
        self.choices.layout.display = None
        self.button.layout.display = None
        self.restart_button.layout.display = "none"
        self._started = self._clock()
        self._show_step()

    def _show_step(self):
        step = self.steps[self.current]
        self.situation.value = _html.paragraph(step["situation"])
        self.choices.options = [(c["label"], i) for i, c in enumerate(step["choices"])]
        self.choices.value = None

    def _check(self, _button=None):
        if self.finished:
            return
        index = self.choices.value
        if index is None:
            self.feedback.value = _html.notice(
                "Silakan pilih salah satu tindakan terlebih dahulu, lalu klik Periksa.")
            return
        choice = self.steps[self.current]["choices"][index]
        self.path.append((self.current, index))
        target = choice["next"]
        if target in self.endings:
            self.ending = target
            self.choices.layout.display = "none"
            self.button.layout.display = "none"
            self.restart_button.layout.display = None
            self.situation.value = ""
            self._complete(self.endings[target]["score"], self._ending_feedback())
            return
        self.current = target
        self._show_step()
        note = choice.get("note")
        self.feedback.value = _html.box("info", "Akibat tindakan Anda:", _html.paragraph(note)) \
            if note else ""

    def _ending_feedback(self) -> str:
        ending = self.endings[self.ending]
        score = ending["score"]
        steps_taken = []
        for step_id, index in self.path:
            choice = self.steps[step_id]["choices"][index]
            line = _html.esc(choice["label"])
            if choice.get("note"):
                line += f"<br><i>{_html.esc(choice['note'])}</i>"
            steps_taken.append(line)
        return _html.box(
            _html.kind_for(score),
            ending.get("title") or f"Skenario selesai. Skor: {_html.percent(score)}",
            _html.paragraph(ending["explanation"]),
            "<b>Langkah yang Anda ambil:</b>" + _html.bullet_list(steps_taken),
            _html.paragraph(f"Skor: {_html.percent(score)}."
                            + (" Anda dapat mengulangi skenario untuk mencoba jalan lain."
                               if score < 1 else "")),
        )
