"""The demo year's public feedback and outside learning, written as the files HR imports
(``asn-ambon demo isi``; :mod:`.demodata` passes them to the imports, so the imports'
checks apply). Pure: no database, no clock; the same inputs and seed give the same text.

- **IKM** (PermenPANRB 14/2017): one row per respondent, answers 1-4 on the nine
  elements, per unit, service and period. Every service is named "... (data demo)".
  The :data:`~.demoyear.FOCUS_UNIT` is clearly the weakest (index about 62-67, grade D
  or C): in the first period Waktu Penyelesaian (U3), Perilaku Pelaksana (U7) and
  Penanganan Pengaduan (U8) fall to grade D; in the second, after its staff finished the
  time-management module, U3 recovers most and the unit stays the weakest. The other
  units sit at B or A.
- **Complaints** (SP4N-LAPOR! export; ids ``DEMO-...``): received at any hour, verified
  and followed up in working days (:mod:`asncore.workdays`, holidays included); the
  focus unit misses the 3- and 5-working-day deadlines often in the first period and
  less in the second (still below the 80 % share of
  ``evaluation.recommendations.complaint_min_share``); the others rarely. Steps that
  would fall after the limit are left empty, so the latest reports are still open.
- **JP outside the platform**: one to three plausible activities per person (technical
  training of their unit, the platform's trainer and admin roles, general ones), each with
  a certificate number ``DEMO/...``; PPPK only short ones, below their ceiling.

The figures are invented; only the rules they are read with are real.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

from asncore.constants import LOCAL_TZ
from asncore.ikm import ELEMENTS
from asncore.workdays import add_working_days, local_date

from .demoyear import FOCUS_UNIT, Person, Year, day_in, wit

SERVICE_MARK = " (data demo)"  # ends every demo IKM service name
COMPLAINT_PREFIX = "DEMO-"  # starts every demo complaint id
CERTIFICATE_PREFIX = "DEMO/"  # starts every demo outside-activity certificate number

SERVICES = {
    "DUKCAPIL": ("Penerbitan KTP-el", "Penerbitan Kartu Keluarga"),
    "DPMPTSP": ("Perizinan Berusaha",),
    "DINKES": ("Pelayanan Puskesmas Contoh A",),
    "KEL-BENTENG": ("Surat Pengantar dan Keterangan Kelurahan",),
}
MEAN = {"DPMPTSP": 3.55, "DUKCAPIL": 3.35, "DINKES": 3.25, "KEL-BENTENG": 2.85}  # NRR 1-4
FOCUS_DROP = {"U1": -0.2, "U2": -0.3, "U3": -0.9, "U7": -0.8, "U8": -0.85}  # first period
FOCUS_RECOVERY = {"U3": 0.45, "U7": 0.15, "U8": 0.1}  # second period, after the training
CATEGORY = {"DUKCAPIL": "Administrasi Kependudukan", "DPMPTSP": "Perizinan",
            "DINKES": "Pelayanan Kesehatan", "KEL-BENTENG": "Pelayanan Kelurahan"}
COMPLAINTS = {"KEL-BENTENG": (12, 10), "DUKCAPIL": (8, 8), "DINKES": (6, 6), "DPMPTSP": (5, 5)}
LATE = {FOCUS_UNIT: ((0.6, 0.8), (0.5, 0.65))}  # (verification, follow-up) per period
USUALLY_LATE = ((0.03, 0.05), (0.03, 0.05))

# (activity, provider, JP): technical training by unit, by platform role, then general
BY_UNIT = {
    "DUKCAPIL": [("Bimbingan Teknis Aplikasi SIAK Terpusat", "Ditjen Dukcapil Kemendagri", 24)],
    "DPMPTSP": [("Bimbingan Teknis Perizinan Berusaha Berbasis Risiko (OSS RBA)",
                 "DPMPTSP Provinsi Maluku", 24)],
    "DINKES": [("Pelatihan Pencegahan dan Pengendalian Infeksi",
                "Dinas Kesehatan Provinsi Maluku", 32)],
    "KEL-BENTENG": [("Bimbingan Teknis Administrasi Pemerintahan Kelurahan",
                     "Bagian Tata Pemerintahan Setda Kota Ambon", 12)],
    "BKPSDM": [("Bimbingan Teknis Sistem Informasi ASN (SIASN)", "Badan Kepegawaian Negara", 16)],
}
BY_ROLE = {
    "trainer": [("Pelatihan untuk Pelatih (ToT) Pelayanan Publik", "Lembaga Administrasi Negara",
                 40)],
    "admin": [("Pelatihan Keamanan Informasi bagi Pengelola TIK", "Badan Siber dan Sandi Negara",
               24)],
}
GENERAL = [
    ("Sosialisasi Pengelolaan Pengaduan SP4N-LAPOR!", "Kementerian PANRB", 4),
    ("Webinar Mal Pelayanan Publik", "Kementerian PANRB", 3),
    ("Pelatihan Penyusunan Sasaran Kinerja Pegawai (SKP)", "BKPSDM Kota Ambon", 8),
]
SHORT_JP = 8  # a PPPK's outside activities stay this short (their ceiling is 24 JP a year)


def _time(moment: dt.datetime) -> str:
    """A naive UTC moment as the export writes it: Ambon time, minutes."""
    return moment.replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


# ---- IKM --------------------------------------------------------------------------------


def element_means(unit: str, service: str, period_index: int, year: Year) -> dict[str, float]:
    rng = year.rng("ikm-quality", unit, service)
    means = {}
    for element in ELEMENTS:
        mean = MEAN[unit] + rng.uniform(-0.12, 0.12)
        if unit == FOCUS_UNIT:
            mean += FOCUS_DROP.get(element.code, 0.0)
            if period_index:
                mean += FOCUS_RECOVERY.get(element.code, 0.0)
        elif period_index:
            mean += 0.05
        means[element.code] = min(3.95, max(1.2, mean))
    return means


def answer(rng, mean: float) -> int:
    """1 + the number of three tries that succeed with chance (mean - 1) / 3: mean ``mean``."""
    chance = (mean - 1) / 3
    return 1 + sum(rng.random() < chance for _ in range(3))


def ikm_csv(units: set[str], year: Year) -> str:
    """The survey of every unit in :data:`SERVICES` that the roster has, both periods."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["unit", "layanan", "periode", *(e.name for e in ELEMENTS)])
    for unit in sorted(units & set(SERVICES)):
        for service in SERVICES[unit]:
            for index, period in enumerate(year.periods):
                means = element_means(unit, service, index, year)
                rng = year.rng("ikm", unit, service, period.label)
                for _ in range(rng.randint(40, 70)):
                    row = [answer(rng, means[e.code]) for e in ELEMENTS]
                    if rng.random() < 0.05:
                        row[3] = ""  # Biaya/Tarif left blank: a free service
                    writer.writerow([unit, service + SERVICE_MARK, period.label, *row])
    return out.getvalue()


# ---- complaints ---------------------------------------------------------------------------


def _step(rng, after: dt.date, late: bool, due: int, holidays) -> dt.datetime:
    days = rng.randint(due + 1, due + 6) if late else rng.randint(1, due)
    return wit(add_working_days(after, days, holidays), rng.randint(8 * 60, 15 * 60 + 45))


def complaint_row(number: str, unit: str, received: dt.datetime, late: tuple[bool, bool],
                  rng, year: Year, deadlines: tuple[int, int]) -> list[str]:
    """One report's row: steps after ``year.limit`` not taken yet."""
    holidays = year.holidays
    verified = _step(rng, local_date(received), late[0], deadlines[0], holidays)
    not_ours = rng.random() < 0.06
    followed = None if not_ours else _step(rng, local_date(verified), late[1], deadlines[1],
                                           holidays)
    after = followed or verified
    closed = wit(local_date(after) + dt.timedelta(days=rng.randint(0, 10)),
                 rng.randint(9 * 60, 16 * 60))
    closed = max(closed, after + dt.timedelta(minutes=30))
    steps = [s if s is not None and s <= year.limit else None for s in (verified, followed, closed)]
    if steps[0] is None:
        steps = [None, None, None]
    elif followed is not None and steps[1] is None:
        steps[2] = None
    if steps[2] is not None:
        status = "bukan kewenangan" if not_ours else "selesai"
    else:
        status = "ditindaklanjuti" if steps[1] else "diverifikasi" if steps[0] else "diterima"
    return [number, unit, CATEGORY[unit], _time(received),
            *("" if s is None else _time(s) for s in steps), status]


def complaints_csv(units: set[str], year: Year, deadlines: tuple[int, int] = (3, 5)) -> str:
    """Reports of both periods for every unit in :data:`COMPLAINTS` the roster has;
    ``deadlines``: working days to verify and to follow up (settings ``evaluation``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "unit", "kategori", "diterima", "diverifikasi", "ditindaklanjuti",
                     "selesai", "status"])
    for unit in sorted(units & set(COMPLAINTS)):
        for index, period in enumerate(year.periods):
            rng = year.rng("complaints", unit, period.label)
            chances = LATE.get(unit, USUALLY_LATE)[index]
            last = min(period.end, year.last_day)
            count = COMPLAINTS[unit][index]
            for n in range(count):
                # the period's last report came in its final week: still open at its end
                first = last - dt.timedelta(days=7) if n == count - 1 else period.start
                day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                received = wit(day, rng.randint(7 * 60, 21 * 60 + 59))
                if received > year.limit:
                    continue
                late = (rng.random() < chances[0], rng.random() < chances[1])
                number = f"{COMPLAINT_PREFIX}{year.year}-{unit}-{period.label[-2:]}{n + 1:02d}"
                writer.writerow(complaint_row(number, unit, received, late, rng, year, deadlines))
    return out.getvalue()


# ---- JP outside the platform ----------------------------------------------------------------


def activities_for(person: Person, rng) -> list[tuple[str, str, float]]:
    if person.status == "PPPK":
        short = [a for a in GENERAL if a[2] <= SHORT_JP]
        return rng.sample(short, k=rng.choice((0, 1, 1)))
    own = BY_UNIT.get(person.unit, []) + BY_ROLE.get(person.role, [])
    chosen = [a for a in own if rng.random() < 0.7]
    return chosen + rng.sample(GENERAL, k=rng.choice((0, 1, 1, 2)))


def jp_csv(people: list[Person], year: Year) -> str:
    """Outside activities of every person, dated in the demo year up to its last day."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["nip", "kegiatan", "penyelenggara", "tanggal_mulai", "tanggal_selesai",
                     "jp", "no_sertifikat", "bukti"])
    number = 0
    first = year.periods[0].start + dt.timedelta(days=7)
    for person in people:
        rng = year.rng("outside-jp", person.username)
        for activity, provider, jp in activities_for(person, rng):
            days = max(1, math.ceil(jp / 8))  # about 8 JP a day
            latest = year.last_day - dt.timedelta(days=days + 14)
            start = day_in(rng, first, max(first, latest), year.holidays)
            end = add_working_days(start, days - 1, year.holidays) if days > 1 else start
            if end > year.last_day:  # a year too young for it
                continue
            number += 1
            certificate = f"{CERTIFICATE_PREFIX}{year.year}/{number:04d}"
            writer.writerow([person.nip, activity, provider, start.isoformat(), end.isoformat(),
                             f"{jp:g}", certificate, f"sertifikat-demo-{number:04d}.pdf"])
    return out.getvalue()
