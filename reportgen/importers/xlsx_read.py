"""Reading worksheets of an xlsx workbook column by column, as text.

A thin wrapper over the scanner in ``reportgen._core.sheetscan``: this module finds the parts
of the workbook (sheets, shared strings, date styles) from its relationships and inflates a
sheet in pieces while the scanner reads it. Only the columns a caller chooses from the header
row are materialised; every other cell is stepped over, which is what makes this several times
faster than a reader that converts every cell. It knows nothing about RVTools.
"""

from __future__ import annotations

import codecs
import html
import posixpath
import re
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa

from .._core.sheetscan import Buffer, SharedStrings, SheetScanner, parse_shared_strings
from .bounded import MAX_CELL_CHARS, MAX_PART_BYTES, MAX_ROW_BYTES, MAX_SHEET_BYTES, MAX_SHEET_TEXT_BYTES, size_text

__all__ = [
    "LazyStrings", "SharedStrings", "SheetColumns", "TooLarge", "WorkbookError", "WorkbookIndex",
    "index_workbook", "read_columns", "read_shared_strings",
]

CHUNK = 1 << 20
"""Bytes inflated per step: large enough to keep Python out of the loop, small enough to stay in cache."""

_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(r"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_NUMFMT = re.compile(r"<(?:\w+:)?numFmt\b([^>]*)>")
_CELL_XFS = re.compile(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(r"<(?:\w+:)?xf\b([^>]*)>")
_DATE1904 = re.compile(r"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(1|true)\"")
_BUILTIN_DATES = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_NOT_DATE_PARTS = re.compile(r"\"[^\"]*\"|\\.|\[[^\]]*\]|_.|\*.")


class WorkbookError(ValueError):
    """The workbook's structure cannot be followed (a part is missing or unreadable)."""


class TooLarge(WorkbookError):
    """A part, a sheet or a row of the workbook is far larger than any real export's: refused."""

    def __init__(self, message: str, row: int | None = None, long_row: bool = False) -> None:
        super().__init__(message)
        self.row = row
        self.long_row = long_row
        """A row, rather than the sheet or a part, is too long."""


@dataclass(frozen=True)
class WorkbookIndex:
    """Where the parts of a workbook are, and which cell styles show dates."""

    sheets: dict[str, str]
    """Sheet name -> zip member of its XML, in workbook order."""
    shared_strings: str | None
    date_styles: bytes
    """One byte per cell style (``s`` attribute): 1 when its number format shows a date."""
    date1904: bool
    not_tables: dict[str, str] = field(default_factory=dict)
    """Sheet name -> its kind, for sheets that hold no cells (a chart sheet, a dialog or macro sheet)."""


@dataclass(frozen=True)
class SheetColumns:
    """The chosen columns of one sheet, as Arrow strings, and what the scan saw."""

    header: dict[int, str]
    """0-based column -> header text, for every header cell with a value."""
    width: int
    """Columns up to the rightmost one holding a value anywhere in the sheet."""
    columns: dict[int, pa.LargeStringArray]
    first_row: int
    """Spreadsheet row number of the first data row (the row after the header)."""
    rows: int
    complete: bool
    """False if the sheet's XML ended early or was malformed (the rows before are kept)."""
    cells_cut: int = 0
    """Cells longer than :data:`MAX_CELL_CHARS` characters, cut to that length."""
    first_cut: tuple[int, int] | None = None
    """(spreadsheet row, 0-based column) of the first cell cut."""
    strings_missing: int = 0
    """Cells read (header included) that refer to a shared string the table does not hold."""
    first_missing: tuple[int, int] | None = None
    """(spreadsheet row, 0-based column) of the first such cell."""
    errors_by_column: dict[int, int] = field(default_factory=dict)
    """0-based column -> cells read that hold a spreadsheet error value (#N/A...), read as empty."""
    first_error: tuple[int, int] | None = None
    """(spreadsheet row, 0-based column) of the first cell holding an error value."""
    merged: tuple[tuple[int, int, int, int], ...] = ()
    """Cell ranges merged in a spreadsheet program: (first row, first 0-based column, last row, last column)."""
    odd_by_column: dict[int, int] = field(default_factory=dict)
    """0-based column -> cells read whose value their type cannot have (a date before 1900 or after 9999, a
    boolean other than 0 and 1), read as empty."""
    first_odd: tuple[int, int] | None = None
    """(spreadsheet row, 0-based column) of the first such cell."""

    @property
    def errors(self) -> int:
        return sum(self.errors_by_column.values())


def _attributes(text: str) -> dict[str, str]:
    """Attributes of a start tag, keyed by their local name (``r:id`` -> ``id``)."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        name = match.group(1)
        if not name.startswith("xmlns"):
            value = match.group(2) if match.group(2) is not None else match.group(3)
            found[name.rsplit(":", 1)[-1]] = html.unescape(value)
    return found


def _target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _is_date_format(code: str) -> bool:
    """Whether a number format shows a date or time (y, m, d, h or s outside quotes and brackets)."""
    return any(c in "ymdhs" for c in _NOT_DATE_PARTS.sub("", code).lower())


def read_part(archive: zipfile.ZipFile, member: str) -> bytes:
    """A part read whole: KeyError if it is absent, TooLarge beyond :data:`MAX_PART_BYTES`."""
    info = archive.getinfo(member)
    _check_member(info, MAX_PART_BYTES)
    data = archive.read(info)
    decode = _transcoder(data[:256], member)
    return data if decode is None else decode(data, True)


_DECLARED = re.compile(rb"<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"), (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))


def _transcoder(head: bytes, member: str) -> Callable[[bytes, bool], bytes] | None:
    """For a part whose XML is not in UTF-8 (the scanner reads UTF-8 only), a function that turns its bytes, fed
    in order, into UTF-8 (``final`` with the last); None for UTF-8. WorkbookError for an encoding not known."""
    name = next((n for bom, n in _BOMS if head.startswith(bom)), None)
    if name is None:
        found = _DECLARED.match(head[3:] if head.startswith(codecs.BOM_UTF8) else head)
        try:
            name = codecs.lookup(found.group(1).decode()).name if found else "utf-8"
        except LookupError:
            name = found.group(1).decode() if found else ""
            raise WorkbookError(f"the part {member} declares the encoding {name!r}, which reportgen cannot read; "
                                "open the workbook in Excel and save it again") from None
        if name == "utf-8" or name.startswith(("utf-16", "utf-32")):  # no byte order mark: ASCII, so UTF-8
            return None
    decoder = codecs.getincrementaldecoder(name)("strict")

    def decode(data: bytes, final: bool) -> bytes:
        try:
            return decoder.decode(data, final).encode("utf-8", "surrogatepass")
        except UnicodeDecodeError as exc:
            raise WorkbookError(f"the part {member} is not the {name.upper()} text it says it is "
                                f"({exc.reason}); open the workbook in Excel and save it again") from exc

    return decode


def _check_member(info: zipfile.ZipInfo, limit: int) -> None:
    """TooLarge unless the part inflates (by a method exports use) within ``limit`` bytes."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
        raise WorkbookError(f"the part {info.filename} is encrypted or compressed by a method workbooks do not use")
    if info.file_size > limit:
        raise TooLarge(f"the part {info.filename} would inflate to {size_text(info.file_size)}, more than the "
                       f"{size_text(limit)} reportgen reads from one part")


def index_workbook(archive: zipfile.ZipFile) -> WorkbookIndex:
    """Read xl/workbook.xml, its relationships and the styles; WorkbookError if they are missing."""
    try:
        book = read_part(archive, "xl/workbook.xml").decode("utf-8", "replace")
        rels = read_part(archive, "xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError as exc:
        raise WorkbookError(f"the workbook has no {exc.args[0]}") from exc
    targets: dict[str, tuple[str, str]] = {}
    for match in _RELATIONSHIP.finditer(rels):
        attrs = _attributes(match.group(1))
        if "Id" in attrs and "Target" in attrs and attrs.get("TargetMode") != "External":
            targets[attrs["Id"]] = (attrs.get("Type", "").rsplit("/", 1)[-1], _target("xl/workbook.xml", attrs["Target"]))
    sheets: dict[str, str] = {}
    not_tables: dict[str, str] = {}
    for match in _SHEET.finditer(book):
        attrs = _attributes(match.group(1))
        kind, member = targets.get(attrs.get("id", ""), ("", ""))
        if kind == "worksheet" and "name" in attrs:
            sheets.setdefault(attrs["name"], member)
        elif "name" in attrs:
            not_tables.setdefault(attrs["name"], kind or "unknown")
    strings = next((m for k, m in targets.values() if k == "sharedStrings"), None)
    styles = next((m for k, m in targets.values() if k == "styles"), None)
    return WorkbookIndex(sheets, strings, _date_styles(archive, styles), bool(_DATE1904.search(book)), not_tables)


def _date_styles(archive: zipfile.ZipFile, member: str | None) -> bytes:
    if member is None or member not in archive.NameToInfo:
        return b""
    xml = read_part(archive, member).decode("utf-8", "replace")
    custom = {}
    for match in _NUMFMT.finditer(xml):
        attrs = _attributes(match.group(1))
        if attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = _is_date_format(attrs.get("formatCode", ""))
    xfs = _CELL_XFS.search(xml)
    if xfs is None:
        return b""
    flags = bytearray()
    for match in _XF.finditer(xfs.group(1)):
        fmt = _attributes(match.group(1)).get("numFmtId", "0")
        number = int(fmt) if fmt.isdigit() else 0
        flags.append(1 if custom.get(number, number in _BUILTIN_DATES) else 0)
    return bytes(flags)


def read_shared_strings(archive: zipfile.ZipFile, index: WorkbookIndex) -> SharedStrings:
    """The decoded shared-strings table (empty if the workbook has none)."""
    if index.shared_strings is None or index.shared_strings not in archive.NameToInfo:
        return parse_shared_strings(b"")
    return parse_shared_strings(read_part(archive, index.shared_strings))


class LazyStrings:
    """A workbook's shared strings, read once by whichever thread needs them first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._table: SharedStrings | None = None

    def get(self, archive: zipfile.ZipFile, index: WorkbookIndex) -> SharedStrings:
        with self._lock:
            if self._table is None:
                self._table = read_shared_strings(archive, index)
            return self._table


def read_columns(
    archive: zipfile.ZipFile, index: WorkbookIndex, sheet: str, strings: SharedStrings,
    choose: Callable[[dict[int, str]], list[int]],
) -> SheetColumns:
    """Scan one sheet; ``choose`` gets the header ({column: text}) and names the columns to keep.

    Linear in the sheet's size whatever its rows: an unfinished row is carried into the next
    piece, pieces grow with it, and a row beyond :data:`MAX_ROW_BYTES` stops the scan (TooLarge).
    """
    info = archive.getinfo(index.sheets[sheet])
    _check_member(info, MAX_SHEET_BYTES)
    scanner = SheetScanner(strings, index.date_styles, index.date1904, max_row=MAX_ROW_BYTES,
                           max_cell=MAX_CELL_CHARS, max_text=MAX_SHEET_TEXT_BYTES)
    header: dict[int, str] = {}
    chosen: list[int] = []
    merged: dict[bytes, None] = {}
    with archive.open(info) as stream:
        pending = b""
        seam = b""
        chunk = stream.read(CHUNK)
        decode = _transcoder(chunk[:256], info.filename)  # the scanner reads UTF-8
        while True:
            chunk = chunk or stream.read(max(CHUNK, len(pending)))  # as large as the row carried over
            ended = not chunk
            if decode is not None:
                chunk = decode(chunk, ended)
            if b"mergeCell" in chunk or b"mergeCell" in seam + chunk[:_SEAM]:  # written by Excel after the rows
                merged.update(dict.fromkeys(_MERGED.findall(seam + chunk)))
            seam = (seam + chunk[-_SEAM:])[-_SEAM:]  # the stream's last bytes, whatever the size of the pieces
            data = pending + chunk if pending else chunk
            used = scanner.feed(data, 0, len(pending))
            if scanner.needs_columns:
                header = dict(scanner.header())
                chosen = choose(header)
                scanner.choose(chosen)
                used = scanner.feed(data, used)
            pending = data[used:]
            _check_scan(scanner, pending)
            if ended:
                break
            chunk = b""
    rows, buffers = scanner.finish()
    columns = {col: _arrow(rows, *buffers[i]) for i, col in enumerate(chosen)}
    return SheetColumns(header, scanner.width, columns, scanner.header_row_number + 1, rows, scanner.complete,
                        scanner.cells_cut, scanner.first_cut, scanner.strings_missing, scanner.first_missing,
                        scanner.errors_by_column(), scanner.first_error, _ranges(merged), scanner.odd_by_column(),
                        scanner.first_odd)


_MERGED = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=[\"']([A-Z]{1,3}\d{1,7}:[A-Z]{1,3}\d{1,7})[\"']")
_SEAM = 256
"""Bytes of the previous piece searched again, so that a tag split between two pieces is found."""


def _ranges(refs: dict[bytes, None]) -> tuple[tuple[int, int, int, int], ...]:
    """Merged ranges ('X2:X3') as (first row, first column, last row, last column), 0-based columns."""
    out = []
    for ref in refs:
        first, last = ref.decode().split(":")
        (c1, r1), (c2, r2) = (re.match(r"([A-Z]+)(\d+)", p).groups() for p in (first, last))  # type: ignore[union-attr]
        col1, col2 = _column(c1), _column(c2)
        out.append((min(int(r1), int(r2)), min(col1, col2), max(int(r1), int(r2)), max(col1, col2)))
    return tuple(out)


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=[\"'](\d+)")


def _check_scan(scanner: SheetScanner, pending: bytes) -> None:
    """TooLarge if the scan met a row longer than :data:`MAX_ROW_BYTES` or too much text."""
    if scanner.long_row or len(pending) > MAX_ROW_BYTES:
        found = _ROW_NUMBER.match(pending[:256]) if not scanner.long_row else None
        row = scanner.long_row or (int(found.group(1)) if found else scanner.last_row + 1)
        raise TooLarge(f"the row is longer than {size_text(MAX_ROW_BYTES)} of XML", row=row, long_row=True)
    if scanner.text_overflow:
        raise TooLarge(f"the cells read hold more than {size_text(MAX_SHEET_TEXT_BYTES)} of text",
                       row=scanner.last_row)


def _arrow(rows: int, data: Buffer, offsets: Buffer, bitmap: Buffer | None, nulls: int) -> pa.LargeStringArray:
    array = pa.Array.from_buffers(
        pa.large_string(), rows,
        [None if bitmap is None else pa.py_buffer(bitmap), pa.py_buffer(offsets), pa.py_buffer(data)],
        null_count=nulls,
    )
    assert isinstance(array, pa.LargeStringArray)
    return array
