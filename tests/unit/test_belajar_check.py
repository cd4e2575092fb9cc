"""module.yaml schema, the module checker and its command line, without running any
notebook (``execute=False``). Running the cells in a kernel and the ``python -m belajar``
entry point are in tests/component/test_belajar_check_run.py."""

import pytest
import yaml

from belajar.__main__ import main
from belajar.check import check_module
from asncore.modules import ModuleError, load_module
from tests.support.lesson_module import GOOD_YAML, MODULE_ID, make_module, write_notebook


def test_good_module_passes_without_execution(tmp_path):
    folder = make_module(tmp_path)
    assert check_module(folder, execute=False) == []
    assert load_module(folder)["lessons"][0]["minutes"] == 2
    assert load_module(folder / "module.yaml")["id"] == MODULE_ID


def with_changes(**changes):
    data = yaml.safe_load(yaml.safe_dump(GOOD_YAML))
    data.update(changes)
    return data


def errors_for(tmp_path, data):
    return check_module(make_module(tmp_path, data), execute=False)


def test_unknown_competency_code(tmp_path):
    errors = errors_for(tmp_path, with_changes(competencies=[{"code": "M.09",
                                                              "target_level": 2}]))
    (error,) = errors
    assert error.endswith("module.yaml: competencies[0].code: kode kompetensi 'M.09' tidak "
                          "dikenal; kode yang dikenal: M.01, M.02, M.03, M.04, M.05, M.06, "
                          "M.07, M.08, SK.01, T.PENGADUAN, T.SPBE, T.WAKTU")


def test_unknown_key_and_bad_values_are_all_listed(tmp_path):
    data = with_changes(durasi=3, jp=0)
    data["lessons"][0]["minutes"] = "tiga puluh"
    data["competencies"][0]["target_level"] = 6
    errors = errors_for(tmp_path, data)
    assert len(errors) == 4, errors
    joined = "\n".join(errors)
    assert "module.yaml: (akar): kunci tidak dikenal 'durasi'; kunci yang boleh: " in joined
    assert "module.yaml: jp: nilai 0 harus > 0" in joined
    assert "module.yaml: lessons[0].minutes: harus berupa bilangan bulat, bukan 'tiga puluh'" \
        in joined
    assert "module.yaml: competencies[0].target_level: nilai 6 harus <= 5" in joined


def test_missing_key_and_bad_id(tmp_path):
    data = with_changes(id="Komunikasi Pelayanan")
    del data["objectives"]
    errors = errors_for(tmp_path, data)
    assert any("(akar): kunci wajib 'objectives' tidak ada" in e for e in errors)
    assert any("id: nilai 'Komunikasi Pelayanan' tidak sesuai format (huruf kecil" in e
               for e in errors)
    assert any("harus sama dengan nama folder 'komunikasi-pelayanan'" in e for e in errors)


def test_missing_notebook(tmp_path):
    data = with_changes()
    data["lessons"].append({"id": "02-empati", "title": "Empati",
                            "notebook": "02-empati.ipynb", "minutes": 20})
    (error,) = errors_for(tmp_path, data)
    assert "module.yaml: lessons[1].notebook: file '02-empati.ipynb' tidak ditemukan" in error


def test_duplicate_lesson_ids(tmp_path):
    data = with_changes()
    data["lessons"].append({**data["lessons"][0], "notebook": "salinan.ipynb"})
    folder = make_module(tmp_path, data)
    write_notebook(folder / "salinan.ipynb", ["1"])
    errors = check_module(folder, execute=False)
    assert any("lessons[1].id: '01-mendengar-aktif' sudah dipakai" in e for e in errors)


def test_notebook_path_outside_the_folder_is_refused(tmp_path):
    data = with_changes()
    data["lessons"][0]["notebook"] = "../rahasia.ipynb"
    errors = errors_for(tmp_path, data)
    assert any("lessons[0].notebook: nilai '../rahasia.ipynb' tidak sesuai format" in e
               for e in errors)


def test_unlisted_notebook_and_wrong_metadata(tmp_path):
    folder = make_module(tmp_path)
    write_notebook(folder / "catatan.ipynb", ["1"])
    write_notebook(folder / "01-mendengar-aktif.ipynb",
                   ['p = Pelajaran("komunikasi-pelayanan", "02-lain")'], lesson="02-lain")
    errors = check_module(folder, execute=False)
    assert len(errors) == 3, errors
    assert any("catatan.ipynb: notebook tidak tercantum di lessons" in e for e in errors)
    assert any("metadata belajar tidak sesuai (module='komunikasi-pelayanan', "
               "lesson='02-lain'); seharusnya module='komunikasi-pelayanan', "
               "lesson='01-mendengar-aktif'" in e for e in errors)
    assert any("sel ke-1: Pelajaran('komunikasi-pelayanan', '02-lain') seharusnya "
               "Pelajaran('komunikasi-pelayanan', '01-mendengar-aktif')" in e for e in errors)


def test_missing_metadata(tmp_path):
    folder = make_module(tmp_path)
    write_notebook(folder / "01-mendengar-aktif.ipynb", ["1"], meta=False)
    (error,) = check_module(folder, execute=False)
    assert "metadata 'belajar' tidak ada" in error


def test_missing_and_broken_module_yaml(tmp_path):
    folder = tmp_path / "kosong"
    folder.mkdir()
    assert check_module(folder, execute=False) == [
        f"{folder / 'module.yaml'}: file tidak ditemukan; setiap modul membutuhkan module.yaml"]
    (folder / "module.yaml").write_text("id: [tidak ditutup\n")
    (error,) = check_module(folder, execute=False)
    assert "YAML tidak valid (baris 2)" in error
    with pytest.raises(ModuleError) as info:
        load_module(folder)
    assert info.value.errors == [error]


def test_cli_single_module(tmp_path, capsys):
    folder = make_module(tmp_path)
    assert main(["check", str(folder), "--no-execute"]) == 0
    assert f"OK    {folder}" in capsys.readouterr().out


def test_cli_all_lists_every_error_and_fails(tmp_path, capsys):
    make_module(tmp_path / "courses")
    bad = tmp_path / "courses" / "waktu"
    bad.mkdir()
    (bad / "module.yaml").write_text(yaml.safe_dump(with_changes(id="waktu", version=0)))
    assert main(["check", "--all", str(tmp_path / "courses"), "--no-execute"]) == 1
    out = capsys.readouterr().out
    assert "OK    " in out and f"GAGAL {bad} (2 kesalahan)" in out
    assert "version: nilai 0 harus >= 1" in out
    assert "lessons[0].notebook: file '01-mendengar-aktif.ipynb' tidak ditemukan" in out
    assert "2 modul diperiksa, 2 kesalahan." in out


def test_cli_all_on_an_empty_folder_passes(tmp_path, capsys):
    assert main(["check", "--all", str(tmp_path), "--no-execute"]) == 0
    assert "Tidak ada folder modul" in capsys.readouterr().out
