"""Hyper-V value parsing as polars expressions: host names, GUIDs, numbers, storage locations.

Complements :mod:`.values` (booleans, enums, timestamps) with what only PowerShell exports
need. Every helper tolerates a missing column (typed null) so user-made ``Select-Object``
exports with fewer properties still map.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from . import values as V

MIB = 1024 * 1024

SWITCH_KINDS = {
    "external": "hyperv-external", "internal": "hyperv-internal", "private": "hyperv-private",
    # VMSwitchType as numbers (ConvertTo-Json, or a CSV made from JSON)
    "2": "hyperv-external", "1": "hyperv-internal", "0": "hyperv-private",
}
# VMReplicationMode: a Replica (or extended Replica) is the off copy Hyper-V Replica keeps of a primary VM.
REPLICATION_MODES = {"none": "none", "primary": "primary", "replica": "replica", "testreplica": "test-replica",
                     "extendedreplica": "extended-replica", "0": "none", "1": "primary", "2": "replica",
                     "3": "test-replica", "4": "extended-replica"}
COPY_MODES = ("replica", "extended-replica", "test-replica")
"""Modes of a VM that is not the primary: it shares the primary's VMId, so it is keyed apart."""
DVD_BACKINGS = {"passthrough": "host", "iso": "iso", "none": "none", "2": "host", "1": "iso", "0": "none"}

# Highest VM configuration version per Windows Server build (when Get-VMHostSupportedVersion is absent).
BUILD_VM_VERSION = {9600: "5.0", 14393: "8.0", 17763: "9.0", 20348: "10.0", 26100: "12.0"}
BUILD_PRODUCT = {
    9600: "Windows Server 2012 R2", 14393: "Windows Server 2016", 17763: "Windows Server 2019",
    20348: "Windows Server 2022", 26100: "Windows Server 2025",
}

_IPV4 = r"^\d{1,3}(\.\d{1,3}){3}$"
_ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def text(frame: pl.DataFrame, column: str) -> pl.Expr:
    """Stripped text, or a typed null when the export lacks the column."""
    return V.text(column) if column in frame.columns else pl.lit(None, pl.String)


def first_text(frame: pl.DataFrame, *columns: str) -> pl.Expr:
    """The first of several columns that is present and not empty."""
    present = [V.text(c) for c in columns if c in frame.columns]
    return pl.coalesce(present) if present else pl.lit(None, pl.String)


def boolean(frame: pl.DataFrame, column: str) -> pl.Expr:
    return V.boolean(column) if column in frame.columns else pl.lit(None, pl.Boolean)


def number(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A number as .NET writes it in any culture ('2147483648', '0,5', '0.5'); null when unreadable."""
    return V.decimal(column) if column in frame.columns else pl.lit(None, pl.Float64)


def integer(frame: pl.DataFrame, column: str, dtype: pl.DataType | type[pl.DataType] = pl.Int64) -> pl.Expr:
    return number(frame, column).round(0).cast(dtype, strict=False)


TIME_FORMATS = (*V.DATETIME_FORMATS, "%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M", "%d-%m-%Y %H:%M:%S")


def timestamp(frame: pl.DataFrame, column: str) -> pl.Expr:
    """Dates as the collector writes them (ISO 8601, 7 fraction digits, 'Z' or an offset) or as
    Export-Csv writes them in the exporting host's culture ('5/14/2024 8:21:33 AM', '14.05.2024 08:21:33').

    Offsets are dropped (the local time is kept); with AM/PM the month comes first, as en-US writes it; a
    24-hour time after a day and month that cannot be told apart ('6/2/2025 07:30') is unknown.
    """
    if column not in frame.columns:
        return pl.lit(None, pl.Datetime("ms"))
    value = V.text(column).str.replace(r"(\.\d{1,6})\d*", "$1").str.replace(r"(Z|[+-]\d\d:\d\d)$", "")
    return V.parse_datetime(value, TIME_FORMATS)


def mib(frame: pl.DataFrame, column: str) -> pl.Expr:
    """Bytes (how Hyper-V writes memory and sizes) to MiB."""
    return (number(frame, column) / MIB).floor().cast(pl.Int64, strict=False)


def memory_mib(frame: pl.DataFrame, column: str) -> pl.Expr:
    """Memory in bytes to MiB; null when unreadable or no machine's (see :func:`reportgen.importers.values.memory`)."""
    return V.memory(mib(frame, column))


def enum(frame: pl.DataFrame, column: str, mapping: dict[str, str]) -> pl.Expr:
    return V.enum(column, mapping) if column in frame.columns else pl.lit(None, pl.String)


def host_name(expr: pl.Expr) -> pl.Expr:
    """A host as a key: upper case, domain suffix dropped (HV01.corp.local -> HV01); IPs kept."""
    value = expr.str.strip_chars().str.to_uppercase()
    value = pl.when(value == "").then(None).otherwise(value)
    return pl.when(value.str.contains(_IPV4)).then(value).otherwise(value.str.split(".").list.first())


def host_key(expr: pl.Expr) -> pl.Expr:
    """``hyperv/<COMPUTERNAME>``; null when the name is empty."""
    name = host_name(expr)
    return pl.when(name.is_null()).then(None).otherwise(pl.concat_str(pl.lit("hyperv/"), name))


def node_label(key: str, names: Mapping[str, str | None], written: str | None = None) -> str:
    """A node as the export names it (the hosts' name, else as the file at hand wrote it); failing both, the
    name it is keyed by, whole: 'hyperv/A/B' is 'A/B', never 'B', which another node could also end in."""
    return names.get(key) or (written.strip() if written and written.strip() else None) \
        or key.removeprefix("hyperv/")


def guid(expr: pl.Expr) -> pl.Expr:
    """A GUID in lower case without braces; null when empty."""
    value = expr.str.strip_chars().str.strip_chars("{}").str.to_lowercase()
    return pl.when(value == "").then(None).otherwise(value)


def is_zero_guid(expr: pl.Expr) -> pl.Expr:
    return guid(expr).is_null() | (guid(expr) == _ZERO_GUID)


def storage_kind(path: pl.Expr) -> pl.Expr:
    """'csv' (Cluster Shared Volume), 'smb' (UNC share), 'local' (a drive letter), else null."""
    lower = path.str.to_lowercase()
    return (
        pl.when(lower.str.contains(r"^[a-z]:\\clusterstorage\\")).then(pl.lit("csv"))
        .when(lower.str.starts_with("\\\\")).then(pl.lit("smb"))
        .when(lower.str.contains(r"^[a-z]:\\")).then(pl.lit("local"))
        .otherwise(pl.lit(None, pl.String))
    )


def volume(path: pl.Expr) -> pl.Expr:
    """The volume a path lives on: 'C:\\ClusterStorage\\Volume1', '\\\\server\\share' or 'D:'."""
    return (
        pl.coalesce(
            path.str.extract(r"^([A-Za-z]:\\[Cc][Ll][Uu][Ss][Tt][Ee][Rr][Ss][Tt][Oo][Rr][Aa][Gg][Ee]\\[^\\]+)", 1),
            path.str.extract(r"^(\\\\[^\\]+\\[^\\]+)", 1),
            path.str.extract(r"^([A-Za-z]:)\\", 1).str.to_uppercase(),
        )
    )

