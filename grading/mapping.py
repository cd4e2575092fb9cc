"""Item → competency mapping of one nbgrader assignment (``kompetensi.yaml``).

Each assignment folder (``<course>/source/<assignment>/``) holds, next to its notebooks::

    # grade_id of every graded cell -> competency code and level (1-5)
    items:
      tes_jawaban_1: {code: M.03, level: 2}
      jawaban_tertulis_1: {code: M.05, level: 3}

An optional top-level ``kind`` says what the assignment is for the reports: ``pre``
(pre-test), ``post`` (post-test), ``task`` (a written task or other graded work). Without
it the kind comes from the assignment's name (``pre-test*``, ``post-test*``, else ``task``).

Every graded cell (nbgrader ``grade: true``, or a ``task`` cell) in the assignment's
notebooks needs exactly one entry; entries for grade_ids that no notebook has are errors;
codes must be in the competency dictionary (:mod:`asncore.competencies`, the platform
database); levels are integers 1–5.

**Authoring rules** (:func:`evidence_errors`; part of :func:`mapping_errors`, hence of
``grading generate`` and ``grading periksa-butir``, but not of :func:`load_mapping`, so a
sync of work already collected never fails on them). They are checked once the entries
above are valid:

- every entry carries ``descriptor:``, a short Indonesian paraphrase of the level
  description the item measures (PermenPANRB 38/2017 Lampiran for managerial and
  socio-cultural codes; the agency's own description for technical ``T.*`` codes). It is
  a paraphrase for trainers and reviewers, not the regulation's wording;
- a manually graded cell (nbgrader ``grade`` and ``solution``, or a ``task`` cell) is a
  trainer-scored rubric criterion and names its rubric: ``rubric: rubrik/<file>.md``, a
  path relative to the course folder that must exist; ``rubric`` on an autograded cell is
  an error;
- each (code, level) the assignment claims is backed by at least ``MIN_ITEMS`` (3)
  autograded items, or by at least one rubric-scored cell. A level resting on one or two
  items is refused.

    items:
      tes_jawaban_1: {code: M.03, level: 1, descriptor: "..."}
      jawaban_tertulis_1: {code: M.03, level: 3, descriptor: "...", rubric: rubrik/tugas-tertulis.md}

Messages read ``"<file>: <grade_id>: <reason>"``, Indonesian first, English in brackets.
Only yaml/json/pathlib are imported here; the dictionary is read when a check needs it.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

import yaml

from asncore.constants import LEVELS

MAPPING_FILE = "kompetensi.yaml"
KINDS = ("pre", "post", "task")
ENTRY_KEYS = {"code", "level", "descriptor", "rubric"}
MIN_ITEMS = 3  # autograded items behind one (code, level), unless a rubric scores it


class MappingError(ValueError):
    """The mapping of an assignment is invalid; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("pemetaan kompetensi tidak valid (invalid competency mapping):\n  " + "\n  ".join(self.errors))


def _notebooks(assignment_dir: Path) -> list[Path]:
    return sorted(p for p in assignment_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def graded_cells(assignment_dir: Path) -> tuple[dict[str, str], list[str]]:
    """grade_id -> notebook (relative path) for every graded or task cell, plus read errors."""
    assignment_dir = Path(assignment_dir)
    found: dict[str, str] = {}
    errors: list[str] = []
    for nb_path in _notebooks(assignment_dir):
        rel = nb_path.relative_to(assignment_dir).as_posix()
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            errors.append(f"{rel}: -: notebook tidak dapat dibaca (unreadable notebook: {exc})")
            continue
        for index, cell in enumerate(nb.get("cells", [])):
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            if not (meta.get("grade") or meta.get("task")):
                continue
            grade_id = meta.get("grade_id")
            if not grade_id:
                errors.append(f"{rel}: sel #{index}: sel dinilai tanpa grade_id (graded cell without grade_id)")
            elif grade_id in found:
                errors.append(f"{rel}: {grade_id}: grade_id ganda, juga ada di {found[grade_id]} "
                              f"(duplicate grade_id, also in {found[grade_id]})")
            else:
                found[grade_id] = rel
    return found, errors


def _read_items(assignment_dir: Path) -> tuple[dict | None, list[str]]:
    path = Path(assignment_dir) / MAPPING_FILE
    if not path.is_file():
        return None, [f"{MAPPING_FILE}: -: berkas pemetaan tidak ada (mapping file missing)"]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return None, [f"{MAPPING_FILE}: -: YAML tidak valid (invalid YAML: {exc})"]
    if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
        return None, [f"{MAPPING_FILE}: -: harus berisi peta 'items' (must contain an 'items' mapping)"]
    errors = []
    if data.get("kind") is not None and data["kind"] not in KINDS:
        errors.append(f"{MAPPING_FILE}: kind: harus salah satu dari {', '.join(KINDS)}, bukan "
                      f"{data['kind']!r} (kind must be pre, post or task)")
    extra = sorted(set(data) - {"items", "kind"})
    if extra:
        errors.append(f"{MAPPING_FILE}: -: kunci tidak dikenal {extra} (unknown keys)")
    return data["items"], errors


def _check_entry(grade_id: str, entry, is_known) -> tuple[tuple[str, int] | None, list[str]]:
    where = f"{MAPPING_FILE}: {grade_id}"
    if not isinstance(entry, dict):
        return None, [f"{where}: entri harus berisi code dan level (entry must have code and level)"]
    errors = []
    code, level = entry.get("code"), entry.get("level")
    if not isinstance(code, str) or not code:
        errors.append(f"{where}: kode kompetensi tidak ada (missing competency code)")
    elif not is_known(code):
        errors.append(f"{where}: kode kompetensi '{code}' tidak dikenal (unknown competency code)")
    if level is None:
        errors.append(f"{where}: level tidak ada (missing level)")
    elif isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        errors.append(f"{where}: level harus bilangan bulat 1-5, bukan {level!r} (level must be an integer 1-5)")
    extra = sorted(set(entry) - ENTRY_KEYS)
    if extra:
        errors.append(f"{where}: kunci tidak dikenal {extra} (unknown keys)")
    return (None if errors else (code, level)), errors


def _validate(assignment_dir: Path, known_codes: Collection[str] | None
              ) -> tuple[dict[str, tuple[str, int]], list[str]]:
    if known_codes is None:
        from asncore.competencies import known_codes as dictionary_codes

        known_codes = dictionary_codes()
    assignment_dir = Path(assignment_dir)
    cells, errors = graded_cells(assignment_dir)
    items, read_errors = _read_items(assignment_dir)
    errors += read_errors
    mapping: dict[str, tuple[str, int]] = {}
    if items is None:
        return mapping, errors
    for grade_id, notebook in cells.items():
        if grade_id not in items:
            errors.append(f"{notebook}: {grade_id}: belum dipetakan di {MAPPING_FILE} (no mapping entry)")
    for grade_id, entry in items.items():
        grade_id = str(grade_id)
        if grade_id not in cells:
            errors.append(f"{MAPPING_FILE}: {grade_id}: tidak ada sel dinilai dengan grade_id ini "
                          f"(unknown grade_id: no graded cell has it)")
            continue
        value, entry_errors = _check_entry(grade_id, entry, known_codes.__contains__)
        errors += entry_errors
        if value is not None:
            mapping[grade_id] = value
    return mapping, errors


def _manual_cells(assignment_dir: Path) -> set[str]:
    """grade_ids of the cells a trainer scores (manually graded answers and task cells)."""
    manual = set()
    for nb_path in _notebooks(assignment_dir):
        try:
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            if meta.get("grade_id") and (meta.get("task") or (meta.get("grade") and meta.get("solution"))):
                manual.add(meta["grade_id"])
    return manual


def evidence_errors(assignment_dir: Path) -> list[str]:
    """The authoring rules of the module docstring (descriptor, rubric, at least
    ``MIN_ITEMS`` items or a rubric per claimed level). Needs no dictionary; reports
    nothing when the file cannot be read (the structural check says why)."""
    assignment_dir = Path(assignment_dir)
    items, read_errors = _read_items(assignment_dir)
    if items is None or read_errors:
        return []
    manual = _manual_cells(assignment_dir)
    course_dir = assignment_dir.resolve().parent.parent
    errors: list[str] = []
    backing: dict[tuple, list[int]] = {}  # (code, level) -> [items, rubric cells]
    for grade_id, entry in items.items():
        if not isinstance(entry, dict):
            continue
        where = f"{MAPPING_FILE}: {grade_id}"
        descriptor = entry.get("descriptor")
        if not isinstance(descriptor, str) or len(descriptor.split()) < 3:
            errors.append(f"{where}: deskriptor level tidak ada atau terlalu pendek (missing level "
                          f"descriptor: a short paraphrase of what the level means)")
        rubric = entry.get("rubric")
        is_manual = str(grade_id) in manual
        if is_manual and not rubric:
            errors.append(f"{where}: sel dinilai manual tanpa 'rubric: rubrik/<berkas>.md' "
                          f"(manually graded cell must name its rubric)")
        elif rubric and not is_manual:
            errors.append(f"{where}: 'rubric' hanya untuk sel yang dinilai pelatih, bukan sel "
                          f"otomatis (rubric on an autograded cell)")
        elif rubric and not (isinstance(rubric, str) and (course_dir / rubric).is_file()):
            errors.append(f"{where}: berkas rubrik '{rubric}' tidak ada di folder kursus "
                          f"(rubric file not found)")
        counts = backing.setdefault((entry.get("code"), entry.get("level")), [0, 0])
        counts[1 if is_manual else 0] += 1
    for (code, level), (n_items, n_rubric) in sorted(backing.items(), key=str):
        if n_rubric == 0 and n_items < MIN_ITEMS:
            errors.append(f"{MAPPING_FILE}: {code} level {level}: hanya {n_items} butir; perlu "
                          f"minimal {MIN_ITEMS} butir atau satu kriteria rubrik yang dinilai pelatih "
                          f"(level backed by fewer than {MIN_ITEMS} items and no rubric)")
    return errors


def mapping_errors(assignment_dir: Path, known_codes: Collection[str] | None = None) -> list[str]:
    """Every problem with the assignment's mapping; empty when it is valid. ``known_codes``:
    the dictionary's codes (default: read from the platform database of the settings).
    The authoring rules (:func:`evidence_errors`) are checked once the entries are valid."""
    errors = _validate(assignment_dir, known_codes)[1]
    return errors or evidence_errors(assignment_dir)


def load_mapping(assignment_dir: Path, known_codes: Collection[str] | None = None
                 ) -> dict[str, tuple[str, int]]:
    """grade_id -> (competency code, level); raises :class:`MappingError` when invalid."""
    mapping, errors = _validate(assignment_dir, known_codes)
    if errors:
        raise MappingError(errors)
    return mapping


def assessment_kind(assignment_dir: Path) -> str:
    """``pre``, ``post`` or ``task``: the mapping's ``kind``, else guessed from the name."""
    path = Path(assignment_dir) / MAPPING_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    if isinstance(data, dict) and data.get("kind") in KINDS:
        return data["kind"]
    name = Path(assignment_dir).name.lower()
    return "pre" if name.startswith("pre-test") else "post" if name.startswith("post-test") else "task"
