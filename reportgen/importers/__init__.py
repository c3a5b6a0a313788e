"""Importers: exports in, one canonical :class:`~reportgen.estate.Estate` out.

:func:`load_estate` accepts RVTools xlsx workbooks, folders of RVTools CSVs, Hyper-V CSV
bundles (folder or zip) and loose Hyper-V CSVs, in any mix, and merges them. The same
vCenter exported twice keeps only its newest export; a computer name that two Hyper-V exports give to two
hosts keys them apart (:mod:`.hyperv_hosts`).

:func:`detect` (which also refuses what cannot be read safely, see :mod:`.bounded`) loads neither
polars nor Arrow, so that the command line can refuse a bad export before it loads them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..progress import Progress, silent
from .detect import ExportKind, detect

if TYPE_CHECKING:  # imported when first used: detecting an export needs neither polars nor Arrow
    from ..estate import Estate
    from .rvtools_map import MapOptions

__all__ = ["ExportKind", "MapOptions", "detect", "load_estate"]


def load_estate(
    paths: Sequence[str | os.PathLike[str]],
    options: MapOptions | None = None,
    progress: Progress = silent,
    workers: int | None = None,
) -> Estate:
    """Read every export in ``paths`` and merge them into one estate.

    Workbooks are read in parallel threads (the sheet parser and polars release the GIL):
    one task per workbook when there are several, or the sheets of a single workbook split
    between the threads. Raises :class:`~reportgen.errors.InputError` for an export that
    cannot be read at all (missing, not an export, no vInfo tab / no Get-VM data).
    """
    from ..estate import in_canonical_order, merge
    from .dedupe import drop_superseded
    from .hyperv_hosts import key_hosts_apart
    from .hyperv_twins import key_twins_apart
    from .rvtools_map import MapOptions, needed_columns

    options = options or MapOptions()
    if not paths:
        raise InputError("no export given", hint="name at least one RVTools .xlsx, CSV folder or Hyper-V bundle")
    kinds = [(Path(p), detect(Path(p))) for p in paths]
    needed = needed_columns(options)
    workers = workers or min(8, os.cpu_count() or 1)
    workbooks = sum(1 for _, kind in kinds if kind is ExportKind.RVTOOLS_XLSX)
    groups = max(1, -(-workers // max(1, workbooks)))
    total = len(kinds)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs: list[Future[Estate]] = []
        for path, kind in kinds:
            if kind is ExportKind.RVTOOLS_XLSX:
                jobs.append(_submit_workbook(pool, path, needed, options, groups))
            else:
                jobs.append(pool.submit(_load_other, path, kind, needed, options))
        names = {id(job): path.name for job, (path, _) in zip(jobs, kinds)}
        progress(f"reading {total} export{'s' if total > 1 else ''}", 0, total)
        for done, job in enumerate(as_completed(jobs), start=1):
            job.result()  # an unreadable export stops the audit here, with its own message
            progress(f"read {names[id(job)]}", done, total)
        estates = [job.result() for job in jobs]
    return in_canonical_order(key_twins_apart(key_hosts_apart(drop_superseded(merge(estates)))))


def _submit_workbook(pool: ThreadPoolExecutor, path: Path, needed: dict[str, frozenset[str]],
                     options: MapOptions, threads: int) -> Future[Estate]:
    """Read and map one workbook on ``threads`` pool threads."""
    from .rvtools_job import WorkbookJob

    return WorkbookJob(path, needed, options).submit(pool, threads)


def _load_other(path: Path, kind: ExportKind, needed: dict[str, frozenset[str]], options: MapOptions) -> Estate:
    from .rvtools_read import read_export
    from .rvtools_stages import map_export

    if kind is ExportKind.RVTOOLS_CSV:
        return map_export(read_export(path, needed), 0, options)
    from .hyperv import load_hyperv

    return load_hyperv(path, 0, options)


def __getattr__(name: str) -> Any:
    if name == "MapOptions":
        return import_module(".rvtools_map", __name__).MapOptions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
