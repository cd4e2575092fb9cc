"""Feedback preprocessors: released feedback must not reveal hidden tests."""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"


class HideHiddenTestOutputs(Preprocessor):
    """A failing hidden test prints its own source in the traceback; keep only the error
    name and message (write messages that do not give the answer away).

    Runs before nbgrader's ClearHiddenTests, which strips the hidden lines from the source.
    """

    enabled = Bool(True).tag(config=True)  # nbconvert's default is off

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and HIDDEN_BEGIN in cell.source:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ")
                    output["traceback"] = [message + "  (rincian tes tersembunyi disembunyikan)"]
        return cell, resources


from nbgrader.preprocessors import Execute  # noqa: E402


class RefuseUnsandboxedExecute(Execute):
    """Takes the place of nbgrader's Execute in the formgrader: stock autograde would run
    learners' code with the grader's rights (it owns source/ and the gradebook). On this
    platform code is only run by ``python -m grading autograde``, sandboxed; our engine
    skips any Execute subclass, so this never runs there."""

    def preprocess(self, nb, resources):
        raise RuntimeError(
            "Penilaian otomatis dari formgrader dimatikan: kode peserta tidak boleh berjalan "
            "dengan hak akun kursus. Jalankan: python -m grading autograde <tugas> "
            "--course-dir <kursus> --sandbox-user <akun-sandbox> (as root). "
            "(Autograde from the formgrader is disabled: it would run learners' code unsandboxed.)"
        )
