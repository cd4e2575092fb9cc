"""Built reports kept in memory, rebuilt only when the platform data changed.

HR's dashboard and API read one :class:`reports.engine.Report` per (year, unit); building
one for thousands of employees takes a second or two, answering from it microseconds.
A cheap version query (:func:`reports.load.data_version`) runs at most every
``check_every`` seconds; when it changes, the next request rebuilds. Builds run in a
worker thread, one at a time per key, so concurrent requests wait for the same build
instead of starting their own. Downloads (XLSX takes seconds for thousands of people)
are rendered in a second worker thread and kept until the report they came from changes.

A person's own profile (``api/me/profile``, ``profil``) never builds the city's report:
it is read from the city report of that year when HR's requests already built it, else
built from that person's rows alone (milliseconds) in a third worker thread, and kept per
(year, person) until the data change. Learners may ask only for the years from the first
year with data to this year (:meth:`ReportCache.years`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Engine

from reports.engine import Inputs, Report, ReportConfig, build
from reports.load import data_version, load_frames

from .reportviews import ReportViews, person_profile

PER_PERSON = ("employees", "unit_history", "item_scores", "jp_entries")  # input frames by username


class ReportCache:
    KEEP = 12  # reports (year, unit) kept in memory; the least recently built go first
    KEEP_PROFILES = 1000  # one person's profile per (year, username)

    def __init__(self, engine: Engine, base_config: ReportConfig, check_every: float = 2.0):
        self.engine = engine
        self.base_config = base_config
        self.check_every = check_every
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="laporan")
        self._renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="unduhan")
        self._checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="versi")
        self._person = ThreadPoolExecutor(max_workers=1, thread_name_prefix="profil")
        self._loading = threading.Lock()  # one load of the frames per data version
        self._first_year: int | None = None  # of the last frames loaded
        self._profiles: dict[tuple, tuple[tuple, bytes | None]] = {}
        self._profiling: dict[tuple, asyncio.Future] = {}
        self._checking: asyncio.Future | None = None
        self._files: dict[tuple, tuple[int, bytes]] = {}
        self._reports: dict[tuple, tuple[tuple, Report]] = {}
        self._building: dict[tuple, asyncio.Future] = {}
        self._frames: tuple[tuple, dict] | None = None
        self._version: tuple | None = None
        self._checked = 0.0

    def changed(self) -> None:
        """This service wrote to the database: check the version on the next request."""
        self._version = None

    async def _current_version(self) -> tuple:
        """The data version, queried in a thread (never on the event loop) at most every
        ``check_every`` seconds; concurrent requests share one query."""
        if self._version is not None and time.monotonic() - self._checked < self.check_every:
            return self._version
        if self._checking is None:
            loop = asyncio.get_running_loop()
            self._checking = asyncio.ensure_future(loop.run_in_executor(self._checker, data_version, self.engine))
            try:
                self._version = await self._checking
                self._checked = time.monotonic()
            finally:
                self._checking = None
            return self._version
        return await self._checking

    def _load(self, version: tuple) -> dict:
        """The input frames of ``version``, loaded once (both worker threads use them)."""
        with self._loading:
            if self._frames is None or self._frames[0] != version:
                self._frames = (version, load_frames(self.engine))
                self._first_year = first_year(self._frames[1])
            return self._frames[1]

    def _build(self, version: tuple, config: ReportConfig) -> Report:
        report = build(Inputs(**self._load(version)), config)
        report.__dict__["views"] = ReportViews.of(report)  # the API's ready answers
        return report

    async def get(self, year: int, unit: str | None = None) -> Report:
        key = (year, unit or None)
        version = await self._current_version()
        cached = self._reports.get(key)
        if cached and cached[0] == version:
            return cached[1]
        pending = self._building.get(key)
        if pending is None:
            config = replace(self.base_config, year=year, unit=unit or None)
            loop = asyncio.get_running_loop()
            pending = asyncio.ensure_future(
                loop.run_in_executor(self._executor, self._build, version, config)
            )
            self._building[key] = pending
            try:
                report = await pending
                self._reports.pop(key, None)
                self._reports[key] = (version, report)
                while len(self._reports) > self.KEEP:
                    oldest = next(iter(self._reports))
                    self._reports.pop(oldest)
                    self._files = {k: v for k, v in self._files.items() if k[:2] != oldest}
            finally:
                self._building.pop(key, None)
            return report
        return await pending

    async def file(self, report: Report, name: str, write: Callable[[Report, Path], Path]) -> bytes:
        """The bytes ``write(report, dir)`` produces, rendered once per built report."""
        key = (report.config.year, report.config.unit, name)
        cached = self._files.get(key)
        if cached and cached[0] == id(report):
            return cached[1]

        def render() -> bytes:
            with tempfile.TemporaryDirectory() as tmp:
                return write(report, Path(tmp)).read_bytes()

        body = await asyncio.get_running_loop().run_in_executor(self._renderer, render)
        self._files[key] = (id(report), body)
        return body

    # ---- one person's profile ------------------------------------------------------------

    async def years(self) -> tuple[int, int]:
        """(first, last): the first year with data (an item score or a JP entry; this year
        when there is none) to this year. Taken from the last frames loaded (data are
        added, rarely removed); the frames are loaded only when none ever were."""
        if self._first_year is None:
            version = await self._current_version()
            await asyncio.get_running_loop().run_in_executor(self._person, self._load, version)
        return min(self._first_year, dt.date.today().year), dt.date.today().year

    async def profile(self, year: int, username: str) -> bytes | None:
        """``username``'s profile JSON for ``year`` (None: not in that year's report)."""
        version = await self._current_version()
        city = self._reports.get((year, None))
        if city and city[0] == version:
            return city[1].__dict__["views"].profiles.get(username)
        key = (year, username)
        cached = self._profiles.get(key)
        if cached and cached[0] == version:
            return cached[1]
        pending = self._profiling.get(key)
        if pending is None:
            config = replace(self.base_config, year=year, unit=None)
            loop = asyncio.get_running_loop()
            pending = asyncio.ensure_future(
                loop.run_in_executor(self._person, self._build_person, version, config, username))
            self._profiling[key] = pending
            try:
                body = await pending
                self._profiles.pop(key, None)
                self._profiles[key] = (version, body)
                while len(self._profiles) > self.KEEP_PROFILES:
                    self._profiles.pop(next(iter(self._profiles)))
            finally:
                self._profiling.pop(key, None)
            return body
        return await pending

    def _build_person(self, version: tuple, config: ReportConfig, username: str) -> bytes | None:
        frames = self._load(version)
        mine = {name: frame[frame["username"] == username] if name in PER_PERSON else frame
                for name, frame in frames.items()}
        if mine["employees"].empty:
            return None
        return person_profile(build(Inputs(**mine), config), username)


def first_year(frames: dict) -> int:
    """The first year with evidence: item scores (by submission time) or JP entries."""
    this_year = dt.date.today().year
    years = [this_year]
    entries = frames.get("jp_entries")
    if entries is not None and len(entries):
        years.append(int(entries["year"].min()))
    scores = frames.get("item_scores")
    if scores is not None and len(scores) and scores["submitted_at"].notna().any():
        years.append(int(scores["submitted_at"].min().year))
    return max(min(years), 2000)
