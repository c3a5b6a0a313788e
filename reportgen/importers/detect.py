"""Recognising what an export is from its first bytes, and from the names in a folder or archive."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from .bounded import MAX_FILE_BYTES, Entry, check_archive, folder_entries, is_zip, open_regular
from .rvtools_headers import canonical_tab

__all__ = ["MANIFEST", "ExportKind", "bundle_file", "check_archive", "detect", "export_files", "is_zip", "tab_file"]

# RVTools names its CSVs RVTools_tabvInfo.csv …; exporters that imitate it write vInfo.csv ….
_RVTOOLS_CSV = re.compile(r"^((RVTools_)?tabv|vinfo\.csv$)", re.IGNORECASE)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls, and encrypted Office files
MANIFEST = "manifest.json"
"""The collector's description of a Hyper-V bundle."""


class ExportKind(enum.Enum):
    RVTOOLS_XLSX = "rvtools-xlsx"
    RVTOOLS_CSV = "rvtools-csv"
    """A folder of RVTools CSVs, a single RVTools CSV, or a zip holding an RVTools export."""
    HYPERV = "hyperv-csv"


def _is_rvtools_csv(name: str) -> bool:
    return bool(_RVTOOLS_CSV.match(Path(name).name)) and name.lower().endswith(".csv")


def detect(path: Path) -> ExportKind:
    """What kind of export ``path`` is, from its content (and the names in a folder or archive);
    raises InputError when it is none we know, or not a file or folder at all."""
    where = str(path)
    if not path.exists():
        raise InputError("no such file or folder", where=where, hint="check the path")
    if path.is_dir():
        return _detect_folder(path)
    suffix = path.suffix.lower()
    head = _head(path, where)
    if head[:4] == _OLE2[:4]:
        if suffix in (".xlsx", ".xlsm"):
            raise InputError(
                "is an encrypted workbook (password-protected or sensitivity-labelled)", where=where,
                hint="open it in Excel and save a copy without the password or with the label 'General'",
            )
        raise InputError(
            "is an old binary .xls workbook, or a password-protected one", where=where,
            hint="open it in Excel and save it as .xlsx (without a password)",
        )
    if is_zip(head):
        names = check_archive(path)
        if suffix in (".xlsx", ".xlsm") or "xl/workbook.xml" in names:
            return ExportKind.RVTOOLS_XLSX
        if any(n.lower().endswith(".xlsx") or _is_rvtools_csv(n) for n in names):
            return ExportKind.RVTOOLS_CSV
        if any(n.lower().endswith(".csv") for n in names):
            return ExportKind.HYPERV
        raise InputError(
            "is a zip archive without an RVTools export or Hyper-V CSVs", where=where,
            hint="zip the RVTools .xlsx / CSVs or the Hyper-V bundle itself",
        )
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise InputError(
            "is not an xlsx workbook (the file is not a zip archive)", where=where,
            hint="export the workbook again from RVTools",
        )
    if suffix == ".csv":
        return ExportKind.RVTOOLS_CSV if _is_rvtools_csv(path.name) else ExportKind.HYPERV
    raise InputError(
        "is not an RVTools export or a Hyper-V CSV export", where=where,
        hint="give an RVTools .xlsx, a folder of RVTools CSVs, or a Hyper-V CSV bundle (folder or zip)",
    )


def _head(path: Path, where: str) -> bytes:
    """The first bytes of a regular file (refused at once if it is a pipe or a device)."""
    with open_regular(path, MAX_FILE_BYTES, where) as handle:
        return handle.read(8)


def bundle_file(name: str) -> bool:
    """Whether a file of a Hyper-V bundle is read: the CSVs (and .txt) and the collector's manifest."""
    base = name.rsplit("/", 1)[-1].lower()
    return base == MANIFEST or base.endswith((".csv", ".txt"))


def tab_file(name: str) -> bool:
    """Whether a file of an RVTools CSV folder is named like one of its tabs (and may be read)."""
    return name.lower().endswith(".csv") and canonical_tab(name.rsplit("/", 1)[-1]) is not None


def _detect_folder(path: Path) -> ExportKind:
    """A folder of RVTools CSVs or a Hyper-V bundle, from the names of its entries (none is opened).

    An entry that would be read and cannot be read safely (a pipe, a device, a link out of the
    folder) is refused here, before anything is read.
    """
    entries = folder_entries(path)
    names = [e.name for e in entries if e.kind != "folder"]
    if any(_is_rvtools_csv(n) for n in names):
        _refuse_unsafe(path, entries, tab_file)
        return ExportKind.RVTOOLS_CSV
    if any(n.lower().endswith(".csv") for n in names):
        _refuse_unsafe(path, folder_entries(path, recursive=True), bundle_file)
        return ExportKind.HYPERV
    if any(n.lower().endswith(".xlsx") for n in names):
        raise InputError("is a folder of workbooks", where=str(path), hint="name each .xlsx on the command line")
    raise InputError(
        "holds no CSV files", where=str(path),
        hint="give an RVTools .xlsx, a folder of RVTools_tab*.csv files or a Hyper-V CSV bundle",
    )


def _refuse_unsafe(folder: Path, entries: list[Entry], read: Callable[[str], bool]) -> None:
    for entry in entries:
        if entry.refused and read(entry.name):
            raise entry.error(f"{folder}/{entry.name}")


def export_files(path: Path, kind: ExportKind) -> tuple[list[Path], Callable[[Path], bool]]:
    """The files the audit reads from an export, and whether a path (existing or not) would be
    read as part of it: a tab's name in an RVTools CSV folder, any CSV or manifest in a Hyper-V
    bundle folder. For an output, the first must not be overwritten and the second not written."""
    if not path.is_dir():
        return [path], lambda other: False
    root = path.resolve()
    recursive = kind is ExportKind.HYPERV
    named = bundle_file if recursive else tab_file

    def reads(other: Path) -> bool:
        if not other.is_relative_to(root):
            return False
        inside = other.relative_to(root).as_posix()
        return named(inside) and (recursive or "/" not in inside)

    entries = folder_entries(path, recursive)
    return [e.path for e in entries if e.kind == "file" and named(e.name)], reads
