"""One nbgrader course directory, opened through nbgrader's own API.

Works for any course directory: its ``nbgrader_config.py`` (if any) is loaded, then
the command-line choices (course id, exchange) are applied on top.
"""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader


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
        config.merge(PyFileConfigLoader(config_file.name, path=str(course_dir)).load_config())
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
