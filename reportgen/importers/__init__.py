"""Importers: exports in, one canonical :class:`~reportgen.estate.Estate` out.

:func:`load_estate` accepts RVTools xlsx workbooks, folders of RVTools CSVs, Hyper-V CSV
bundles (folder or zip) and loose Hyper-V CSVs, in any mix, and merges them. The same
vCenter exported twice keeps only its newest export.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..errors import InputError
from ..estate import DataIssue, Estate, merge
from ..progress import Progress, silent
from .dedupe import drop_superseded
from .detect import ExportKind, detect
from .rvtools_map import MapOptions, map_export, needed_columns
from .rvtools_read import RawExport, RawTab, read_export, read_xlsx_tab, xlsx_sheets

__all__ = ["ExportKind", "MapOptions", "detect", "load_estate"]


def load_estate(
    paths: Sequence[str | os.PathLike[str]],
    options: MapOptions | None = None,
    progress: Progress = silent,
    workers: int | None = None,
) -> Estate:
    """Read every export in ``paths`` and merge them into one estate.

    Raises :class:`~reportgen.errors.InputError` for an export that cannot be read at all
    (missing, not an export, no vInfo tab / no Get-VM data).
    """
    options = options or MapOptions()
    if not paths:
        raise InputError("no export given", hint="name at least one RVTools .xlsx, CSV folder or Hyper-V bundle")
    kinds = [(Path(p), detect(Path(p))) for p in paths]
    needed = needed_columns(options)
    workers = workers or min(8, os.cpu_count() or 1)
    estates: list[Estate] = []
    total = len(kinds)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: list[tuple[Path, ExportKind, object]] = []
        for path, kind in kinds:
            if kind is ExportKind.RVTOOLS_XLSX:
                pending.append((path, kind, _submit_xlsx(pool, path, needed)))
            else:
                pending.append((path, kind, None))
        for done, (path, kind, job) in enumerate(pending):
            progress(f"reading {path.name}", done, total)
            if kind is ExportKind.RVTOOLS_XLSX:
                raw = _collect_xlsx(path, job)  # type: ignore[arg-type]
            elif kind is ExportKind.RVTOOLS_CSV:
                raw = read_export(path, needed)
            else:
                from .hyperv import load_hyperv  # type: ignore[import-not-found, unused-ignore]

                estates.append(load_hyperv(path, 0, options))
                continue
            if "vInfo" not in raw.tabs:
                raise InputError(
                    "has no vInfo tab",
                    where=str(path),
                    hint="reportgen needs at least vInfo; export 'all' tabs from RVTools",
                )
            estates.append(map_export(raw, 0, options))
        progress("reading exports", total, total)
    return drop_superseded(merge(estates))


def _submit_xlsx(pool: ThreadPoolExecutor, path: Path, needed: dict[str, frozenset[str]]) -> object:
    _, sheets = xlsx_sheets(str(path), str(path))
    jobs: dict[str, Future[tuple[RawTab | None, list[DataIssue]]]] = {
        tab: pool.submit(read_xlsx_tab, str(path), tab, sheet, str(path), needed[tab])
        for tab, sheet in sheets.items()
        if tab in needed
    }
    return jobs


def _collect_xlsx(path: Path, jobs: dict[str, Future[tuple[RawTab | None, list[DataIssue]]]]) -> RawExport:
    tabs: dict[str, RawTab] = {}
    issues: list[DataIssue] = []
    for tab, job in jobs.items():
        raw, tab_issues = job.result()
        issues.extend(tab_issues)
        if raw is not None:
            tabs[tab] = raw
    return RawExport(str(path), "rvtools-xlsx", tabs, tuple(issues))
