"""Importers: exports in, one canonical :class:`~reportgen.estate.Estate` out.

:func:`load_estate` accepts RVTools xlsx workbooks, folders of RVTools CSVs, Hyper-V CSV
bundles (folder or zip) and loose Hyper-V CSVs, in any mix, and merges them. The same
vCenter exported twice keeps only its newest export.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

from ..errors import InputError
from ..estate import DataIssue, Estate, in_canonical_order, merge
from ..progress import Progress, silent
from .dedupe import drop_superseded
from .detect import ExportKind, detect
from .rvtools_map import MapOptions, map_export, needed_columns
from .rvtools_read import RawExport, RawTab, read_export, read_xlsx_tabs, xlsx_tabs
from .xlsx_read import LazyStrings

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
    return in_canonical_order(drop_superseded(merge(estates)))


# Reading a sheet costs about its XML size (inflating and stepping over cells) plus a fixed
# part (opening, the header, building the frame), here in bytes of XML.
_SHEET_OVERHEAD = 400_000


def _submit_workbook(pool: ThreadPoolExecutor, path: Path, needed: dict[str, frozenset[str]],
                     options: MapOptions, groups: int) -> Future[Estate]:
    """Read one workbook: in one task, or split into ``groups`` tasks whose tabs are mapped together."""
    if groups <= 1:
        return pool.submit(_read_and_map, path, None, needed, options)
    tabs = _tabs(path, needed)
    buckets: list[list[tuple[str, str]]] = [[] for _ in range(min(groups, len(tabs)))]
    loads = [0] * len(buckets)
    for tab, sheet, size in tabs:  # largest first onto the lightest bucket
        i = loads.index(min(loads))
        buckets[i].append((tab, sheet))
        loads[i] += size + _SHEET_OVERHEAD
    strings = LazyStrings()
    parts = [pool.submit(read_xlsx_tabs, str(path), bucket, str(path), needed, strings) for bucket in buckets[1:]]
    return pool.submit(_read_and_map, path, buckets[:1], needed, options, parts, strings)


def _tabs(path: Path, needed: dict[str, frozenset[str]]) -> list[tuple[str, str, int]]:
    """(tab, sheet, XML bytes) of the workbook's tabs that the mapping reads, largest first."""
    tabs = xlsx_tabs(str(path), str(path))
    return sorted(((t, s, n) for t, (s, n) in tabs.items() if t in needed), key=lambda tsn: -tsn[2])


def _read_and_map(
    path: Path, buckets: list[list[tuple[str, str]]] | None, needed: dict[str, frozenset[str]],
    options: MapOptions, parts: list[Future[tuple[dict[str, RawTab], list[DataIssue]]]] | None = None,
    strings: LazyStrings | None = None,
) -> Estate:
    """Read the tabs in ``buckets`` (all of them when None) plus the ``parts`` read elsewhere, and map."""
    if buckets is None:
        buckets = [[(tab, sheet) for tab, sheet, _ in _tabs(path, needed)]]
    tabs: dict[str, RawTab] = {}
    issues: list[DataIssue] = []
    for bucket in buckets:
        read, bucket_issues = read_xlsx_tabs(str(path), bucket, str(path), needed, strings)
        tabs.update(read)
        issues.extend(bucket_issues)
    for part in parts or []:
        read, part_issues = part.result()
        tabs.update(read)
        issues.extend(part_issues)
    return _map(RawExport(str(path), "rvtools-xlsx", tabs, tuple(issues)), options)


def _load_other(path: Path, kind: ExportKind, needed: dict[str, frozenset[str]], options: MapOptions) -> Estate:
    if kind is ExportKind.RVTOOLS_CSV:
        return _map(read_export(path, needed), options)
    from .hyperv import load_hyperv

    return load_hyperv(path, 0, options)


def _map(raw: RawExport, options: MapOptions) -> Estate:
    if "vInfo" not in raw.tabs:
        raise InputError(
            "has no vInfo tab",
            where=raw.file,
            hint="reportgen needs at least vInfo; export 'all' tabs from RVTools",
        )
    vinfo = raw.tabs["vInfo"]
    if not vinfo.headers & {"VM", "VM ID", "VM UUID"}:
        raise InputError(
            f"the {vinfo.sheet} tab has none of the columns VM, VM ID or VM UUID: it is not an RVTools export",
            where=raw.file,
            hint="give the workbook or CSV folder as RVTools wrote it",
        )
    return map_export(raw, 0, options)
