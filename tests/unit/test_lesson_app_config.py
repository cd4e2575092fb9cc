"""Lessons as apps (issue 13, point 2), without a server: the Voilà configuration the hub
publishes for learners' servers, where its template is found, and where Beranda's links
lead (the lesson as an app, the same lesson and the module's folder in JupyterLab)."""

import json
from pathlib import Path
from urllib.parse import unquote

from tornado.escape import url_escape
from tornado.template import Loader

from asncore import settings
from asnhub import learnerconfig
from asnhub.publish import public_environment
from belajar import lessonapp
from services.kompetensi import beranda

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "kompetensi" / "templates"


def resolved(overrides=None) -> dict:
    return settings.resolve(settings.deep_merge(settings.DEFAULTS, overrides or {}))


def test_lessons_render_with_our_template_without_code_or_tracebacks():
    voila = learnerconfig.voila_config(resolved())["VoilaConfiguration"]
    assert voila["template"] == lessonapp.TEMPLATE
    assert voila["strip_sources"] is True and voila["show_tracebacks"] is False
    # the URL cannot pick another template (one that shows code) or theme
    assert voila["allow_template_override"] == "NO" and voila["allow_theme_override"] == "NO"
    assert voila["resources"]["beranda_url"] == "/services/kompetensi/"


def test_voila_files_route_serves_nothing_from_the_home():
    """Voilà's ``voila/files/`` answers without authentication: an empty allowlist."""
    assert learnerconfig.voila_config(resolved())["VoilaConfiguration"]["file_allowlist"] == []


def test_page_language_is_indonesian_and_errors_read_in_indonesian():
    config = learnerconfig.voila_config(resolved())
    assert config["VoilaExporter"]["language_code"] == "id"
    assert "pelatih" in config["VoilaExecutor"]["cell_error_instruction"]


def test_idle_kernels_are_culled_but_open_pages_keep_theirs():
    kernels = learnerconfig.voila_config(resolved())["MappingKernelManager"]
    assert 0 < kernels["cull_idle_timeout"] <= 3600
    assert 0 < kernels["cull_interval"] <= kernels["cull_idle_timeout"]
    assert kernels["cull_connected"] is False and kernels["cull_busy"] is False


def test_beranda_link_follows_the_hub_base_url_and_service_name():
    config = learnerconfig.voila_config(resolved({"hub": {"base_url": "/ambon belajar/"},
                                                   "service": {"name": "komp"}}))
    assert config["VoilaConfiguration"]["resources"]["beranda_url"] == "/ambon belajar/services/komp/"


def test_server_config_carries_the_voila_sections():
    config = learnerconfig.server_config(resolved())
    assert config["VoilaConfiguration"]["template"] == lessonapp.TEMPLATE
    assert "LabApp" in config
    json.dumps(config)  # written as jupyter_server_config.json


def test_servers_find_the_template_on_their_jupyter_path():
    env = public_environment(resolved())
    template = Path(env["JUPYTER_PATH"]) / "voila" / "templates" / lessonapp.TEMPLATE
    assert (template / "conf.json").is_file() and (template / "index.html.j2").is_file()
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"


def test_template_is_indonesian_and_links_back():
    text = (lessonapp.jupyter_data_dir() / "voila/templates" / lessonapp.TEMPLATE
            / "index.html.j2").read_text(encoding="utf-8")
    for said in ("Menyiapkan pelajaran…", "← Beranda", "Buka di JupyterLab",
                 "tidak dapat ditampilkan"):
        assert said in text
    assert "cdn.jsdelivr.net" not in text and "Executing" not in text


def test_lanjutkan_opens_the_lesson_as_an_app():
    url = beranda.lesson_url("/", "19900514 2015", "komunikasi-pelayanan", "01 a#b.ipynb")
    assert url == "/user/19900514%202015/voila/render/modul/komunikasi-pelayanan/01%20a%23b.ipynb"


def test_same_lesson_in_jupyterlab():
    url = beranda.lesson_lab_url("/x/", "u/1", "m", "01.ipynb")
    assert url == "/x/user/u%2F1/lab/tree/modul/m/01.ipynb"
    assert beranda.lab_url("/x/", "u/1") == "/x/user/u%2F1/lab"


def test_module_folder_in_jupyterlab_through_spawn():
    url = beranda.module_lab_url("/x y/hub/", "u1", "manajemen-waktu")
    assert url.startswith("/x y/hub/spawn?next=")
    assert unquote(url.split("next=", 1)[1]) == "/x y/user/u1/lab/tree/modul/manajemen-waktu"


def test_module_cards_lead_to_voila_through_spawn():
    from services.kompetensi.catalogue import Module

    module = Module(id="m", version=1, title="M", jp=2, lessons=("01", "02"), competencies=(),
                    lesson_notebooks=("01.ipynb", "02.ipynb"), lesson_titles=("Satu", "Dua"))
    progress = {"modules": [{"id": "m", "lessons_done": ["01"], "jp_credited": False,
                             "missing": []}]}
    card = beranda.module_cards(progress, {"m": module}, "/", "u1")[0]
    assert card["next"]["number"] == 2
    assert unquote(card["next"]["url"]) == "/hub/spawn?next=/user/u1/voila/render/modul/m/02.ipynb"


def test_each_module_card_has_a_jupyterlab_link():
    me = {"name": "Maria", "username": "u1", "nip": "1", "role": "learner", "unit": None,
          "position": "Staf", "position_type": "Pelaksana", "status": "PNS"}
    card = {"id": "m", "title": "Modul M", "jp": 2, "lessons_done": [], "lessons_total": 2,
            "exercises_answered": 0, "exercises_total": 3, "study_minutes": 0,
            "study_minutes_required": 10, "jp_credited": False, "completed": False,
            "notes": [], "next": {"number": 1, "title": "Satu", "url": "/hub/spawn?next=x"}}
    progress = {"year": 2026, "jp_year": 0, "jp_target": 20, "modules": []}
    page = Loader(str(TEMPLATES)).load("home.html").generate(
        me=me, progress=progress, prefix="/services/kompetensi/", url_escape=url_escape,
        cards=[card], assessments=[], staff_links=[], lab_url="/hub/spawn", hub_url="/hub/",
        updated="1 Maret 2026 pukul 11.30 WIT").decode()
    assert 'id="lab-m"' in page and ">Buka di JupyterLab</a>" in page
    href = page.split('id="lab-m" href="', 1)[1].split('"', 1)[0]
    assert unquote(href.replace("&amp;", "&")) == "/hub/spawn?next=/user/u1/lab/tree/modul/m"
