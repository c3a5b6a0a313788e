"""An export held as plain rows, read from and written back to RVTools xlsx, a folder of CSVs, a
Hyper-V collector bundle (a zip of CSVs and its manifest) or a folder of loose Hyper-V CSVs.

The mutation harness changes exports at this level (a tab, a column, a cell) and writes each
variant to a temporary folder, never next to the original.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from reportgen.importers.hyperv_read import recognise
from reportgen.importers.rvtools_headers import KNOWN, canonical_header, canonical_tab
from reportgen.importers.tabular import decode, sniff_delimiter

Cell = object
Kind = Literal["xlsx", "csv", "hyperv", "hyperv-folder"]


@dataclass(frozen=True)
class Sheet:
    """One tab: its sheet (or CSV file) name, the tab it holds, the header row and the data rows."""

    name: str
    tab: str | None
    """RVTools tab ('vInfo') or Hyper-V object type ('Get-VM'), as the importer recognises it."""
    header: tuple[str | None, ...]
    rows: tuple[tuple[Cell, ...], ...]
    preamble: str | None = None
    """A line before the header written back as it was (Windows PowerShell's '#TYPE ...')."""
    encoding: str = "utf-8"
    """How the file was encoded (loose Hyper-V files are written back so)."""

    def with_rows(self, header: tuple[str | None, ...], rows: list[tuple[Cell, ...]]) -> Sheet:
        return replace(self, header=header, rows=tuple(rows))


@dataclass(frozen=True)
class Book:
    """An RVTools export: xlsx workbook or CSV folder, as rows."""

    label: str
    kind: Kind
    sheets: tuple[Sheet, ...]
    extras: tuple[tuple[str, bytes], ...] = ()
    """Files carried unchanged (a collector's manifest.json)."""

    @property
    def platform(self) -> str:
        return "hyperv" if self.kind.startswith("hyperv") else "vsphere"

    def sheet(self, tab: str) -> Sheet | None:
        return next((s for s in self.sheets if s.tab == tab), None)

    def with_sheet(self, new: Sheet) -> Book:
        return replace(self, sheets=tuple(new if s.name == new.name else s for s in self.sheets))

    def without(self, tab: str) -> Book:
        return replace(self, sheets=tuple(s for s in self.sheets if s.tab != tab))


def read_book(path: Path, needed: dict[str, frozenset[str]]) -> Book:
    """The sheets of ``path`` (xlsx or RVTools CSV folder) that hold a tab the importer reads.

    RVTools columns the importer never reads (known headers it does not need) are left out, which
    makes every variant several times quicker to write: the reader does not materialise them, so
    their absence changes nothing it sees. Custom attributes and the anchors of the custom-attribute
    region ('Annotation', 'Object ID') stay.
    """
    if path.is_dir():
        sheets = []
        for file in sorted(path.iterdir()):
            if file.suffix.lower() == ".csv" and canonical_tab(file.name) in needed:
                sheets.append(_read_csv(file.name, file.read_bytes(), canonical_tab(file.name)))
        return Book(path.name, "csv", tuple(_trim(s, needed) for s in sheets))
    return Book(path.name, "xlsx", tuple(_trim(s, needed) for s in _read_xlsx(path, frozenset(needed))))


def _trim(sheet: Sheet, needed: dict[str, frozenset[str]]) -> Sheet:
    if sheet.tab is None:
        return sheet
    known, wanted = KNOWN.get(sheet.tab, frozenset()), needed.get(sheet.tab, frozenset())
    keep = [i for i, h in enumerate(sheet.header)
            if h and ((name := canonical_header(sheet.tab, h)) in wanted or name not in known
                      or name in ("Annotation", "Object ID", "VM ID"))]
    return sheet.with_rows(tuple(sheet.header[i] for i in keep), [tuple(r[i] for i in keep) for r in sheet.rows])


def read_hyperv(path: Path) -> Book:
    """A Hyper-V collector bundle (zip) or a folder of loose Export-Csv files: every CSV, tabs recognised by
    their headers as the importer does."""
    if path.is_dir():
        members = [(f.name, f.read_bytes()) for f in sorted(path.iterdir()) if f.is_file()]
    else:
        with zipfile.ZipFile(path) as archive:
            members = [(m, archive.read(m)) for m in sorted(archive.namelist())]
    sheets, extras = [], []
    for member, data in members:
        if member.lower().endswith(".csv"):
            sheet = _read_csv(member, data, None)
            sheets.append(replace(sheet, tab=recognise(tuple(h or "" for h in sheet.header))))
        else:
            extras.append((member, data))
    return Book(path.name, "hyperv-folder" if path.is_dir() else "hyperv", tuple(sheets), tuple(extras))


def _read_xlsx(path: Path, tabs: frozenset[str]) -> list[Sheet]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = []
    try:
        for ws in workbook.worksheets:
            if canonical_tab(ws.title) not in tabs:
                continue
            rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
            while rows and all(c is None for c in rows[-1]):
                rows.pop()
            if not rows:
                sheets.append(Sheet(ws.title, canonical_tab(ws.title), (), ()))
                continue
            width = max(len(r) for r in rows)
            while width and all(len(r) < width or r[width - 1] is None for r in rows):
                width -= 1
            padded = [tuple(r[:width]) + (None,) * (width - len(r[:width])) for r in rows]
            header = tuple(None if c is None else str(c) for c in padded[0])
            sheets.append(Sheet(ws.title, canonical_tab(ws.title), header, tuple(padded[1:])))
    finally:
        workbook.close()
    return sheets


def _read_csv(name: str, data: bytes, tab: str | None) -> Sheet:
    text, encoding = decode(data, name)
    text = text.lstrip("\ufeff")
    preamble = None
    if text.startswith("#TYPE"):
        preamble, _, text = text.partition("\n")
        preamble = preamble.rstrip("\r")
    first = text.split("\n", 1)[0].rstrip("\r")
    rows = list(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first)))
    header = tuple(rows[0]) if rows else ()
    body = [tuple(c if c != "" else None for c in r) for r in rows[1:]]
    return Sheet(name, tab, header, tuple(body), preamble, encoding)


def write_xlsx(book: Book, path: Path) -> Path:
    """The book as an xlsx workbook (typed cells: numbers, booleans and dates keep their type)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False, "nan_inf_to_errors": True})
    dates = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for sheet in book.sheets:
        ws = workbook.add_worksheet(sheet.name[:31])
        for c, name in enumerate(sheet.header):
            if name is not None:
                ws.write_string(0, c, name)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row):
                _write_cell(ws, r, c, value, dates)
    workbook.close()
    return path


def _write_cell(ws: object, r: int, c: int, value: Cell, dates: object) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)  # type: ignore[attr-defined]
    elif isinstance(value, int | float):
        ws.write_number(r, c, value)  # type: ignore[attr-defined]
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        ws.write_datetime(r, c, value, dates)  # type: ignore[attr-defined]
    else:
        ws.write_string(r, c, str(value))  # type: ignore[attr-defined]


def csv_name(sheet: Sheet) -> str:
    """The file name RVTools gives a tab's CSV export."""
    if sheet.name.lower().endswith(".csv"):
        return sheet.name
    return f"RVTools_tab{sheet.tab or sheet.name}.csv"


def csv_bytes(sheet: Sheet, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    if sheet.preamble is not None:
        out.write(sheet.preamble + "\r\n")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["" if h is None else h for h in sheet.header])
    for row in sheet.rows:
        writer.writerow([_text(v) for v in row])
    return out.getvalue().encode(encoding, errors="replace")


def write_csv_folder(book: Book, folder: Path, encoding: str | None = "utf-8", delimiter: str = ",") -> Path:
    """The book as a folder of CSVs, one file per tab, in ``encoding`` (None: each file's own) with
    ``delimiter``."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in book.sheets:
        name = sheet.name if book.platform == "hyperv" else csv_name(sheet)
        (folder / name).write_bytes(csv_bytes(sheet, encoding or sheet.encoding, delimiter))
    for name, data in book.extras:
        (folder / name).write_bytes(data)
    return folder


def write_bundle(book: Book, path: Path) -> Path:
    """A Hyper-V collector bundle: UTF-8 CSVs with a BOM, as Windows PowerShell writes them, and the extras."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in book.sheets:
            archive.writestr(sheet.name, csv_bytes(sheet, "utf-8-sig"))
        for name, data in book.extras:
            archive.writestr(name, data)
    return path


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y/%m/%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_book(book: Book, where: Path) -> Path:
    """The book in its own format under ``where``: an xlsx workbook, a CSV folder or a zipped bundle."""
    if book.kind == "xlsx":
        return write_xlsx(book, where / "export.xlsx")
    if book.kind == "hyperv":
        return write_bundle(book, where / "bundle.zip")
    if book.kind == "hyperv-folder":
        return write_csv_folder(book, where / "loose", None)
    return write_csv_folder(book, where / "export")
