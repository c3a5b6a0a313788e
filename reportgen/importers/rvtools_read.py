"""Reading RVTools exports (xlsx, a folder of CSVs, or a zip of either) into text tables.

:func:`read_export` chooses the files by name before anything is read, and reads them within
bounds (:mod:`.bounded`): a workbook with :mod:`.rvtools_xlsx`, CSV files here. The result is a
:class:`~.rvtools_tabs.RawExport`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import polars as pl

from ..errors import InputError
from ..estate import DataIssue
from . import rvtools_headers as H
from . import values as V
from .bounded import (
    MAX_CSV_BYTES,
    MAX_FILE_BYTES,
    archive_files,
    check_archive,
    folder_entries,
    open_export,
    read_all,
    read_member,
)
from .detect import tab_file
from .resaved import error_values
from .rvtools_tabs import RawExport, RawTab, drop_blank, finish, two_copies, wanted
from .rvtools_xlsx import read_xlsx
from .tabular import EmptyFile, read_text_table


def read_csv_files(files: Iterable[tuple[str, bytes]], file: str, needed: dict[str, frozenset[str]]) -> RawExport:
    """Read RVTools CSV exports given as (name, bytes) pairs (one file per tab)."""
    issues: list[DataIssue] = []
    tabs: dict[str, RawTab] = {}
    seen: dict[str, str] = {}
    unread: dict[str, tuple[str, str]] = {}
    for name, data in files:
        tab = H.canonical_tab(Path(name).name)
        if tab is None or tab not in needed:
            continue
        if tab in seen:
            raise two_copies(tab, seen[tab], name, file, "files")
        seen[tab] = name
        where = f"{file}/{Path(name).name}" if file != name else name
        try:
            text = read_text_table(data, where)
        except EmptyFile as exc:
            if tab == "vInfo":  # without it there is no audit
                raise
            unread[tab] = (_empty_file(tab, Path(name).name, exc.message, file, issues), Path(name).name)
            continue
        if text.cut_short:
            _cut_short(tab, Path(name).name, where, int(text.frame["__row"][-1]), issues, unread)
        elif text.ragged:
            first = int(text.frame["__row"][text.ragged[0]])
            issues.append(DataIssue(
                "warning", where, f"{len(text.ragged)} record(s) have more or fewer fields than the header (the file "
                "cut short or edited?): missing fields are read as unknown, extra ones ignored",
                sheet=Path(name).name, row=first, rows=len(text.ragged)))
        want = wanted(tab, needed[tab])
        columns = [c for c in text.frame.columns if c != "__row"]
        loaded = [i for i, raw in enumerate(text.headers) if want(raw)]
        frame = text.frame.select([V.text(columns[i]).alias(columns[i]) for i in loaded] + [pl.col("__row")])
        frame, errors, first_error = error_values(frame, [(i, columns[i]) for i in loaded])
        raw = finish(tab, Path(name).name, where, list(text.headers), frame, loaded, issues, errors, first_error)
        tabs[tab] = drop_blank(raw, where, issues)
    return RawExport(file, "rvtools-csv", tabs, tuple(issues), unread)


def _cut_short(tab: str, name: str, where: str, last: int, issues: list[DataIssue],
               unread: dict[str, tuple[str, str]]) -> None:
    """A CSV that ends inside record ``last`` (line number): the records after it are missing. vInfo stops the audit
    (every guest after the break would be missing, its host reported free); another tab keeps the records before
    the break, and the checks that need it are not assessed."""
    if tab == "vInfo":
        raise InputError(f"the file ends inside the record on line {last:,}, so the VMs after it are missing",
                         where=where, hint="copy or export the file again; it was cut short")
    issues.append(DataIssue(
        "warning", where, f"the file ends inside the record on line {last} (cut short): the records after it are "
        f"missing, so the checks that need the {tab} tab are not assessed; copy or export it again", sheet=name,
        row=last))
    unread[tab] = (f"{name} ends inside the record on line {last} (cut short), so the records after it are missing",
                   name)


def _empty_file(tab: str, name: str, problem: str, file: str, issues: list[DataIssue]) -> str:
    """Note a tab's CSV that has not even a header row (RVTools writes one for a tab with no rows), and say
    why the tab is unread: it may have listed anything, so the checks that need it are not assessed."""
    issues.append(DataIssue(
        "warning", file, f"{problem}, without the header row RVTools writes even for a tab with no rows: the "
        f"{tab} tab was not read, so the checks that need it are not assessed; export it again",
        sheet=name, quoted=(name,)))
    return f"{name} {problem.removeprefix('the file ')} (not even a header row), so it was not read"


def _tab_of(name: str, needed: dict[str, frozenset[str]]) -> str | None:
    """The tab a CSV file holds, from its name, when the audit needs it."""
    tab = H.canonical_tab(Path(name).name) if name.lower().endswith(".csv") else None
    return tab if tab in needed else None


def read_export(path: Path, needed: dict[str, frozenset[str]]) -> RawExport:
    """Read an RVTools export from a folder of CSVs, a single CSV, or a zip of an xlsx or CSVs.

    Files are chosen by name before anything is read, and read within bounds (:mod:`.bounded`).
    """
    file = str(path)
    if path.is_dir():
        return _read_folder(path, needed)
    with open_export(path, file) as opened:
        if isinstance(opened, zipfile.ZipFile):
            return _read_zip(opened, file, needed)
        if _tab_of(path.name, needed) is None:
            return read_csv_files([], file, needed)
        return read_csv_files([(path.name, read_all(opened, MAX_CSV_BYTES, file))], file, needed)


def _read_folder(path: Path, needed: dict[str, frozenset[str]]) -> RawExport:
    """The needed tabs of a folder of CSVs; folders and broken links named like CSVs are named, not read."""
    file = str(path)
    skipped: list[DataIssue] = []
    chosen: list[tuple[str, bytes]] = []
    for entry in folder_entries(path):
        if not entry.name.lower().endswith(".csv"):
            continue
        tab = _tab_of(entry.name, needed)
        if entry.kind in ("folder", "broken", "gone"):
            level: Literal["warning", "info"] = "warning" if tab else "info"
            skipped.append(DataIssue(level, file, str(entry.problem), sheet=entry.name))
        elif tab is not None or (entry.refused and tab_file(entry.name)):  # the latter is refused
            chosen.append((entry.name, entry.read(MAX_CSV_BYTES, f"{file}/{entry.name}")))
    export = read_csv_files(chosen, file, needed)
    return RawExport(file, export.format, export.tabs, (*skipped, *export.issues), export.unread)


def _read_zip(archive: zipfile.ZipFile, file: str, needed: dict[str, frozenset[str]]) -> RawExport:
    """The first workbook in a checked zip, else its needed CSVs; each member checked before it is inflated."""
    members = archive_files(archive)
    workbook = next((m for m in members if m.filename.lower().endswith(".xlsx")), None)
    if workbook is not None:
        where = f"{file}!{workbook.filename}"
        data = read_member(archive, workbook, MAX_FILE_BYTES, where)
        check_archive(io.BytesIO(data), where)  # the workbook is an archive of its own
        return read_xlsx(data, where, needed)
    chosen = [(m.filename, read_member(archive, m, MAX_CSV_BYTES, f"{file}!{m.filename}"))
              for m in members if _tab_of(m.filename, needed)]
    return read_csv_files(chosen, file, needed)


