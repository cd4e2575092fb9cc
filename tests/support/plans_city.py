"""The small city of tests/support/voice_service.py with the public's voice added, for the
tests of the development plans (issue 11, point 4).

Evaluated period :data:`PERIOD` (the second half of last year; the plan is for the first
half of this year, :data:`TARGET`):

- Bidang Pelayanan Kesehatan (``DINKES-YAN``): IKM of "Poli Umum" with Perilaku Pelaksana
  (U7) at NRR 2,41 (grade D), every other element 3,80; 5 complaints, verified the day
  they came in, 2 of them followed up a month late. Its 7 Pengawas need level 2 on
  Komunikasi (M.03); the first four are measured at level 1, the others not at all.
- Dukcapil: IKM 3,80 on every element, 3 complaints all handled in time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from asncore.db import Complaint, IkmCount, session_factory

from .voice_service import YEAR, populate_city

PERIOD = f"{YEAR - 1}-S2"
TARGET = f"{YEAR}-S1"
WEAK_UNIT, GOOD_UNIT = "DINKES-YAN", "DUKCAPIL"
GOOD = (0, 0, 20, 80)  # NRR 3,80
WEAK = (10, 49, 31, 10)  # NRR 2,41
REASONS = ("IKM Perilaku Pelaksana 2,41 (D); 40% laporan terlambat ditindaklanjuti (2 dari 5); "
           "4 dari 4 pegawai di bawah level 2 Komunikasi")


def ikm_rows(unit: str, weak: dict[str, tuple]) -> list[dict]:
    return [{"unit_code": unit, "service": "Poli Umum" if unit == WEAK_UNIT else "KTP-el",
             "period": PERIOD, "element": f"U{i}",
             **dict(zip(("answers_1", "answers_2", "answers_3", "answers_4"),
                        weak.get(f"U{i}", GOOD)))}
            for i in range(1, 10)]


def complaint_rows(unit: str, on_time: int, late: int) -> list[dict]:
    received = dt.datetime(YEAR - 1, 9, 1, 1, 0)  # 1 September, 10:00 WIT
    rows = []
    for i in range(on_time + late):
        followed = received + dt.timedelta(days=1 if i < on_time else 30)
        rows.append({"id": f"{unit}-{i}", "unit_code": unit, "category": "Layanan",
                     "status": "closed", "received_at": received, "verified_at": received,
                     "followed_up_at": followed, "closed_at": followed + dt.timedelta(days=1)})
    return rows


def populate_plans_city(url: str) -> None:
    populate_city(url)
    with session_factory(url)() as db, db.begin():
        db.execute(insert(IkmCount), ikm_rows(WEAK_UNIT, {"U7": WEAK}) + ikm_rows(GOOD_UNIT, {}))
        db.execute(insert(Complaint), complaint_rows(WEAK_UNIT, 3, 2)
                   + complaint_rows(GOOD_UNIT, 3, 0))
