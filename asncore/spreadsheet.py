"""Text that a spreadsheet must keep as text: one rule for every XLSX and CSV the platform
writes (HR's reports in ``reports``, the trainers' item analysis in ``grading``).

- :func:`clean_text` drops the C0 control characters XLSX cannot hold (openpyxl raises
  ``IllegalCharacterError`` on them); tab, LF and CR stay.
- :func:`formula_text` says whether openpyxl would store a string as a formula (``=``)
  or an error value (``#N/A``); an XLSX writer then writes that cell with
  ``data_type = "s"``, shown as typed, never run.
- :func:`inert_text` is the CSV rule (OWASP's CSV injection advice): a leading ``'`` on
  text a spreadsheet program would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
  CR), and CR as LF.
"""

from __future__ import annotations

import re
from typing import Any

# what XLSX cannot hold (openpyxl raises IllegalCharacterError): C0 controls but tab, LF, CR
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# what a spreadsheet program reads as the start of a formula when it opens a CSV
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: Any) -> Any:
    """``value`` without the control characters XLSX cannot hold; non-strings unchanged."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS.search(value):
        return ILLEGAL_CHARACTERS.sub("", value)
    return value


def formula_text(value: Any) -> bool:
    """Text openpyxl would store as a formula (``=``) or an error code (``#N/A``)."""
    if not isinstance(value, str):
        return False
    if value.startswith("="):
        return True
    from openpyxl.cell.cell import ERROR_CODES  # only writers of a workbook pay for openpyxl

    return value in ERROR_CODES


def inert_text(value: Any) -> Any:
    """For CSV cells: :func:`clean_text`, then a leading ``'`` on text a spreadsheet would
    run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR: OWASP's CSV-injection rule), and
    CR as LF (the writers end lines with LF, so they quote a field holding LF but not a
    bare CR, which a reader would take for a new row). Numbers are not text here: a
    negative gap stays ``-1``."""
    value = clean_text(value)
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value
