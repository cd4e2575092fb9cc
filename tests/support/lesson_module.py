"""A one-lesson learning module on disk (module.yaml + notebook), for the module checker's
tests in tests/unit and tests/component."""

import nbformat
import yaml

MODULE_ID = "komunikasi-pelayanan"

GOOD_YAML = {
    "id": MODULE_ID,
    "version": 1,
    "title": "Komunikasi Pelayanan Publik",
    "description": "Berkomunikasi dengan warga secara jelas dan santun.",
    # one multiple-choice question: about 2 minutes (belajar.duration), so the module's time
    # claims are that small too, or the checker refuses them
    "jp": 0.1,
    "competencies": [{"code": "M.03", "target_level": 2}, {"code": "T.PENGADUAN",
                                                           "target_level": 1}],
    "objectives": ["Peserta mampu mendengar aktif."],
    "lessons": [{"id": "01-mendengar-aktif", "title": "Mendengar aktif",
                 "notebook": "01-mendengar-aktif.ipynb", "minutes": 2}],
}

GOOD_CELL = """from belajar import Pelajaran
p = Pelajaran("komunikasi-pelayanan", "01-mendengar-aktif")
p.pilihan_ganda("q1", "Apa?", ["a", "b"], 0, ["karena a", "karena b"])"""


def write_notebook(path, cells, module=MODULE_ID, lesson="01-mendengar-aktif", meta=True):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    if meta:
        nb.metadata["belajar"] = {"module": module, "lesson": lesson}
    nbformat.write(nb, path)


def make_module(root, data=None, cells=(GOOD_CELL,)):
    data = GOOD_YAML if data is None else data
    folder = root / MODULE_ID
    folder.mkdir(parents=True)
    (folder / "module.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    write_notebook(folder / "01-mendengar-aktif.ipynb", list(cells))
    return folder
