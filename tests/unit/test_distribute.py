"""Module distribution into a learner's home never eats the learner's edits."""

import json
from pathlib import Path

import yaml

from asnhub.publish import publish
from belajar.distribute import MANIFEST, distribute

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/courses"


def bump(courses: Path, text: str) -> None:
    """A new version of modul-uji with a changed first lesson."""
    meta = yaml.safe_load((courses / "modul-uji/module.yaml").read_text())
    meta["version"] += 1
    (courses / "modul-uji/module.yaml").write_text(yaml.safe_dump(meta))
    nb = json.loads((courses / "modul-uji/01-satu.ipynb").read_text())
    nb["cells"][0]["source"] = text
    (courses / "modul-uji/01-satu.ipynb").write_text(json.dumps(nb))


def setup(tmp_path):
    import shutil

    courses = tmp_path / "courses"
    shutil.copytree(FIXTURE, courses)
    published = tmp_path / "published"
    assert publish(courses, published) == ["modul-uji"]
    assert (published / "modul-uji/module.yaml").stat().st_mode & 0o777 == 0o644
    return courses, published, tmp_path / "home/modul"


def test_first_start_copies_everything(tmp_path):
    courses, published, home = setup(tmp_path)
    home.parent.mkdir()
    actions = distribute(published, home)
    assert set(actions.values()) == {"copied"}
    assert (home / "modul-uji/02-dua.ipynb").read_bytes() == (courses / "modul-uji/02-dua.ipynb").read_bytes()
    assert distribute(published, home) == {k: "unchanged" for k in actions}


def test_new_version_updates_unedited_and_keeps_edited(tmp_path):
    courses, published, home = setup(tmp_path)
    home.parent.mkdir()
    distribute(published, home)
    mine = home / "modul-uji/01-satu.ipynb"
    mine.write_text(mine.read_text().replace("01-satu", "catatan saya"))
    edited = mine.read_bytes()
    bump(courses, "# versi baru")
    (courses / "modul-uji/02-dua.ipynb").write_text(
        (courses / "modul-uji/02-dua.ipynb").read_text().replace("02-dua\"", "02-dua baru\"")
    )
    publish(courses, published)
    actions = distribute(published, home)
    assert mine.read_bytes() == edited, "the learner's edited notebook was overwritten"
    side = home / "modul-uji/01-satu (versi 2).ipynb"
    assert "versi baru" in side.read_text()
    assert actions["modul-uji/01-satu.ipynb"].startswith("kept learner's copy")
    assert actions["modul-uji/02-dua.ipynb"] == "updated"
    assert "02-dua baru" in (home / "modul-uji/02-dua.ipynb").read_text()
    assert json.loads((home / MANIFEST).read_text())["modul-uji/01-satu.ipynb"]["version"] == 2


def test_deleted_file_comes_back_and_symlink_is_not_followed(tmp_path):
    courses, published, home = setup(tmp_path)
    home.parent.mkdir()
    distribute(published, home)
    (home / "modul-uji/01-satu.ipynb").unlink()
    target = tmp_path / "elsewhere.txt"
    target.write_text("jangan ditimpa")
    (home / "modul-uji/02-dua.ipynb").unlink()
    (home / "modul-uji/02-dua.ipynb").symlink_to(target)
    bump(courses, "# v2")
    publish(courses, published)
    actions = distribute(published, home)
    assert actions["modul-uji/01-satu.ipynb"] == "copied"
    assert actions["modul-uji/02-dua.ipynb"].startswith("skipped")
    assert target.read_text() == "jangan ditimpa"
