"""Parallel, sandboxed `nbgrader autograde` with the same scores as stock.

Pipeline per submission (nbgrader's own converter, config and preprocessors throughout;
only nbgrader's Execute step is replaced):

1. prepare (parent, sequential): stock `init_destination` decides skip / force / newer
   timestamp; files are copied into a staging directory exactly as stock `init_assignment`
   does; each notebook goes through the stock *sanitize* preprocessors (ClearOutput,
   DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata). Edited or
   deleted locked/test cells are detected against the gradebook checksums. Then every
   locked cell (tests included) gets the metadata of the course's own copy of the notebook
   (release/, else source/), tags included: a learner's `skip-execution` tag on a test
   cell is dropped and flagged (stock nbgrader restores source, not tags).
   Multiple choice: in a notebook whose answer cells (as released) are all data
   (`name = <literal>` lines), no learner code runs. Each answer cell runs as the grader's
   own `name = 'B'`, rebuilt with `ast.literal_eval` from the cell's text in the JSON; an
   answer cell holding anything else runs as its released stub (flagged); cells the
   learner added are not run. The course's tests then compare real `str` values (a `str`
   subclass with its own `__eq__` cannot exist there). We chose this over a grader-injected
   `type(x) is str` check, which learner code in the same process could still defeat
   (e.g. `set_custom_exc`, patching the shell).
2. execute (parallel, `workers` at a time): `grading.executor` runs the code cells in a
   fresh forked child in a private working directory, each worker as its own sandbox uid
   (`grading.sandbox.UidLeases`), every process of which is killed after each notebook.
3. record (parent, one database transaction per submission): student, submission and
   timestamp, zero scores for missing notebooks, then the stock *autograde* preprocessors
   minus Execute (IgnorePattern, ClearMetadata, LimitOutput, SaveAutoGrades,
   AssignLatePenalties, CheckCellMetadata). Only after the commit is the staging directory
   moved to autograded/<student>/<assignment>, so a killed run resumes cleanly: a
   submission with an autograded folder and an unchanged timestamp is skipped (stock rule)
   unless force=True.

Timeouts: a cell that runs past `cell_timeout` gets a CellTimeoutError output (scores 0 if
it is a test cell) and the remaining cells still run; the submission is graded and
flagged. If student code defeats the timeout, crashes the child or floods output, the
child is killed, every cell that did not run gets an error output (so its tests score 0),
and the submission is graded and flagged.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import os
import queue
import re
import shutil
import tempfile
import typing
import warnings

log = logging.getLogger(__name__)

NOT_RUN_ENAME = "SelTidakDijalankan"


@dataclasses.dataclass
class AutogradeResult:
    student: str
    status: str                 # "graded" | "flagged" | "skipped"
    reason: str | None
    score: float | None
    max_score: float | None


@dataclasses.dataclass
class _Notebook:
    notebook_id: str
    path: str
    nb: typing.Any = None            # sanitized NotebookNode, None if unreadable
    resources: dict | None = None
    cells: list = dataclasses.field(default_factory=list)
    future: typing.Any = None
    workdir: str | None = None


@dataclasses.dataclass
class _Submission:
    student: str
    staging: str
    notebooks: list
    reasons: list = dataclasses.field(default_factory=list)
    broken: list = dataclasses.field(default_factory=list)   # notebook ids scored zero


class _OneTransaction:
    """Session proxy: nbgrader's per-cell `commit()` becomes `flush()`; we commit once."""

    def __init__(self, session):
        self._session = session

    def commit(self):
        self._session.flush()

    def real_commit(self):
        self._session.commit()

    def __getattr__(self, name):
        return getattr(self._session, name)


def _make_shared_preprocessors():
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
    from nbgrader.preprocessors.base import NbGraderPreprocessor

    class SharedSaveAutoGrades(SaveAutoGrades):
        shared_gradebook = None

        def preprocess(self, nb, resources):
            info = resources["nbgrader"]
            self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
            self.student_id, self.db_url = info["student"], info["db_url"]
            self.gradebook = self.shared_gradebook
            return NbGraderPreprocessor.preprocess(self, nb, resources)

    class SharedAssignLatePenalties(AssignLatePenalties):
        shared_gradebook = None

        def preprocess(self, nb, resources):
            info = resources["nbgrader"]
            self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
            self.student_id, self.db_url = info["student"], info["db_url"]
            self.init_plugin()
            self.gradebook = gb = self.shared_gradebook
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
            submission = gb.find_submission(self.assignment_id, self.student_id)
            notebook = gb.find_submission_notebook(
                self.notebook_id, self.assignment_id, self.student_id)
            notebook.late_submission_penalty = None
            if submission.total_seconds_late > 0:
                penalty = self.plugin_inst.late_submission_penalty(
                    self.student_id, notebook.score, submission.total_seconds_late)
                if penalty is not None:
                    notebook.late_submission_penalty = self._check_late_penalty(notebook, penalty)
            gb.db.commit()
            return nb, resources

    return {SaveAutoGrades: SharedSaveAutoGrades, AssignLatePenalties: SharedAssignLatePenalties}


def _load_config(course_dir: str):
    from traitlets.config import Config

    from jupyter_core.paths import jupyter_config_path

    from .course import load_config

    config = Config()
    # same order as the nbgrader apps: system/user config first, the course's file last;
    # as root, a file someone else can write is read as data, never executed
    for path in [*reversed(jupyter_config_path()), course_dir]:
        if os.path.exists(os.path.join(path, "nbgrader_config.py")):
            config.merge(load_config(path))
    return config


def _cell_label(nb, index: int) -> str:
    grade_id = nb.cells[index].metadata.get("nbgrader", {}).get("grade_id")
    return f"'{grade_id}'" if grade_id else f"ke-{index + 1}"


def _tampered_cells(raw_nb, source_cells) -> list[str]:
    """Reasons for locked cells (tests, instructions) that were edited or deleted."""
    from nbgrader import utils

    submitted = {}
    for cell in raw_nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            submitted[grade_id] = cell
    reasons = []
    for name, (checksum, is_test, released_source) in source_cells.items():
        kind = "sel tes" if is_test else "sel terkunci"
        cell = submitted.get(name)
        if cell is None:
            reasons.append(f"{kind} dihapus: '{name}'")
            continue
        try:
            changed = utils.compute_checksum(cell) != checksum
        except Exception:
            changed = True
        # the gradebook checksum is taken before hidden tests are stripped for release:
        # a test cell as released (hidden tests removed) is not "changed"
        if changed and cell.get("source", "").strip() == released_source.strip():
            changed = False
        if changed:
            reasons.append(f"{kind} diubah: '{name}' (dipulihkan dari versi sumber)")
    return reasons


def _released_source(source: str, cell_type: str) -> str:
    """A source cell as learners receive it: nbgrader's ClearHiddenTests applied."""
    from nbformat.v4 import new_code_cell, new_markdown_cell
    from nbgrader.preprocessors import ClearHiddenTests

    cell = new_code_cell(source) if cell_type == "code" else new_markdown_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True}
    cell, _ = ClearHiddenTests().preprocess_cell(cell, {}, 0)
    return cell.source


def _executable_cells(nb) -> list[tuple[int, str]]:
    """Cells nbclient would execute (code, non-empty, not tagged skip-execution)."""
    return [(i, c.source) for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.source.strip()
            and "skip-execution" not in c.metadata.get("tags", [])]


def _data_answer(source: str) -> str | None:
    """The answer cell as data: `name = <literal>` lines only (comments allowed).

    Returns the grader's own canonical source for it (`name = 'B'`, built from the values
    `ast.literal_eval` read out of the notebook's JSON, so every value is a plain str, int,
    float, bool, None or a tuple/list of those), or None if the cell holds anything else."""
    import ast

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    lines = []
    for stmt in tree.body:
        if not (isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets)):
            return None
        try:
            value = ast.literal_eval(stmt.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
        if not _plain(value):
            return None
        lines += [f"{t.id} = {value!r}" for t in stmt.targets]
    return "\n".join(lines) + ("\n" if lines else "")


def _plain(value, depth=0) -> bool:
    if depth > 5:
        return False
    if type(value) in (str, int, float, bool, type(None)):
        return True
    if type(value) in (tuple, list):
        return len(value) <= 100 and all(_plain(v, depth + 1) for v in value)
    return False


@dataclasses.dataclass
class _CourseCopy:
    """What the course itself says about one notebook (gradebook + release/source copy)."""

    locked: dict            # grade_id -> (checksum, is_test, source as released)
    solutions: dict         # code answer cells: grade_id -> stub source (as released)
    metadata: dict          # grade_id -> cell metadata in the course's copy of the notebook
    data_only: bool         # there are code answer cells, all data: no learner code runs
    free_sources: set = dataclasses.field(default_factory=set)  # unlocked non-nbgrader
    # code cells of the course's copy (not run in a data-only notebook, but not flagged)


def _restore_course_cells(nb, course: _CourseCopy) -> list[str]:
    """Give every locked cell (tests included) the metadata of the course's copy, tags
    included; nbgrader's OverwriteCells has already restored source, type and points.
    Returns reasons to flag (tags a learner changed)."""
    import copy

    from nbformat import from_dict

    reasons = []
    for cell in nb.cells:
        nbg = cell.metadata.get("nbgrader", {})
        grade_id = nbg.get("grade_id")
        if grade_id not in course.locked:
            continue
        original = course.metadata.get(grade_id)
        if original is None:  # no copy of the notebook: nbgrader's metadata only, no tags
            original = {"deletable": False, "editable": False}
        restored = copy.deepcopy(dict(original))
        restored["nbgrader"] = copy.deepcopy(dict(nbg))
        if sorted(cell.metadata.get("tags", [])) != sorted(restored.get("tags", [])):
            reasons.append(f"tag sel '{grade_id}' diubah (dipulihkan dari versi sumber)")
        cell.metadata = from_dict(restored)
    return reasons


def _cells_to_run(nb, course: _CourseCopy) -> tuple[list[tuple[int, str]], list[str]]:
    """(index, source) of the cells to execute, and reasons to flag.

    In a notebook whose answer cells are all data (multiple choice), learner-written code
    never runs: each answer cell runs as the grader's canonical assignment of the values
    read from the notebook JSON (`_data_answer`), an answer cell that is not data runs as
    its released stub, and cells the learner added are not run. The course's test cells
    then compare real `str` objects, never a learner-made object."""
    cells = _executable_cells(nb)
    if not course.data_only:
        return cells, []
    reasons, run = [], []
    for index, source in cells:
        grade_id = nb.cells[index].metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in course.solutions:
            data = _data_answer(source)
            if data is None:
                reasons.append(f"jawaban '{grade_id}' bukan pilihan/teks biasa; dinilai "
                               f"sebagai jawaban kosong")
                data = _data_answer(course.solutions[grade_id]) or ""
            run.append((index, data))
        elif grade_id in course.locked:
            run.append((index, source))
        elif source.strip() not in course.free_sources:
            reasons.append(f"sel tambahan ke-{index + 1} tidak dijalankan (bukan bagian soal)")
    return run, reasons


def _apply_execution(nb, cells, result, cell_timeout: float) -> list[str]:
    """Put outputs into the notebook; return reasons to flag it."""
    from nbformat import from_dict

    reasons = []
    for index, _ in cells:
        cell = nb.cells[index]
        if index in result.outputs:
            outputs, count = result.outputs[index]
            cell.outputs = [from_dict(o) for o in outputs]
            cell.execution_count = count
            if any(o.get("ename") == "CellTimeoutError" for o in outputs):
                reasons.append(f"waktu habis (timeout {cell_timeout:g} s) di sel "
                               f"{_cell_label(nb, index)}")
            if any(o.get("output_type") == "stream" and "keluaran dipotong" in o.get("text", "")
                   for o in outputs) and not any("keluaran dipotong" in r for r in reasons):
                reasons.append("keluaran terlalu besar, dipotong")
        else:
            cell.outputs = [from_dict({
                "output_type": "error", "ename": NOT_RUN_ENAME,
                "evalue": "sel tidak dijalankan: proses penilai berhenti sebelumnya",
                "traceback": [f"{NOT_RUN_ENAME}: sel tidak dijalankan (cell was not run)"]})]
            cell.execution_count = None
    if result.problem:
        where = (f" di sel {_cell_label(nb, result.failed_cell)}"
                 if result.failed_cell is not None else "")
        text = {
            "crash": f"kernel/proses mati{where}: {result.detail}",
            "hard_timeout": f"waktu habis (timeout {cell_timeout:g} s, tidak dapat "
                            f"diinterupsi){where}; proses dihentikan",
            "too_much_output": f"keluaran terlalu besar{where}; proses dihentikan",
            "protocol": f"keluaran tidak valid{where}; proses dihentikan",
        }[result.problem]
        reasons.append(text + "; sel sisanya bernilai 0")
    return reasons


class _Run:
    def __init__(self, course_dir, assignment, students, workers, user, limits, force):
        from nbgrader.api import Gradebook
        from nbgrader.converters import Autograde
        from nbgrader.coursedir import CourseDirectory
        from nbconvert.writers import FilesWriter

        self.course_dir = os.path.abspath(course_dir)
        self.assignment = assignment
        self.students = set(students) if students else None
        self.workers = max(1, int(workers))
        self.user = user
        self.limits = limits
        config = _load_config(self.course_dir)
        self.coursedir = CourseDirectory(config=config)
        self.coursedir.root = self.course_dir
        self.coursedir.assignment_id = assignment
        self.conv = Autograde(coursedir=self.coursedir, config=config)
        self.conv.force = force
        self.conv.writer = FilesWriter(parent=self.conv, config=self.conv.config)
        self.conv.exporter = self.conv.exporter_class(parent=self.conv, config=self.conv.config)
        self.gb = Gradebook(self.coursedir.db_url, self.coursedir.course_id)
        self.tx = _OneTransaction(self.gb.db)
        self.gb.db = self.tx
        self.shared = _make_shared_preprocessors()
        self._source_cells = {}
        self._course_copies = {}

    # -- database helpers -----------------------------------------------------------------
    def source_cells(self, notebook_id):
        """{grade_id: (checksum, is_test, source as released)} of the locked cells."""
        if notebook_id not in self._source_cells:
            nb = self.gb.find_notebook(notebook_id, self.assignment)
            grade_ids = {c.name for c in nb.grade_cells}
            solution_ids = {c.name for c in nb.solution_cells}
            self._source_cells[notebook_id] = {
                c.name: (c.checksum, c.name in grade_ids and c.name not in solution_ids,
                         _released_source(c.source, c.cell_type))
                for c in nb.source_cells if c.locked}
            self.tx.rollback()
        return self._source_cells[notebook_id]

    def course_copy(self, notebook_id) -> _CourseCopy:
        if notebook_id not in self._course_copies:
            import nbformat

            locked = self.source_cells(notebook_id)
            nb = self.gb.find_notebook(notebook_id, self.assignment)
            solution_ids = {c.name for c in nb.solution_cells}
            solutions = {c.name: c.source for c in nb.source_cells
                         if c.name in solution_ids and c.cell_type == "code"}
            self.tx.rollback()
            metadata, free = {}, set()
            cd = self.coursedir
            for folder in (cd.release_directory, cd.source_directory):
                path = os.path.join(cd.format_path(folder, ".", self.assignment),
                                    notebook_id + ".ipynb")
                if os.path.isfile(path) and not os.path.islink(path):
                    try:
                        course_nb = nbformat.read(path, as_version=4)
                    except Exception:
                        continue
                    for cell in course_nb.cells:
                        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                        if grade_id:
                            metadata[grade_id] = cell.metadata
                        elif cell.cell_type == "code" and folder == cd.release_directory:
                            free.add(cell.source.strip())
                    break
            data_only = bool(solutions) and all(
                _data_answer(stub) is not None for stub in solutions.values())
            self._course_copies[notebook_id] = _CourseCopy(locked, solutions, metadata,
                                                           data_only, free)
        return self._course_copies[notebook_id]

    def known_notebooks(self):
        assignment = self.gb.find_assignment(self.assignment)
        names = [n.name for n in assignment.notebooks]
        self.tx.rollback()
        return names

    # -- phase 1 --------------------------------------------------------------------------
    def submissions(self):
        self.conv.init_notebooks()
        regexp = self.conv._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)",
                                          escape=True)
        for path in sorted(self.conv.assignments):
            match = re.match(regexp, path)
            if match and (self.students is None or match["student_id"] in self.students):
                yield match["student_id"], sorted(self.conv.assignments[path])

    def prepare(self, student, notebook_paths) -> _Submission | None:
        self.conv.notebooks = notebook_paths
        if not self.conv.init_destination(self.assignment, student):
            return None
        staging = tempfile.mkdtemp(prefix=".autograde-staging-", dir=self.course_dir)
        try:
            return self._prepare_in(staging, student, notebook_paths)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _prepare_in(self, staging, student, notebook_paths) -> _Submission:
        import nbformat
        from nbgrader import utils

        conv, cd = self.conv, self.coursedir
        submitted = conv._format_source(self.assignment, student)
        links = []
        for filename in utils.find_all_files(submitted, cd.ignore + ["*.ipynb"]):
            if os.path.islink(filename) or not os.path.isfile(filename):
                links.append(os.path.relpath(filename, submitted))
                continue  # a link could point at the gradebook; root must not follow it
            self._copy(filename, os.path.join(staging, os.path.relpath(filename, submitted)))
        source = cd.format_path(cd.source_directory, ".", self.assignment)
        exclude = {os.path.join(source, x)
                   for x in conv.exclude_overwriting.get(self.assignment, [])}
        for filename in set(utils.find_all_files(source, cd.ignore + ["*.ipynb"])) - exclude:
            self._copy(filename, os.path.join(staging, os.path.relpath(filename, source)))
        sub = _Submission(student, staging, [])
        if links:
            sub.reasons.append("tautan simbolik/berkas khusus diabaikan: " + ", ".join(links))
        known = set(self.known_notebooks())
        for path in notebook_paths:
            notebook_id = os.path.splitext(os.path.basename(path))[0]
            if notebook_id not in known:
                continue  # stock: "Skipping unknown notebook"
            entry = _Notebook(notebook_id, path)
            try:
                if os.path.islink(path) or not os.path.isfile(path):
                    raise ValueError("bukan berkas biasa (symlink?)")
                raw = nbformat.read(path, as_version=4)
                sub.reasons += [f"{notebook_id}: {r}"
                                for r in _tampered_cells(raw, self.source_cells(notebook_id))]
                conv._sanitizing = True
                conv._init_preprocessors()
                resources = conv.init_single_notebook_resources(path)
                output, resources = conv.exporter.from_filename(path, resources=resources)
                entry.nb = nbformat.reads(output, as_version=4)
                entry.resources = resources
                course = self.course_copy(notebook_id)
                sub.reasons += [f"{notebook_id}: {r}"
                                for r in _restore_course_cells(entry.nb, course)]
                entry.cells, reasons = _cells_to_run(entry.nb, course)
                sub.reasons += [f"{notebook_id}: {r}" for r in reasons]
            except Exception as exc:
                log.warning("cannot read %s: %s", path, exc)
                sub.reasons.append(f"notebook rusak/tidak dapat dibaca: {notebook_id}.ipynb "
                                   f"({type(exc).__name__}); dinilai 0")
                sub.broken.append(notebook_id)
                entry.nb = None
            finally:
                self.tx.rollback()
            sub.notebooks.append(entry)
        return sub

    @staticmethod
    def _copy(src, dest):
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.exists(dest):
            os.remove(dest)
        shutil.copy(src, dest)

    # -- phase 3 --------------------------------------------------------------------------
    def record(self, sub: _Submission) -> AutogradeResult:
        import sqlalchemy
        from nbgrader.utils import setenv

        conv, cd, gb = self.conv, self.coursedir, self.gb
        student = sub.student
        try:
            if conv.create_student:
                gb.update_or_create_student(student)
            else:
                gb.find_student(student)
            timestamp = cd.get_existing_timestamp(conv._format_source(self.assignment, student))
            with warnings.catch_warnings():
                # autoflush while nbgrader builds the new submission (we flush instead of
                # commit): SQLAlchemy warns, then the explicit db.add() adds it as usual
                warnings.simplefilter("ignore", category=sqlalchemy.exc.SAWarning)
                if timestamp:
                    gb.update_or_create_submission(self.assignment, student, timestamp=timestamp)
                else:
                    gb.update_or_create_submission(self.assignment, student)
            submitted = {nb.notebook_id for nb in sub.notebooks if nb.nb is not None}
            for notebook in gb.find_assignment(self.assignment).notebooks:
                if notebook.name not in submitted:
                    nb_sub = gb.find_submission_notebook(notebook.name, self.assignment, student)
                    for grade in nb_sub.grades:
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
                    gb.db.commit()
            if not submitted:
                sub.reasons.append("tidak ada notebook yang dapat dinilai")
            for entry in sub.notebooks:
                if entry.nb is None:
                    continue
                result = entry.future.result()
                sub.reasons += [f"{entry.notebook_id}: {r}" for r in
                                _apply_execution(entry.nb, entry.cells, result,
                                                 self.limits.cell_timeout)]
                self._autograde_pipeline()
                resources = entry.resources
                resources.setdefault("metadata", {})["path"] = sub.staging
                with setenv(NBGRADER_EXECUTION="autograde"):
                    output, resources = conv.exporter.from_notebook_node(entry.nb, resources)
                conv.writer.build_directory = sub.staging
                conv.writer.write(output, resources, notebook_name=resources["unique_key"])
            self._set_permissions(sub.staging)
            sub_row = gb.find_submission(self.assignment, student)
            score, max_score = sub_row.score, sub_row.max_score
            self.tx.real_commit()
        except Exception as exc:
            self.tx.rollback()
            shutil.rmtree(sub.staging, ignore_errors=True)
            log.exception("autograde failed for %s", student)
            return AutogradeResult(student, "flagged",
                                   "; ".join(sub.reasons + [f"gagal dinilai: {exc}"]), None, None)
        dest = os.path.normpath(conv._format_dest(self.assignment, student))
        try:
            if os.path.exists(dest):
                shutil.rmtree(dest)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.chmod(sub.staging, 0o755 if not cd.groupshared else 0o2775)
            os.rename(sub.staging, dest)
        except OSError as exc:
            shutil.rmtree(sub.staging, ignore_errors=True)
            sub.reasons.append(f"nilai tersimpan, tetapi folder autograded gagal ditulis: {exc}")
        status = "flagged" if sub.reasons else "graded"
        return AutogradeResult(student, status, "; ".join(sub.reasons) or None,
                               float(score), float(max_score))

    def _autograde_pipeline(self):
        from nbgrader.preprocessors import Execute

        conv = self.conv
        conv.exporter._preprocessors = []
        for cls in conv.autograde_preprocessors:
            if isinstance(cls, str):  # course configs may name preprocessors by import path
                from traitlets.utils.importstring import import_item

                cls = import_item(cls)
            if isinstance(cls, type) and issubclass(cls, Execute):
                continue
            shared = self.shared.get(cls)
            if shared is not None:
                instance = shared(parent=conv.exporter)
                instance.shared_gradebook = self.gb
                conv.exporter.register_preprocessor(instance, enabled=True)
            else:
                conv.exporter.register_preprocessor(cls)

    def _set_permissions(self, path):
        permissions = int(str(self.conv.permissions), 8)
        for dirname, _, filenames in os.walk(path):
            for filename in filenames:
                os.chmod(os.path.join(dirname, filename), permissions)

    def close(self):
        self.tx.rollback()
        self.gb.db = self.tx._session
        self.gb.close()


def autograde(course_dir, assignment, *, students=None, workers=2, sandbox_user=None,
              cell_timeout=30, output_limit=100_000, force=False,
              progress=None, announce=None) -> list[AutogradeResult]:
    """Autograde every (or the given) student's submission of `assignment`."""
    from . import sandbox
    from .executor import Zygote, run_notebook

    user = sandbox.resolve_sandbox_user(sandbox_user)
    course_dir = os.path.abspath(course_dir)
    run = _Run(course_dir, assignment, students, workers, user,
               sandbox.Limits(cell_timeout=float(cell_timeout), output_limit=int(output_limit)),
               force)
    try:
        db_url = run.coursedir.db_url
        db_path = db_url.removeprefix("sqlite:///")
        extra = [db_path] if db_url.startswith("sqlite:///") and os.path.exists(db_path) else []
        sandbox.check_course_dir_private(course_dir, user, extra)
        for line in sandbox.guarantees(user, run.limits, run.workers):
            (announce or log.info)(f"sandbox: {line}")
        return _autograde(run, user, progress, Zygote, run_notebook)
    finally:
        run.close()


def _autograde(run: _Run, user, progress, Zygote, run_notebook) -> list[AutogradeResult]:
    from . import sandbox

    work = list(run.submissions())
    results: list[AutogradeResult] = []
    missing = sorted((run.students or set()) - {student for student, _ in work})
    total = len(work) + len(missing)
    run_root = sandbox.make_run_root()
    leases = sandbox.UidLeases(user, run.workers)  # one uid per worker, swept per notebook
    free = queue.SimpleQueue()
    for worker_user in leases.users:
        free.put(worker_user)
    zygote = Zygote()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=run.workers)

    def execute(entry: _Notebook, staging: str):
        worker_user = free.get()
        try:
            entry.workdir = sandbox.make_workdir(run_root, staging, worker_user)
            try:
                return run_notebook(zygote, entry.cells, entry.workdir, worker_user, run.limits)
            finally:
                sandbox.remove_workdir(entry.workdir)
        finally:
            free.put(worker_user)

    def report(result):
        results.append(result)
        if progress is not None:
            progress(len(results), total)

    pending: list[_Submission] = []
    try:
        for student, paths in work:
            try:
                sub = run.prepare(student, paths)
            except Exception as exc:
                log.exception("cannot prepare %s", student)
                report(AutogradeResult(student, "flagged", f"gagal disiapkan: {exc}", None, None))
                continue
            if sub is None:
                report(AutogradeResult(
                    student, "skipped",
                    "sudah dinilai dengan timestamp yang sama (pakai force=True untuk menilai "
                    "ulang)", None, None))
                continue
            for entry in sub.notebooks:
                if entry.nb is not None:
                    entry.future = pool.submit(execute, entry, sub.staging)
            pending.append(sub)
            # record finished submissions in order while later ones execute
            while pending and all(e.future is None or e.future.done()
                                  for e in pending[0].notebooks):
                report(run.record(pending.pop(0)))
        while pending:
            report(run.record(pending.pop(0)))
        for student in missing:
            report(AutogradeResult(student, "skipped", "tidak ada kiriman (no submission)",
                                   None, None))
    finally:
        for sub in pending:
            shutil.rmtree(sub.staging, ignore_errors=True)
        pool.shutdown(wait=True, cancel_futures=True)
        zygote.close()
        leases.release()
        shutil.rmtree(run_root, ignore_errors=True)
    return results
