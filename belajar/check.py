"""Check a course module folder: module.yaml, its notebooks, (optionally) run them, and,
once all that passes, its time claims: ``jp`` and the lessons' ``minutes`` against the
minutes estimated from what the lessons hold (:mod:`belajar.duration` has the rule).

Every check appends a message "file: where: what is wrong"; an empty list means OK. The
OK line of each module gives its estimate, its claim and the JP the estimate supports.
"""

import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat

from asncore.events import declared_exercises
from asncore.modules import MODULE_FILE, validate_module

from . import duration

CELL_TIMEOUT_S = 120
KERNEL_NAME = "python3"
PELAJARAN_CALL = re.compile(
    r"Pelajaran\(\s*(?:module\s*=\s*)?['\"]([^'\"]*)['\"]\s*,"
    r"\s*(?:lesson\s*=\s*)?['\"]([^'\"]*)['\"]")


def listed_lessons(data) -> list[tuple[int, dict]]:
    """The usable lesson entries of a possibly invalid module.yaml."""
    lessons = data.get("lessons") if isinstance(data, dict) else None
    if not isinstance(lessons, list):
        return []
    return [(i, lesson) for i, lesson in enumerate(lessons)
            if isinstance(lesson, dict) and isinstance(lesson.get("notebook"), str)
            and "/" not in lesson["notebook"] and "\\" not in lesson["notebook"]]


def configured_minutes_per_jp() -> int:
    """``learning.minutes_per_jp`` of the platform settings (45 by default)."""
    from asncore.settings import load

    return int(load()["learning"]["minutes_per_jp"])


def lesson_estimates(folder: Path, data: dict) -> dict[str, duration.LessonEstimate]:
    """Lesson id -> the estimate of its notebook, for a module that passed its checks."""
    return {lesson["id"]: duration.estimate_lesson(
                nbformat.read(folder / lesson["notebook"], as_version=4).cells)
            for lesson in data["lessons"]}


def check_module(folder, execute: bool = True, minutes_per_jp: int | None = None) -> list[str]:
    """Every problem of the module folder; the time claims are compared only once
    everything else passes (``minutes_per_jp`` default: the settings')."""
    folder = Path(folder)
    data, errors = validate_module(folder)
    if data is None:
        return errors
    module_id = data.get("id") if isinstance(data, dict) else None
    source = folder / MODULE_FILE
    lessons = listed_lessons(data)
    listed = {lesson["notebook"] for _, lesson in lessons}
    for i, lesson in lessons:
        path = folder / lesson["notebook"]
        if not path.is_file():
            errors.append(f"{source}: lessons[{i}].notebook: file {lesson['notebook']!r} tidak "
                          f"ditemukan di {folder}")
            continue
        errors += check_notebook(path, module_id, lesson.get("id"), execute)
    for path in sorted(folder.glob("*.ipynb")):
        if path.name not in listed:
            errors.append(f"{path}: notebook tidak tercantum di lessons pada {MODULE_FILE}; "
                          "tambahkan ke daftar atau hapus file ini")
    if not errors:
        per_jp = minutes_per_jp or configured_minutes_per_jp()
        errors += duration.claim_problems(data, lesson_estimates(folder, data), str(source),
                                          per_jp)
    return errors


def check_notebook(path: Path, module_id, lesson_id, execute: bool) -> list[str]:
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # unreadable JSON, wrong format version, invalid structure
        return [f"{path}: bukan notebook yang valid: {exc}"]
    errors = []
    expected = {"module": module_id, "lesson": lesson_id}
    meta = nb.metadata.get("belajar")
    if meta is None:
        errors.append(f"{path}: metadata 'belajar' tidak ada; tambahkan "
                      f'"belajar": {{"module": "{module_id}", "lesson": "{lesson_id}"}}')
    elif not isinstance(meta, dict) or dict(meta) != expected:
        found = meta if not isinstance(meta, dict) else \
            f"module={meta.get('module')!r}, lesson={meta.get('lesson')!r}"
        errors.append(f"{path}: metadata belajar tidak sesuai ({found}); seharusnya "
                      f"module={module_id!r}, lesson={lesson_id!r}")
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        for module, lesson in PELAJARAN_CALL.findall(cell.source):
            if (module, lesson) != (module_id, lesson_id):
                errors.append(f"{path}: sel ke-{number}: Pelajaran({module!r}, {lesson!r}) "
                              f"seharusnya Pelajaran({module_id!r}, {lesson_id!r})")
    # the server reads the exercise ids from here to credit JP (asncore.events)
    _ids, problems = declared_exercises([c.source for c in nb.cells if c.cell_type == "code"])
    errors += [f"{path}: {problem}" for problem in problems]
    if execute:
        errors += execute_notebook(path, nb)
    return errors


def kernel_env(outbox_dir: str) -> dict:
    """The kernel runs this copy of belajar and never reports progress to a service."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("KOMPETENSI_URL", "JUPYTERHUB_API_TOKEN")}
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env["BELAJAR_OUTBOX"] = os.path.join(outbox_dir, "outbox.jsonl")
    return env


def _cell_label(nb, index) -> str:
    if index is None:
        return "saat menyiapkan kernel"
    first_line = next((line for line in nb.cells[index].source.splitlines() if line.strip()), "")
    return f"sel ke-{index + 1} ({first_line.strip()[:60]!r})"


def execute_notebook(path: Path, nb) -> list[str]:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    current = {"index": None}

    def remember(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name=KERNEL_NAME,
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_execute=remember)
    with tempfile.TemporaryDirectory(prefix="belajar-check-") as outbox_dir:
        try:
            client.execute(env=kernel_env(outbox_dir))
        except CellTimeoutError:
            return [f"{path}: {_cell_label(nb, current['index'])} melebihi batas waktu "
                    f"{CELL_TIMEOUT_S} detik"]
        except CellExecutionError as exc:
            return [f"{path}: {_cell_label(nb, current['index'])} gagal dijalankan: "
                    f"{exc.ename}: {exc.evalue}"]
        except DeadKernelError as exc:
            return [f"{path}: kernel berhenti {_cell_label(nb, current['index'])}: {exc}"]
        except Exception as exc:  # kernel missing, cannot start, ...
            return [f"{path}: tidak dapat dijalankan dengan kernel {KERNEL_NAME!r}: "
                    f"{type(exc).__name__}: {exc}"]
    return []


def module_folders(courses_dir) -> list[Path]:
    return sorted(p for p in Path(courses_dir).iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")))


def run(paths, check_all: bool, execute: bool, out=None) -> int:
    """Check the given module folders (or every module under them with ``check_all``)."""
    out = out or sys.stdout
    folders = []
    for path in map(Path, paths):
        if not path.is_dir():
            print(f"KESALAHAN {path}: folder tidak ditemukan", file=out)
            return 1
        folders += module_folders(path) if check_all else [path]
    total_errors = 0
    per_jp = configured_minutes_per_jp() if folders else None
    for folder in folders:
        errors = check_module(folder, execute=execute, minutes_per_jp=per_jp)
        total_errors += len(errors)
        if errors:
            print(f"GAGAL {folder} ({len(errors)} kesalahan)", file=out)
            for error in errors:
                print(f"  - {error}", file=out)
        else:
            ran = "notebook dijalankan" if execute else "notebook tidak dijalankan"
            data, _ = validate_module(folder)
            time = duration.summary(lesson_estimates(folder, data), float(data["jp"]), per_jp)
            print(f"OK    {folder} ({ran}) · {time}", file=out)
    if not folders:
        print("Tidak ada folder modul untuk diperiksa.", file=out)
        return 0
    print(f"{len(folders)} modul diperiksa, {total_errors} kesalahan.", file=out)
    return 1 if total_errors else 0
