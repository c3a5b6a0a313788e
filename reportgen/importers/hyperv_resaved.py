"""A Hyper-V CSV that someone opened in Excel and saved again: what Excel left in it is unknown, never data.

Error values (``#N/A``, ``#REF!``…) in a property are read as unknown and the checks that need the column are
not assessed. An identity (a VMId, a VM or host name, a WWPN, a device path) that Excel turned into a long
number (``1.23457E+15``) no longer tells two things apart: read as unknown, so the rows it keyed are skipped
and counted by the mapping, never joined to the wrong VM. A size in that form kept its first six digits: it is
read, rounded, and the data quality says so. The list of error values and what makes a number mangled are
:mod:`.resaved`'s, as for RVTools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from ..estate import DataIssue
from .resaved import EXPONENT, error_values, exponent_identities

if TYPE_CHECKING:
    from .hyperv_read import RawHyperV

IDENTITIES = frozenset({
    "VMId", "Id", "VMName", "Name", "ComputerName", "MacAddress", "SwitchName", "SanName", "WorldWidePortNameSetA",
    "WorldWidePortNameSetB", "LocationPath", "InstanceID", "DeviceID", "DiskNumber", "ControllerNumber",
    "ControllerLocation", "VMSnapshotId", "OwnerNode", "Group", "Cluster", "NodeName", "SystemName", "CSName",
    "PossibleOwners", "PreferredOwners", "OwnerThumbprint", "GuardianThumbprints", "EncryptionThumbprint",
    "FriendlyVolumeName", "Path", "ConfigurationLocation", "Node",
})
"""Properties whose values tell VMs, hosts, disks and devices apart, or join a row to its VM."""
SIZES = frozenset({"Size", "MemoryStartup", "MemoryAssigned", "MemoryCapacity"})
"""Byte counts: Excel shows those over 11 digits in exponent form, and saves the CSV as it shows them."""
FREE_TEXT = frozenset({"Notes"})
"""Properties a user types anything into: '#N/A' there may be what they typed."""
REMEDY = ("Export the file again with Export-Csv (or the reportgen collector), or import the CSV into Excel with "
          "every column as text before saving it")


def resaved(raw: RawHyperV, frame: pl.DataFrame, kind: str, name: str,
            properties: frozenset[str]) -> pl.DataFrame:
    """``frame`` (one file of object ``kind``, canonical headers) with what Excel left made unknown, each column
    named in ``raw.issues`` and recorded in ``raw.errors`` / ``raw.garbled`` for the coverage."""
    columns = [c for c in frame.columns if c in properties and c not in FREE_TEXT and frame.schema[c] == pl.String]
    frame = _error_cells(raw, frame, kind, name, columns)
    frame, garbled = exponent_identities(frame, raw.file, name, raw.issues, IDENTITIES, REMEDY)
    if garbled:
        raw.garbled[kind] = raw.garbled.get(kind, frozenset()) | garbled
    _rounded_sizes(raw, frame, name)
    return frame


def _error_cells(raw: RawHyperV, frame: pl.DataFrame, kind: str, name: str, columns: list[str]) -> pl.DataFrame:
    """Error values made unknown, one data-quality line per column naming its first row."""
    for column in columns:
        frame, counts, first = error_values(frame, [(0, column)])
        if not counts:
            continue
        raw.errors[kind] = raw.errors.get(kind, frozenset()) | {column}
        raw.issues.append(DataIssue(
            "warning", raw.file, f"{counts[0]:,} cell(s) hold a spreadsheet error value (#N/A, #REF!…) where "
            "Export-Csv writes a value: the file was edited in a spreadsheet after it was exported (a formula or a "
            "paste that failed). They are read as unknown, rows that need the value to say which VM or host they "
            f"are of are skipped, and the checks that need the column are not assessed. {REMEDY}",
            sheet=name, row=first, column=column, rows=counts[0]))
    return frame


def _rounded_sizes(raw: RawHyperV, frame: pl.DataFrame, name: str) -> None:
    """Name the sizes Excel rounded to six digits: read as they are, close to the truth but not exact."""
    for column in sorted(SIZES & set(frame.columns)):
        if frame.schema[column] != pl.String:
            continue
        bad = frame.filter(pl.col(column).str.strip_chars().str.contains(EXPONENT).fill_null(False))
        if bad.is_empty():
            continue
        sample = str(bad[column][0])
        raw.issues.append(DataIssue(
            "info", raw.file, f"{bad.height:,} size(s) in bytes are long numbers as Excel re-saves them (e.g. "
            f"'{sample}'), which keep only their first digits: read as they are, so the sizes are rounded (to "
            f"within a few MiB). {REMEDY}", sheet=name, row=int(bad["__row"][0]), column=column, rows=bad.height,
            quoted=(sample,)))
