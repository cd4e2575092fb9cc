"""Cue check of multiple-choice tests: does the key's length or position give it away?

Items are read as data from the assignment's source notebooks, in the layout of
``assessments/README.md``:

- the question is a markdown cell with one line per option, ``- **A.** text`` (indented
  lines right after an option continue it);
- the answer cell is a code cell with nbgrader ``solution: true`` whose solution region
  assigns one letter (``### BEGIN SOLUTION`` / ``jawaban_3 = "D"`` / ``### END SOLUTION``),
  read with ``ast.literal_eval``, never executed: that letter is the key;
- the next graded cell (nbgrader ``grade: true``) is the item's test; its ``grade_id``
  names the item (as in ``kompetensi.yaml``); if its hidden tests compare with a letter
  (``== "D"``), that letter must equal the key.

The options are those of the nearest markdown cell above the answer cell that has option
lines. An option's length is its number of characters after removing markdown emphasis
(``*``, `````) and collapsing white space.

Rules for one test (one notebook), with ``n`` items and ``k`` options per item:

1. **Longest option.** The key is "the longest" when no other option of the item is longer
   (a tie counts as longest). Refused when that holds for more than a third of the items
   (``3 × count > n``).
2. **Key positions.** No letter is the key more than ``ceil(n / k) + 1`` times, and when
   ``n ≥ k`` every letter is the key at least once.
3. **Test-wise learner.** A simulated learner who always picks the longest option, and is
   credited whenever the key is among the longest (ties count for the learner, so this is
   an upper bound), scores at most the chance score ``Σ 1/kᵢ`` plus one item.

A notebook without multiple-choice items (a written task) passes. Messages read
``"<file>: <grade_id>: <reason>"`` (``-`` for the whole test), Indonesian first, English in
brackets. Only the standard library is used.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

OPTION = re.compile(r"^\s*(?:[-*+]\s+)?\*\*([A-H])\.\*\*\s*(.*)$")
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
HIDDEN_KEY = re.compile(r"==\s*[\"']([A-H])[\"']")


@dataclass(frozen=True)
class Item:
    """One multiple-choice item of a source notebook."""

    notebook: str              # path relative to the assignment folder
    grade_id: str              # the graded (test) cell's grade_id
    options: dict[str, str]    # letter -> option text, in the question's order
    key: str

    def lengths(self) -> dict[str, int]:
        return {letter: option_length(text) for letter, text in self.options.items()}

    def longest(self) -> set[str]:
        """The letters of the longest option(s)."""
        lengths = self.lengths()
        top = max(lengths.values())
        return {letter for letter, length in lengths.items() if length == top}

    def key_is_longest(self) -> bool:
        return self.key in self.longest()


def option_length(text: str) -> int:
    """Characters a reader sees: markdown emphasis removed, white space collapsed."""
    return len(" ".join(re.sub(r"[*`]", "", text).split()))


def parse_options(markdown: str) -> dict[str, str]:
    """``{letter: text}`` of the option lines of a question cell (empty if none)."""
    options: dict[str, str] = {}
    current = None
    for line in markdown.splitlines():
        match = OPTION.match(line)
        if match:
            current = match.group(1)
            options[current] = match.group(2).strip()
        elif current and line.strip() and line[:1].isspace():
            options[current] += " " + line.strip()
        else:
            current = None
    return options


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _nbgrader(cell) -> dict:
    return (cell.get("metadata") or {}).get("nbgrader") or {}


def _solution_letter(source: str) -> str | None:
    """The one letter the solution region assigns, read as data; None if it is not that."""
    match = SOLUTION.search(source)
    if not match:
        return None
    try:
        tree = ast.parse(match.group(1))
    except (SyntaxError, ValueError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        return None
    try:
        value = ast.literal_eval(tree.body[0].value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, str) and re.fullmatch(r"[A-Ha-h]", value.strip()):
        return value.strip().upper()
    return None


def _notebook_items(cells: list, rel: str) -> tuple[list[Item], list[str]]:
    items, errors = [], []
    options: dict[str, str] = {}
    for index, cell in enumerate(cells):
        meta = _nbgrader(cell)
        if cell.get("cell_type") == "markdown":
            found = parse_options(_source(cell))
            if found:
                options = found
            continue
        if cell.get("cell_type") != "code" or not meta.get("solution"):
            continue
        key = _solution_letter(_source(cell))
        if key is None:
            continue  # not a multiple-choice answer cell
        test = next((c for c in cells[index + 1:] if _nbgrader(c).get("grade")), None)
        grade_id = _nbgrader(test).get("grade_id") if test else None
        grade_id = grade_id or meta.get("grade_id") or f"sel #{index}"
        if len(options) < 2:
            errors.append(f"{rel}: {grade_id}: pilihan jawaban tidak ditemukan di atas sel jawaban "
                          f"(no '- **A.** ...' option lines above the answer cell)")
            continue
        if key not in options:
            errors.append(f"{rel}: {grade_id}: kunci {key} bukan salah satu pilihan "
                          f"{', '.join(options)} (key is not an option)")
            continue
        hidden = HIDDEN.search(_source(test)) if test else None
        compared = HIDDEN_KEY.findall(hidden.group(1)) if hidden else []
        if compared and set(compared) != {key}:
            errors.append(f"{rel}: {grade_id}: kunci di sel jawaban ({key}) berbeda dengan tes "
                          f"tersembunyi ({', '.join(sorted(set(compared)))}) (key mismatch)")
            continue
        items.append(Item(rel, grade_id, dict(options), key))
        options = {}
    return items, errors


def _notebooks(assignment_dir: Path) -> list[Path]:
    return sorted(p for p in Path(assignment_dir).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def read_items(assignment_dir: Path) -> tuple[dict[str, list[Item]], list[str]]:
    """Multiple-choice items per notebook (relative path), and read errors."""
    assignment_dir = Path(assignment_dir)
    tests: dict[str, list[Item]] = {}
    errors: list[str] = []
    for path in _notebooks(assignment_dir):
        rel = path.relative_to(assignment_dir).as_posix()
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            errors.append(f"{rel}: -: notebook tidak dapat dibaca (unreadable notebook: {exc})")
            continue
        items, item_errors = _notebook_items(nb.get("cells", []), rel)
        errors += item_errors
        if items:
            tests[rel] = items
    return tests, errors


def chance_score(items: list[Item]) -> float:
    """Expected score of blind guessing."""
    return sum(1 / len(item.options) for item in items)


def notebook_errors(items: list[Item]) -> list[str]:
    """The three rules of the module docstring for one notebook's items."""
    if not items:
        return []
    rel, n = items[0].notebook, len(items)
    errors = []
    longest = [item for item in items if item.key_is_longest()]
    if 3 * len(longest) > n:
        errors += [f"{rel}: {item.grade_id}: kunci {item.key} adalah pilihan terpanjang "
                   f"({item.lengths()[item.key]} karakter) (key is the longest option)" for item in longest]
        errors.append(f"{rel}: -: kunci = pilihan terpanjang pada {len(longest)} dari {n} soal, "
                      f"maksimum {n // 3} (key is the longest option in more than a third of the items)")
    k = max(len(item.options) for item in items)
    letters = [chr(ord("A") + i) for i in range(k)]
    used = Counter(item.key for item in items)
    ceiling = math.ceil(n / k) + 1
    for letter in letters:
        if used[letter] > ceiling:
            errors.append(f"{rel}: -: kunci {letter} dipakai {used[letter]} kali dari {n} soal, "
                          f"maksimum {ceiling} (key position used too often)")
        if n >= k and used[letter] == 0:
            errors.append(f"{rel}: -: kunci tidak pernah {letter} pada {n} soal "
                          f"(key position never used)")
    score, chance = len(longest), chance_score(items)
    if score > chance + 1:
        errors.append(f"{rel}: -: peserta yang selalu memilih pilihan terpanjang mendapat {score}/{n}, "
                      f"lebih dari peluang {chance:.1f} + 1 soal (longest-option strategy beats chance + 1)")
    return errors


def cue_errors(assignment_dir: Path) -> list[str]:
    """Every cue problem of the assignment's multiple-choice tests; empty when none."""
    tests, errors = read_items(assignment_dir)
    for items in tests.values():
        errors += notebook_errors(items)
    return errors


def longest_option_score(assignment_dir: Path) -> tuple[int, int, float]:
    """(score, maximum, chance score) of the always-pick-the-longest learner over the
    assignment's multiple-choice items (ties credited to the learner)."""
    tests, _ = read_items(assignment_dir)
    items = [item for notebook in tests.values() for item in notebook]
    return sum(item.key_is_longest() for item in items), len(items), chance_score(items)


def summary(items: list[Item]) -> str:
    """One line for people: items, longest-key count, key positions, the strategy's score."""
    n = len(items)
    used = Counter(item.key for item in items)
    positions = " ".join(f"{letter}{used[letter]}" for letter in sorted(
        {letter for item in items for letter in item.options}))
    score = sum(item.key_is_longest() for item in items)
    return (f"{n} soal; kunci terpanjang {score}/{n} (maks {n // 3}); posisi kunci {positions}; "
            f"pilih-terpanjang {score}/{n} (peluang {chance_score(items):.1f} + 1)")
