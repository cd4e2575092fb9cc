"""nbgrader course "penanganan-pengaduan". No paths here: the platform sets CourseDirectory.root.

Answer cells read `jawaban_N = ""  # ...` followed by a `### BEGIN SOLUTION` region holding the key;
an empty code stub makes the released cell just that first line (see assessments/README.md).
"""

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "penanganan-pengaduan"
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "Tulis jawaban Anda di sini (klik dua kali sel ini, hapus kalimat ini, lalu ketik)."
# the competency mapping is instructor data: keep it out of the release (nbgrader's defaults + it)
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "kompetensi.yaml"]
