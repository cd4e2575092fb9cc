"""How long a module takes a learner, estimated from what its lessons hold, and whether its
``jp`` claim and its lessons' ``minutes`` agree with that estimate (issue 12, point 4).

The module checker (``asn-ambon modul periksa``, ``python -m belajar check``) refuses a
module whose claim is far from the estimate and prints the estimate of every module it
passes, so whoever edits lessons can re-set ``jp`` from the numbers.

The rule
========

    minutes of a lesson = words / READING_WPM
                          + the interaction minutes of each exercise (EXERCISE_MINUTES)
                          + VISIBLE_CELL_MINUTES for each code cell the learner runs

Words
    Every word the learner may read: the markdown cells (URLs and HTML tags left out) and
    the texts the exercise calls show: title, question, options, items, situations,
    choices, endings, explanations, hints, statements: every string literal inside the
    call, except the exercise id and the values only the checker reads (:data:`HIDDEN`:
    keys, ``answer``, ``next``, ``keywords``, ...). A multiple choice's explanations count
    once, at their mean length: the learner reads the one of the option they chose. Every
    other feedback counts in full (a matrix or an ordering explains every item at once;
    a scenario is often replayed), which errs on the long side.

READING_WPM = 100 words a minute
    Study reading, not leisure reading. Adults read English non-fiction silently at
    about 238 words a minute (Brysbaert 2019, a meta-analysis of 190 studies); reading to
    learn and to remember is slower (Carver's "learning" and "memorising" gears, about 200
    and 138 words a minute for fluent college readers of English). These lessons are
    Indonesian instructional text with regulations and cases, read on a screen at work by
    civil servants who are not all daily readers of long texts, and the rate also has to
    hold the pauses to think that no exercise timer counts. 100 words a minute sits below
    the memorising gear for that reason. (The content review's own estimate read at 150
    words a minute; at that rate the estimates here fall by a fifth to a quarter.)

EXERCISE_MINUTES: the time to work an exercise beyond reading its text
    multiple choice (``pilihan_ganda``) 1.5; ordering (``urutkan``) 3; matrix
    (``matriks``) 0.5 per item, at least 1; branching scenario (``skenario``) 4; written
    answer (``isian_bebas``) 10; self-check (``cek_mandiri``) 1.5. These are the
    interaction times a BPSDM trainer used in the content review of the modules
    (``shared/reviews/content-review.md`` §3): deciding, dragging, composing 3-5
    sentences, reading the result.

VISIBLE_CELL_MINUTES = 1
    A code cell the learner sees (not ``source_hidden``) is one they run and whose output
    (a table, a chart) they read; exercise cells are hidden and counted above.

The claim
=========
A module claims ``jp`` x ``learning.minutes_per_jp`` (45) minutes, and its lessons
declare ``minutes`` each. Either is **far** from the estimate E when it differs from E
by more than TOLERANCE (25 %) of E *and* by more than MIN_DIFFERENCE_MINUTES (5): a few
minutes do not make a claim false, a quarter does. :func:`supported_jp` is the JP the
estimate supports: the nearest whole JP (the unit certificates and the BKPSDM ledger use),
or the nearest half JP when a whole one would itself be far (small modules). ``jp`` may
be any number above 0 (the schema's "number"), so a half JP is a valid claim.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field

from asncore.events import EXERCISE_METHODS

READING_WPM = 100
EXERCISE_MINUTES = {"pilihan_ganda": 1.5, "urutkan": 3.0, "skenario": 4.0, "isian_bebas": 10.0,
                    "cek_mandiri": 1.5}
MATRIX_ITEM_MINUTES, MATRIX_MIN_MINUTES = 0.5, 1.0
VISIBLE_CELL_MINUTES = 1.0
TOLERANCE = 0.25
MIN_DIFFERENCE_MINUTES = 5.0
# values the learner never reads as text: what the checker compares, where a choice leads
HIDDEN = frozenset({"answer", "next", "keywords", "pattern", "patterns", "correct",
                    "placeholder", "min_chars", "low_threshold", "score", "start",
                    "exercise_id"})

# a word: letters/digits joined by hyphens or apostrophes ("ber-KTP-el"); a number with a
# decimal point or comma ("08.00", "76,61") is one word
WORD = re.compile(r"\w+(?:(?:[-'’]|(?<=\d)[.,](?=\d))\w+)*")
URL = re.compile(r"(?:https?://|www\.)\S+")
TAG = re.compile(r"<[^>]+>")


def count_words(text: str) -> int:
    """Words of a text as read: URLs and HTML tags are not read."""
    return len(WORD.findall(TAG.sub(" ", URL.sub(" ", text))))


@dataclass
class LessonEstimate:
    """What one lesson holds and the minutes the rule gives it."""

    words: int = 0
    exercises: list[str] = field(default_factory=list)  # method names, in order
    exercise_minutes: float = 0.0
    visible_cells: int = 0

    @property
    def minutes(self) -> float:
        return (self.words / READING_WPM + self.exercise_minutes
                + self.visible_cells * VISIBLE_CELL_MINUTES)


def _shown_strings(node: ast.AST) -> list[str]:
    """String literals under ``node`` the learner reads (dict values under HIDDEN keys and
    dict keys themselves are skipped)."""
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.Dict):
        shown = []
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value in HIDDEN:
                continue
            shown += _shown_strings(value)
        return shown
    return [text for child in ast.iter_child_nodes(node) for text in _shown_strings(child)]


def _matrix_items(call: ast.Call) -> int:
    items = _argument(call, "items", 3)
    return len(items.elts) if isinstance(items, (ast.List, ast.Tuple)) else 0


def _argument(call: ast.Call, name: str, position: int) -> ast.AST | None:
    found = next((k.value for k in call.keywords if k.arg == name), None)
    return found if found is not None or len(call.args) <= position else call.args[position]


def _shown_words(call: ast.Call) -> int:
    """Words the learner reads in an exercise call (see the module docstring)."""
    once = _argument(call, "explanations", 4) if call.func.attr == "pilihan_ganda" else None
    shown = [node for node in (*call.args[1:], *(k.value for k in call.keywords
                                                 if k.arg not in HIDDEN))
             if node is not once]
    words = sum(count_words(t) for node in shown for t in _shown_strings(node))
    if isinstance(once, (ast.List, ast.Tuple)) and once.elts:
        words += round(sum(count_words(t) for t in _shown_strings(once)) / len(once.elts))
    return words


def _exercise_minutes(call: ast.Call) -> float:
    method = call.func.attr
    if method == "matriks":
        return max(MATRIX_MIN_MINUTES, MATRIX_ITEM_MINUTES * _matrix_items(call))
    return EXERCISE_MINUTES[method]


def exercise_calls(source: str) -> list[ast.Call]:
    """The exercise calls (``<lesson>.<method>(...)``, :data:`EXERCISE_METHODS`) of a code
    cell, in order; none for a cell that does not parse (the checker reports it)."""
    try:
        tree = ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line
                                   for line in source.splitlines()))
    except SyntaxError:
        return []
    calls = [node for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr in EXERCISE_METHODS]
    return sorted(calls, key=lambda c: (c.lineno, c.col_offset))


def estimate_lesson(cells) -> LessonEstimate:
    """The estimate of a lesson from its notebook cells (``nbformat`` nodes or dicts with
    ``cell_type``, ``source`` and ``metadata``)."""
    estimate = LessonEstimate()
    for cell in cells:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            estimate.words += count_words(source)
        elif cell["cell_type"] == "code":
            calls = exercise_calls(source)
            for call in calls:
                estimate.words += _shown_words(call)
                estimate.exercises.append(call.func.attr)
                estimate.exercise_minutes += _exercise_minutes(call)
            hidden = (cell.get("metadata") or {}).get("jupyter", {}).get("source_hidden", False)
            if not calls and not hidden and source.strip():
                estimate.visible_cells += 1
    return estimate


def is_far(claimed: float, estimated: float) -> bool:
    difference = abs(claimed - estimated)
    return difference > TOLERANCE * estimated and difference > MIN_DIFFERENCE_MINUTES


def supported_jp(minutes: float, minutes_per_jp: int) -> float:
    """The JP the estimate supports: the nearest whole JP (at least 1); when that is itself
    far from the estimate, the nearest half JP (at least 0.5); when that is too (a module
    of a few minutes), the JP to two decimals."""
    exact = minutes / minutes_per_jp
    for step in (1.0, 0.5):
        rounded = max(step, math.floor(exact / step + 0.5) * step)
        if not is_far(rounded * minutes_per_jp, minutes):
            return rounded
    return round(exact, 2)


def _number(x: float) -> str:
    """``2.0`` -> ``"2"``, ``1.5`` -> ``"1,5"`` (Indonesian decimal comma)."""
    return f"{x:g}".replace(".", ",")


def _percent(claimed: float, estimated: float) -> str:
    return f"{(claimed - estimated) / estimated * 100:+.0f}%"


def claim_problems(data: dict, estimates: dict[str, LessonEstimate], source: str,
                   minutes_per_jp: int) -> list[str]:
    """The module's claims that are far from the estimate, each message with both numbers
    and what to set; ``estimates`` maps lesson id -> estimate, in lesson order."""
    total = sum(e.minutes for e in estimates.values())
    if total <= 0:
        return []
    per_lesson = "; ".join(
        f"{lesson['id']} ≈ {estimates[lesson['id']].minutes:.0f} (tertulis {lesson['minutes']})"
        for lesson in data["lessons"])
    problems = []
    claimed = float(data["jp"]) * minutes_per_jp
    if is_far(claimed, total):
        problems.append(
            f"{source}: jp: klaim {_number(float(data['jp']))} JP = {claimed:.0f} menit "
            f"(1 JP = {minutes_per_jp} menit) jauh dari perkiraan waktu belajar {total:.0f} "
            f"menit ({_percent(claimed, total)}; batas ±{TOLERANCE:.0%}). Isi modul "
            f"mendukung jp: {_number(supported_jp(total, minutes_per_jp))}; ubah jp, atau "
            "tambah isi pelajaran sampai klaimnya benar.")
    declared = sum(int(lesson["minutes"]) for lesson in data["lessons"])
    if is_far(declared, total):
        problems.append(
            f"{source}: lessons[*].minutes: jumlah menit pelajaran {declared} jauh dari "
            f"perkiraan {total:.0f} menit ({_percent(declared, total)}; batas "
            f"±{TOLERANCE:.0%}). Perkiraan per pelajaran (menit): {per_lesson}.")
    return problems


def summary(estimates: dict[str, LessonEstimate], jp: float, minutes_per_jp: int) -> str:
    """One line for the checker's OK output: estimate, claim and the supported JP."""
    total = sum(e.minutes for e in estimates.values())
    words = sum(e.words for e in estimates.values())
    exercises = sum(len(e.exercises) for e in estimates.values())
    return (f"perkiraan {total:.0f} menit ({words} kata, {exercises} latihan) ≈ "
            f"{_number(round(total / minutes_per_jp, 2))} JP; klaim {_number(jp)} JP; "
            f"didukung: {_number(supported_jp(total, minutes_per_jp))} JP")
