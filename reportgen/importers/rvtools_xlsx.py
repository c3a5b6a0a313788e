"""Reading the tabs of an RVTools workbook (.xlsx) over the sheet scanner of :mod:`.xlsx_read`.

Only the columns the mapping needs (plus custom attributes) are materialised; a sheet that cannot
be read is named and left unread, never guessed at.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import replace

import polars as pl

from ..errors import InputError, locate
from ..estate import DataIssue
from . import rvtools_headers as H
from .bounded import (
    MAX_CELL_CHARS,
)
from .rvtools_tabs import (
    RawExport,
    RawTab,
    drop_blank,
    finish,
    no_vinfo,
    two_copies,
    wanted,
)
from .xlsx_read import (
    SharedStrings,
    SheetColumns,
    TooLarge,
    WorkbookError,
    WorkbookIndex,
    index_workbook,
    read_columns,
    read_shared_strings,
)


def xlsx_open(source: str | bytes, file: str) -> tuple[zipfile.ZipFile, WorkbookIndex]:
    """The workbook as a zip archive and its index; InputError if it is not an xlsx workbook."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        return archive, index_workbook(archive)
    except TooLarge as exc:
        raise InputError(f"{exc}; refused", where=file, hint=_NOT_RVTOOLS) from exc
    except (zipfile.BadZipFile, WorkbookError, OSError, EOFError, zlib.error) as exc:
        raise InputError(
            "cannot be read as an xlsx workbook",
            where=file,
            hint=f"give an RVTools .xlsx export, a folder of RVTools CSVs or a zip of either ({_first_line(exc)})",
        ) from exc


def checked_strings(load: Callable[[], SharedStrings], file: str, part: str | None = None) -> SharedStrings:
    """The workbook's shared strings from ``load``; InputError if they are damaged or too large."""
    try:
        return load()
    except TooLarge as exc:
        raise InputError(f"{exc}; refused", where=file, hint=_NOT_RVTOOLS) from exc
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, WorkbookError) as exc:
        raise InputError(f"the part {part or 'xl/sharedStrings.xml'} (the text the workbook's cells share) cannot be "
                         f"inflated: it is damaged ({_first_line(exc)})", where=file, hint=_RESAVE) from exc


def missing_strings(read: SheetColumns, archive: zipfile.ZipFile, part: str | None, strings: SharedStrings,
                    file: str, sheet: str) -> InputError:
    """The error for cells that refer to shared text the workbook's shared-strings part does not hold."""
    if part is None:
        state = "the workbook declares no such part"
    elif part not in archive.NameToInfo:
        state = "the part is missing from the workbook"
    elif not strings.complete:
        of = f" of the {strings.declared:,} it declares" if strings.declared > len(strings) else ""
        state = f"the part is damaged or cut short: it ends after {len(strings):,} string(s){of}"
    else:
        state = f"the part holds {len(strings):,} string(s), fewer than the cells use"
    row, col = read.first_missing or (None, -1)
    column = read.header.get(col) if row != read.first_row - 1 else None
    return InputError(
        f"{read.strings_missing:,} cell(s) refer to text in {part or 'xl/sharedStrings.xml'} (the text the workbook's "
        f"cells share) that is not there, so they cannot be read: {state}",
        where=locate(file, sheet, row, column or (column_letter(col) if col >= 0 else None)), hint=_RESAVE)


def column_letter(col: int) -> str:
    """The spreadsheet letters of a 0-based column (0 -> A, 27 -> AB)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def not_table_tabs(index: WorkbookIndex, file: str, needed: Iterable[str],
                   issues: list[DataIssue]) -> dict[str, tuple[str, str]]:
    """The tabs the audit needs whose sheet is a chart (or dialog) sheet, named in ``issues``: tab -> (why, sheet)
    for :func:`.rvtools_stages.assemble` (not "missing": there, but without a table to read)."""
    unread: dict[str, tuple[str, str]] = {}
    for sheet, kind in index.not_tables.items():
        tab = H.canonical_tab(sheet)
        if tab is None or tab not in needed or tab == "vInfo" or tab in unread:
            continue
        what = {"chartsheet": "a chart sheet", "dialogsheet": "a dialog sheet"}.get(kind, f"a {kind} sheet")
        issues.append(DataIssue("warning", file, f"the sheet is {what}, not a table: the {tab} tab was not read, so "
                                "the checks that need it are not assessed; export the workbook again", sheet=sheet))
        unread[tab] = (f"sheet '{sheet}' is {what}, not a table", sheet)
    return unread


def xlsx_tabs(source: str | bytes, file: str) -> dict[str, tuple[str, int]]:
    """{tab: (sheet name, bytes of its XML)} of the RVTools tabs in a workbook, from its index."""
    archive, index = xlsx_open(source, file)
    with archive:
        tabs: dict[str, tuple[str, int]] = {}
        for sheet, member in index.sheets.items():
            tab = H.canonical_tab(sheet)
            if tab is not None and tab in tabs:
                raise two_copies(tab, tabs[tab][0], sheet, file, "sheets")
            if tab is not None:
                info = archive.NameToInfo.get(member)
                tabs[tab] = (sheet, info.file_size if info else 0)
        if "vInfo" not in tabs:
            raise no_vinfo(file, list(index.sheets), index.not_tables)
        return tabs


def read_xlsx_tab(
    archive: zipfile.ZipFile, index: WorkbookIndex, strings: SharedStrings, tab: str, sheet: str,
    file: str, needed: frozenset[str], issues: list[DataIssue], unread: dict[str, tuple[str, str]] | None = None,
) -> RawTab | None:
    """One tab of an open workbook, or None (with a warning in ``issues``, and why in ``unread``) if its sheet
    cannot be read."""
    want = wanted(tab, needed)
    try:
        read = read_columns(
            archive, index, sheet, strings, lambda header: [c for c, name in sorted(header.items()) if want(name)]
        )
    except TooLarge as exc:
        raise InputError(f"{exc}; refused", where=locate(file, sheet, exc.row),
                         hint=_LONG_ROW if exc.long_row else _NOT_RVTOOLS) from exc
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, WorkbookError) as exc:
        if tab == "vInfo":  # without it there is no audit: say what is wrong with it
            raise InputError(f"the {sheet} sheet is damaged ({_first_line(exc)})", where=file,
                             hint="copy or export the workbook again; it may have been cut short or altered") from exc
        issues.append(DataIssue("warning", file, f"sheet cannot be read: {_first_line(exc)}", sheet=sheet,
                                quoted=(file,)))
        if unread is not None:
            unread[tab] = (f"sheet '{sheet}' cannot be read ({_first_line(exc)})", sheet)
        return None
    if read.strings_missing:
        raise missing_strings(read, archive, index.shared_strings, strings, file, sheet)
    if not read.header:
        _headerless(tab, sheet, file, read.complete, issues, unread)
        return None
    if read.cells_cut and read.first_cut is not None:
        row, col = read.first_cut
        issues.append(DataIssue(
            "warning", file, f"{read.cells_cut} cell(s) longer than {MAX_CELL_CHARS:,} characters (Excel's limit) "
            "were cut to that length", sheet=sheet, row=row, column=read.header.get(col), rows=read.cells_cut))
    if not read.complete:
        _cut_short(tab, sheet, file, read.first_row + read.rows - 1, issues, unread)
    width = max(read.width, max(read.header, default=-1) + 1)
    raw_names = [read.header.get(i, f"__UNNAMED__{i}") for i in range(width)]
    loaded = list(read.columns)
    names = [f"c{i}" for i in loaded]
    frame = pl.DataFrame([pl.Series(n, read.columns[i]) for n, i in zip(names, loaded, strict=True)])
    frame = frame.with_columns(pl.int_range(read.first_row, read.first_row + read.rows, dtype=pl.Int32).alias("__row"))
    raw = finish(tab, sheet, file, raw_names, frame, loaded, issues, read.errors_by_column,
                 read.first_error[0] if read.first_error else None, read.odd_by_column,
                 read.first_odd[0] if read.first_odd else None)
    merged = _merged(tab, sheet, file, read, issues)
    return drop_blank(replace(raw, garbled=raw.garbled | merged) if merged else raw, file, issues)


def _merged(tab: str, sheet: str, file: str, read: SheetColumns, issues: list[DataIssue]) -> frozenset[str]:
    """RVTools columns with cells merged over data rows, each named in ``issues``: Excel keeps the first cell
    of a merge only, so the others read as empty where RVTools wrote a value (a guest's host, a LUN id)."""
    known = H.KNOWN.get(tab, frozenset())
    ranges: dict[str, list[tuple[int, int, int, int]]] = {}
    for r1, c1, r2, c2 in read.merged:
        if r2 < read.first_row or (r1 == r2 and c1 == c2):
            continue  # the header row, or a single cell
        for col in range(c1, c2 + 1):
            name = H.canonical_header(tab, read.header.get(col, ""))
            if name in known:
                ranges.setdefault(name, []).append((r1, c1, r2, c2))
    for name, found in ranges.items():
        first = min(found)
        issues.append(DataIssue(
            "warning", file, f"{len(found):,} range(s) of cells merged in a spreadsheet program (the first over rows "
            f"{max(first[0], read.first_row):,}–{first[2]:,}): a merge keeps its first cell's value only, the others "
            "read as empty; read as unknown, so the checks that need the column are not assessed; unmerge the cells "
            "and fill them, or export again from RVTools", sheet=sheet, row=max(first[0], read.first_row),
            column=name, rows=sum(r2 - max(r1, read.first_row) + 1 for r1, _, r2, _ in found)))
    return frozenset(ranges)


def read_xlsx(source: str | bytes, file: str, needed: dict[str, frozenset[str]]) -> RawExport:
    """Read the RVTools tabs of an xlsx workbook on this thread (see :mod:`.rvtools_job` for more)."""
    archive, index = xlsx_open(source, file)
    issues: list[DataIssue] = []
    tabs: dict[str, RawTab] = {}
    unread: dict[str, tuple[str, str]] = {}
    with archive:
        unread.update(not_table_tabs(index, file, needed, issues))
        strings = checked_strings(lambda: read_shared_strings(archive, index), file, index.shared_strings)
        seen: dict[str, str] = {}
        for sheet in index.sheets:
            tab = H.canonical_tab(sheet)
            if tab is not None and tab in seen:
                raise two_copies(tab, seen[tab], sheet, file, "sheets")
            if tab is None or tab not in needed:
                continue
            seen[tab] = sheet
            raw = read_xlsx_tab(archive, index, strings, tab, sheet, file, needed[tab], issues, unread)
            if raw is not None:
                tabs[tab] = raw
    return RawExport(file, "rvtools-xlsx", tabs, tuple(issues), unread)


def _cut_short(tab: str, sheet: str, file: str, last: int, issues: list[DataIssue],
               unread: dict[str, tuple[str, str]] | None) -> None:
    """A sheet whose XML breaks off after row ``last``: the rows after it are not there. vInfo stops the audit
    (every guest after the break would be missing, its host reported free); another tab keeps the rows read, and
    the checks that need it are not assessed."""
    if tab == "vInfo":
        raise InputError(f"the {sheet} sheet's XML is malformed or cut short after spreadsheet row {last:,}, so the "
                         "VMs after it cannot be read", where=file,
                         hint="copy or export the workbook again; it may have been cut short or altered")
    issues.append(DataIssue(
        "warning", file, f"the sheet's XML is malformed or cut short; rows after spreadsheet row {last} were not "
        f"read, so the checks that need the {tab} tab are not assessed", sheet=sheet))
    if unread is not None:
        unread[tab] = (f"sheet '{sheet}' is malformed or cut short after row {last}, so its later rows were not read",
                       sheet)


def _headerless(tab: str, sheet: str, file: str, complete: bool, issues: list[DataIssue],
                unread: dict[str, tuple[str, str]] | None) -> None:
    """A sheet without a header row (RVTools writes one even for a tab with no rows): vInfo stops the audit;
    another tab is named and unread, so the checks that need it are not assessed."""
    problem = "has no header row" if complete else "is cut short before its header row"
    if tab == "vInfo":
        raise InputError(f"the {sheet} sheet {problem}", where=file,
                         hint="export the workbook again from RVTools; reportgen needs at least vInfo")
    issues.append(DataIssue(
        "warning", file, f"the sheet {problem} (RVTools writes one even for a tab with no rows): the {tab} tab was "
        "not read, so the checks that need it are not assessed; export the workbook again", sheet=sheet))
    if unread is not None:
        unread[tab] = (f"sheet '{sheet}' {problem}, so it was not read", sheet)


_NOT_RVTOOLS = "no RVTools export comes near this size: check where the file came from, and export it again"
_LONG_ROW = "RVTools writes rows of a few KiB: check where the file came from, and export it again"


_RESAVE = ("open the workbook in Excel and save it again, which repairs the part or says what is lost, or "
           "export it again from RVTools")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


