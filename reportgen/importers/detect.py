"""Recognising what an export is from its name and first bytes."""

from __future__ import annotations

import enum
import re
import zipfile
from pathlib import Path

from ..errors import InputError

_RVTOOLS_CSV = re.compile(r"^(RVTools_)?tabv", re.IGNORECASE)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted Office files are OLE2 containers

# Bounds on what a zip (or xlsx) may inflate to. A real RVTools workbook compresses its XML
# about 5-10x; a decompression bomb compresses it thousands of times.
MAX_INFLATED_BYTES = 16 * 1024**3
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 64 * 1024**2
"""Entries smaller than this are not checked for their ratio (tiny files compress well)."""


def check_archive(path: Path) -> list[str]:
    """The names in a zip archive; InputError if it is damaged or would inflate beyond bounds.

    Reads only the central directory: nothing is inflated here.
    """
    where = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            "is damaged or truncated (not a complete zip archive)", where=where,
            hint="copy or export it again; a workbook cut short by a transfer cannot be read",
        ) from exc
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise InputError(
                f"would inflate '{info.filename}' from {info.compress_size:,} to {info.file_size:,} bytes, "
                "which no real export does; refused", where=where,
                hint="check where the file came from; export it again from RVTools",
            )
    if total > MAX_INFLATED_BYTES:
        raise InputError(
            f"would inflate to {total / 1024**3:.1f} GiB; refused", where=where,
            hint="split the export per vCenter, or check where the file came from",
        )
    return [i.filename for i in infos]


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
        head = handle.read(8)
    if suffix in (".xlsx", ".xlsm"):
        if head == _OLE2:
            raise InputError(
                "is an encrypted workbook (password-protected or sensitivity-labelled)", where=where,
                hint="open it in Excel and save a copy without the password or with the label 'General'",
            )
        if head[:2] != b"PK":
            raise InputError(
                "is not an xlsx workbook (the file is not a zip archive)", where=where,
                hint="export the workbook again from RVTools",
            )
        check_archive(path)
        return ExportKind.RVTOOLS_XLSX
    if suffix == ".csv":
        return ExportKind.RVTOOLS_CSV if _is_rvtools_csv(path.name) else ExportKind.HYPERV
    if head[:2] == b"PK":
        names = check_archive(path)
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
