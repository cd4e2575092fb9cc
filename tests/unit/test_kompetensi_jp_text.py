"""The learner's own JP text on the competency service's home page (issue 12, point 4):
a PNS reads the yearly minimum, a PPPK a ceiling that is never a target. The template is
rendered with Tornado's loader alone (no server)."""

from pathlib import Path

import pytest
from tornado.escape import url_escape
from tornado.template import Loader

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "kompetensi" / "templates"


def home(status: str, jp_year: float, jp_target: float) -> str:
    me = {"name": "Maria Latumahina", "username": "u1", "nip": "199001012015032001",
          "role": "learner", "unit": {"code": "U", "name": "Unit"}, "position": "Staf",
          "position_type": "Pelaksana", "status": status}
    progress = {"year": 2026, "jp_year": jp_year, "jp_target": jp_target, "modules": []}
    page = Loader(str(TEMPLATES)).load("home.html").generate(
        me=me, progress=progress, prefix="/services/kompetensi/", url_escape=url_escape,
        cards=[], assessments=[], staff_links=[], lab_url="/hub/spawn", hub_url="/hub/",
        updated="1 Maret 2026 pukul 11.30 WIT")
    return " ".join(page.decode().split())


def test_a_pns_reads_the_minimum_with_its_article():
    text = home("PNS", 6, 20)
    assert 'id="jp-tahun">6</strong> dari paling sedikit 20 JP setahun' in text
    assert "PP 11/2017 jo. PP 17/2020, Pasal 203 ayat (4)" in text


@pytest.mark.parametrize("jp_year", [0, 6, 24])
def test_a_pppk_under_or_at_the_ceiling_reads_no_shortfall(jp_year):
    text = home("PPPK", jp_year, 24)
    assert "paling lama 24 JP dalam 1 tahun masa perjanjian kerja" in text
    assert "PP 49/2018 Pasal 40 ayat (1)" in text and "bukan target" in text
    assert "dari paling sedikit" not in text and "melebihi" not in text


def test_a_pppk_over_the_ceiling_is_told_so():
    assert "JP Anda melebihi batas itu" in home("PPPK", 30, 24)
