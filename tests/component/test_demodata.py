"""``asn-ambon demo isi``: a new admin runs ``init`` and ``demo isi`` on a throw-away platform
(dev mode, data in a temporary folder) and every HR and learner screen has something to
show; a real roster is refused and nothing changes; running it again replaces, never
doubles.

The screens are read from the competency service in-process (tests/support/service_auth.py:
the hub's OAuth is replaced by an ``X-Test-User`` header; the database, report cache,
engine and Tornado are real). The plan itself is checked in tests/unit/test_demoyear.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jupyterhub.services.auth import HubOAuthenticated
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from asncore.commands import CommandFailed
from asncore.settings import load
from asnhub.demo import demo_rows
from reports.config import report_config
from reports.engine import Inputs, build
from reports.load import load_frames
from services.kompetensi.app import make_app
from services.kompetensi.demodata import fill
from services.kompetensi.demoyear import FOCUS_MODULE, FOCUS_UNIT
from tests.support.service_auth import fake_hub_user

REPO = Path(__file__).resolve().parents[2]
YEAR, SEED = 2026, 7
PREFIX = "/services/kompetensi/"
END_OF_YEAR = dt.datetime(2026, 12, 31, 12, 0)  # the service's clock: the year is over
FIXED_NOW = dt.datetime(2026, 12, 2, 3, 0)  # for the in-process fills compared with each other
HR = "sdm:hr"
# the service fixture runs on the module's loop (asyncio_default_fixture_loop_scope)
ON_MODULE_LOOP = pytest.mark.asyncio(loop_scope="module")
# every table the command writes, without ids, certificate numbers and import times
FINGERPRINT = {
    "progress_events": "SELECT event_id, username, module, lesson, exercise, score, received_at "
                       "FROM progress_events ORDER BY event_id",
    "item_scores": "SELECT course, assignment, username, grade_id, score, max_score, kind, "
                   "submitted_at, synced_at FROM item_scores ORDER BY 1, 2, 3, 4",
    "jp_ledger": "SELECT username, year, activity, jp, source_ref, start_date, end_date, kind "
                 "FROM jp_ledger ORDER BY 1, 5",
    "certificates": "SELECT username, source_ref, jp, completed_on FROM certificates ORDER BY 1, 2",
    "reaction_surveys": "SELECT username, module, relevance, clarity, usefulness, improvement, "
                        "year, updated_at FROM reaction_surveys ORDER BY 1, 2",
    "needs_ratings": "SELECT a.username, a.year, r.competency, r.level FROM needs_assessments a "
                     "JOIN needs_ratings r ON r.assessment_id = a.id ORDER BY 1, 2, 3",
    "needs_modules": "SELECT a.username, m.module FROM needs_assessments a "
                     "JOIN needs_module_requests m ON m.assessment_id = a.id ORDER BY 1, 2",
    "ikm_counts": "SELECT unit_code, service, period, element, answers_1, answers_2, answers_3, "
                  "answers_4 FROM ikm_counts ORDER BY 1, 2, 3, 4",
    "complaints": "SELECT id, unit_code, status, received_at, verified_at, followed_up_at, "
                  "closed_at FROM complaints ORDER BY 1",
    "holidays": "SELECT day FROM holidays ORDER BY 1",
}


def cli(settings_file: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "asn_ambon", "--settings", str(settings_file), *args], check=False,
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
        timeout=600)


def write_settings(folder: Path, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "settings.yaml"
    path.write_text(yaml.safe_dump({"data_dir": str(folder / "var"), "hub": {"dev_mode": True},
                                    **extra}))
    return path


def database(settings_file: Path) -> Path:
    return Path(load(settings_file)["data_dir"]) / "kompetensi.sqlite"


def fingerprint(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as db:
        return {table: db.execute(query).fetchall() for table, query in FINGERPRINT.items()}


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """A demo platform after ``init`` (a copy kept as ``pristine.sqlite``), then ``demo isi``."""
    root = tmp_path_factory.mktemp("demo")
    settings_file = write_settings(root)
    init = cli(settings_file, "init")
    assert init.returncode == 0, init.stdout + init.stderr
    shutil.copy(database(settings_file), root / "pristine.sqlite")
    filled = cli(settings_file, "demo", "isi", "--tahun", str(YEAR), "--seed", str(SEED))
    assert filled.returncode == 0, filled.stdout + filled.stderr
    return settings_file, filled.stdout, root / "pristine.sqlite"


def platform_copy(tmp_path: Path, pristine: Path, **extra) -> Path:
    """A platform of its own with the demo roster loaded and nothing else."""
    settings_file = write_settings(tmp_path, **extra)
    database(settings_file).parent.mkdir(parents=True)
    shutil.copy(pristine, database(settings_file))
    return settings_file


def report(settings_file: Path):
    from asncore.db import session_factory

    settings = load(settings_file)
    engine = session_factory(settings["database"]["platform_url"]).kw["bind"]
    return build(Inputs(**load_frames(engine)), report_config(settings, YEAR))


# ---- the command ----------------------------------------------------------------------------


def test_the_command_says_what_it_wrote(platform):
    _, out, _ = platform
    assert f"Data demo tahun {YEAR} (periode {YEAR}-S1 dan {YEAR}-S2, seed {SEED})" in out
    assert f"kalender libur {YEAR} diimpor dari examples/hari-libur-{YEAR}.csv" in out
    for figure in ("event latihan", "modul selesai", "survei reaksi", "kegiatan", "responden",
                   "laporan"):
        assert re.search(rf"\b[1-9][0-9]* {figure}", out), figure


def test_the_demo_roster_now_has_levels_jp_and_pre_post_gain(platform):
    settings_file, _, _ = platform
    built = report(settings_file)
    levels = built.levels.dropna(subset=["level"])
    assert levels["username"].nunique() >= 8 and (levels["level"] >= 2).any()
    jp = built.jp.set_index("username")
    learners = [r.username for r in demo_rows() if r.role == "learner"]
    assert (jp.loc[learners, "jp_platform"] > 0).sum() >= 8
    assert (jp["jp_external"] > 0).sum() >= 5
    minimum = jp[jp["rule"] == "minimum"]
    assert minimum["compliant"].any() and not minimum["compliant"].all()  # a mix to discuss
    assert (jp.loc[jp["rule"] == "ceiling", "jp_total"] <= 24).all()  # PPPK under the ceiling
    assert (built.gain["status"] == "lengkap").sum() >= 10
    gains = built.gain_summary["mean_gain"]
    assert gains.notna().all() and (gains > 0).all()


def test_running_it_again_replaces_the_demo_year_instead_of_doubling_it(platform):
    settings_file, _, _ = platform
    before = {table: len(rows) for table, rows in fingerprint(database(settings_file)).items()}
    again = cli(settings_file, "demo", "isi", "--tahun", str(YEAR), "--seed", str(SEED))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "data demo sebelumnya diganti" in again.stdout
    assert "kalender libur 2026 sudah ada (tidak diubah)" in again.stdout
    after = {table: len(rows) for table, rows in fingerprint(database(settings_file)).items()}
    assert after == before and before["progress_events"] > 0


def test_the_same_seed_gives_the_same_year_and_another_seed_another(platform, tmp_path):
    _, _, pristine = platform
    runs = {}
    for name, seed in (("a", SEED), ("b", SEED), ("c", SEED + 1)):
        settings_file = platform_copy(tmp_path / name, pristine)
        fill(load(settings_file), YEAR, seed, now=FIXED_NOW)
        runs[name] = fingerprint(database(settings_file))
    assert runs["a"] == runs["b"]
    assert runs["a"]["progress_events"] != runs["c"]["progress_events"]
    assert runs["a"]["complaints"] != runs["c"]["complaints"]
    # twice on one platform: the same rows as once
    settings_file = platform_copy(tmp_path / "d", pristine)
    for _ in range(2):
        fill(load(settings_file), YEAR, SEED, now=FIXED_NOW)
    assert fingerprint(database(settings_file)) == runs["a"]


# ---- never on a real roster ---------------------------------------------------------------


def test_a_configured_roster_file_is_refused_and_nothing_changes(platform, tmp_path):
    _, _, pristine = platform
    settings_file = platform_copy(tmp_path, pristine, roster={"file": str(tmp_path / "roster.csv")})
    before = fingerprint(database(settings_file))
    refused = cli(settings_file, "demo", "isi", "--tahun", str(YEAR))
    assert refused.returncode == 1
    assert "GAGAL" in refused.stderr and "roster.file diisi" in refused.stderr
    assert "Tidak ada yang diubah" in refused.stderr
    assert fingerprint(database(settings_file)) == before


def test_a_platform_with_anyone_outside_the_demo_roster_is_refused(platform, tmp_path):
    _, _, pristine = platform
    settings_file = platform_copy(tmp_path, pristine)
    with sqlite3.connect(database(settings_file)) as db:
        db.execute("INSERT INTO employees (username, nip, name, unit_code, position, "
                   "position_type, grade, status, role, courses, active, updated_at) VALUES "
                   "('197001012000031001', '197001012000031001', 'Pegawai Sungguhan', 'DINKES', "
                   "'Dokter', 'Fungsional', 'III/d', 'PNS', 'learner', '', 1, '2026-01-05')")
    before = fingerprint(database(settings_file))
    refused = cli(settings_file, "demo", "isi", "--tahun", str(YEAR))
    assert refused.returncode == 1
    assert "1 pegawai aktif bukan orang roster demo (197001012000031001)" in refused.stderr
    assert fingerprint(database(settings_file)) == before


def test_a_platform_without_the_demo_roster_is_refused(tmp_path):
    settings = load(write_settings(tmp_path))
    with pytest.raises(CommandFailed, match="roster demo belum dimuat: jalankan 'asn-ambon init'"):
        fill(settings, YEAR, SEED)


# ---- every screen shows something ------------------------------------------------------------


@pytest.fixture
async def service(platform, monkeypatch):
    monkeypatch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
    settings = load(platform[0])
    app = make_app(settings["database"]["platform_url"], PREFIX,
                   settings["learning"]["courses_dir"], report_config(settings),
                   settings["learning"], settings["evaluation"], settings["certificates"])
    app.settings["clock"] = lambda: END_OF_YEAR
    sock, port = bind_unused_port()
    server = HTTPServer(app)
    server.add_sockets([sock])
    client = AsyncHTTPClient()

    async def get(path: str, user: str = HR) -> tuple[int, str]:
        try:
            answer = await client.fetch(f"http://127.0.0.1:{port}{PREFIX}{path}",
                                        headers={"X-Test-User": user}, request_timeout=120)
        except HTTPClientError as exc:
            answer = exc.response
        return answer.code, answer.body.decode()

    yield get
    server.stop()


def focus_learner() -> str:
    return next(r.username for r in demo_rows() if r.unit_code == FOCUS_UNIT and r.status == "PNS")


@ON_MODULE_LOOP
async def test_hr_dashboard_and_employee_page_show_levels_and_jp(service):
    code, page = await service(f"hr?tahun={YEAR}")
    assert code == 200
    assert int(re.search(r"<strong>(\d+)</strong>\s*sudah dinilai", page)[1]) >= 8
    met, pns = map(int, re.search(r"<strong>(\d+) / (\d+)</strong>\s*PNS memenuhi", page).groups())
    assert 0 < met < pns  # some PNS reached 20 JP, some did not
    nip = focus_learner()
    code, page = await service(f"hr/pegawai/{nip}?tahun={YEAR}")
    assert code == 200 and "E-learning: Manajemen Waktu" in page
    assert f"ASN-AMB-{YEAR}-" in page  # the module's e-certificate


@ON_MODULE_LOOP
async def test_evaluation_ranks_the_focus_unit_weakest_and_recommends_modules(service):
    for period in (f"{YEAR}-S1", f"{YEAR}-S2"):
        code, body = await service(f"api/hr/evaluasi/peringkat?periode={period}")
        assert code == 200
        ranking = json.loads(body)
        units = [u["unit"] for u in ranking["units"]]
        assert units[0] == FOCUS_UNIT and len(units) >= 4, (period, units)
        assert ranking["units"][0]["parts"]["ikm"]["grade"] in ("C", "D")
        assert all(s["service"].endswith("(data demo)") for s in ranking["services"])
    code, body = await service(f"api/hr/rekomendasi?unit={FOCUS_UNIT}")
    modules = json.loads(body)["modules"]
    assert code == 200 and modules and all(m["people"] for m in modules)
    code, page = await service("hr/evaluasi")
    assert code == 200 and "Kelurahan Benteng" in page


@ON_MODULE_LOOP
async def test_followup_compares_the_focus_unit_before_and_after_its_training(service):
    code, body = await service("api/hr/tindak-lanjut")
    assert code == 200
    followup = json.loads(body)
    comparison = next(c for c in followup["comparisons"] if c["unit_code"] == FOCUS_UNIT)
    assert comparison["status"] == "ok"
    assert comparison["first_training"] == f"{YEAR}-S2"
    rows = [r for r in followup["rows"] if r["unit_code"] == FOCUS_UNIT]
    after = next(r for r in rows if r["period"] == f"{YEAR}-S2")
    assert after["gain_people"] >= 5 and after["mean_gain"] is not None
    code, page = await service("hr/tindak-lanjut")
    assert code == 200 and "Periode sebelum pelatihan pertama dibandingkan" in page


@ON_MODULE_LOOP
async def test_asn_voice_shows_surveys_and_the_needs_of_a_whole_group(service):
    code, body = await service(f"api/hr/survei?tahun={YEAR}")
    modules = json.loads(body)["modules"]
    assert code == 200 and modules and all(m["shown"] for m in modules)
    code, body = await service(f"api/hr/kebutuhan?tahun={YEAR}")
    groups = json.loads(body)["groups"]
    shown = [(g["unit_code"], g["position_type"]) for g in groups if g["shown"]]
    assert (FOCUS_UNIT, "Pelaksana") in shown
    code, page = await service(f"hr/suara-asn?tahun={YEAR}")
    assert code == 200 and "Manajemen Waktu" in page


@ON_MODULE_LOOP
async def test_a_learner_sees_progress_jp_and_a_certificate(service):
    nip = focus_learner()
    code, body = await service(f"api/me/progress?year={YEAR}", f"{nip}:learner")
    assert code == 200
    progress = json.loads(body)
    assert progress["jp_year"] > 0 and progress["ledger"]
    focus = next(m for m in progress["modules"] if m["id"] == FOCUS_MODULE)
    assert focus["jp_credited"] and focus["certificate_no"].startswith(f"ASN-AMB-{YEAR}-")
    assert focus["post_test"]["status"] == "lulus"
    code, page = await service("", f"{nip}:learner")
    assert code == 200 and "JP sudah dicatat" in page
