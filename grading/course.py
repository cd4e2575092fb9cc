"""One nbgrader course directory, opened through nbgrader's own API.

Works for any course directory: its ``nbgrader_config.py`` (if any) is loaded, then
the command-line choices (course id, exchange) are applied on top.

As root (the ``penilaian`` service, an operator's shell) a config file that anyone but
root could have written -- the course's ``nbgrader_config.py`` and the
``../nbgrader_common.py`` it loads are owned by the course's grader, so trainers can edit
them -- is never executed: `load_config` reads it as data (`data_config`): only
``c = get_config()``, ``c.Section.key = <literal>`` for the settings in `DATA_SETTINGS`,
and ``load_subconfig("<file>")`` (read the same way); anything else is ignored with a
warning on stderr. Settings that name classes must name nbgrader's, nbconvert's or this
package's. Root-owned files that only root can write (system-wide Jupyter configuration)
are executed as nbgrader would.
"""

from __future__ import annotations

import ast
import os
import stat
import sys
from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader

# settings a course may set when read as data: section -> keys (None: any key)
DATA_SETTINGS: dict[str, set | None] = {
    "CourseDirectory": {"course_id", "ignore", "include", "max_file_size", "max_dir_size",
                        "student_id"},
    "ClearSolutions": None, "ClearHiddenTests": None, "ClearMarkingScheme": None,
    "Exchange": {"root", "path_includes_course", "timezone", "timestamp_format"},
    "ExchangeFactory": None, "HardenedCollect": None, "CollectApp": {"check_owner"},
    "Authenticator": {"plugin_class"},
    "GenerateFeedback": {"preprocessors"},
    "Autograde": {"autograde_preprocessors", "create_student"},
    "LateSubmissionPlugin": {"penalty_method"},
    "SubtractorLateSubmissionPlugin": None,
    "GenerateAssignment": {"create_assignment"},
    "NbGrader": {"logfile"},
    # feedback and the formgrader render learners' work: sanitised HTML (set by asnhub)
    "HTMLExporter": {"sanitize_html", "preprocessors", "filters"},
}
CLASS_PREFIXES = ("nbgrader.", "nbconvert.", "grading.", "asnhub.assessments.")
_CLASS_KEYS = {("ExchangeFactory", None), ("Authenticator", "plugin_class"),
               ("GenerateFeedback", "preprocessors"), ("Autograde", "autograde_preprocessors"),
               ("HTMLExporter", "preprocessors"), ("HTMLExporter", "filters")}


def _warn(path, line, what):
    print(f"peringatan: {path}:{line}: {what} diabaikan (dibaca sebagai data, bukan "
          f"dijalankan; ignored: course config is read as data)", file=sys.stderr)


def _only_root_can_write(path: str) -> bool:
    """The file and every folder above it are root's and writable by root alone."""
    path = os.path.abspath(path)
    while True:
        try:
            st = os.lstat(path)
        except OSError:
            return False
        if st.st_uid != 0 or stat.S_ISLNK(st.st_mode):
            return False
        if st.st_mode & 0o022 and not (stat.S_ISDIR(st.st_mode) and st.st_mode & stat.S_ISVTX):
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def _names_our_classes(section, key, value) -> bool:
    if (section, None) not in _CLASS_KEYS and (section, key) not in _CLASS_KEYS:
        return True
    if isinstance(value, dict):
        value = list(value.values())
    values = value if isinstance(value, (list, tuple)) else [value]
    return all(isinstance(v, str) and v.startswith(CLASS_PREFIXES) for v in values)


def data_config(path: str, _depth: int = 0) -> Config:
    """Read an nbgrader_config.py without executing it (see the module doc)."""
    config = Config()
    try:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), filename=path)
    except (OSError, SyntaxError, ValueError) as exc:
        _warn(path, 0, f"berkas tidak dapat dibaca ({exc})")
        return config
    for node in tree.body:
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # docstring
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == "c" and isinstance(node.value, ast.Call) \
                    and isinstance(node.value.func, ast.Name) and node.value.func.id == "get_config":
                continue
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Attribute) \
                    and isinstance(target.value.value, ast.Name) and target.value.value.id == "c":
                section, key = target.value.attr, target.attr
                allowed = DATA_SETTINGS.get(section, set())
                if allowed is not None and key not in allowed:
                    _warn(path, line, f"c.{section}.{key}")
                    continue
                try:
                    value = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    _warn(path, line, f"c.{section}.{key} (bukan nilai literal)")
                    continue
                if not _names_our_classes(section, key, value):
                    _warn(path, line, f"c.{section}.{key} (kelas di luar nbgrader/grading)")
                    continue
                config[section][key] = value
                continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "load_subconfig" \
                and len(node.value.args) == 1 and not node.value.keywords \
                and isinstance(node.value.args[0], ast.Constant) \
                and isinstance(node.value.args[0].value, str) and _depth < 3:
            sub = os.path.join(os.path.dirname(path), node.value.args[0].value)
            if os.path.exists(sub):
                config.merge(load_config(os.path.dirname(sub), os.path.basename(sub), _depth + 1))
            continue
        _warn(path, line, ast.dump(node)[:60])
    return config


def load_config(directory: str, filename: str = "nbgrader_config.py", _depth: int = 0) -> Config:
    """`directory/filename` as nbgrader would load it; as root, read as data unless only
    root can write it."""
    path = os.path.join(str(directory), filename)
    if os.geteuid() == 0 and not _only_root_can_write(path):
        return data_config(path, _depth)
    return PyFileConfigLoader(filename, path=str(directory)).load_config()


# nbgrader's feedback shows hidden tests by design (#917, #1363); strip them.
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "grading.preprocessors.HideHiddenTestOutputs",
    "nbgrader.preprocessors.ClearHiddenTests",
]


# Autograde in the formgrader would run learners' code as the grader; refuse it there.
AUTOGRADE_PREPROCESSORS = [
    "grading.preprocessors.RefuseUnsandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


def course_config(course_dir: Path, course_id: str | None = None, exchange: str | None = None) -> Config:
    config = Config()
    config_file = course_dir / "nbgrader_config.py"
    if config_file.exists():
        config.merge(load_config(str(course_dir), config_file.name))
    config.CourseDirectory.root = str(course_dir)
    if course_id:
        config.CourseDirectory.course_id = course_id
    if exchange:
        config.Exchange.root = exchange
    config.GenerateFeedback.preprocessors = FEEDBACK_PREPROCESSORS
    return config


def open_api(course_dir: Path, course_id: str | None = None, exchange: str | None = None):
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = course_config(course_dir, course_id, exchange)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)
