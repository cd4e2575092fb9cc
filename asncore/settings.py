"""Platform settings: one pydantic model (defaults and validation together), one YAML file.

The file (default ``settings.yaml`` in the platform folder, or the path in ``$ASN_SETTINGS``)
only needs the keys an operator wants to change; every other value is the default written
in :class:`Settings`. A bad key or value stops the start with the file, the key path and
the reason, before anything is created. ``Settings.model_json_schema()`` documents every
key.

The platform folder (:func:`project_root`) is ``$ASN_ROOT``, else the nearest folder at or
above the working directory holding ``jupyterhub_config.py`` and ``pyproject.toml``: the
code may be installed elsewhere (site-packages), the folder holds the settings, courses and
assessments. Relative paths in the settings are resolved against it.

The hub, the CLI and the hub-managed services all call :func:`load`; the hub hands its
services :func:`service_environment` so they read the same file.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .constants import JP_CEILING_PPPK, JP_TARGET_PNS, MASTERY_THRESHOLDS, MINUTES_PER_JP

SETTINGS_ENV = "ASN_SETTINGS"
DEFAULT_PUBLIC_DIR = "/srv/asn-ambon/publik"
ROOT_ENV = "ASN_ROOT"
SETTINGS_FILE_NAME = "settings.yaml"
ROOT_MARKERS = ("jupyterhub_config.py", "pyproject.toml")

Port = Annotated[int, Field(ge=1, le=65535)]
PositiveInt = Annotated[int, Field(ge=1)]
NonEmpty = Annotated[str, Field(min_length=1)]
AbsolutePath = Annotated[str, Field(pattern=r"^/")]


class Section(BaseModel):
    """A block of the settings file: unknown keys and wrong types are errors (no coercion)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Hub(Section):
    ip: NonEmpty = "127.0.0.1"
    port: Port = 8000
    base_url: Annotated[str, Field(pattern=r"^/(.*/)?$")] = "/"
    hub_port: Port = Field(8081, description="the hub's own API, on 127.0.0.1")
    proxy_api_port: Port = Field(8001, description="the proxy's REST API, on 127.0.0.1")
    dev_mode: bool = Field(
        False,
        description="Development without isolation: every learner server runs as the "
        "operator's own Unix user. Only for a laptop; the hub pages then carry a warning.",
    )


class Roster(Section):
    file: str = Field("", description="Roster CSV (README 'Memuat roster'); empty: demo roster.")
    units_file: str = Field(
        "",
        description="Units CSV (kode, nama, induk), loaded before the roster; roster rows must "
        "then name a registered unit. Empty: units come from the roster rows.",
    )


class Accounts(Section):
    min_password_length: Annotated[int, Field(ge=8)] = 10
    check_common_password: bool = True
    allowed_failed_logins: PositiveInt = Field(
        5,
        description="Failed log-ins allowed for an account from one source (and for an "
        "account from all sources) before each next try waits, doubling from 1 s; a "
        "source gets 5x as many over all accounts (asnhub.auth).",
    )
    lockout_seconds: PositiveInt = Field(
        600,
        description="Longest wait for one source (one account from one address, or one "
        "address over all accounts); counters are forgotten after four times this long "
        "without a failure.",
    )
    account_backoff_seconds: Annotated[int, Field(ge=1, le=300)] = Field(
        30,
        description="Longest wait for an account from any source: what someone else's "
        "failures can cost its owner logging in from elsewhere.",
    )
    open_signup: bool = False


class Unix(Section):
    user_prefix: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,9}$")] = Field(
        "asn-",
        description="Learners' Unix names are '<prefix>' + 12 opaque characters keyed by "
        "<data_dir>/unix-names.key (asncore.unixnames): never the NIP.",
    )
    home_base: AbsolutePath = "/home"
    max_memory_mb: Annotated[int, Field(ge=0)] = Field(
        2048,
        description="Learners' servers and everything they start: writable memory per "
        "process (RLIMIT_DATA), in MB; 0: no limit.",
    )
    max_processes: Annotated[int, Field(ge=0)] = Field(
        256, description="Processes (and threads) per learner (RLIMIT_NPROC); 0: no limit."
    )
    max_file_mb: Annotated[int, Field(ge=0)] = Field(
        1024,
        description="Largest file a learner's process may write (RLIMIT_FSIZE), in MB; "
        "0: no limit. There is no disk quota per learner unless the homes' filesystem "
        "has quotas (set outside the platform).",
    )
    memory_total_mb: Annotated[int, Field(ge=0)] = Field(
        4096,
        description="All of a learner's processes together, in MB (cgroup memory.max, v1 "
        "memory.limit_in_bytes; no swap where the machine accounts it); 0: no limit. "
        "Needs cgroups.",
    )
    cpu_weight: Annotated[int, Field(ge=1, le=10000)] = Field(
        100,
        description="A learner's CPU share relative to the other learners when the CPU is "
        "busy (cgroup cpu.weight; v1 cpu.shares = weight x 1024 / 100): 200 gets twice "
        "what 100 gets. Not a cap (see cpu_max_cores). Needs cgroups.",
    )
    cpu_max_cores: Annotated[float, Field(ge=0, le=1024)] = Field(
        0,
        description="Hard cap on a learner's CPU, in cores (1.5: one and a half; cgroup "
        "cpu.max, v1 cpu.cfs_quota_us); 0: no cap. Needs cgroups.",
    )
    cgroups: Literal["auto", "v2", "v1", "off"] = Field(
        "auto",
        description="Per-learner cgroups: 'auto' uses v2 where the machine offers it, else "
        "v1, else none (rlimits only); 'v2'/'v1' refuse to start without that version; "
        "'off': rlimits only. max_processes also sets pids.max. The hub says at start "
        "which is active.",
    )


class Learning(Section):
    jp_target_pns: Annotated[float, Field(gt=0)] = Field(
        JP_TARGET_PNS, description="Yearly JP a PNS has the right to, at least (PP 11/2017 as "
        "amended by PP 17/2020, Pasal 203 ayat (4): 20). Reports show a shortfall below it."
    )
    jp_target_pppk: Annotated[float, Field(gt=0)] = Field(
        JP_CEILING_PPPK, description="Yearly CEILING of a PPPK's JP, despite the key's name "
        "(PP 49/2018 Pasal 40 ayat (1): paling lama 24 per contract year). Reports flag JP "
        "over it and never call fewer a shortfall."
    )
    minutes_per_jp: PositiveInt = MINUTES_PER_JP
    courses_dir: NonEmpty = Field(
        "courses", description="Module sources (module.yaml + lessons), published on start."
    )
    min_time_share: Annotated[float, Field(ge=0, le=1)] = Field(
        0.5,
        description="A module's JP is credited only when the real time between its first and "
        "last events the service received (server clock) reaches this share of the minutes "
        "its lessons declare.",
    )
    post_test_pass_mark: Annotated[float, Field(gt=0, le=1)] = Field(
        0.6,
        description="A module's JP is credited only when its post-test (the assessment course "
        "with the module's id, kind 'post') is graded at or above this share of its points.",
    )


ORIGIN = r"^(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)?$"  # scheme://host[:port], or empty


class Certificates(Section):
    """E-certificates of completed modules (issue 12; asncore/certificates.py)."""

    header: Annotated[list[NonEmpty], Field(min_length=1, max_length=3)] = Field(
        ["Pemerintah Kota Ambon",
         "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"],
        description="Lines at the top of the certificate (printed in capitals).",
    )
    issuer: NonEmpty = Field(
        "BKPSDM Kota Ambon", description="The issuing body, printed under the date."
    )
    place: NonEmpty = Field("Ambon", description="Place printed before the date.")
    public_origin: Annotated[str, Field(pattern=ORIGIN)] = Field(
        "",
        description="Scheme and host people reach the hub at (e.g. https://belajar.ambon.go.id), "
        "printed before the verification path (<hub base_url>services/<service>/verifikasi/"
        "<nomor>) in the certificate's URL and QR code. Empty: the path alone, which a phone "
        "scanning the QR code cannot open: set it on a server.",
    )


class Assessments(Section):
    dir: NonEmpty = Field(
        "assessments", description="nbgrader course sources: <dir>/<course>/source."
    )
    courses_root: AbsolutePath = Field(
        "/srv/asn-ambon/kursus",
        description="Generated: grader homes with the course directories. Outside the "
        "root-only data directory because learners' servers reach the exchange.",
    )
    exchange_dir: AbsolutePath = "/srv/asn-ambon/exchange"
    first_port: Port = Field(10200, description="formgraders listen on first_port + k")
    grading_port: Port = Field(10199, description="the 'penilaian' (sandboxed autograde) service")
    grading_workers: Annotated[int, Field(ge=1, le=16)] = 2
    counts: Literal["latest", "first"] = Field(
        "latest", description="Every attempt is kept; this one is graded."
    )


class Reports(Section):
    mastery_thresholds: Annotated[
        list[Annotated[float, Field(ge=0, le=1)]], Field(min_length=5, max_length=5)
    ] = Field(
        list(MASTERY_THRESHOLDS),
        description="Item level L (1-5) is mastered when score/max over the learner's items "
        "of that level reaches mastery_thresholds[L-1]; the competency level is the highest "
        "mastered level with every lower level (that has items) mastered.",
    )
    trend_period: Literal["year", "quarter"] = "year"


# What a weakness turns into (issue 11, point 4; reports/recommend.py, docs/evaluasi.md):
# IKM element code, complaint signal or competency code -> module ids of courses/.
WEAKNESS_KEY = r"^(U[1-9]|pengaduan_terlambat|verifikasi_terlambat|[A-Z]{1,4}\.[A-Z0-9_.-]{1,28})$"
MODULE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DEFAULT_MODULES_FOR = {
    "U2": ["e-government"],  # Sistem, Mekanisme, dan Prosedur
    "U3": ["manajemen-waktu"],  # Waktu Penyelesaian
    "U6": ["komunikasi-pelayanan"],  # Kompetensi Pelaksana: judged at the counter
    "U7": ["komunikasi-pelayanan"],  # Perilaku Pelaksana
    "U8": ["penanganan-pengaduan"],  # Penanganan Pengaduan, Saran dan Masukan
    "pengaduan_terlambat": ["penanganan-pengaduan"],
    "verifikasi_terlambat": ["penanganan-pengaduan"],
}


class Recommendations(Section):
    """Weakest services -> modules for the next period (reports/recommend.py)."""

    modules_for: dict[Annotated[str, Field(pattern=WEAKNESS_KEY)],
                      list[Annotated[str, Field(pattern=MODULE_ID)]]] = Field(
        default_factory=lambda: copy.deepcopy(DEFAULT_MODULES_FOR),
        description="Weakness -> modules. Keys: IKM element codes U1-U9, "
        "'pengaduan_terlambat' (follow-up in time below complaint_min_share), "
        "'verifikasi_terlambat' (verification likewise), or a competency code (overrides "
        "the modules whose module.yaml lists that competency). Given in the file, the "
        "mapping replaces the default whole: an element left out gets no module.",
    )
    weak_element_grades: list[Literal["A", "B", "C", "D"]] = Field(
        ["C", "D"],
        description="An IKM element is weak when its own grade (NRR x 25 on the "
        "PermenPANRB 14/2017 table) is one of these.",
    )
    complaint_min_share: Annotated[float, Field(ge=0, le=1)] = Field(
        0.8,
        description="Complaints are late when the share verified (or followed up) in time "
        "is below this.",
    )
    gap_min_share: Annotated[float, Field(gt=0, le=1)] = Field(
        0.2,
        description="A competency is a unit's weakness when at least this share of its "
        "measured employees is below the level their position requires.",
    )


class Evaluation(Section):
    """The evaluation loop (issue 11): public satisfaction (IKM), complaints, ASN's voice."""

    ikm_weight: Literal["1/9", "0.111"] = Field(
        "1/9",
        description="Weight of each of the 9 IKM elements (PermenPANRB 14/2017): the exact "
        "1/9 or the regulation's rounded 0.111.",
    )
    verify_working_days: Annotated[int, Field(ge=1, le=60)] = Field(
        3, description="A complaint is verified in time within this many working days."
    )
    followup_working_days: Annotated[int, Field(ge=1, le=60)] = Field(
        5, description="A complaint is followed up in time within this many working days."
    )
    min_group_size: Annotated[int, Field(ge=2)] = Field(
        5,
        description="Reaction-survey and training-needs results are shown to HR only for "
        "groups of at least this many people.",
    )
    recommendations: Recommendations = Field(default_factory=Recommendations)


class Culler(Section):
    enabled: bool = True
    timeout_seconds: Annotated[int, Field(ge=60)] = 3600
    every_seconds: Annotated[int, Field(ge=10)] = 300


class Ui(Section):
    default_url: AbsolutePath = "/lab"
    locale: Literal["id_ID", "en"] = "id_ID"


class Service(Section):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")] = "kompetensi"
    port: Port = 10101


class Database(Section):
    hub_url: str = Field("", description="SQLAlchemy URL; empty: <data_dir>/jupyterhub.sqlite")
    platform_url: str = Field("", description="SQLAlchemy URL; empty: <data_dir>/kompetensi.sqlite")


class Settings(Section):
    """Every setting of the platform with its default; sections as in settings.yaml."""

    data_dir: NonEmpty = Field(
        "var", description="Generated state (databases, secrets, credentials) lives here."
    )
    public_dir: str = Field(
        "",
        description="This hub's files that learners' servers read (published modules, their "
        "Jupyter and nbgrader config), world-readable, outside the root-only data_dir; one per "
        "hub. Empty: /srv/asn-ambon/publik, or <data_dir>/publik in dev mode.",
    )
    hub: Hub = Field(default_factory=Hub)
    roster: Roster = Field(default_factory=Roster)
    accounts: Accounts = Field(default_factory=Accounts)
    unix: Unix = Field(default_factory=Unix)
    learning: Learning = Field(default_factory=Learning)
    certificates: Certificates = Field(default_factory=Certificates)
    assessments: Assessments = Field(default_factory=Assessments)
    reports: Reports = Field(default_factory=Reports)
    evaluation: Evaluation = Field(default_factory=Evaluation)
    culler: Culler = Field(default_factory=Culler)
    ui: Ui = Field(default_factory=Ui)
    service: Service = Field(default_factory=Service)
    database: Database = Field(default_factory=Database)


# The defaults as a plain dict, derived from the model (never edit: callers deep-merge
# overrides onto a copy and pass the result to resolve()).
DEFAULTS: dict[str, Any] = Settings().model_dump()


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file, key and reason."""


def project_root() -> Path:
    """The platform folder: ``$ASN_ROOT``, else the nearest folder at or above the working
    directory that holds ``jupyterhub_config.py`` and ``pyproject.toml``."""
    env = os.environ.get(ROOT_ENV)
    if env:
        root = Path(env).resolve()
        if not root.is_dir():
            raise SettingsError(
                f"{ROOT_ENV}={env}: folder tidak ada (folder does not exist). Isi {ROOT_ENV} "
                "dengan folder platform (set it to the platform folder)."
            )
        return root
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if all((folder / marker).is_file() for marker in ROOT_MARKERS):
            return folder
    raise SettingsError(
        f"Folder platform tidak ditemukan dari {cwd}: jalankan perintah dari folder platform "
        f"(yang berisi {' dan '.join(ROOT_MARKERS)}) atau isi {ROOT_ENV} dengan folder itu. "
        f"(Platform folder not found from {cwd}: run from the platform folder or set {ROOT_ENV}.)"
    )


def settings_path() -> Path:
    """The file :func:`load` reads when given none: ``$ASN_SETTINGS`` or settings.yaml in
    the platform folder."""
    env = os.environ.get(SETTINGS_ENV)
    return Path(env) if env else project_root() / SETTINGS_FILE_NAME


def service_environment() -> dict[str, str]:
    """What a hub-managed service needs to load the settings the hub uses: the platform
    folder and, when a settings file is in use, its absolute path (absent: defaults)."""
    env = {ROOT_ENV: str(project_root())}
    path = settings_path()
    if path.exists():
        env[SETTINGS_ENV] = str(path.resolve())
    return env


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Return a new dict: ``override`` over ``base``, recursively; inputs untouched."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _section_at(path: tuple) -> type[BaseModel] | None:
    model: Any = Settings
    for part in path:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        section = field.annotation if field is not None else None
        if not (isinstance(section, type) and issubclass(section, BaseModel)):
            return None
        model = section
    return model


def _problems(error: ValidationError) -> list[str]:
    """One line per problem, ``key.path: reason``; unknown keys of a section on one line."""
    lines: list[tuple[str, str]] = []
    unknown: dict[tuple, list[str]] = {}
    for item in error.errors():
        loc = tuple(item["loc"])
        if item["type"] == "extra_forbidden":
            unknown.setdefault(loc[:-1], []).append(str(loc[-1]))
            continue
        reason = item["msg"]
        if item["type"] == "model_type":  # pydantic says "instance of Hub": name the fix
            reason = "expected a section of 'key: value' lines"
        if not isinstance(item.get("input"), (dict, list)):
            reason += f" (got {item.get('input')!r})"
        lines.append((".".join(str(p) for p in loc) or "(root)", reason))
    for parent, keys in unknown.items():
        section = _section_at(parent)
        allowed = ", ".join(sorted(section.model_fields)) if section else "-"
        reason = f"unknown key(s) {', '.join(sorted(keys))}; allowed: {allowed}"
        lines.append((".".join(str(p) for p in parent) or "(root)", reason))
    return [f"{key}: {reason}" for key, reason in sorted(lines)]


def validate(raw: Any, source: str = "settings") -> Settings:
    """The settings in ``raw`` (a parsed file, possibly partial; None: all defaults), or
    SettingsError listing every problem, each with ``source``, the key path and the reason."""
    try:
        return Settings.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        lines = [f"{source}: {line}" for line in _problems(exc)]
        raise SettingsError(
            "Pengaturan tidak valid (invalid settings):\n  " + "\n  ".join(lines)
        ) from None


def load(path: Path | str | None = None) -> dict[str, Any]:
    """The settings file (if it exists) over the defaults, validated and resolved.

    Relative paths (data_dir, courses, assessments, roster files) are resolved against the
    platform folder so the hub, the CLI, the services and the tests agree whatever their
    working directory.
    """
    explicit = path is not None or bool(os.environ.get(SETTINGS_ENV))
    path = Path(path) if path is not None else settings_path()
    raw: Any = None
    if path.exists():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SettingsError(f"{path}: not valid YAML: {exc}") from exc
    elif explicit:
        raise SettingsError(f"{path}: settings file not found")
    return resolve(validate(raw, str(path)))


def resolve(settings: Settings | dict[str, Any]) -> dict[str, Any]:
    """A plain nested dict with absolute paths and database URLs filled from data_dir.

    ``settings`` may be a partial dict (missing keys take their defaults); it is validated.
    """
    if not isinstance(settings, Settings):
        settings = validate(settings)
    resolved = settings.model_dump()
    root: Path | None = None  # looked up only if a path is relative

    def absolute(value: str) -> str:
        nonlocal root
        if Path(value).is_absolute():
            return value
        root = root or project_root()
        return str(root / value)

    resolved["data_dir"] = data_dir = absolute(resolved["data_dir"])
    resolved["public_dir"] = absolute(resolved["public_dir"] or (
        str(Path(data_dir) / "publik") if resolved["hub"]["dev_mode"] else DEFAULT_PUBLIC_DIR))
    resolved["learning"]["courses_dir"] = absolute(resolved["learning"]["courses_dir"])
    resolved["assessments"]["dir"] = absolute(resolved["assessments"]["dir"])
    roster = resolved["roster"]
    for key in ("file", "units_file"):
        if roster[key]:
            roster[key] = absolute(roster[key])
    db = resolved["database"]
    db["hub_url"] = db["hub_url"] or f"sqlite:///{Path(data_dir) / 'jupyterhub.sqlite'}"
    db["platform_url"] = db["platform_url"] or f"sqlite:///{Path(data_dir) / 'kompetensi.sqlite'}"
    return resolved
