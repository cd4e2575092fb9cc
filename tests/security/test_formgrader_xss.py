"""Stored XSS from a learner into the trainer's formgrader (issue 10, point 4; review H2).

A learner's written answer (markdown) or a cell's output is shown to the trainer by the
course's formgrader (``/services/<course>/formgrader/submissions/<id>``), on the hub's
own origin. nbgrader renders it with ``HTMLExporter(config=<the course config>)`` and its
``formgrade`` template (``FormgradeExtension.init_tornado_settings``); these tests build
that exporter the same way, from the configuration files the platform writes at start
(:func:`asnhub.assessments.course_config`, :func:`asnhub.assessments.grader_server_config`),
and render a submission carrying the attacks.

Against the code before the fix both failed: the script, the ``onerror`` image and the SVG
``onload`` came out live, and the grader's server sent only ``frame-ancestors 'self'``.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from asnhub.assessments import course_config, grader_server_config

COURSE = "kursus-uji"
ATTACKS = {
    "script": "<script>alert('skrip')</script>",
    "onerror": '<img src=x onerror="alert(document.cookie)">',
    "svg": '<svg onload="alert(1)"><script>alert(2)</script></svg>',
    "link": '<a href="javascript:alert(3)">klik</a>',
    "iframe": '<iframe src="/hub/token"></iframe>',
    "markdown-link": "[klik](javascript:alert(4))",
}
# a live element or handler (escaped text such as &lt;img onerror=...&gt; is inert)
LIVE = re.compile(r"<script>alert|<img[^>]*\sonerror=|<svg[^>]*\sonload=|href=\"javascript:|<iframe", re.IGNORECASE)


def submission() -> nbformat.NotebookNode:
    """A learner's notebook: a written answer and code outputs carrying every attack."""
    grade = {"grade": True, "solution": True, "locked": False, "points": 2,
             "grade_id": "tugas-tertulis", "schema_version": 3, "task": False}
    cells = [
        new_markdown_cell("Jawaban saya: " + " ".join(ATTACKS.values()) + "\n\n**tebal** dan *miring*",
                          metadata={"nbgrader": grade}),
        new_code_cell("display(HTML(...))", outputs=[
            new_output("display_data", data={"text/html": ATTACKS["script"] + ATTACKS["onerror"]}),
            new_output("display_data", data={"image/svg+xml": ATTACKS["svg"]}),
            new_output("display_data", data={"text/markdown": ATTACKS["onerror"] + ATTACKS["link"]}),
            new_output("execute_result", data={"text/html": ATTACKS["iframe"], "text/plain": "x"},
                       execution_count=1),
        ], execution_count=1),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})


@pytest.fixture
def formgrader_exporter(tmp_path, monkeypatch):
    """The exporter the course formgrader renders submissions with, built by nbgrader's own
    FormgradeExtension from the course directory the platform configures."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader.formgrader import FormgradeExtension

    course = tmp_path / COURSE
    course.mkdir()
    (course / "nbgrader_config.py").write_text(
        course_config(COURSE, str(tmp_path / "exchange"), "", "", "latest"))
    monkeypatch.chdir(course)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "no-user-config"))
    formgrader = FormgradeExtension()
    formgrader.root_dir = str(course)
    formgrader.initialize([])
    return HTMLExporter(config=formgrader.config)


def test_a_submission_renders_inert_in_the_formgrader(formgrader_exporter):
    resources = {"assignment_id": "ps1", "notebook_id": "ps1", "submission_id": "abc", "index": 0,
                 "total": 1, "base_url": "/services/kursus-uji", "student": "199001012015031001",
                 "last_name": "", "first_name": "Ana", "notebook_path": "/x.ipynb"}
    html, _ = formgrader_exporter.from_notebook_node(submission(), resources=resources)
    answer = html[html.index("Jawaban saya"):]
    assert not LIVE.search(answer), LIVE.findall(answer)
    assert "Jawaban saya" in html  # the learner's text is still shown, formatted
    assert "<strong>tebal</strong>" in answer and "<em>miring</em>" in answer


def _csp(config_text: str) -> dict[str, list[str]]:
    namespace = {"get_config": Config}
    exec(compile(config_text, "jupyter_server_config.py", "exec"), namespace)  # noqa: S102
    headers = namespace["c"].ServerApp.tornado_settings["headers"]
    policy = headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def test_the_grader_server_sends_a_strict_csp(tmp_path):
    csp = _csp(grader_server_config(tmp_path / COURSE))
    assert csp["frame-ancestors"] == ["'self'"]  # the formgrader opens inside the service's lab
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    # nothing may be loaded from, or sent to, another origin
    for directive, sources in csp.items():
        assert not any(s in ("*", "http:", "https:") or "://" in s for s in sources), directive
    assert csp["connect-src"] == ["'self'"]
