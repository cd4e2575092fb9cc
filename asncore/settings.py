"""Platform settings: embedded defaults, one optional YAML file, a schema check.

The file (default ``settings.yaml`` next to ``jupyterhub_config.py``, or the path in
``$ASN_SETTINGS``) only needs the keys an operator wants to change; everything else
comes from :data:`DEFAULTS`. A bad key or value stops the start with the key path and
the reason, before anything is created.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
SETTINGS_ENV = "ASN_SETTINGS"
DEFAULT_SETTINGS_FILE = REPO_ROOT / "settings.yaml"

DEFAULTS: dict[str, Any] = {
    # Generated state (databases, secrets, credentials) lives under one directory.
    "data_dir": "var",
    "hub": {
        "ip": "127.0.0.1",
        "port": 8000,
        "base_url": "/",
        # internal ports on 127.0.0.1: the hub's own API and the proxy's REST API
        "hub_port": 8081,
        "proxy_api_port": 8001,
        # Development without isolation: every learner server runs as the operator's own
        # Unix user. Only for a laptop; the hub pages then carry a warning banner.
        "dev_mode": False,
    },
    "roster": {
        # Path to a roster CSV (see README "Memuat roster"). Empty: the demo roster.
        "file": "",
        # Path to a units CSV (kode, nama, induk; see asncore.imports.units), loaded before the
        # roster; roster rows must then name a registered unit. Empty: units come from
        # the roster rows.
        "units_file": "",
    },
    "accounts": {
        "min_password_length": 10,
        "check_common_password": True,
        "allowed_failed_logins": 5,
        "lockout_seconds": 600,
        "open_signup": False,
    },
    "unix": {
        # NIPs are all digits; Debian refuses such user names, so every hub user maps to
        # "<prefix><username>" on the system (see asnhub.unixusers).
        "user_prefix": "asn-",
        "home_base": "/home",
    },
    "learning": {
        # Yearly learning-hours target (PP 17/2020: at least 20 JP for PNS; PPPK up to 24).
        "jp_target_pns": 20,
        "jp_target_pppk": 24,
        "minutes_per_jp": 45,
        # Module sources (module.yaml + lesson notebooks), published to learners on start.
        "courses_dir": "courses",
    },
    "assessments": {
        # nbgrader course sources (assessments/<course>/source); one course per folder.
        "dir": "assessments",
        # Generated: grader homes with the course directories (gradebooks, submissions),
        # and the exchange. Learners' servers reach the exchange, so both live outside
        # the (root-only) data directory.
        "courses_root": "/srv/asn-ambon/kursus",
        "exchange_dir": "/srv/asn-ambon/exchange",
        # formgrader services listen on first_port, first_port + 1, ... (one per course)
        "first_port": 10200,
        # the "penilaian" service: trainers start a sandboxed autograde of their course
        "grading_port": 10199,
        "grading_workers": 2,
        # every attempt is kept under <course>/attempts; this one is graded
        "counts": "latest",
    },
    "reports": {
        # An item level L (1-5) is mastered when score/max over the learner's counted
        # items of that level reaches mastery_thresholds[L-1]; the competency level is
        # the highest mastered level with every lower level (that has items) mastered.
        "mastery_thresholds": [0.7, 0.7, 0.75, 0.75, 0.8],
        # periods of the trend tables: "year" or "quarter"
        "trend_period": "year",
    },
    "culler": {"enabled": True, "timeout_seconds": 3600, "every_seconds": 300},
    "ui": {"default_url": "/lab", "locale": "id_ID"},
    "service": {"name": "kompetensi", "port": 10101},
    "database": {
        # SQLAlchemy URLs; empty means a SQLite file under data_dir.
        "hub_url": "",
        "platform_url": "",
    },
}

_PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
_POS_INT = {"type": "integer", "minimum": 1}


def _section(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": properties}


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    **_section(
        {
            "data_dir": {"type": "string", "minLength": 1},
            "hub": _section(
                {
                    "ip": {"type": "string", "minLength": 1},
                    "port": _PORT,
                    "base_url": {"type": "string", "pattern": "^/(.*/)?$"},
                    "hub_port": _PORT,
                    "proxy_api_port": _PORT,
                    "dev_mode": {"type": "boolean"},
                }
            ),
            "roster": _section({"file": {"type": "string"}, "units_file": {"type": "string"}}),
            "accounts": _section(
                {
                    "min_password_length": {"type": "integer", "minimum": 8},
                    "check_common_password": {"type": "boolean"},
                    "allowed_failed_logins": _POS_INT,
                    "lockout_seconds": _POS_INT,
                    "open_signup": {"type": "boolean"},
                }
            ),
            "unix": _section(
                {
                    "user_prefix": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,9}$"},
                    "home_base": {"type": "string", "pattern": "^/"},
                }
            ),
            "learning": _section(
                {
                    "jp_target_pns": {"type": "number", "exclusiveMinimum": 0},
                    "jp_target_pppk": {"type": "number", "exclusiveMinimum": 0},
                    "minutes_per_jp": {"type": "integer", "minimum": 1},
                    "courses_dir": {"type": "string", "minLength": 1},
                }
            ),
            "assessments": _section(
                {
                    "dir": {"type": "string", "minLength": 1},
                    "courses_root": {"type": "string", "pattern": "^/"},
                    "exchange_dir": {"type": "string", "pattern": "^/"},
                    "first_port": _PORT,
                    "grading_port": _PORT,
                    "grading_workers": {"type": "integer", "minimum": 1, "maximum": 16},
                    "counts": {"enum": ["latest", "first"]},
                }
            ),
            "reports": _section(
                {
                    "mastery_thresholds": {
                        "type": "array",
                        "items": {"type": "number", "minimum": 0, "maximum": 1},
                        "minItems": 5,
                        "maxItems": 5,
                    },
                    "trend_period": {"enum": ["year", "quarter"]},
                }
            ),
            "culler": _section(
                {
                    "enabled": {"type": "boolean"},
                    "timeout_seconds": {"type": "integer", "minimum": 60},
                    "every_seconds": {"type": "integer", "minimum": 10},
                }
            ),
            "ui": _section(
                {
                    "default_url": {"type": "string", "pattern": "^/"},
                    "locale": {"type": "string", "enum": ["id_ID", "en"]},
                }
            ),
            "service": _section(
                {"name": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"}, "port": _PORT}
            ),
            "database": _section(
                {"hub_url": {"type": "string"}, "platform_url": {"type": "string"}}
            ),
        }
    ),
}


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file, key and reason."""


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Return a new dict: ``override`` over ``base``, recursively; inputs untouched."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def validate(raw: Any, source: str = "settings") -> None:
    """Raise SettingsError listing every problem in ``raw`` (a parsed settings file)."""
    if raw is None:
        return
    import jsonschema  # 2-3 s of imports (format checkers): only when there is a file to check

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    lines = []
    for error in errors:
        key = ".".join(str(p) for p in error.absolute_path) or "(root)"
        if error.validator == "additionalProperties":
            unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            reason = f"unknown key(s) {', '.join(unknown)}; allowed: " + ", ".join(
                sorted(error.schema.get("properties", {}))
            )
            lines.append(f"{source}: {key}: {reason}")
        else:
            lines.append(f"{source}: {key}: {error.message}")
    raise SettingsError("Pengaturan tidak valid (invalid settings):\n  " + "\n  ".join(lines))


def settings_path() -> Path:
    return Path(os.environ.get(SETTINGS_ENV) or DEFAULT_SETTINGS_FILE)


def load(path: Path | str | None = None) -> dict[str, Any]:
    """Defaults merged with the settings file (if it exists), validated and resolved.

    Relative paths (data_dir, roster.file, roster.units_file) are resolved against the
    repository root so the hub, the CLI and the tests agree whatever their working directory.
    """
    explicit = path is not None or bool(os.environ.get(SETTINGS_ENV))
    path = Path(path) if path is not None else settings_path()
    raw: Any = {}
    if path.exists():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SettingsError(f"{path}: not valid YAML: {exc}") from exc
    elif explicit:
        raise SettingsError(f"{path}: settings file not found")
    validate(raw, str(path))
    return resolve(deep_merge(DEFAULTS, raw or {}))


def resolve(settings: dict[str, Any]) -> dict[str, Any]:
    """Make paths absolute and fill database URLs from the data directory."""
    settings = copy.deepcopy(settings)
    data_dir = Path(settings["data_dir"])
    if not data_dir.is_absolute():
        data_dir = REPO_ROOT / data_dir
    settings["data_dir"] = str(data_dir)
    courses = Path(settings["learning"]["courses_dir"])
    settings["learning"]["courses_dir"] = str(courses if courses.is_absolute() else REPO_ROOT / courses)
    adir = Path(settings["assessments"]["dir"])
    settings["assessments"]["dir"] = str(adir if adir.is_absolute() else REPO_ROOT / adir)
    for key in ("file", "units_file"):
        roster_file = settings["roster"].get(key)
        if roster_file and not Path(roster_file).is_absolute():
            settings["roster"][key] = str(REPO_ROOT / roster_file)
    db = settings["database"]
    db["hub_url"] = db["hub_url"] or f"sqlite:///{data_dir / 'jupyterhub.sqlite'}"
    db["platform_url"] = db["platform_url"] or f"sqlite:///{data_dir / 'kompetensi.sqlite'}"
    return settings
