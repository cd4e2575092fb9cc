"""The report's output frames as machine-readable CSV files.

One UTF-8 file per frame, columns exactly those of :mod:`reports.frames` (stable English
names, in spec order), missing values empty, dates ISO 8601, decimal point. For people
the XLSX workbook is the readable form; these files feed other systems. Each file is
written atomically.

Text is made safe for spreadsheet programs (:func:`reports.render.inert_text`): control
characters are dropped and a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR
(a name or activity that would run as a formula) gets a leading ``'``; numbers are
written as numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import frames
from .render import ReportLike, atomic_path, inert_text, spec_columns, text_columns

# file name -> (report attribute, frame spec)
CSV_FILES = {
    "levels.csv": ("levels", frames.LEVELS),
    "jp.csv": ("jp", frames.JP_COMPLIANCE),
    "jp_ledger.csv": ("jp_entries", frames.JP_ENTRIES),
    "unit_summary.csv": ("unit_summary", frames.UNIT_SUMMARY),
    "distribution.csv": ("distribution", frames.DISTRIBUTION),
    "gain.csv": ("gain", frames.GAIN),
    "gain_summary.csv": ("gain_summary", frames.GAIN_SUMMARY),
    "trends.csv": ("trends", frames.TRENDS),
}


def write_csvs(report: ReportLike, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write every file of :data:`CSV_FILES` into ``out_dir`` (created if needed); return
    file name -> path."""
    out_dir = Path(out_dir)
    written = {}
    for name, (attribute, spec) in CSV_FILES.items():
        frame = text_columns(spec_columns(getattr(report, attribute), spec, attribute), inert_text)
        path = out_dir / name
        with atomic_path(path) as tmp:
            frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n",
                         date_format="%Y-%m-%d")
        written[name] = path
    return written
