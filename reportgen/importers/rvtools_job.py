"""Reading and mapping one RVTools workbook with several threads.

Each thread repeatedly takes the first mapping stage whose tabs and earlier stages are ready,
or else the next tab to read; so the guests are mapped while the disks are still being read,
and no thread idles while the other reads a large sheet. The result does not depend on the
timing: stages see only the tabs they declare and are reported in a fixed order.
"""

from __future__ import annotations

import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path

from ..estate import DataIssue, Estate
from .rvtools_base import MapOptions
from .rvtools_stages import STAGES, Stage, StageResult, assemble, run_stage
from .rvtools_tabs import RawTab
from .rvtools_xlsx import checked_strings, not_table_tabs, read_xlsx_tab, xlsx_open, xlsx_tabs
from .xlsx_read import LazyStrings, WorkbookIndex

__all__ = ["WorkbookJob"]


def _reading_order(tabs: dict[str, tuple[str, int]], needed: dict[str, frozenset[str]]) -> list[tuple[str, str]]:
    """Tabs in the order the stages need them, the larger first among equals."""
    def rank(tab: str) -> int:
        return next(i for i, stage in enumerate(STAGES) if tab in stage.tabs)

    chosen = [(t, s, n) for t, (s, n) in tabs.items() if t in needed]
    return [(t, s) for t, s, _ in sorted(chosen, key=lambda tsn: (rank(tsn[0]), -tsn[2]))]


class WorkbookJob:
    """One workbook, read and mapped by however many threads call :meth:`work`."""

    def __init__(self, path: Path, needed: dict[str, frozenset[str]], options: MapOptions,
                 source_id: int = 0) -> None:
        self.file = str(path)
        self.needed = needed
        self.options = options
        self.source_id = source_id
        tabs = xlsx_tabs(self.file, self.file)
        self._queue = _reading_order(tabs, needed)
        self._order = [t for t, _ in self._queue]
        self._unread = {t for t, _ in self._queue}
        self._read: dict[str, RawTab] = {}
        self._read_issues: dict[str, list[DataIssue]] = {}
        self._unread_why: dict[str, tuple[str, str]] = {}
        self._not_tables: list[DataIssue] = []
        archive, index = xlsx_open(self.file, self.file)
        with archive:
            self._unread_why.update(not_table_tabs(index, self.file, needed, self._not_tables))
        self._results: dict[str, StageResult] = {}
        self._claimed: set[str] = set()
        self._failed: BaseException | None = None
        self._strings = LazyStrings()
        self._cond = threading.Condition()

    def submit(self, pool: ThreadPoolExecutor, threads: int) -> Future[Estate]:
        """Run :meth:`work` on ``threads`` pool threads; the future holds the estate."""
        estate: Future[Estate] = Future()
        left = [threads]
        lock = threading.Lock()

        def run() -> None:
            self.work()
            with lock:
                left[0] -= 1
                last = left[0] == 0
            if last:
                try:
                    estate.set_result(self.estate())
                except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                    estate.set_exception(exc)

        for _ in range(threads):
            pool.submit(run)
        return estate

    def work(self) -> None:
        """Run ready stages and read tabs until nothing is left (or another thread failed)."""
        opened: tuple[zipfile.ZipFile, WorkbookIndex] | None = None
        try:
            while True:
                stage, tab = self._next()
                if stage is None and tab is None:
                    return
                if stage is not None:
                    result = run_stage(stage, self.file, "rvtools-xlsx", self._read, self.source_id,
                                       self.options, self._results)
                    with self._cond:
                        self._results[stage.name] = result
                        self._cond.notify_all()
                else:
                    assert tab is not None
                    opened = opened or xlsx_open(self.file, self.file)
                    issues: list[DataIssue] = []
                    archive, index = opened
                    strings = checked_strings(partial(self._strings.get, archive, index), self.file,
                                              index.shared_strings)
                    unread: dict[str, tuple[str, str]] = {}
                    raw = read_xlsx_tab(archive, index, strings, tab[0], tab[1], self.file, self.needed[tab[0]], issues,
                                        unread)
                    with self._cond:
                        self._unread_why.update(unread)
                        if raw is not None:
                            self._read[tab[0]] = raw
                        self._read_issues[tab[0]] = issues
                        self._unread.discard(tab[0])
                        self._cond.notify_all()
        except BaseException as exc:
            with self._cond:
                self._failed = self._failed or exc
                self._cond.notify_all()
        finally:
            if opened is not None:
                opened[0].close()

    def _next(self) -> tuple[Stage | None, tuple[str, str] | None]:
        with self._cond:
            while self._failed is None:
                for stage in STAGES:
                    if stage.name not in self._claimed and not (stage.tabs & self._unread) \
                            and all(a in self._results for a in stage.after):
                        self._claimed.add(stage.name)
                        return stage, None
                if self._queue:
                    return None, self._queue.pop(0)
                if len(self._claimed) == len(STAGES):
                    return None, None
                self._cond.wait()
            return None, None

    def estate(self) -> Estate:
        """The mapped estate, once every thread has returned from :meth:`work`.

        The scope stage has checked vInfo (an export without it fails there, with its message).
        """
        if self._failed is not None:
            raise self._failed
        issues = (*self._not_tables, *(i for t in self._order for i in self._read_issues.get(t, ())))
        return assemble(self.file, issues, tuple(self._read["vInfo"].custom), self.source_id, self._results,
                        {t: self._unread_why[t] for t in (*self._unread_why, *self._order) if t in self._unread_why},
                        {t: r.sheet for t, r in self._read.items()})
