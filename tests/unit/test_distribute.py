"""Module distribution into a learner's home never eats the learner's edits; what a hub
publishes for its learners' servers stays under that hub's own public directory."""

import json
from pathlib import Path

import yaml
from traitlets.config import Config

from asncore import settings
from asnhub import configure
from asnhub.assessments import formgrader_services, write_learner_config
from asnhub.platform_setup import write_lab_settings
from asnhub.publish import ensure_public_dir, modules_dir, publish
from belajar.distribute import MANIFEST, distribute
from tests.support.machine_state import legacy_states

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/courses"
CODES = frozenset({"M.03"})  # the dictionary codes the fixture module names


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
    assert publish(courses, published, CODES) == ["modul-uji"]
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
    publish(courses, published, CODES)
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
    publish(courses, published, CODES)
    actions = distribute(published, home)
    assert actions["modul-uji/01-satu.ipynb"] == "copied"
    assert actions["modul-uji/02-dua.ipynb"].startswith("skipped")
    assert target.read_text() == "jangan ditimpa"


# --- per-hub publishing: nothing machine-wide ----------------------------------------------


def hub_settings(root: Path, **overrides) -> dict:
    return settings.resolve(settings.deep_merge(settings.DEFAULTS, {
        "data_dir": str(root / "var"),
        "public_dir": str(root / "publik"),
        "learning": {"courses_dir": str(FIXTURE)},
        "assessments": {"dir": str(root / "no-courses"), "exchange_dir": str(root / "exchange"),
                        "courses_root": str(root / "kursus")},
        **overrides,
    }))


def publish_all(cfg: dict) -> None:
    """What a hub's start writes for its learners' servers (the root-only parts aside)."""
    ensure_public_dir(cfg)
    write_lab_settings(cfg)
    write_learner_config(cfg)
    publish(cfg["learning"]["courses_dir"], modules_dir(cfg), CODES)


def spawner_environment(cfg: dict) -> dict:
    c = Config()
    configure.update_spawner(c, cfg)
    return c.Spawner.environment


def test_public_dir_default_and_dev_mode(tmp_path):
    assert settings.resolve(settings.DEFAULTS)["public_dir"] == "/srv/asn-ambon/publik"
    dev = settings.resolve(settings.deep_merge(
        settings.DEFAULTS, {"data_dir": str(tmp_path / "var"), "hub": {"dev_mode": True}}))
    assert dev["public_dir"] == str(tmp_path / "var/publik")


def test_hub_writes_under_its_public_dir_and_spawner_points_there(tmp_path, monkeypatch):
    before = legacy_states()
    cfg = hub_settings(tmp_path / "a")
    publish_all(cfg)
    public = tmp_path / "a/publik"
    written = {p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()}
    assert written == {"jupyter/nbgrader_config.py", "jupyter/jupyter_server_config.json",
                       "lab/settings/overrides.json",
                       # learners' servers only (asnhub.learnerlab)
                       "jupyter-peserta/jupyter_server_config.json",
                       "lab/peserta/overrides.json", "lab/peserta/page_config.json",
                       "modul/modul-uji/module.yaml",
                       "modul/modul-uji/01-satu.ipynb", "modul/modul-uji/02-dua.ipynb"}
    assert legacy_states() == before, "a hub wrote into the shared environment"
    assert all(p.stat().st_mode & 0o777 == 0o755 for p in [public, *public.rglob("*")] if p.is_dir())

    env = spawner_environment(cfg)
    assert env["JUPYTER_CONFIG_PATH"] == f"{public / 'jupyter-peserta'}:{public / 'jupyter'}"
    assert env["BELAJAR_MODULES_DIR"] == str(public / "modul")
    lab = json.loads((public / "jupyter/jupyter_server_config.json").read_text())
    assert lab["LabApp"] == {"app_settings_dir": str(public / "lab/settings")}
    assert lab["VoilaConfiguration"]["template"] == "asn-pelajaran"  # lessons as apps
    overrides = json.loads((public / "lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "id_ID"

    # nbgrader on a learner's server, found through that path alone
    from nbgrader.apps import NbGrader

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", env["JUPYTER_CONFIG_PATH"])
    monkeypatch.setenv("JUPYTERHUB_USER", "199005142015032001")
    app = NbGrader()
    app.load_config_file()
    assert app.config.Exchange.root == str(tmp_path / "a/exchange")
    assert app.config.CourseDirectory.student_id == "199005142015032001"
    assert app.config.ExchangeFactory.submit == "grading.exchange.HardenedSubmit"


def test_second_hub_leaves_the_first_alone(tmp_path):
    first, second = hub_settings(tmp_path / "a"), hub_settings(tmp_path / "b")
    publish_all(first)
    public = Path(first["public_dir"])
    files = {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}
    env = spawner_environment(first)
    publish_all(second)
    assert {p: p.read_bytes() for p in public.rglob("*") if p.is_file()} == files
    assert spawner_environment(first) == env
    other = spawner_environment(second)
    for key in ("JUPYTER_CONFIG_PATH", "BELAJAR_MODULES_DIR"):
        assert env[key] != other[key]


def test_formgraders_read_their_hubs_jupyter_config(tmp_path):
    courses = tmp_path / "assessments"
    (courses / "kursus-a/source").mkdir(parents=True)
    cfg = hub_settings(tmp_path, assessments={"dir": str(courses)})
    [service] = formgrader_services(cfg)
    assert service["environment"]["JUPYTER_CONFIG_PATH"] == str(tmp_path / "publik/jupyter")
