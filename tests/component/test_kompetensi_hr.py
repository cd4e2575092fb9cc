"""The competency service's HR views on a synthetic city, in-process.

The hub's OAuth is replaced by a fixed user model per request (header ``X-Test-User``:
``name:group``); everything else is real: the platform database (migrated), the report
cache, the engine, the renderers and Tornado. The real log-in and token paths are proven
in tests/integration (test_assessment_flow's HR step).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from jupyterhub.services.auth import HubOAuthenticated
from tornado.httpclient import AsyncHTTPClient, HTTPClientError
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port

from benchmarks.platform_data import populate
from services.kompetensi.app import make_app
from tests.support.service_auth import fake_hub_user

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the server's loop is the tests' loop
PREFIX = "/services/kompetensi/"
YEAR = dt.date.today().year


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hr') / 'k.sqlite'}"
    nips = populate(url, n=60, year=YEAR)
    return url, nips


@pytest.fixture(scope="module")
async def service(city, monkeypatch_module):
    monkeypatch = monkeypatch_module
    monkeypatch.setattr(HubOAuthenticated, "get_current_user", fake_hub_user)
    url, nips = city
    app = make_app(url, PREFIX, Path(__file__).resolve().parents[2] / "courses")
    sock, port = bind_unused_port()
    server = HTTPServer(app)
    server.add_sockets([sock])
    client = AsyncHTTPClient()

    async def get(path: str, user: str | None = "sdm:hr", **kw):
        headers = {"X-Test-User": user} if user else {}
        try:
            return await client.fetch(f"http://127.0.0.1:{port}{PREFIX}{path}", headers=headers,
                                      follow_redirects=False, request_timeout=120, **kw)
        except HTTPClientError as exc:
            return exc.response

    yield get, nips
    server.stop()


async def test_hr_reads_a_profile_by_nip(service):
    get, nips = service
    r = await get(f"api/hr/employees/{nips[0]}")
    assert r.code == 200
    profile = json.loads(r.body)
    assert profile["nip"] == nips[0]
    assert {c["code"] for c in profile["competencies"]} >= {"M.01", "M.08", "T.SPBE"}
    # every level says how many items stand behind it; no evidence is never a 0
    for c in profile["competencies"]:
        assert c["evidence"] in ("dinilai", "bukti belum cukup", "belum dinilai")
        assert (c["level"] is None) == (c["evidence"] != "dinilai")
        assert c["level_items"] <= c["items"] and (c["level"] is not None or c["level_items"] == 0)
    # synthetic ledger: 3 JP per course taken plus external activities of 4, 8 or 16 JP
    entries = profile["jp"]["entries"]
    assert profile["jp"]["total"] == pytest.approx(sum(e["jp"] for e in entries))
    assert (await get("api/hr/employees/199001012015031999")).code == 404


async def test_unit_summaries_roll_up_and_unknown_unit_is_404(service):
    get, _ = service
    units = json.loads((await get("api/hr/units")).body)["units"]
    by_code = {u["code"]: u for u in units}
    # the OPD's employees are those of its two sub-units
    assert by_code["OPD00"]["employees"] == by_code["OPD00-1"]["employees"] + by_code["OPD00-2"]["employees"]
    one = json.loads((await get("api/hr/units/OPD00-1")).body)
    assert one["code"] == "OPD00-1" and one["competencies"]
    assert (await get("api/hr/units/TIDAKADA")).code == 404


async def test_jp_compliance_list_filters_by_status(service):
    get, _ = service
    everyone = json.loads((await get("api/hr/jp")).body)
    short = json.loads((await get("api/hr/jp?status=belum")).body)
    met = json.loads((await get("api/hr/jp?status=memenuhi")).body)
    assert short["count"] + met["count"] == everyone["count"] > 0
    # PNS: at least the target; PPPK: at most the ceiling (PP 49/2018 Pasal 40 ayat (1))
    for e in short["employees"]:
        assert (e["jp_total"] < e["target"]) if e["rule"] == "minimum" else (e["jp_total"] > e["target"])
    for e in met["employees"]:
        assert (e["jp_total"] >= e["target"]) if e["rule"] == "minimum" else (e["jp_total"] <= e["target"])
    pppk = [e for e in everyone["employees"] if e["status"] == "PPPK"]
    assert pppk and all(e["rule"] == "ceiling" and e["shortfall"] == 0 for e in pppk)
    # a PPPK under the ceiling is never listed as short of JP
    assert any(e["status"] == "PPPK" and e["jp_total"] < e["target"] for e in met["employees"])
    assert (await get("api/hr/jp?status=apa")).code == 400


async def test_dashboard_filters_and_downloads(service):
    get, nips = service
    page = await get(f"hr?tahun={YEAR}&unit=OPD01&kompetensi=M.03&jenis_jabatan=Pelaksana")
    assert page.code == 200
    html = page.body.decode()
    assert "Dasbor Kompetensi" in html and "<svg" in html
    assert "hr/unduh/laporan.xlsx?tahun=" in html and "unit=OPD01" in html
    assert "M.03 indikasi level" in html and "PNS memenuhi batas paling sedikit JP" in html
    assert "Keterangan JP" in html and "PP 49/2018 Pasal 40 ayat (1)" in html
    xlsx = await get(f"hr/unduh/laporan.xlsx?tahun={YEAR}")
    assert xlsx.code == 200 and xlsx.headers["Content-Disposition"].endswith(f'laporan-{YEAR}.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.body))["Profil Kompetensi"]
    assert len(list(sheet.values)) - 1 == len(nips)  # the active employees, one row each
    csv = await get("hr/unduh/jp.csv")
    assert csv.code == 200 and csv.body.decode().startswith("username,year,")
    assert (await get("hr/unduh/rahasia.csv")).code == 404
    printable = await get(f"hr/pegawai/{nips[1]}")
    assert printable.code == 200 and nips[1] in printable.body.decode()
    assert "Butir pendukung" in printable.body.decode()


async def test_learners_and_trainers_are_refused(service):
    get, nips = service
    for user in (f"{nips[0]}:learner", "pelatih:trainer"):
        for path in (f"api/hr/employees/{nips[1]}", "api/hr/units", "api/hr/jp", "hr",
                     "hr/unduh/laporan.xlsx", f"hr/pegawai/{nips[1]}"):
            assert (await get(path, user=user)).code == 403, (user, path)
    assert (await get("api/hr/units", user=None)).code == 403


async def test_learner_reads_only_their_own_profile(service):
    get, nips = service
    mine = json.loads((await get("api/me/profile", user=f"{nips[2]}:learner")).body)
    assert mine["nip"] == nips[2]
    page = await get("profil", user=f"{nips[2]}:learner")
    assert page.code == 200 and nips[2] in page.body.decode() and nips[3] not in page.body.decode()


async def test_a_change_in_the_data_reaches_the_api_within_seconds(service, city):
    import asyncio

    from asncore.db import JpEntry, session_factory

    get, nips = service
    before = json.loads((await get(f"api/hr/employees/{nips[5]}")).body)["jp"]["total"]
    with session_factory(city[0])() as db, db.begin():
        db.add(JpEntry(username=nips[5], year=YEAR, activity="Diklat baru", provider="BPSDM", jp=7.5,
                       source_ref="sertifikat:baru-1", start_date=dt.date(YEAR, 1, 5),
                       end_date=dt.date(YEAR, 1, 6), kind="external"))
    await asyncio.sleep(2.1)  # the cache checks the data version at most every 2 s
    after = json.loads((await get(f"api/hr/employees/{nips[5]}")).body)["jp"]
    assert after["total"] == pytest.approx(before + 7.5)
    assert "Diklat baru" in {e["activity"] for e in after["entries"]}


async def test_hr_imports_outside_activities_all_or_nothing(service):
    get, nips = service
    header = "nip,kegiatan,penyelenggara,tanggal_mulai,tanggal_selesai,jp,no_sertifikat\n"
    good = f"{nips[7]},Bimtek SPBE,Diskominfo,{YEAR}-01-10,{YEAR}-01-11,16,SPBE-{YEAR}-7\n"
    bad = f"{nips[8]},Bimtek,Diskominfo,31-02-{YEAR},{YEAR}-01-11,8,X-1\n1234,Bimtek,Diskominfo,{YEAR}-01-10,{YEAR}-01-11,8,X-2\n"
    before = json.loads((await get(f"api/hr/employees/{nips[7]}")).body)["jp"]["total"]

    refused = await get("api/hr/jp/import", method="POST", body=header + good + bad)
    assert refused.code == 400
    errors = json.loads(refused.body)["errors"]
    assert any("baris 3, kolom 'tanggal_mulai'" in e for e in errors)
    assert any("baris 4, kolom 'nip'" in e for e in errors)

    learner = await get("api/hr/jp/import", user=f"{nips[7]}:learner", method="POST", body=header + good)
    assert learner.code == 403

    done = json.loads((await get("api/hr/jp/import", method="POST", body=header + good)).body)
    assert done == {"success": True, "added": 1, "skipped": 0}
    again = json.loads((await get("api/hr/jp/import", method="POST", body=header + good)).body)
    assert again["added"] == 0 and again["skipped"] == 1
    after = json.loads((await get(f"api/hr/employees/{nips[7]}")).body)["jp"]["total"]
    assert after == pytest.approx(before + 16)  # at once; and the refused file added nothing
