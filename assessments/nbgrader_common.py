"""nbgrader settings shared by every course in assessments/ (each course's
nbgrader_config.py loads this file; the platform copies it next to each course directory).

Answer cells read `jawaban_N = ""  # ...` followed by a `### BEGIN SOLUTION` region holding
the key; an empty code stub makes the released cell just that first line (see README.md).
"""

c = get_config()  # noqa: F821
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "Tulis jawaban Anda di sini (klik dua kali sel ini, hapus kalimat ini, lalu ketik)."
# the competency mapping is instructor data: keep it out of the release (nbgrader's defaults + it)
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "kompetensi.yaml"]
