"""Feedback preprocessors: released feedback must not reveal hidden tests."""

from __future__ import annotations

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"


class HideHiddenTestOutputs(Preprocessor):
    """Released feedback keeps no output of a cell with hidden tests: not the traceback
    (it prints the hidden assert), not stdout/stderr or displays (learner code called by a
    hidden test can print the test's inputs and the values it is compared to). The cell
    shows only whether it passed; its points come from the gradebook.

    Runs before nbgrader's ClearHiddenTests, which strips the hidden lines from the source.
    """

    enabled = Bool(True).tag(config=True)  # nbconvert's default is off

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and HIDDEN_BEGIN in cell.source:
            outputs = cell.get("outputs", [])
            failed = any(o.get("output_type") == "error" for o in outputs)
            cell["outputs"] = []
            if failed:
                cell["outputs"].append(nbformat.from_dict({
                    "output_type": "stream", "name": "stderr",
                    "text": "Tes belum lulus (rincian tes tersembunyi disembunyikan).\n"}))
            elif outputs:
                cell["outputs"].append(nbformat.from_dict({
                    "output_type": "stream", "name": "stdout",
                    "text": "(keluaran tes tersembunyi disembunyikan)\n"}))
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
