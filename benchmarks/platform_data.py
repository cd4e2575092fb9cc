"""A synthetic city for the reports benchmarks: N employees in nested units with item
scores, JP ledger rows and unit history, written straight into a platform database.

    populate(platform_url, n=5000, seed=7) -> the NIPs of the active employees

Units: 20 OPD, each with two sub-units (employees sit in the sub-units). Employees:
valid PNS NIPs (every 8th a PPPK), position types in a realistic mix, 5 % inactive.
Scores: each employee takes 2-4 of the 4 courses; per course a pre-test and a post-test
of 7 one-point items at levels 1-3 and a rubric task of 4 points at level 3 (about 60
items per employee). JP: platform modules of 3 JP for finished courses plus 0-3 external
activities. Numbers are random but seeded, so every run builds the same city.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert

from asncore.db import Employee, ItemScore, JpEntry, Unit, UnitMembership, session_factory

COURSES = {  # course -> (competency of the tests, technical competency of the task)
    "komunikasi-pelayanan": ("M.03", "M.05"),
    "manajemen-waktu": ("M.04", "T.WAKTU"),
    "penanganan-pengaduan": ("M.05", "T.PENGADUAN"),
    "e-government": ("M.07", "T.SPBE"),
}
POSITION_TYPES = ["Pelaksana"] * 10 + ["Fungsional"] * 5 + ["Pengawas"] * 3 + ["Administrator"] * 2 + ["JPT Pratama"]


def nip_for(i: int, rng: random.Random) -> str:
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 12000))
    start = birth.year + rng.randrange(20, 30)
    return f"{birth:%Y%m%d}{start:04d}{rng.randrange(1, 13):02d}{rng.choice('12')}{i % 1000:03d}"


def _units() -> list[dict]:
    units = []
    for o in range(20):
        units.append({"code": f"OPD{o:02d}", "name": f"Dinas Uji {o:02d}", "parent_code": None})
        for s in (1, 2):
            units.append({"code": f"OPD{o:02d}-{s}", "name": f"Bidang {s} Dinas Uji {o:02d}",
                          "parent_code": f"OPD{o:02d}"})
    return units


def _items(rng: random.Random, username: str, year: int) -> list[dict]:
    rows = []
    for course in rng.sample(sorted(COURSES), rng.randrange(2, 5)):
        test_code, task_code = COURSES[course]
        ability = rng.random()
        stamp = dt.datetime(year, rng.randrange(1, 7), rng.randrange(1, 28), 9)
        for kind, lift in (("pre", 0.0), ("post", 0.25)):
            for k in range(1, 8):
                level = 1 + (k - 1) // 3
                rows.append({
                    "course": course, "assignment": f"{kind}-test", "username": username,
                    "notebook": f"{kind}-test", "grade_id": f"tes_jawaban_{k}", "competency": test_code,
                    "level": level, "score": float(rng.random() < ability + lift - 0.1 * level),
                    "max_score": 1.0, "needs_manual": False, "kind": kind,
                    "submitted_at": stamp + dt.timedelta(days=30 if kind == "post" else 0),
                })
        rows.append({
            "course": course, "assignment": "tugas-tertulis", "username": username,
            "notebook": "tugas-tertulis", "grade_id": "jawaban_tertulis_1", "competency": task_code,
            "level": 3, "score": float(rng.randrange(0, 5)), "max_score": 4.0, "needs_manual": False,
            "kind": "task", "submitted_at": stamp + dt.timedelta(days=31),
        })
    return rows


def _jp(rng: random.Random, username: str, courses: set[str], year: int) -> list[dict]:
    rows = [{
        "username": username, "year": year, "activity": f"E-learning: {course}",
        "provider": "Platform Kompetensi ASN Kota Ambon", "jp": 3.0, "source_ref": f"modul:{course}",
        "start_date": dt.date(year, 3, 1), "end_date": dt.date(year, 3, 20), "kind": "platform",
    } for course in sorted(courses)]
    for k in range(rng.randrange(0, 4)):
        start = dt.date(year, rng.randrange(1, 11), rng.randrange(1, 25))
        rows.append({
            "username": username, "year": year, "activity": f"Pelatihan eksternal {k + 1}",
            "provider": "BPSDM Provinsi Maluku", "jp": float(rng.choice([4, 8, 16])),
            "source_ref": f"sertifikat:{username}-{k}", "start_date": start,
            "end_date": start + dt.timedelta(days=2), "certificate_no": f"{username}-{k}",
            "kind": "external",
        })
    return rows


def populate(platform_url: str, n: int = 5000, seed: int = 7, year: int | None = None) -> list[str]:
    year = year or dt.date.today().year
    rng = random.Random(seed)
    units = _units()
    leaves = [u["code"] for u in units if u["parent_code"]]
    employees, items, ledger, history = [], [], [], []
    for i in range(n):
        pppk = i % 8 == 7
        nip = f"19{rng.randrange(70, 99)}{i:014d}"[:18] if pppk else nip_for(i, rng)
        username = nip
        unit = leaves[i % len(leaves)]
        employees.append({
            "username": username, "nip": nip, "name": f"Pegawai Uji {i:05d}", "unit_code": unit,
            "position": "Staf", "position_type": rng.choice(POSITION_TYPES),
            "grade": "IX" if pppk else "III/a", "status": "PPPK" if pppk else "PNS",
            "role": "learner", "courses": "", "active": rng.random() > 0.05,
        })
        history.append({"username": username, "unit_code": unit, "valid_from": dt.date(year - 1, 1, 1)})
        mine = _items(rng, username, year)
        items += mine
        ledger += _jp(rng, username, {r["course"] for r in mine}, year)
    sessions = session_factory(platform_url)
    with sessions() as db, db.begin():
        known = {code for (code,) in db.query(Unit.code)}
        db.execute(insert(Unit), [u for u in units if u["code"] not in known])
        db.execute(insert(Employee), employees)
        db.execute(insert(UnitMembership), history)
        db.execute(insert(ItemScore), items)
        db.execute(insert(JpEntry), ledger)
    return [e["nip"] for e in employees if e["active"]]
