"""The shipped modules meet the content rules of issue 3 (structure, not wording)."""

import re
from pathlib import Path

import nbformat
import pytest

from asncore.modules import load_module

COURSES = Path(__file__).resolve().parents[2] / "courses"
MODULES = sorted(p.parent for p in COURSES.glob("*/module.yaml"))
FACTORIES = ("pilihan_ganda", "skenario", "urutkan", "matriks", "isian_bebas", "cek_mandiri")
CALL = re.compile(r"^p\.(" + "|".join(FACTORIES) + r")\(", re.M)


def test_the_four_modules_exist():
    assert {m.name for m in MODULES} == {
        "komunikasi-pelayanan", "manajemen-waktu", "penanganan-pengaduan", "e-government"
    }


@pytest.mark.parametrize("folder", MODULES, ids=lambda p: p.name)
def test_module_shape(folder):
    module = load_module(folder)
    assert 4 <= len(module["lessons"]) <= 6
    assert 2 <= module["jp"] <= 4
    calls = []
    for lesson in module["lessons"]:
        nb = nbformat.read(folder / lesson["notebook"], 4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert "p.selesai()" in code[-1].source, f"{lesson['id']}: last cell must be p.selesai()"
        assert all(not c.get("outputs") for c in code), f"{lesson['id']}: saved with outputs"
        calls += [m.group(1) for c in code for m in CALL.finditer(c.source)]
    assert len(calls) >= 6, f"{folder.name}: only {len(calls)} exercises"
    assert len(set(calls)) >= 4, f"{folder.name}: widget types {set(calls)}"
