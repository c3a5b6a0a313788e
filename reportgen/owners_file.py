"""Reading an owners file (``--owners owners.csv|.xlsx``): who owns which guests, from a CMDB export.

Headers are matched case-insensitively with the usual aliases (``App Owner``, ``E-mail``,
``Cost Center`` …); columns that are none of these are ignored, so a CMDB export can be given as
it is. Each row names guests by ``vm_uuid``, ``guest`` (a name or a pattern with ``*`` ``?``
``[ ]``), ``cluster`` or ``folder`` patterns, and gives their ``owner`` with an optional
``email``, ``team`` and ``cost_centre``.

The file is untrusted: it is read within a size bound, a cell that looks like a spreadsheet
formula or cannot be decoded is never used as a name, and a row that cannot be used is counted
in the data quality with its row and column. A file that cannot be used at all raises
:class:`~reportgen.errors.InputError` naming the file and, where it applies, the row and column.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import STEERING, InputError, UsageError, locate
from .estate import DataIssue
from .importers.bounded import MiB, check_regular, read_regular

if TYPE_CHECKING:
    from .importers.xlsx_read import SharedStrings, WorkbookIndex

MAX_OWNERS_BYTES = 64 * MiB
"""An owners file: a CMDB export of a million guests stays far below this."""
MAX_NAME_CHARS = 256
"""An owner, e-mail address, team or cost centre longer than this is not a name; its row is not used."""
MAX_PATTERN_CHARS = 1024
"""A guest, cluster or folder pattern, or a UUID."""

FIELDS = ("owner", "email", "team", "cost_centre", "guest", "vm_uuid", "cluster", "folder")
MATCHERS = ("vm_uuid", "guest", "cluster", "folder")
"""The fields that say which guests a row is about."""
ALIASES: dict[str, tuple[str, ...]] = {
    # Most specific first: when two columns of a file both fit a field, the one named higher here is read.
    "owner": ("owner", "app owner", "application owner", "service owner", "business owner", "vm owner",
              "owned by", "responsible", "responsible person", "owner name"),
    "email": ("email", "e mail", "mail", "owner email", "owner e mail", "owner mail", "email address",
              "e mail address", "contact email"),
    "team": ("team", "owner team", "group", "owner group", "support group", "assignment group"),
    "cost_centre": ("cost centre", "cost center", "costcentre", "costcenter", "cost centre code",
                    "cost center code"),
    "guest": ("guest", "vm", "vm name", "guest name", "virtual machine", "ci name", "name"),
    "vm_uuid": ("vm uuid", "vmuuid", "uuid", "vmid", "bios uuid"),
    "cluster": ("cluster", "cluster name"),
    "folder": ("folder", "vm folder", "folder name"),
}
_SEPARATORS = re.compile(r"[\s_\-./]+")
_FORMULA = re.compile(r"^[=@\t\r]|^[+\-]\s*[^\d\s]")
"""A cell a spreadsheet would run as a formula (CSV injection): never a name."""
_PLACEHOLDERS = frozenset({"-", "--", "n/a", "na", "none", "null", "tbd", "?"})
_UNDECODED = "\ufffd"


@dataclass(frozen=True)
class OwnerRow:
    """One usable row of an owners file: which guests it names and who owns them."""

    row: int
    """The row as a spreadsheet shows it (the header is row 1)."""
    owner: str
    email: str | None = None
    team: str | None = None
    cost_centre: str | None = None
    vm_uuid: str | None = None
    guest: str | None = None
    cluster: str | None = None
    folder: str | None = None


@dataclass(frozen=True)
class OwnersFile:
    """The rows of an owners file that can be used, the header each field was read from, and what was not used."""

    file: str
    """The path as given."""
    rows: tuple[OwnerRow, ...]
    columns: dict[str, str]
    """Field -> the header it was read from."""
    issues: tuple[DataIssue, ...] = ()
    rows_read: int = 0


def normalise_header(text: str) -> str:
    """'App_Owner ' -> 'app owner': case, spacing, underscores and dashes do not matter."""
    return _SEPARATORS.sub(" ", text.strip().lower()).strip()


def choose_columns(headers: list[str], file: str, sheet: str | None = None) -> dict[str, int]:
    """Field -> index of the column it is read from; InputError without an owner or anything to match on."""
    chosen: dict[str, tuple[int, int]] = {}
    for index, header in enumerate(headers):
        name = normalise_header(header)
        for field, aliases in ALIASES.items():
            if name not in aliases:
                continue
            rank = aliases.index(name)
            if field in chosen and chosen[field][0] == rank:
                first = headers[chosen[field][1]]
                raise InputError(f"columns '{first}' and '{header}' both give the {field.replace('_', ' ')}",
                                 where=locate(file, sheet, row=1, column=header),
                                 hint="remove or rename one of them")
            if field not in chosen or rank < chosen[field][0]:
                chosen[field] = (rank, index)
    found = ", ".join(f"'{h}'" for h in headers if h) or "none"
    if "owner" not in chosen:
        raise InputError("has no owner column", where=locate(file, sheet, row=1),
                         hint=f"name a column 'owner' (or {', '.join(ALIASES['owner'][1:4])}); headers found: {found}")
    if not any(m in chosen for m in MATCHERS):
        raise InputError("has no column saying which guests a row is about", where=locate(file, sheet, row=1),
                         hint="add a column 'guest' (a name or a pattern such as sql*), 'vm_uuid', 'cluster' "
                              f"or 'folder'; headers found: {found}")
    return {field: index for field, (_, index) in chosen.items()}


def read_owners(path: str | Path) -> OwnersFile:
    """Read an owners file (.csv, .txt or .xlsx) within bounds; InputError naming file, row and column."""
    path = Path(path)
    where = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx"):
        raise UsageError("an owners file must be a .csv or .xlsx file", where=where,
                         hint="export the CMDB as CSV or as an Excel workbook")
    status = check_regular(path, MAX_OWNERS_BYTES, where)
    data = read_regular(path, MAX_OWNERS_BYTES, where, status)
    workbook = data.startswith(b"PK\x03\x04")  # by content: CMDB exports get renamed by hand
    if workbook:
        sheet, headers, records, passed = _read_xlsx(data, where)
        owners = parse_owners(headers, records, where, sheet)
        if passed:
            said = ", ".join(passed)
            note = DataIssue("info", path.name, f"owners file: read from sheet {sheet}; sheet{'s' * (len(passed) > 1)} "
                             f"{said} before it {'have' if len(passed) > 1 else 'has'} no owner and guest columns",
                             rows=0)
            owners = replace(owners, issues=(note, *owners.issues))
    else:
        headers, records = _read_csv(data, where)
        owners = parse_owners(headers, records, where)
    if workbook == (suffix == ".xlsx"):
        return owners
    kind = "an Excel workbook" if workbook else "a CSV file"
    note = DataIssue("info", path.name, f"owners file: named {suffix} but is {kind}; read as such", rows=0)
    return replace(owners, issues=(note, *owners.issues))


def _read_csv(data: bytes, where: str) -> tuple[list[str], Records]:
    from .importers.tabular import read_text_table

    table = read_text_table(data, where)
    names = [c for c in table.frame.columns if c != "__row"]
    rows = table.frame.select(["__row", *names]).rows()
    return list(table.headers), [(int(r[0]), list(r[1:])) for r in rows]


Records = list[tuple[int, list[str | None]]]
"""Rows of a table with their spreadsheet row numbers (the header is row 1)."""


def _read_xlsx(data: bytes, where: str) -> tuple[str, list[str], Records, list[str]]:
    """The first sheet of a workbook with an owner column and a column naming guests (CMDB exports often put a
    summary sheet first), through the bounded sheet reader the exports use: (sheet, headers, records, the sheets
    before it, passed over)."""
    from .importers.rvtools_xlsx import checked_strings, xlsx_open
    from .importers.xlsx_read import read_shared_strings

    archive, index = xlsx_open(data, where)
    with archive:
        if not index.sheets:
            raise InputError("the workbook has no sheet", where=where, hint="save the owners list as a sheet")
        strings = checked_strings(lambda: read_shared_strings(archive, index), where, index.shared_strings)
        refused: list[InputError] = []
        for sheet in index.sheets:
            headers, records = _read_sheet(archive, index, sheet, strings, where)
            try:
                choose_columns(headers, where, sheet)
            except InputError as exc:
                refused.append(exc)
                continue
            return sheet, headers, records, list(index.sheets)[: len(refused)]
    if len(refused) == 1:
        raise refused[0]
    names = ", ".join(index.sheets)
    raise InputError(f"no sheet has an owner column and a column naming guests (sheets read: {names})",
                     where=where, hint=f"first sheet: {refused[0].message}; {refused[0].hint}")


def _read_sheet(archive: zipfile.ZipFile, index: WorkbookIndex, sheet: str, strings: SharedStrings,
                where: str) -> tuple[list[str], Records]:
    """One sheet's header row (row 1) and rows; InputError naming the sheet when it cannot be read."""
    from .importers.rvtools_xlsx import missing_strings
    from .importers.xlsx_read import TooLarge, WorkbookError, read_columns

    try:
        read = read_columns(archive, index, sheet, strings, lambda header: sorted(header))
    except TooLarge as exc:
        raise InputError(f"{exc}; refused", where=locate(where, sheet, exc.row)) from exc
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, WorkbookError) as exc:
        raise InputError(f"the sheet {sheet} cannot be read ({exc})", where=where,
                         hint="save the workbook again, or export the owners as CSV") from exc
    if read.strings_missing:
        raise missing_strings(read, archive, index.shared_strings, strings, where, sheet)
    if not read.complete:
        raise InputError("the sheet's XML is malformed or cut short", where=locate(where, sheet),
                         hint="save the workbook again, or export the owners as CSV")
    width = max(read.header, default=-1) + 1
    headers = [read.header.get(i, "").strip() for i in range(width)]
    columns = [read.columns[i].to_pylist() if i in read.columns else [None] * read.rows for i in range(width)]
    return headers, [(read.first_row + r, [_clean(c[r]) for c in columns]) for r in range(read.rows)]


def _clean(value: object) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None


def parse_owners(headers: list[str], records: Records, file: str, sheet: str | None = None) -> OwnersFile:
    """The usable rows of an owners table (header row 1; records with their spreadsheet row numbers); ``sheet``
    names the workbook's sheet read, in messages."""
    if not any(h.strip() for h in headers):
        raise InputError("the file is empty", where=locate(file, sheet), hint="give a table with a header row: guest, owner, email")
    columns = choose_columns(headers, file, sheet)
    rows: list[OwnerRow] = []
    issues: list[DataIssue] = []
    name = Path(file).name
    blank = 0
    for number, cells in records:
        values: dict[str, str | None] = {}
        problem: DataIssue | None = None
        for field, index in columns.items():
            value = _clean(cells[index]) if index < len(cells) else None
            problem = problem or _cell_problem(value, field, name, number, headers[index], sheet)
            values[field] = None if value is None or value.lower() in _PLACEHOLDERS else value
        if problem is not None:
            issues.append(problem)
            continue
        if not any(values.values()):
            blank += 1
            continue
        matchers = {m: values.get(m) for m in MATCHERS if values.get(m)}
        owner = values.get("owner")
        if not owner or not matchers:
            what = "no owner" if not owner else "no guest, vm_uuid, cluster or folder"
            column = headers[columns["owner"]] if not owner else None
            issues.append(DataIssue("warning", name, f"owners file row has {what}; row not used", sheet=sheet,
                                    row=number, column=column, skipped=True))
            continue
        rows.append(OwnerRow(number, owner, values.get("email"), values.get("team"), values.get("cost_centre"),
                             **matchers))
    if blank:
        issues.append(DataIssue("info", name, f"{blank} blank row(s) of the owners file skipped", sheet=sheet,
                                rows=blank, skipped=True))
    if not rows:
        raise _no_usable_row(file, sheet, [i for i in issues if i.skipped and i.row is not None])
    return OwnersFile(file, tuple(rows), {f: headers[i] for f, i in columns.items()}, tuple(issues), len(records))


def _no_usable_row(file: str, sheet: str | None, skipped: list[DataIssue]) -> InputError:
    """The error of a file without one usable row, naming the first row not used, where and why."""
    what = "has no row with an owner and a guest, vm_uuid, cluster or folder"
    hint = "fill the owner column and one of guest, vm_uuid, cluster or folder"
    if not skipped:
        return InputError(what, where=locate(file, sheet), hint=hint)
    first = skipped[0]
    why = first.message.removeprefix("owners file ").removesuffix("; row not used")
    return InputError(f"{what} ({len(skipped)} row(s) not used; this one: {why})",
                      where=locate(file, sheet, row=first.row, column=first.column),
                      hint=f"correct that cell (and the others the same way), or {hint}")


def _cell_problem(value: str | None, field: str, file: str, row: int, column: str,
                  sheet: str | None = None) -> DataIssue | None:
    """Why a cell cannot be used (a formula, undecodable text, too long), as a skipped-row issue; else None."""
    if value is None:
        return None
    limit = MAX_PATTERN_CHARS if field in MATCHERS else MAX_NAME_CHARS
    if _FORMULA.match(value):
        why = "looks like a spreadsheet formula, not a name"
    elif _UNDECODED in value:
        why = "holds bytes that are not text in the file's encoding (save the file as UTF-8)"
    elif len(value) > limit:
        why = f"is longer than {limit} characters"
    elif any(ord(c) < 32 or ord(c) in STEERING for c in value):
        why = "holds control characters"
    else:
        return None
    return DataIssue("warning", file, f"owners file cell {why}; row not used", sheet=sheet, row=row, column=column,
                     skipped=True)
