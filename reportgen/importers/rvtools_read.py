"""Reading RVTools exports (xlsx, a folder of CSVs, or a zip of either) into text tables.

The result is one :class:`RawTab` per tab reportgen uses, with canonical header names (see
:mod:`.rvtools_headers`), every value as text, and the spreadsheet row of each record in
``__row``. Only the columns the mapping needs (plus custom attributes) are materialised.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import polars as pl

from ..errors import InputError, locate
from ..estate import DataIssue
from . import rvtools_headers as H
from . import values as V
from .bounded import (
    MAX_CELL_CHARS,
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
from .resaved import error_values, exponent_identities
from .tabular import EmptyFile, read_text_table
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


@dataclass(frozen=True)
class RawTab:
    """One RVTools tab, as text (trimmed; empty cells are null), with canonical headers."""

    tab: str
    sheet: str
    frame: pl.DataFrame
    headers: frozenset[str]
    """Every canonical header the tab has (also those not materialised)."""
    custom: tuple[str, ...]
    """Custom-attribute, tag and hand-added columns, in file order (materialised)."""
    blank_rows: int = 0
    """Rows with no value at all, dropped (and reported) while reading."""
    errors: frozenset[str] = frozenset()
    """Columns with cells that hold a spreadsheet error value (#N/A, #REF!...) instead of a value: read as
    empty, but unknown rather than empty, so the checks that need them are not assessed."""
    garbled: frozenset[str] = frozenset()
    """Identity columns with values Excel re-saved in exponent form ('1.23457E+15'): read as unknown."""


@dataclass(frozen=True)
class RawExport:
    """The tabs of one RVTools export."""

    file: str
    format: str
    tabs: dict[str, RawTab]
    issues: tuple[DataIssue, ...]
    unread: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Tabs whose file or sheet is there but could not be read -> (why, the file or sheet named): the checks that
    need them are not assessed."""


def _resolve_headers(
    tab: str, raw_names: list[str], file: str, sheet: str, issues: list[DataIssue]
) -> tuple[dict[int, str], list[int]]:
    """Map column positions to canonical names; returns (position -> name, custom positions).

    Duplicated names (a custom attribute called 'Host') are resolved by position: the copy
    inside the custom-attribute region (after 'Annotation' in VM tabs, after 'Object ID'
    elsewhere) or after RVTools' last column is the custom attribute; the other is RVTools' own
    column. When not exactly one copy is outside those places, none is read (see :func:`_ambiguous`).
    """
    known = H.KNOWN.get(tab, frozenset())
    names = [H.canonical_header(tab, n) for n in raw_names]
    anchor_name = "Annotation" if tab in H.VM_TABS else "Object ID"
    anchor = names.index(anchor_name) if anchor_name in names else None
    positions: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        positions.setdefault(n, []).append(i)
    first_known_after_anchor = None
    if anchor is not None:
        for i in range(anchor + 1, len(names)):
            if names[i] in known and len(positions[names[i]]) == 1:
                first_known_after_anchor = i
                break
    # Columns added by hand go after RVTools' last column: past the last known name written once.
    last_known = max((i for i, n in enumerate(names) if n in known and len(positions[n]) == 1), default=None)
    mapping: dict[int, str] = {}
    custom: list[int] = []
    unnamed = [i + 1 for i, n in enumerate(names) if not n or n.startswith("__UNNAMED__")]
    if unnamed:
        issues.append(DataIssue(
            "info", file, f"{len(unnamed)} column(s) without a header ignored (column number "
            f"{', '.join(str(i) for i in unnamed[:5])}{' …' if len(unnamed) > 5 else ''})", sheet=sheet))
    for n, where in positions.items():
        if not n or n.startswith("__UNNAMED__"):
            continue
        if n not in known:
            for i in where:
                mapping[i] = n if len(where) == 1 else f"{n} ({i + 1})"
                custom.append(i)
            continue
        if len(where) == 1:
            mapping[where[0]] = n
            continue
        in_region = [
            i
            for i in where
            if (anchor is not None and i > anchor and (first_known_after_anchor is None or i < first_known_after_anchor))
            or (last_known is not None and i > last_known)
        ]
        outside = [i for i in where if i not in in_region]
        if len(outside) != 1:
            _ambiguous(n, where, mapping, custom, issues, file, sheet)
            continue
        real = outside[0]
        mapping[real] = n
        for i in where:
            if i != real:
                mapping[i] = f"{n} (custom attribute)"
                custom.append(i)
        issues.append(
            DataIssue(
                "info",
                file,
                f"the column name '{n}' appears {len(where)} times; the custom attribute of that name "
                f"is read as '{n} (custom attribute)' and RVTools' own column is used",
                sheet=sheet,
                column=n,
            )
        )
    return mapping, sorted(custom)


def _ambiguous(name: str, where: list[int], mapping: dict[int, str], custom: list[int],
               issues: list[DataIssue], file: str, sheet: str) -> None:
    """A header repeated where none of its copies can be told to be RVTools' own: none is read as it."""
    numbers = ", ".join(str(i + 1) for i in where)
    for i in where:
        mapping[i] = f"{name} ({i + 1})"
        custom.append(i)
    issues.append(DataIssue(
        "warning", file,
        f"the column name '{name}' appears {len(where)} times (column numbers {numbers}) and none of them is "
        f"where custom attributes are written, so RVTools' own column cannot be told apart: '{name}' is read "
        "as missing and the checks that need it are not assessed; rename or remove the copies that are not "
        "RVTools' own and audit again",
        sheet=sheet, column=name,
    ))


def _wanted(tab: str, needed: frozenset[str]) -> Callable[[str], bool]:
    """Whether a raw header is worth materialising: needed by the mapping, or custom."""
    known = H.KNOWN.get(tab, frozenset())

    def want(raw: str) -> bool:
        name = H.canonical_header(tab, raw)
        return name in needed or (name not in known and not raw.startswith("__UNNAMED__"))

    return want


def _finish(
    tab: str, sheet: str, file: str, raw_names: list[str], frame: pl.DataFrame,
    loaded: list[int], issues: list[DataIssue], errors: dict[int, int] | None = None, first_error: int | None = None,
) -> RawTab:
    """Rename materialised columns (at positions ``loaded``) to canonical names; ``errors``: position -> cells
    holding a spreadsheet error value (said where the column is one of RVTools' own)."""
    mapping, custom = _resolve_headers(tab, raw_names, file, sheet, issues)
    damaged = {i: n for i, n in (errors or {}).items() if i in mapping and i not in custom}
    if damaged:  # a column added by hand (a formula) is nobody's evidence
        issues.append(DataIssue(
            "warning", file, f"{sum(damaged.values())} cell(s) hold a spreadsheet error value where RVTools writes "
            "a value: the export was edited after RVTools wrote it (a formula or a paste that failed). They are read "
            "as unknown and the checks that need their columns are not assessed; export it again from RVTools, or "
            "fix the cells", sheet=sheet, row=first_error, column=", ".join(mapping[i] for i in sorted(damaged)),
            rows=sum(damaged.values())))
    data = [c for c in frame.columns if c != "__row"]
    keep = {data[k]: mapping[i] for k, i in enumerate(loaded) if i in mapping}
    frame = frame.select([pl.col(old).alias(new) for old, new in keep.items()] + [pl.col("__row")])
    frame, garbled = exponent_identities(frame, file, sheet, issues)
    return RawTab(
        tab=tab,
        sheet=sheet,
        frame=frame,
        headers=frozenset(n for i, n in mapping.items() if i not in custom),
        custom=tuple(mapping[i] for i in custom),
        errors=frozenset(mapping[i] for i in damaged),
        garbled=garbled,
    )


def _drop_blank(tab: RawTab, file: str, issues: list[DataIssue]) -> RawTab:
    """Drop rows where every cell is empty, counting them, then notes typed under or beside the table."""
    data_cols = [c for c in tab.frame.columns if c != "__row"]
    if not data_cols or tab.frame.is_empty():
        return tab
    blank = pl.all_horizontal(pl.col(data_cols).is_null())
    count = tab.frame.select(blank.sum()).item()
    if count:
        issues.append(
            DataIssue(
                "info", file, f"{count} blank row(s) skipped", sheet=tab.sheet, rows=count, skipped=True
            )
        )
        tab = replace(tab, frame=tab.frame.filter(~blank), blank_rows=count)
    return _drop_notes(tab, file, issues, data_cols)


NOTE_MIN_CELLS = 3
"""A row with one cell filled is a note when the tab's other rows fill at least this many."""


def _drop_notes(tab: RawTab, file: str, issues: list[DataIssue], data_cols: list[str]) -> RawTab:
    """Drop rows of an infrastructure tab that hold one cell only while its other rows hold several: a
    note or total typed under the table ('Total: 12 hosts') is not a host, switch or datastore.

    The per-VM tabs are left alone: their rows join a guest by identity, and a note joins none.
    """
    if tab.tab in H.VM_TABS or len(data_cols) < NOTE_MIN_CELLS or tab.frame.height < 2:
        return tab
    filled = tab.frame.select(pl.sum_horizontal(pl.col(data_cols).is_not_null()).alias("n"))["n"]
    lone = filled == 1
    notes = int(lone.sum())
    if not notes or notes * 2 >= tab.frame.height or filled.filter(~lone).median() < NOTE_MIN_CELLS:  # type: ignore[operator]
        return tab
    dropped = tab.frame.filter(lone)
    first = dropped.row(0, named=True)
    column, value = next((c, first[c]) for c in data_cols if first[c] is not None)
    issues.append(DataIssue(
        "warning", file, f"{notes} row(s) skipped: only one cell holds a value (e.g. {column} '{value}') where the "
        "tab's other rows are filled: a note typed under or beside the table, not a row of the export",
        sheet=tab.sheet, row=int(first["__row"]), column=column, rows=notes, skipped=True, quoted=(str(value),)))
    return replace(tab, frame=tab.frame.filter(~lone), blank_rows=tab.blank_rows + notes)


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


_RESAVE = ("open the workbook in Excel and save it again, which repairs the part or says what is lost, or "
           "export it again from RVTools")


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


def no_vinfo(file: str, sheets: list[str], not_tables: dict[str, str] | None = None) -> InputError:
    """The workbook has no vInfo sheet: say which sheets it has, so a renamed or trimmed one can be spotted."""
    kind = next((k for name, k in (not_tables or {}).items() if H.canonical_tab(name) == "vInfo"), None)
    if kind is not None:
        what = {"chartsheet": "a chart sheet", "dialogsheet": "a dialog sheet"}.get(kind, f"a {kind} sheet")
        return InputError(f"its vInfo sheet is {what}, not a table of VMs", where=file,
                          hint="export the workbook again from RVTools; reportgen reads vInfo's rows and cells")
    shown = ", ".join(f"'{s}'" for s in sheets[:20]) + (f" and {len(sheets) - 20} more" if len(sheets) > 20 else "")
    return InputError(f"has no vInfo sheet (its sheets: {shown or 'none'})", where=file,
                      hint="reportgen needs at least vInfo: export the workbook again from RVTools with all tabs, or "
                      "give a sheet renamed in Excel its RVTools name (vInfo) again")


def two_copies(tab: str, first: str, second: str, file: str, what: str) -> InputError:
    """Two sheets (or CSV files) of one export hold the same tab: which one RVTools wrote cannot be told."""
    return InputError(f"the {what} '{first}' and '{second}' both hold the {tab} tab, and reportgen cannot tell "
                      "which one RVTools wrote", where=file, hint="delete or rename the copy and audit again")


def read_xlsx_tab(
    archive: zipfile.ZipFile, index: WorkbookIndex, strings: SharedStrings, tab: str, sheet: str,
    file: str, needed: frozenset[str], issues: list[DataIssue], unread: dict[str, tuple[str, str]] | None = None,
) -> RawTab | None:
    """One tab of an open workbook, or None (with a warning in ``issues``, and why in ``unread``) if its sheet
    cannot be read."""
    want = _wanted(tab, needed)
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
        issues.append(DataIssue(
            "warning", file, "the sheet's XML is malformed or cut short; rows after spreadsheet row "
            f"{read.first_row + read.rows - 1} were not read", sheet=sheet,
        ))
    width = max(read.width, max(read.header, default=-1) + 1)
    raw_names = [read.header.get(i, f"__UNNAMED__{i}") for i in range(width)]
    loaded = list(read.columns)
    names = [f"c{i}" for i in loaded]
    frame = pl.DataFrame([pl.Series(n, read.columns[i]) for n, i in zip(names, loaded, strict=True)])
    frame = frame.with_columns(pl.int_range(read.first_row, read.first_row + read.rows, dtype=pl.Int32).alias("__row"))
    raw = _finish(tab, sheet, file, raw_names, frame, loaded, issues, read.errors_by_column,
                  read.first_error[0] if read.first_error else None)
    merged = _merged(tab, sheet, file, read, issues)
    return _drop_blank(replace(raw, garbled=raw.garbled | merged) if merged else raw, file, issues)


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
            raise two_copies(tab, seen[tab], Path(name).name, file, "files")
        seen[tab] = Path(name).name
        where = f"{file}/{Path(name).name}" if file != name else name
        try:
            text = read_text_table(data, where)
        except EmptyFile as exc:
            if tab == "vInfo":  # without it there is no audit
                raise
            unread[tab] = (_empty_file(tab, Path(name).name, exc.message, file, issues), Path(name).name)
            continue
        if text.ragged:
            first = int(text.frame["__row"][text.ragged[0]])
            issues.append(DataIssue(
                "warning", where, f"{len(text.ragged)} record(s) have more or fewer fields than the header (the file "
                "cut short or edited?): missing fields are read as unknown, extra ones ignored",
                sheet=Path(name).name, row=first, rows=len(text.ragged)))
        want = _wanted(tab, needed[tab])
        columns = [c for c in text.frame.columns if c != "__row"]
        loaded = [i for i, raw in enumerate(text.headers) if want(raw)]
        frame = text.frame.select([V.text(columns[i]).alias(columns[i]) for i in loaded] + [pl.col("__row")])
        frame, errors, first_error = error_values(frame, [(i, columns[i]) for i in loaded])
        raw = _finish(tab, Path(name).name, where, list(text.headers), frame, loaded, issues, errors, first_error)
        tabs[tab] = _drop_blank(raw, where, issues)
    return RawExport(file, "rvtools-csv", tabs, tuple(issues), unread)


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


_NOT_RVTOOLS = "no RVTools export comes near this size: check where the file came from, and export it again"
_LONG_ROW = "RVTools writes rows of a few KiB: check where the file came from, and export it again"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


