"""The schema of ``courses/<module-id>/module.yaml`` and its loader.

``load_module(path)`` returns the module's data or raises ``ModuleError`` listing every
problem as "file: key path: reason". It checks the file alone (schema, known competency
codes of the dictionary in the platform database, unique lesson ids, id equal to the
folder name); the module checker (``asn-ambon modul periksa``) adds the notebook checks.
"""

from collections.abc import Collection
from pathlib import Path

import jsonschema
import yaml

from asncore.constants import LEVELS

MODULE_FILE = "module.yaml"
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

_TEXT = {"type": "string", "minLength": 1}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "module.yaml",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "version", "title", "description", "jp", "competencies",
                 "objectives", "lessons"],
    "properties": {
        "id": {"type": "string", "pattern": SLUG_PATTERN,
               "description": "huruf kecil, angka dan '-', sama dengan nama folder"},
        "version": {"type": "integer", "minimum": 1,
                    "description": "bilangan bulat, naikkan setiap kali isi berubah"},
        "title": {**_TEXT, "description": "judul modul"},
        "description": {**_TEXT, "description": "ringkasan modul"},
        "jp": {"type": "number", "exclusiveMinimum": 0,
               "description": "jam pelajaran (1 JP = 45 menit), angka > 0"},
        "competencies": {
            "type": "array", "minItems": 1,
            "description": "kompetensi yang dikembangkan modul",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "target_level"],
                "properties": {
                    "code": {"type": "string", "pattern": r"^[A-Z]{1,3}\.[A-Z0-9]+$",
                             "description": "kode kompetensi, misalnya M.03"},
                    "target_level": {"type": "integer", "minimum": LEVELS[0],
                                     "maximum": LEVELS[-1],
                                     "description": f"level {LEVELS[0]} sampai {LEVELS[-1]}"},
                },
            },
        },
        "objectives": {"type": "array", "minItems": 1, "items": _TEXT,
                       "description": "tujuan pembelajaran"},
        "lessons": {
            "type": "array", "minItems": 1,
            "description": "daftar pelajaran, berurutan",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "title", "notebook", "minutes"],
                "properties": {
                    "id": {"type": "string", "pattern": SLUG_PATTERN,
                           "description": "huruf kecil, angka dan '-'"},
                    "title": _TEXT,
                    "notebook": {
                        "type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]*\.ipynb$",
                        "description": "nama file .ipynb di folder modul, tanpa subfolder"},
                    "minutes": {"type": "integer", "minimum": 1,
                                "description": "perkiraan durasi dalam menit"},
                },
            },
        },
    },
}

_TYPE_NAMES = {"string": "teks", "integer": "bilangan bulat", "number": "angka",
               "array": "daftar", "object": "pemetaan (kunci: nilai)", "boolean": "ya/tidak"}


class ModuleError(ValueError):
    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


def key_path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(akar)"


def _reason(error) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        return f"kunci wajib {', '.join(repr(k) for k in missing)} tidak ada"
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(k for k in value if k not in allowed)
        return (f"kunci tidak dikenal {', '.join(repr(k) for k in unknown)}; "
                f"kunci yang boleh: {', '.join(allowed)}")
    if kind == "type":
        return f"harus berupa {_TYPE_NAMES.get(expected, expected)}, bukan {value!r}"
    if kind == "pattern":
        hint = error.schema.get("description")
        return f"nilai {value!r} tidak sesuai format" + (f" ({hint})" if hint else "")
    if kind == "minLength":
        return "tidak boleh kosong"
    if kind == "minItems":
        return f"harus berisi minimal {expected} butir"
    if kind == "minimum":
        return f"nilai {value!r} harus >= {expected}"
    if kind == "maximum":
        return f"nilai {value!r} harus <= {expected}"
    if kind == "exclusiveMinimum":
        return f"nilai {value!r} harus > {expected}"
    return error.message


def schema_errors(data, source: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    found = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{source}: {key_path(e.absolute_path)}: {_reason(e)}" for e in found]


def _dicts(value) -> list:
    """The dict entries of a list, with their index; tolerant of invalid data."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] \
        if isinstance(value, list) else []


def semantic_errors(data, source: str, folder_name: str, known: Collection[str]) -> list[str]:
    """Checks beyond the schema; they run on invalid data too, so all errors show at once.
    ``known`` holds the codes of the competency dictionary."""
    if not isinstance(data, dict):
        return []
    errors = []
    if isinstance(data.get("id"), str) and data["id"] != folder_name:
        errors.append(f"{source}: id: {data['id']!r} harus sama dengan nama folder "
                      f"{folder_name!r}")
    seen_codes = set()
    for i, competency in _dicts(data.get("competencies")):
        code = competency.get("code")
        if not isinstance(code, str):
            continue
        if code not in known:
            errors.append(f"{source}: competencies[{i}].code: kode kompetensi {code!r} tidak "
                          f"dikenal; kode yang dikenal: {', '.join(sorted(known))}")
        elif code in seen_codes:
            errors.append(f"{source}: competencies[{i}].code: kode {code!r} tercantum dua kali")
        seen_codes.add(code)
    for key in ("id", "notebook"):
        seen = set()
        for i, lesson in _dicts(data.get("lessons")):
            value = lesson.get(key)
            if not isinstance(value, str):
                continue
            if value in seen:
                errors.append(f"{source}: lessons[{i}].{key}: {value!r} sudah dipakai "
                              "pelajaran lain; setiap pelajaran harus unik")
            seen.add(value)
    return errors


def validate_module(path, known_codes: Collection[str] | None = None) -> tuple[dict | None, list[str]]:
    """Read and check a module folder (or its module.yaml); return ``(data, errors)``.

    ``data`` is the parsed mapping (possibly invalid) or None if it could not be read.
    ``known_codes``: the competency dictionary's codes (default: read from the platform
    database of the current settings)."""
    path = Path(path)
    folder = path.parent if path.name == MODULE_FILE else path
    source = folder / MODULE_FILE
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [f"{source}: file tidak ditemukan; setiap modul membutuhkan {MODULE_FILE}"]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{source}: tidak dapat dibaca: {exc}"]
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (baris {where.line + 1})" if where else ""
        return None, [f"{source}: YAML tidak valid{line}: {getattr(exc, 'problem', exc)}"]
    errors = schema_errors(data, str(source))
    if known_codes is None:
        from asncore.competencies import known_codes as dictionary_codes

        known_codes = dictionary_codes()
    errors += semantic_errors(data, str(source), folder.resolve().name, known_codes)
    return data, errors


def load_module(path, known_codes: Collection[str] | None = None) -> dict:
    """Return the data of a valid module folder, or raise ``ModuleError``."""
    data, errors = validate_module(path, known_codes)
    if errors:
        raise ModuleError(errors)
    return data
