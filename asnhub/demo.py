"""The demo roster: fictional Ambon ASN, used when no roster file is configured.

NIPs are built from the PNS rule (birth date, CPNS start, gender, serial) so they
pass the same validation as a real roster. The names are invented.
"""

from __future__ import annotations

import csv
import io

from asncore.imports.roster import REQUIRED, RosterRow, parse

UNITS = {
    "DUKCAPIL": "Dinas Kependudukan dan Pencatatan Sipil",
    "DPMPTSP": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    "DINKES": "Dinas Kesehatan",
    "KEL-BENTENG": "Kelurahan Benteng",
    "BKPSDM": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
}

# nama, unit, jabatan, jenis_jabatan, golongan, status, peran, birth, cpns, gender, serial
PEOPLE = [
    ("Maria Latuheru", "DUKCAPIL", "Pengadministrasi Kependudukan", "Pelaksana", "II/c",
     "PNS", "learner", "19900514", "201503", "2", "001"),
    ("Yohanis Tuhumury", "DUKCAPIL", "Kepala Seksi Pelayanan", "Pengawas", "III/c",
     "PNS", "learner", "19850312", "201003", "1", "002"),
    ("Siti Rahayu Ohorella", "DPMPTSP", "Analis Perizinan", "Fungsional", "III/b",
     "PNS", "learner", "19920821", "201803", "2", "003"),
    ("Abdul Gani Pelu", "DPMPTSP", "Kepala Bidang Pelayanan Perizinan", "Administrator",
     "III/d", "PNS", "learner", "19800130", "200601", "1", "004"),
    ("Theresia Pattikawa", "DINKES", "Perawat Puskesmas Contoh A", "Fungsional", "III/a",
     "PNS", "learner", "19950607", "202003", "2", "005"),
    ("Fransina Manuhutu", "KEL-BENTENG", "Pengadministrasi Umum", "Pelaksana", "IX",
     "PPPK", "learner", "", "", "", ""),
    # four more at the kelurahan: with Fransina, five Pelaksana in one unit, the smallest
    # group HR's aggregates show (evaluation.min_group_size); `asn-ambon demo isi` uses them
    ("Agustina Sopacua", "KEL-BENTENG", "Pengadministrasi Kependudukan", "Pelaksana", "II/b",
     "PNS", "learner", "19960815", "202103", "2", "010"),
    ("Hendrik Leiwakabessy", "KEL-BENTENG", "Pengolah Data", "Pelaksana", "II/c",
     "PNS", "learner", "19920309", "201803", "1", "011"),
    ("Rahma Marasabessy", "KEL-BENTENG", "Pengadministrasi Perkantoran", "Pelaksana", "II/a",
     "PNS", "learner", "19980121", "202203", "2", "012"),
    ("Samuel Huwae", "KEL-BENTENG", "Pengadministrasi Umum", "Pelaksana", "V",
     "PPPK", "learner", "", "", "", ""),
    ("Ronald Sahetapy", "BKPSDM", "Widyaiswara Ahli Muda", "Fungsional", "III/c",
     "PNS", "trainer", "19870902", "201203", "1", "007"),
    ("Nur Aini Tuasikal", "BKPSDM", "Analis SDM Aparatur", "Fungsional", "III/b",
     "PNS", "hr", "19910418", "201603", "2", "008"),
    ("Jacob Wattimena", "BKPSDM", "Pranata Komputer", "Fungsional", "III/a",
     "PNS", "admin", "19930225", "201903", "1", "009"),
]

PPPK_NIPS = {"Fransina Manuhutu": "198811232024212006",
             "Samuel Huwae": "199407152024211013"}


# the demo trainer teaches every course; learners take all courses (empty = all)
TRAINER_COURSES = "komunikasi-pelayanan;manajemen-waktu;penanganan-pengaduan;e-government"


def demo_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*REQUIRED, "kursus"])
    for name, unit, job, jtype, grade, status, role, birth, cpns, gender, serial in PEOPLE:
        nip = PPPK_NIPS[name] if status == "PPPK" else f"{birth}{cpns}{gender}{serial}"
        courses = TRAINER_COURSES if role == "trainer" else ""
        writer.writerow([nip, name, unit, UNITS[unit], job, jtype, grade, status, role, courses])
    return out.getvalue()


def demo_rows() -> list[RosterRow]:
    return parse(demo_csv(), "demo-roster")
