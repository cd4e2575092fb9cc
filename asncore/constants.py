"""Facts of the domain that several layers share, each written once.

Sources: competency levels 1-5 and the managerial/socio-cultural kinds, PermenPANRB
38/2017; the yearly learning-hours right, PP 11/2017 as amended by PP 17/2020 art. 203
(PNS at least 20 JP) and PP 49/2018 Pasal 40 ayat (1) (PPPK *paling lama* 24 JP);
1 JP = 45 minutes is the common convention (a setting). Ambon keeps Eastern Indonesia
Time (WIT, UTC+9).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

# Competency levels of PermenPANRB 38/2017.
LEVELS = (1, 2, 3, 4, 5)

# Kinds of competency in the dictionary.
MANAGERIAL = "managerial"
SOCIOCULTURAL = "sociocultural"
TECHNICAL = "technical"
COMPETENCY_KINDS = (MANAGERIAL, SOCIOCULTURAL, TECHNICAL)

# Platform roles, highest first: someone in two groups acts with the higher one.
ROLES_BY_RANK = ("admin", "hr", "trainer", "learner")
ROLES = ("learner", "trainer", "hr", "admin")
HR_ROLES = ("hr", "admin")  # may read HR's reports
# What the roster's ``peran`` column accepts (Indonesian or English) -> role.
ROLE_ALIASES = {
    "learner": "learner",
    "peserta": "learner",
    "trainer": "trainer",
    "pelatih": "trainer",
    "hr": "hr",
    "sdm": "hr",
    "admin": "admin",
}

# Position types (jenis jabatan) of the roster and of the required-level table.
POSITION_TYPES = (
    "JPT Madya",
    "JPT Pratama",
    "Administrator",
    "Pengawas",
    "Pelaksana",
    "Fungsional",
)

# Employment status and the yearly JP rule of each (the numbers are settings defaults).
STATUSES = ("PNS", "PPPK")
JP_TARGET_PNS = 20  # at least (PP 11/2017 as amended by PP 17/2020, Pasal 203 ayat (4))
JP_CEILING_PPPK = 24  # at most (PP 49/2018 Pasal 40 ayat (1)): not a target
# Statuses whose yearly JP number is a ceiling ("paling lama"): over it is flagged, under it
# is never a shortfall. Every other status has a minimum ("paling sedikit").
JP_CEILING_STATUSES = ("PPPK",)
MINUTES_PER_JP = 45

# A competency level L is mastered when the learner's share of the points of the items of
# level L reaches MASTERY_THRESHOLDS[L-1] (a setting; these are its defaults).
MASTERY_THRESHOLDS = (0.7, 0.7, 0.75, 0.75, 0.8)

# Ambon's time zone: dates people see and dates in imports are in WIT.
LOCAL_TIMEZONE_NAME = "Asia/Jayapura"
LOCAL_TZ = ZoneInfo(LOCAL_TIMEZONE_NAME)
