"""CSV or XLSX behind the one line-tracking CSV reader (:mod:`asncore.imports.csvtable`).

- An ``.xlsx``/``.xlsm`` file is read from its first sheet and turned into CSV text in
  which line N is sheet row N, so ``baris N`` points at the row HR sees in Excel. Cell
  values become text: whole numbers without ``.0``, dates as ``YYYY-MM-DD``, date-times
  as ``YYYY-MM-DD HH:MM[:SS]``, line breaks inside a cell as spaces. Any other file is
  CSV (UTF-8, ``,`` or ``;``), as :func:`csvtable.read_text` reads it.
- Lines starting with ``#`` before the header are comments (a file's sources, caveats);
  line numbers in messages still count them.
- ``rename`` maps the header cells as written to the names an import knows (aliases,
  IKM element names), returning the new names and any header errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from .csvtable import ImportRejected, Record, RowError, Table, parse_table, read_text

XLSX_SUFFIXES = (".xlsx", ".xlsm")
Rename = Callable[[list[str]], tuple[list[str], list[RowError]]]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def xlsx_text(data: bytes, source: str, rejected: type[ImportRejected] = ImportRejected) -> str:
    """The first sheet of an XLSX workbook as CSV text, row N on line N."""
    from openpyxl import load_workbook  # only imports that read a workbook pay for it

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        bad = RowError(0, "(berkas)", f"{source}: bukan berkas XLSX yang sah (not a valid "
                       f"XLSX file: {exc}); simpan ulang dari Excel sebagai .xlsx atau CSV UTF-8")
        raise rejected(source, [bad]) from exc
    sheet = book.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in sheet.iter_rows(min_row=1, max_row=max(sheet.max_row, 1), values_only=True):
        writer.writerow([_cell_text(v) for v in row])
    return out.getvalue()


def load_text(path: Path | str, rejected: type[ImportRejected] = ImportRejected) -> str:
    """The file's rows as CSV text: an XLSX workbook's first sheet, or the CSV itself."""
    path = Path(path)
    if path.suffix.lower() not in XLSX_SUFFIXES:
        if path.suffix.lower() == ".xls":
            old = RowError(0, "(berkas)", "format .xls lama tidak didukung; simpan sebagai "
                           ".xlsx atau CSV UTF-8")
            raise rejected(str(path), [old])
        return read_text(path, rejected)
    try:
        data = path.read_bytes()
    except OSError:
        return read_text(path, rejected)  # the same "not found"/"unreadable" messages
    return xlsx_text(data, str(path), rejected)


def _shift(error: RowError, lines: int) -> RowError:
    return RowError(error.line + lines if error.line else 0, error.field, error.message)


def _not_said(errors: list[RowError], said: list[RowError]) -> list[RowError]:
    """``errors`` except those about a column ``rename`` already explained."""
    columns = {e.field.lower() for e in said}
    return [e for e in errors if e.line != 1 or e.field.lower() not in columns]


def _delimiter(header_line: str) -> str:
    return "," if header_line.count(",") >= header_line.count(";") else ";"


def _renamed(text: str, rename: Rename) -> tuple[str, list[RowError]]:
    """``text`` with its header line replaced by the names ``rename`` gives, and the
    header errors ``rename`` found."""
    first, _, rest = text.partition("\n")
    delimiter = _delimiter(first)
    cells = next(csv.reader([first], delimiter=delimiter), [])
    names, errors = rename([c.strip() for c in cells])
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(names)
    return out.getvalue() + rest, errors


def parse_sheet(
    text: str,
    source: str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    rejected: type[ImportRejected] = ImportRejected,
    rename: Rename | None = None,
) -> Table:
    """:func:`csvtable.parse_table` after leading ``#`` comments and an optional header
    ``rename``; line numbers are those of ``text``."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    skip = 0
    while skip < len(lines) and lines[skip].lstrip().startswith("#"):
        skip += 1
    body = "\n".join(lines[skip:])
    header_errors: list[RowError] = []
    if rename is not None:
        body, header_errors = _renamed(body, rename)
    try:
        table = parse_table(body, source, required, optional, rejected)
    except ImportRejected as exc:
        header_errors += _not_said(exc.errors, header_errors)
    if header_errors:
        raise rejected(source, [_shift(e, skip) for e in header_errors])
    if not skip:
        return table
    return Table(table.source, table.header,
                 [Record(r.line + skip, r.values) for r in table.records],
                 [_shift(e, skip) for e in table.errors])


def read_sheet(
    path: Path | str,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    rejected: type[ImportRejected] = ImportRejected,
    rename: Rename | None = None,
) -> Table:
    """:func:`parse_sheet` of a CSV or XLSX file."""
    return parse_sheet(load_text(path, rejected), str(path), required, optional, rejected,
                       rename)
