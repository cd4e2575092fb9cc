"""An admin's roster upload, imported exactly as ``asn-ambon roster import FILE`` does.

The file goes through the platform's own command, run as a child process
(``python -m asn_ambon roster import <file>``, same interpreter, same settings
environment): the same all-or-nothing check of every row (``asncore.imports.roster``), the
same accounts, Unix users and credentials file (``asnhub.rosterload.import_file``), and
the service's event loop stays free while Unix users are created and passwords hashed.
One import at a time per service.

The uploaded file's name is used only for messages, reduced to safe characters with no
folder in it; the file is written to a fresh private folder. What comes back:

- exit 0: the command's summary lines and the new accounts with their initial passwords,
  read from the credentials file it names (``var/credentials/akun-baru-<time>.csv``);
- exit 1: refused: the command's errors, each ``<file>: baris N, kolom 'x': reason``;
  nothing was imported;
- exit 2 or a crash: the command could not run; its message.
"""

from __future__ import annotations

import asyncio
import csv
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

IMPORT_TIMEOUT = 900  # seconds: thousands of new Unix users and bcrypt hashes
MAX_ERRORS_SHOWN = 200
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
_CREDENTIALS_LINE = re.compile(r"ditulis ke (\S+\.csv)")
_FAILED = "GAGAL (failed): "


@dataclass
class RosterOutcome:
    success: bool
    file: str
    message: str
    summary: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    new_accounts: list[dict] = field(default_factory=list)  # username, password, role
    credentials_file: str | None = None


def safe_name(raw: str | None) -> str:
    """The uploaded file's own name for messages: no folder (``../``, ``C:\\``, ``/etc/``),
    only letters, digits, ``. _ -``, at most 80 characters, ending in ``.csv``."""
    base = PurePosixPath((raw or "").replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")[:76]
    if not base or base.strip("_") == "":
        base = "roster"
    return base if base.lower().endswith(".csv") else base + ".csv"


def not_csv_reason(data: bytes) -> str | None:
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return ("berkas ini buku kerja Excel, bukan CSV; simpan sebagai 'CSV UTF-8' "
                "(Excel: Simpan Sebagai > CSV UTF-8) lalu unggah lagi")
    return None


def import_command(path: Path) -> list[str]:
    return [sys.executable, "-m", "asn_ambon", "roster", "import", str(path)]


def _read_credentials(path: str) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return [dict(row) for row in csv.DictReader(f)]
    except OSError:
        return []


def outcome_of(code: int, out: str, err: str, tmp: Path, name: str) -> RosterOutcome:
    """What the command's exit code and output mean, with the temporary path replaced by
    the uploaded file's name."""
    out, err = out.replace(str(tmp), name), err.replace(str(tmp), name)
    if code == 0:
        summary = [line.strip() for line in out.splitlines()
                   if line.strip() and not line.startswith(" ")]
        found = _CREDENTIALS_LINE.search(out)
        credentials = found.group(1) if found else None
        accounts = _read_credentials(credentials) if credentials else []
        message = next((line for line in summary if line.startswith("Roster")), "Roster diimpor.")
        return RosterOutcome(True, name, message,
                             summary, new_accounts=accounts, credentials_file=credentials)
    # stderr may begin with log lines (database migrations); the command's own message is
    # the line "GAGAL (failed): ..." and the indented lines after it, one error each
    raw = err.splitlines()
    first = next((i for i, line in enumerate(raw) if line.startswith(_FAILED)), None)
    if first is None:  # a crash: never show a traceback's internals
        head, errors = f"Impor tidak dapat dijalankan (kode {code}); lihat log layanan.", []
    else:
        head = raw[first].removeprefix(_FAILED).strip()
        errors = []
        for line in raw[first + 1:]:
            if not line.startswith((" ", "\t")) or not line.strip():
                break
            errors.append(line.strip())
        if code != 1:  # exit 2: settings, a missing folder, not root
            head = "Impor tidak dapat dijalankan: " + head
    shown = errors[:MAX_ERRORS_SHOWN]
    if len(errors) > MAX_ERRORS_SHOWN:
        shown.append(f"… dan {len(errors) - MAX_ERRORS_SHOWN} kesalahan lain; perbaiki yang di "
                     "atas lalu unggah lagi")
    return RosterOutcome(False, name, head, errors=shown, error_count=len(errors))


def _environment() -> dict[str, str]:
    """The service's own environment: ``ASN_SETTINGS`` and ``ASN_ROOT`` from the hub."""
    return dict(os.environ, PYTHONIOENCODING="utf-8")


async def import_roster(data: bytes, raw_name: str | None,
                        timeout: float = IMPORT_TIMEOUT) -> RosterOutcome:
    name = safe_name(raw_name)
    refused = not_csv_reason(data)
    if refused:
        return RosterOutcome(False, name, f"{name}: {refused}", errors=[], error_count=1)
    folder = Path(tempfile.mkdtemp(prefix="asn-roster-"))  # 0700, this process's user
    path = folder / name
    try:
        path.write_bytes(data)
        process = await asyncio.create_subprocess_exec(
            *import_command(path), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=_environment(), cwd=os.environ.get("ASN_ROOT") or None)
        try:
            out, err = await asyncio.wait_for(process.communicate(), timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            return RosterOutcome(False, name, f"impor berhenti setelah {int(timeout)} detik; "
                                 "jalankan 'asn-ambon roster import' di server")
        return outcome_of(process.returncode, out.decode("utf-8", "replace"),
                          err.decode("utf-8", "replace"), path, name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
