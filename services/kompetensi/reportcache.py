"""Built reports kept in memory, rebuilt only when the platform data changed.

HR's dashboard and API read one :class:`reports.engine.Report` per (year, unit); building
one for thousands of employees takes a second or two, answering from it microseconds.
A cheap version query (:func:`reports.load.data_version`) runs at most every
``check_every`` seconds; when it changes, the next request rebuilds. Builds run in a
worker thread, one at a time per key, so concurrent requests wait for the same build
instead of starting their own. Downloads (XLSX takes seconds for thousands of people)
are rendered in a second worker thread and kept until the report they came from changes.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from sqlalchemy.engine import Engine

from reports.engine import Inputs, Report, ReportConfig, build
from reports.load import data_version, load_frames

from .reportviews import ReportViews


class ReportCache:
    KEEP = 12  # reports (year, unit) kept in memory; the least recently built go first

    def __init__(self, engine: Engine, base_config: ReportConfig, check_every: float = 2.0):
        self.engine = engine
        self.base_config = base_config
        self.check_every = check_every
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="laporan")
        self._renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="unduhan")
        self._checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="versi")
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

    def _build(self, version: tuple, config: ReportConfig) -> Report:
        if self._frames is None or self._frames[0] != version:
            self._frames = (version, load_frames(self.engine))
        report = build(Inputs(**self._frames[1]), config)
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
