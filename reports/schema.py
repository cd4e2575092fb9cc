"""Check a frame against a spec of :mod:`reports.frames` and normalise its dtypes.

A spec maps each column to ``(kind, nullable)``. :func:`validate` returns a new frame (the
input is never modified) whose spec columns come first, in spec order, followed by any
extra columns untouched, with these dtypes:

========== ====================================================================
kind       dtype of the returned column
========== ====================================================================
str        pandas ``str``; other values are turned into text; blank text (only
           spaces) counts as missing
int        ``Int64`` (nullable); accepts numbers and numeric text, no fractions
float      ``float64``; accepts numbers and numeric text (decimal point, not comma)
bool       ``bool`` (``boolean`` when nullable); accepts True/False, 1/0 and the
           texts true/false, ya/tidak, yes/no, y/n, benar/salah
date       ``object`` holding :class:`datetime.date` (missing: ``None``); accepts
           date/datetime objects and ISO 8601 text (``2026-03-31``)
datetime   ``datetime64[us]``, naive, in UTC: aware values are converted to UTC,
           naive values are taken as UTC already; accepts ISO 8601 text
========== ====================================================================

Every problem is collected before raising one :class:`FrameError` whose message has one
line per problem, naming the frame, the column and up to five row labels of the frame's
index (loaders may set the index to their source line numbers), e.g.::

    item_scores: kolom 'score': nilai bukan angka di baris 3, 7
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

Spec = Mapping[str, tuple[str, bool]]

MAX_ROWS_NAMED = 5
DTYPES = {
    "str": "str",
    "int": "Int64",
    "float": "float64",
    "bool": "bool",
    "date": "object",
    "datetime": "datetime64[us]",
}
TRUE_TEXTS = {"true", "1", "1.0", "ya", "y", "yes", "benar"}
FALSE_TEXTS = {"false", "0", "0.0", "tidak", "t", "no", "n", "salah"}


class FrameError(ValueError):
    """A frame does not match its spec; ``problems`` holds one message per problem."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def dtype_of(kind: str, nullable: bool = False) -> str:
    """The pandas dtype :func:`validate` gives a column of this kind."""
    if kind not in DTYPES:
        raise ValueError(f"unknown column kind {kind!r}; expected one of {sorted(DTYPES)}")
    return "boolean" if kind == "bool" and nullable else DTYPES[kind]


def empty(spec: Spec) -> pd.DataFrame:
    """A frame with no rows, the spec's columns in order and their normalised dtypes."""
    return pd.DataFrame(
        {
            column: pd.Series(dtype=dtype_of(kind, nullable))
            for column, (kind, nullable) in spec.items()
        }
    )


def row_problem(frame: pd.DataFrame, bad, name: str, column: str, what: str) -> str | None:
    """``"name: kolom 'column': what di baris 3, 7"`` for the rows where ``bad``, or None."""
    if isinstance(bad, pd.Series):
        bad = bad.to_numpy(dtype=bool, na_value=False)
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return None
    labels = list(frame.index[bad])
    shown = ", ".join(str(label) for label in labels[:MAX_ROWS_NAMED])
    more = len(labels) - MAX_ROWS_NAMED
    suffix = f" (dan {more} baris lainnya)" if more > 0 else ""
    return f"{name}: kolom '{column}': {what} di baris {shown}{suffix}"


def require(frame: pd.DataFrame, name: str, checks: Iterable[tuple[str, pd.Series, str]]) -> None:
    """Raise one FrameError for every ``(column, bad_rows_mask, what)`` that flags a row."""
    problems = [row_problem(frame, bad, name, column, what) for column, bad, what in checks]
    problems = [problem for problem in problems if problem]
    if problems:
        raise FrameError(problems)


def validate(
    frame: pd.DataFrame, spec: Spec, name: str, unique: Sequence[str] = ()
) -> pd.DataFrame:
    """Check ``frame`` against ``spec`` and return a copy with normalised dtypes.

    ``unique`` names columns that together must identify a row (compared after
    normalising, so a missing and a blank value are the same). Raises
    :class:`FrameError` listing every missing or repeated column, unparsable value,
    missing non-nullable value and duplicate key.
    """
    absent = [column for column in spec if column not in frame.columns]
    if absent:
        present = ", ".join(map(str, frame.columns)) or "(tidak ada)"
        raise FrameError(
            [f"{name}: kolom '{column}' tidak ada (kolom yang ada: {present})" for column in absent]
        )
    repeated = sorted({str(c) for c in frame.columns[frame.columns.duplicated()] if c in spec})
    if repeated:
        raise FrameError(
            [f"{name}: kolom '{column}' muncul lebih dari sekali" for column in repeated]
        )
    problems: list[str | None] = []
    columns = {}
    for column, (kind, nullable) in spec.items():
        coerced = _coerce(frame[column], kind, nullable)
        problems.append(row_problem(frame, coerced.unparsable, name, column, coerced.what))
        if not nullable:
            problems.append(row_problem(frame, coerced.missing, name, column, "nilai kosong"))
        columns[column] = coerced.values.array
    checked = pd.DataFrame(columns, index=frame.index)
    if unique:
        duplicated = checked.duplicated(subset=list(unique), keep=False)
        problems.append(row_problem(frame, duplicated, name, ", ".join(unique), "nilai duplikat"))
    problems = [problem for problem in problems if problem]
    if problems:
        raise FrameError(problems)
    for column in frame.columns:
        if column not in spec:
            checked[column] = frame[column].array
    return checked


# ---- coercion per kind ------------------------------------------------------------------


class Coerced(NamedTuple):
    values: pd.Series  # normalised; missing where the input is empty or unparsable
    unparsable: np.ndarray  # rows holding a value that is not of the kind
    missing: np.ndarray  # rows without a value (unparsable ones excluded)
    what: str  # what is wrong with an unparsable value


def _coerce(series: pd.Series, kind: str, nullable: bool) -> Coerced:
    coercers = {
        "str": _as_str,
        "int": _as_int,
        "float": _as_float,
        "bool": _as_bool,
        "date": _as_date,
        "datetime": _as_datetime,
    }
    dtype_of(kind)  # rejects unknown kinds with a clear message
    coerced = coercers[kind](series)
    if kind == "bool" and not nullable and not (coerced.missing | coerced.unparsable).any():
        coerced = coerced._replace(values=coerced.values.astype("bool"))
    return coerced


def _result(values: pd.Series, unparsable, what: str) -> Coerced:
    unparsable = np.asarray(unparsable, dtype=bool)
    return Coerced(values, unparsable, values.isna().to_numpy() & ~unparsable, what)


def _nothing(series: pd.Series) -> np.ndarray:
    return np.zeros(len(series), dtype=bool)


def _as_str(series: pd.Series) -> Coerced:
    text = series.astype("str")
    distinct = pd.Series(text.unique(), dtype="str")
    present = distinct.dropna()
    blanks = present[present.str.strip() == ""]
    if len(blanks):
        text = text.mask(text.isin(blanks))
    if len(blanks) or len(present) < len(distinct):
        missing = text.isna().to_numpy()
    else:  # the usual case: no value is missing, so no row needs a look
        missing = _nothing(text)
    return Coerced(text, _nothing(text), missing, "bukan teks")


def _as_float(series: pd.Series) -> Coerced:
    numbers = pd.Series(pd.to_numeric(series, errors="coerce"), index=series.index)
    numbers = numbers.astype("float64")
    return _result(numbers, series.notna() & numbers.isna(), "nilai bukan angka")


def _as_int(series: pd.Series) -> Coerced:
    numbers = _as_float(series)
    fractional = numbers.values.notna() & (numbers.values % 1 != 0)
    whole = numbers.values.mask(fractional).astype("Int64")
    return _result(whole, numbers.unparsable | fractional, "nilai bukan bilangan bulat")


def _as_bool(series: pd.Series) -> Coerced:
    if pd.api.types.is_bool_dtype(series.dtype):
        return _result(series.astype("boolean"), _nothing(series), "bukan benar/salah")
    text = series.astype("str").str.strip().str.lower()
    truth = pd.Series(pd.NA, index=series.index, dtype="boolean")
    truth[text.isin(TRUE_TEXTS).to_numpy(bool)] = True
    truth[text.isin(FALSE_TEXTS).to_numpy(bool)] = False
    what = "nilai bukan benar/salah (true/false, ya/tidak, 1/0)"
    return _result(truth, series.notna() & truth.isna(), what)


def _as_datetime(series: pd.Series) -> Coerced:
    stamps = pd.to_datetime(series, errors="coerce", format="ISO8601", utc=True)
    stamps = stamps.dt.tz_convert(None).astype("datetime64[us]")
    what = "nilai bukan tanggal-waktu (ISO 8601)"
    return _result(stamps, series.notna() & stamps.isna(), what)


def _is_plain_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _as_date(series: pd.Series) -> Coerced:
    if series.dtype == object and series.map(_is_plain_date).all():
        return _result(series.astype("object"), _nothing(series), "bukan tanggal")
    stamps = pd.to_datetime(series, errors="coerce", format="ISO8601")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    dates = stamps.dt.date.astype("object").where(stamps.notna(), None)
    return _result(dates, series.notna() & stamps.isna(), "nilai bukan tanggal (YYYY-MM-DD)")
