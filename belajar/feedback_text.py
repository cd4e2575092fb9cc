"""nbgrader's feedback page in Bahasa Indonesia, as the learner reads it.

nbgrader renders feedback with its own English template ("Student's answer", "Score:",
"Test cell", "In [1]:"). The learner's assessment pages (:mod:`belajar.tugas_handlers`)
serve that file from the learner's own folder; on the way out its fixed labels are put in
Indonesian and the code prompts dropped. Only the template's markup is matched (a label
inside its own tag), so a learner's answer that happens to contain the same English words
is left as written. The file on disk is not changed."""

from __future__ import annotations

import re

# nbgrader 0.9's feedback template (formgrader/templates/feedback/index.html.j2): the
# English label as it stands between its tags -> the Indonesian one
LABELS = {
    ">Student's answer<": ">Jawaban Anda<",
    ">Student's task<": ">Tugas Anda<",
    ">Test cell<": ">Pemeriksaan otomatis<",
    ">Coding free-response<": ">Jawaban kode<",
    ">Written response<": ">Jawaban tertulis<",
    ">Task<": ">Tugas<",
    ">Comment<": ">Komentar pelatih<",
    "<b>Comments:</b>": "<b>Komentar pelatih:</b>",
    ">(Top)<": ">(ke atas)<",
}
# "Score: 1.0 / 1.0" (beside a cell, in the list and in the page title), "Grade cell:",
# "Task:" and the late penalty, each only where the template writes it
PATTERNS = [
    (re.compile(r"\(Score: "), "(Nilai: "),
    (re.compile(r"(<span class=\"pull-right\">\s*)Score: "), r"\1Nilai: "),
    (re.compile(r"(<span class=\"nbgrader-label\">)Grade cell: "), r"\1Sel penilaian: "),
    (re.compile(r"(<span class=\"nbgrader-label\">)Task: "), r"\1Tugas: "),
    (re.compile(r"(<li class=\"late-penalty\">)Late submission penalty"), r"\1Potongan keterlambatan"),
    # code prompts ("In [1]:", "Out[1]:") mean nothing to a civil servant
    (re.compile(r"(<div class=\"prompt (?:input|output)_prompt\">)\s*(?:In|Out)(?:&nbsp;|\s)*\[[^\]]*\]:"),
     r"\1"),
]


def indonesian(page: str) -> str:
    """The feedback page with the template's English labels in Indonesian."""
    for english, indonesian_label in LABELS.items():
        page = page.replace(english, indonesian_label)
    for pattern, replacement in PATTERNS:
        page = pattern.sub(replacement, page)
    return page.replace('<html>', '<html lang="id">', 1)
