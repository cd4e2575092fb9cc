"""The one CSV reader every import uses (roster, units, JP ledger, competency dictionary).

What it guarantees, so each import only checks its own fields:

- UTF-8, with or without the BOM Excel writes; any other encoding is rejected with the
  file name and the line of the first bad byte ("save as CSV UTF-8").
- ``,`` or ``;`` as delimiter, whichever the header line uses more (Excel with an
  Indonesian locale writes ``;``).
- Header names stripped and lowercased; missing required columns, unknown and repeated
  columns are errors on line 1.
- Blank lines (also ``;;;``) are skipped; a row with more fields than the header is an
  error; a row with fewer fields gets ``""`` for the rest.
- Every record carries the physical line it starts on, so messages point at the line
  the person sees in a text editor (a quoted value may span lines).

Each import then checks its rows with a pydantic model (:mod:`asncore.imports.rows`)
through :func:`validate_rows`, which reports every invalid field as a :class:`RowError`
on the record's line; checks across rows are the import's own code. An import collects
all problems and raises one :class:`ImportRejected`: all rows or nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

REQUIRED_MESSAGE = "wajib diisi (required)"


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.line == 0:  # the file as a whole (not found, not readable)
            return self.message
        return f"baris {self.line}, kolom '{self.field}': {self.message}"


class ImportRejected(ValueError):
    """A file that cannot be imported; ``errors`` lists every bad row and field.

    ``subject`` names the kind of file in the message ("Roster", "Berkas unit", ...).
    """

    subject = "Berkas"

    def __init__(self, source: str, errors: list[RowError], subject: str | None = None):
        self.source = source
        self.errors = list(errors)
        if subject is not None:
            self.subject = subject
        lines = "\n".join(f"  {source}: {e}" for e in self.errors)
        super().__init__(
            f"{self.subject} ditolak, tidak ada yang diimpor "
            f"({len(self.errors)} kesalahan):\n{lines}"
        )


@dataclass(frozen=True)
class UpsertResult:
    """What an add-or-update import did (units, competencies)."""

    added: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        return f"{self.added} baru, {self.updated} diperbarui, {self.unchanged} tetap"


@dataclass(frozen=True)
class Record:
    """One data row: its first physical line and its values by (lowercased) column."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    source: str
    header: list[str]
    records: list[Record] = field(default_factory=list)
    # rows that could not become records (more fields than the header)
    errors: list[RowError] = field(default_factory=list)


class _Semicolon(csv.excel):
    delimiter = ";"


def _dialect(text: str) -> type[csv.Dialect]:
    header = text.split("\n", 1)[0]
    return csv.excel if header.count(",") >= header.count(";") else _Semicolon


def read_text(path: Path | str, rejected: type[ImportRejected] = ImportRejected) -> str:
    """The text of ``path`` as UTF-8 (BOM dropped); ``rejected`` raised if unreadable."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        missing = RowError(0, "(berkas)", "berkas tidak ditemukan (file not found)")
        raise rejected(str(path), [missing]) from None
    except OSError as exc:
        unreadable = RowError(0, "(berkas)", f"tidak dapat dibaca (unreadable): {exc.strerror}")
        raise rejected(str(path), [unreadable]) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise rejected(
            str(path),
            [
                RowError(
                    line,
                    "(berkas)",
                    f"bukan UTF-8 (not UTF-8; byte 0x{data[exc.start]:02x}): simpan ulang "
                    "sebagai 'CSV UTF-8' (Excel: Simpan Sebagai > CSV UTF-8)",
                )
            ],
        ) from exc


def _header(reader, source: str, rejected: type[ImportRejected]) -> list[str]:
    try:
        return [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        malformed = RowError(1, "(header)", f"CSV rusak (malformed CSV): {exc}")
        raise rejected(source, [malformed]) from exc


def parse_table(
    text: str,
    source: str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    rejected: type[ImportRejected] = ImportRejected,
) -> Table:
    """Split ``text`` into records; header problems raise ``rejected`` at once."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), dialect=_dialect(text))
    header = _header(reader, source, rejected)
    allowed = required + optional
    missing = [c for c in required if c not in header]
    errors = [RowError(1, c, "kolom wajib tidak ada (missing column)") for c in missing]
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            errors.append(
                RowError(1, f"(kolom {position})", "nama kolom kosong (empty column name)")
            )
        elif name not in allowed:
            errors.append(
                RowError(
                    1,
                    name,
                    f"kolom tidak dikenal (unknown column); yang dikenal: {', '.join(allowed)}",
                )
            )
        elif name in seen:
            errors.append(RowError(1, name, "kolom ganda (repeated column)"))
        seen.add(name)
    if errors:
        raise rejected(source, errors)
    table = Table(source, header)
    last_line = reader.line_num
    while True:
        try:
            fields = next(reader, None)
        except csv.Error as exc:
            table.errors.append(
                RowError(last_line + 1, "(baris)", f"CSV rusak (malformed CSV): {exc}")
            )
            break
        if fields is None:
            break
        line, last_line = last_line + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) > len(header):
            table.errors.append(
                RowError(
                    line,
                    "(baris)",
                    f"kolom lebih banyak dari header ({len(fields)} nilai, header {len(header)} "
                    "kolom); nilai yang memuat koma atau titik koma harus diberi tanda kutip",
                )
            )
            continue
        values = {
            name: (fields[i].strip() if i < len(fields) else "") for i, name in enumerate(header)
        }
        table.records.append(Record(line, values))
    return table


def read_table(
    path: Path | str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    rejected: type[ImportRejected] = ImportRejected,
) -> Table:
    return parse_table(read_text(path, rejected), str(path), required, optional, rejected)


RowModel = TypeVar("RowModel", bound=BaseModel)


def validate_rows(
    table: Table, model: type[RowModel], context: dict[str, Any] | None = None
) -> tuple[list[tuple[int, RowModel]], list[RowError]]:
    """Every record of ``table`` validated by ``model`` (its fields aliased to the
    columns; ``context`` reaches the validators as ``info.context``).

    Returns the valid rows with their lines, and the problems: the table's own (rows
    longer than the header), then one :class:`RowError` per invalid field.
    """
    valid: list[tuple[int, RowModel]] = []
    errors = list(table.errors)
    for record in table.records:
        try:
            valid.append((record.line, model.model_validate(record.values, context=context)))
        except ValidationError as exc:
            errors += (
                RowError(record.line, _column(error), _reason(error))
                for error in exc.errors(include_url=False)
            )
    return valid, errors


def _column(error: dict) -> str:
    return str(error["loc"][0]) if error["loc"] else "(baris)"


def _reason(error: dict) -> str:
    """What HR reads: a validator's own message, or ours for pydantic's built-in checks."""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "value_error":
        return str(ctx["error"])
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return REQUIRED_MESSAGE
    if kind == "string_too_long":
        return f"paling banyak {ctx['max_length']} karakter"
    return error["msg"]


def duplicates(
    keyed: Iterable[tuple[int, Hashable]],
    column: str,
    message: str = "duplikat, sudah ada di baris {line}",
) -> list[RowError]:
    """An error on ``column`` for each (line, key) whose key an earlier line has, the
    earlier ``{line}`` named in ``message``; empty keys are skipped."""
    first_line: dict[Hashable, int] = {}
    errors = []
    for line, key in keyed:
        if not key:
            continue
        if key in first_line:
            errors.append(RowError(line, column, message.format(line=first_line[key])))
        else:
            first_line[key] = line
    return errors


def no_rows(what: str) -> RowError:
    """The error for a file with a header and no data rows."""
    return RowError(2, "(berkas)", f"{what} kosong (no rows)")
