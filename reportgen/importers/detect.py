"""Recognising what an export is from its name and first bytes."""

from __future__ import annotations

import enum
import re
import zipfile
from pathlib import Path

from ..errors import InputError

_RVTOOLS_CSV = re.compile(r"^(RVTools_)?tabv", re.IGNORECASE)


class ExportKind(enum.Enum):
    RVTOOLS_XLSX = "rvtools-xlsx"
    RVTOOLS_CSV = "rvtools-csv"
    """A folder of RVTools CSVs, a single RVTools CSV, or a zip holding an RVTools export."""
    HYPERV = "hyperv-csv"


def _is_rvtools_csv(name: str) -> bool:
    return bool(_RVTOOLS_CSV.match(Path(name).name)) and name.lower().endswith(".csv")


def detect(path: Path) -> ExportKind:
    """What kind of export ``path`` is; raises InputError when it is none we know."""
    where = str(path)
    if not path.exists():
        raise InputError("no such file or folder", where=where, hint="check the path")
    if path.is_dir():
        names = [p.name for p in path.iterdir() if p.is_file()]
        if any(_is_rvtools_csv(n) for n in names):
            return ExportKind.RVTOOLS_CSV
        if any(n.lower().endswith(".csv") for n in names):
            return ExportKind.HYPERV
        if any(n.lower().endswith(".xlsx") for n in names):
            raise InputError(
                "is a folder of workbooks", where=where, hint="name each .xlsx on the command line"
            )
        raise InputError(
            "holds no CSV files", where=where,
            hint="give an RVTools .xlsx, a folder of RVTools_tab*.csv files or a Hyper-V CSV bundle",
        )
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            "is an old binary .xls workbook", where=where, hint="open it in Excel and save it as .xlsx"
        )
    with path.open("rb") as handle:
        head = handle.read(4)
    if suffix in (".xlsx", ".xlsm"):
        if head[:2] != b"PK":
            raise InputError(
                "is not an xlsx workbook (the file is not a zip archive)", where=where,
                hint="export the workbook again from RVTools",
            )
        return ExportKind.RVTOOLS_XLSX
    if suffix == ".csv":
        return ExportKind.RVTOOLS_CSV if _is_rvtools_csv(path.name) else ExportKind.HYPERV
    if head[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise InputError("is a damaged zip archive", where=where, hint="copy it again") from exc
        if "xl/workbook.xml" in names:
            return ExportKind.RVTOOLS_XLSX
        if any(n.lower().endswith(".xlsx") or _is_rvtools_csv(n) for n in names):
            return ExportKind.RVTOOLS_CSV
        if any(n.lower().endswith(".csv") for n in names):
            return ExportKind.HYPERV
        raise InputError(
            "is a zip archive without an RVTools export or Hyper-V CSVs", where=where,
            hint="zip the RVTools .xlsx / CSVs or the Hyper-V bundle itself",
        )
    raise InputError(
        "is not an RVTools export or a Hyper-V CSV export", where=where,
        hint="give an RVTools .xlsx, a folder of RVTools CSVs, or a Hyper-V CSV bundle (folder or zip)",
    )
