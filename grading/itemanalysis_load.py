"""The item analysis of one assignment of a course directory (:mod:`grading.itemanalysis`).

What it reads, never writes:

- **scores**: the gradebook, read-only (:func:`grading.gradebook.graded_items`). Only
  submissions whose every item is graded count; one still waiting for a trainer's manual
  grade is left out and counted in ``excluded``;
- **the items and their order**: the assignment's source notebooks (graded cells in
  notebook order, :func:`grading.mapping.graded_cells`); the multiple-choice key and
  options as data (:func:`grading.cues.read_items`);
- **which option each learner picked**: the answer cell of each multiple-choice item in
  the learner's notebook, ``autograded/<learner>/<assignment>/`` (what was graded), else
  ``submitted/...``. The cell is read as data, never run, as autograde reads it: its
  ``name = "<text>"`` lines parsed with ``ast.literal_eval``, the last text assigned,
  ``strip().upper()``; a cell holding anything else is "tidak terbaca". Files are opened
  without following a symbolic link and read up to :data:`MAX_NOTEBOOK` bytes;
- **pre vs post**: for a ``pre`` (``post``) assignment, the one ``post`` (``pre``) assignment
  of the course (:func:`grading.mapping.assessment_kind`). Items are paired by the
  parallel-form table when present, else by position.

**The parallel-form table** (``assessments/<course>/README-butir.md``, by default
``<course-dir>/README-butir.md``): any Markdown table whose header has a column whose name
contains ``pre`` and one whose name contains ``post``; the objective is the first column
named ``tujuan``, ``objective``, ``indikator`` or ``sasaran`` (else the first other column).
A pre or post cell names its item by a ``grade_id`` of that form (``tes_jawaban_3``) or by
its number alone (``Soal 3``, ``3``: the third item in the form's order); a cell that
describes the item instead (its scenario) takes the row's number column (``No``, ``Soal``,
``Butir``, ``Nomor``, ``#``), the same number on both forms. Rows naming no item are
skipped (and said so in the notes). Both layouts below pair items::

    | Tujuan pembelajaran | Butir pre-test | Butir post-test |
    |---|---|---|
    | Mengenali mendengar aktif | Soal 1 (`tes_jawaban_1`) | Soal 4 (`tes_jawaban_4`) |

    | No | Tujuan | Kode · level | Pre-test | Post-test |
    |---|---|---|---|---|
    | 1 | T1 perhatian penuh saat mendengar | M.03 · 1 | Ponsel bergetar ... | Layar komputer ... |
"""

from __future__ import annotations

import ast
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from .gradebook import ItemScore, graded_items
from .itemanalysis import KR20, Analysis, ItemSpec, PrePost, TotalStats, analyse, pre_post

PAIRS_FILE = "README-butir.md"
MAX_NOTEBOOK = 8 * 1024 * 1024
MAX_ANSWER = 10_000  # characters of an answer cell parsed as data
FEW_LEARNERS = 30
_LEARNER = re.compile(r"[^/\\\x00]{1,200}")
_OBJECTIVE_HEADERS = ("tujuan", "objective", "indikator", "sasaran")
_NUMBER_HEADERS = {"no", "no.", "nomor", "#", "soal", "butir", "nomor soal", "no. soal"}
_ITEM_NUMBER = re.compile(r"\s*(?:(?:soal|butir|nomor|no\.?)\s*)?(\d{1,4})\s*(?:\(.*\))?\s*",
                          re.IGNORECASE)


@dataclass
class _Form:
    """One assignment's analysis and the items in its order."""

    analysis: Analysis
    order: list[str]


# ---- reading files -----------------------------------------------------------------------


def _read_json(path: Path) -> dict | None:
    """A notebook's JSON, or None: missing, a link, not a regular file, too big, not JSON."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_NOTEBOOK:
            return None
        raw = handle.read(MAX_NOTEBOOK + 1)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) \
        else source if isinstance(source, str) else ""


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbg if isinstance(nbg, dict) else {}


def answer_text(source: str) -> str | None:
    """The text an answer cell assigns, read as data (``name = "C"`` lines only, comments
    allowed; the last one wins), ``strip().upper()``-ed; None if the cell holds anything
    else. ``""`` is an empty answer."""
    if len(source) > MAX_ANSWER:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    value = ""
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign)
                and all(isinstance(t, ast.Name) for t in statement.targets)):
            return None
        try:
            value = ast.literal_eval(statement.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
        if not isinstance(value, str):
            return None
    return value.strip().upper()


def answer_cells(assignment_dir: Path) -> dict[str, tuple[str, str]]:
    """test grade_id -> (notebook, grade_id of its answer cell): the nearest code cell with
    nbgrader ``solution`` above each graded cell, in the source notebooks."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(Path(assignment_dir).rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        nb = _read_json(path) or {}
        rel = path.relative_to(assignment_dir).as_posix()
        answer = None
        for cell in nb.get("cells", []) if isinstance(nb.get("cells"), list) else []:
            meta = _nbgrader(cell)
            if meta.get("grade") and meta.get("grade_id") and answer:
                found[str(meta["grade_id"])] = (rel, answer)
                answer = None
            elif cell.get("cell_type") == "code" and meta.get("solution") and meta.get("grade_id"):
                answer = str(meta["grade_id"])
    return found


def _learner_notebook(course_dir: Path, learner: str, assignment: str, notebook: str) -> dict | None:
    for stage in ("autograded", "submitted"):
        nb = _read_json(course_dir / stage / learner / assignment / notebook)
        if nb is not None:
            return nb
    return None


def learner_answers(course_dir: Path, assignment: str, learners: list[str],
                    cells: dict[str, tuple[str, str]]) -> dict[str, dict[str, str | None]]:
    """grade_id -> learner -> answer (None: unreadable) for the items in ``cells``."""
    answers: dict[str, dict[str, str | None]] = {g: {} for g in cells}
    notebooks = sorted({nb for nb, _ in cells.values()})
    for learner in learners:
        if not _LEARNER.fullmatch(learner) or learner in (".", ".."):
            continue
        for notebook in notebooks:
            nb = _learner_notebook(course_dir, learner, assignment, notebook)
            sources = {}
            raw_cells = nb.get("cells") if nb else None
            for cell in raw_cells if isinstance(raw_cells, list) else []:
                grade_id = _nbgrader(cell).get("grade_id")
                if isinstance(grade_id, str) and cell.get("cell_type") == "code":
                    sources[grade_id] = _source(cell)
            for item, (nb_name, answer_id) in cells.items():
                if nb_name == notebook:
                    source = sources.get(answer_id)
                    answers[item][learner] = None if source is None else answer_text(source)
    return answers


# ---- one form --------------------------------------------------------------------------


def _item_order(assignment_dir: Path, rows: list[ItemScore] | None) -> list[str]:
    """The graded cells in notebook order (source), then any the gradebook has beyond them;
    with gradebook rows, only the cells they grade."""
    from .mapping import graded_cells

    in_source = list(graded_cells(assignment_dir)[0])
    if rows is None:
        return in_source
    graded = {r.grade_id for r in rows}
    return [g for g in in_source if g in graded] + sorted(graded - set(in_source))


def _empty(course: str, assignment: str, kind: str, note: str) -> Analysis:
    return Analysis(course, assignment, kind, TotalStats(0, 0, 0.0, None, None, None, KR20, None),
                    [], 0, [note])


def analyse_form(course_dir: Path, course: str, assignment: str, kind: str,
                 db_url: str | None = None) -> _Form:
    from .cues import read_items

    source = course_dir / "source" / assignment
    rows = graded_items(course_dir, assignment, db_url)
    if rows is None:
        return _Form(_empty(course, assignment, kind,
                            "Belum ada nilai: tugas ini belum pernah dinilai otomatis "
                            "(belum ada di gradebook kursus)."), _item_order(source, None))
    pending = {r.student for r in rows if r.needs_manual}
    scores: dict[str, dict[str, float]] = {}
    maxima: dict[str, float] = {}
    for r in rows:
        maxima[r.grade_id] = r.max_score
        if r.student not in pending:
            scores.setdefault(r.student, {})[r.grade_id] = r.score
    order = [g for g in _item_order(source, rows) if maxima.get(g, 0) > 0]
    tests, _ = read_items(source) if source.is_dir() else ({}, [])
    mc = {item.grade_id: item for items in tests.values() for item in items}
    specs = [ItemSpec(g, maxima[g], mc[g].key if g in mc else None,
                      tuple(mc[g].options) if g in mc else ()) for g in order]
    cells = {g: c for g, c in answer_cells(source).items() if g in mc and g in order}
    answers = learner_answers(course_dir, assignment, sorted(scores), cells)
    items, total = analyse(scores, specs, answers)
    notes = []
    if pending:
        notes.append(f"{len(pending)} kiriman belum selesai dinilai (masih ada jawaban yang perlu "
                     f"dinilai manual) dan belum dihitung.")
    if not scores:
        notes.append("Belum ada kiriman yang seluruh butirnya sudah dinilai.")
    elif len(scores) < FEW_LEARNERS:
        notes.append(f"Baru {len(scores)} peserta: dengan kurang dari {FEW_LEARNERS} peserta, "
                     f"angka-angka ini hanya petunjuk kasar.")
    return _Form(Analysis(course, assignment, kind, total, items, len(pending), notes), order)


# ---- pre vs post -----------------------------------------------------------------------


def kind_of(assignment_dir: Path) -> str:
    """:func:`grading.mapping.assessment_kind`; a mapping that cannot be read counts as
    ``task`` (no pre/post comparison) rather than stopping the analysis."""
    from .mapping import assessment_kind

    try:
        return assessment_kind(assignment_dir)
    except (OSError, ValueError, yaml.YAMLError):
        return "task"


def counterpart(course_dir: Path, assignment: str, kind: str) -> str | None:
    """The course's one assignment of the other kind (pre <-> post); with several, the one
    named like this one with ``pre``/``post`` swapped; None otherwise."""
    if kind not in ("pre", "post") or not (course_dir / "source").is_dir():
        return None
    other = "post" if kind == "pre" else "pre"
    folders = sorted(p for p in (course_dir / "source").iterdir() if p.is_dir() and p.name != assignment)
    found = [p.name for p in folders if kind_of(p) == other]
    if len(found) == 1:
        return found[0]
    twin = assignment.replace(kind, other, 1)
    return twin if twin in found else None


def _table_rows(text: str) -> list[list[list[str]]]:
    """The Markdown tables of ``text``: per table, its rows of cells (separator rows dropped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in text.splitlines() + [""]:
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            separator = all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c)
            if any(cells) and not separator:
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _nth(order: list[str], number: str | None) -> str | None:
    return order[int(number) - 1] if number and 1 <= int(number) <= len(order) else None


def _item_named(cell: str, order: list[str], row_number: str | None) -> str | None:
    """The item a table cell names: a grade_id of the form, else a cell that is only a
    number (``3``, ``Soal 3``, ``Soal 3 (...)``), else the row's number column. A number
    inside a description ("standar 1 hari kerja") names nothing."""
    for token in re.findall(r"[A-Za-z0-9_.-]+", cell):
        if token in order:
            return token
    number = _ITEM_NUMBER.fullmatch(cell.replace("*", "").replace("`", ""))
    return _nth(order, number.group(1) if number else row_number)


def read_pairs(path: Path, pre_order: list[str], post_order: list[str]
               ) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(objective, pre item, post item) rows of the parallel-form table, and notes."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return [], []
    pairs, notes = [], []
    for table in _table_rows(text):
        header = [h.lower() for h in table[0]]
        pre = next((i for i, h in enumerate(header) if re.search(r"\bpre", h)), None)
        post = next((i for i, h in enumerate(header) if re.search(r"\bpost", h)), None)
        if pre is None or post is None:
            continue
        objective = next((i for i, h in enumerate(header) if any(w in h for w in _OBJECTIVE_HEADERS)),
                         next((i for i in range(len(header)) if i not in (pre, post)), None))
        numbers = next((i for i, h in enumerate(header) if h.strip() in _NUMBER_HEADERS), None)
        for number, row in enumerate(table[1:], 1):
            own = _ITEM_NUMBER.fullmatch(_cell(row, numbers))
            row_number = own.group(1) if own else None
            a = _item_named(_cell(row, pre), pre_order, row_number)
            b = _item_named(_cell(row, post), post_order, row_number)
            if a is None or b is None:
                notes.append(f"{path.name}: baris {number} tabel tidak menyebut butir yang dikenal; "
                             f"dilewati.")
                continue
            label = re.sub(r"[`*]", "", _cell(row, objective)).strip()
            pairs.append((label or f"Soal {len(pairs) + 1}", a, b))
    return pairs, notes


def _pre_post(form: _Form, other: _Form, pairs_file: Path) -> PrePost:
    pre, post = (form, other) if form.analysis.kind == "pre" else (other, form)
    pairs, notes = read_pairs(pairs_file, pre.order, post.order) if pairs_file.is_file() else ([], [])
    if pairs:
        how = f"menurut tabel bentuk paralel {pairs_file.name}"
    else:
        pairs = [(f"Soal {i}", a, b) for i, (a, b) in enumerate(zip(pre.order, post.order), 1)]
        how = (f"menurut urutan soal (tabel {pairs_file.name} tidak ada atau tidak berisi "
               f"pasangan butir)")
    form.analysis.notes += notes
    return PrePost(pre.analysis.assignment, post.analysis.assignment, how,
                   pre.analysis.total.n_learners, post.analysis.total.n_learners,
                   pre_post(pre.analysis.items, post.analysis.items, pairs))


def analyse_assignment(course_dir: Path, assignment: str, *, course: str | None = None,
                       pairs_file: Path | None = None, db_url: str | None = None) -> Analysis:
    """The item analysis of ``assignment``, with its pre/post comparison when the course
    has the parallel form. ``pairs_file`` defaults to ``<course_dir>/README-butir.md``.
    ValueError when the gradebook cannot be read."""
    course_dir = Path(course_dir)
    course = course or course_dir.name
    kind = kind_of(course_dir / "source" / assignment)
    form = analyse_form(course_dir, course, assignment, kind, db_url)
    twin = counterpart(course_dir, assignment, kind)
    if twin is not None:
        other = analyse_form(course_dir, course, twin, "post" if kind == "pre" else "pre", db_url)
        form.analysis.pre_post = _pre_post(form, other, pairs_file or course_dir / PAIRS_FILE)
    return form.analysis
