"""Writing an RVTools "Export all to csv" folder: one ``RVTools_tab<Tab>.csv`` per tab.

No real RVTools CSV export is public (formats.md §1.7), so the byte format is a documented guess:
comma-delimited, quoted only where needed, CRLF line ends, UTF-8 (optionally with a BOM), dates as
``yyyy/MM/dd HH:mm:ss`` (RVTools' display format), newlines inside values replaced by spaces (RVTools 3.10+),
booleans as ``True``/``False``. RVTools writes no vMetaData CSV, so neither does this.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from .xlsx import Sheet

SKIPPED_TABS = ("vMetaData",)


def csv_name(tab: str) -> str:
    return f"RVTools_tab{tab}.csv"


def _cell(v):
    cls = v.__class__
    if cls is dt.datetime:
        return v.strftime("%Y/%m/%d %H:%M:%S")
    if cls is str and ("\n" in v or "\r" in v):
        return v.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return v


def write_csv_folder(folder: str | Path, sheets: Iterable[Sheet], bom: bool = False, delimiter: str = ",") -> dict:
    """Write one CSV per sheet into ``folder`` (created); returns data rows per tab."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for sheet in sheets:
        if sheet.name in SKIPPED_TABS:
            continue
        n = 0
        with open(folder / csv_name(sheet.name), "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
            w = csv.writer(f, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
            w.writerow(sheet.header)
            for row in sheet.rows:
                w.writerow([_cell(v) for v in row])
                n += 1
        counts[sheet.name] = n
    return counts
