"""Which columns hold values: a column present but empty is unknown, never clean.

An export can carry a header with nothing under it: a trimmed copy, an older ESXi that leaves
'Sharing mode' empty, another exporter that fills only some columns. Such a column is as good
as missing for coverage ("present but empty"). Where RVTools writes a value only on some rows
(the LUN of an RDM, the bus sharing of a SCSI controller) only those rows count; where an
empty cell is RVTools' way to say "none" (no DRS rule, no EVC mode) emptiness says nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl

from . import values as V

EMPTY_MEANS_NONE: dict[str, frozenset[str]] = {
    "vInfo": frozenset({"Cluster rule(s)", "Cluster rule name(s)", "FT Role", "Fixed Passthru HotPlug",
                        "min Required EVC Mode Key", "Annotation", "SRM Placeholder", "Folder"}),
    "vHost": frozenset({"Current EVC", "Cluster", "Datacenter", "vSAN Fault Domain Name"}),
    "vDisk": frozenset({"Disk Path"}),  # guest mount points; read only as a fallback for 'Path'

    "vNIC": frozenset({"Uplink port"}),
    "dvPort": frozenset({"Standby Uplink", "VLAN"}),
    "vPort": frozenset({"VLAN"}),
    # Hyper-V objects (Export-Csv of the cmdlet): no notes, not a pass-through disk, no switch (adapter not
    # connected), every node may own.
    "Get-VM": frozenset({"Notes", "SnapshotFileLocation"}),
    "Get-VMHardDiskDrive": frozenset({"DiskNumber"}),
    "Get-VMNetworkAdapter": frozenset({"SwitchName"}),
    "Get-ClusterOwnerNode": frozenset({"PossibleOwners", "PreferredOwners"}),
    "Get-ClusterGroup": frozenset({"AntiAffinityClassNames"}),  # no class: the cluster's default
    "Get-ClusterAffinityRule": frozenset({"Groups"}),  # a rule no group was added to
}
"""Columns whose empty cell means "none" (no rule, no EVC mode, no standby uplink), per RVTools tab or
Hyper-V object."""


def _raw(frame: pl.DataFrame) -> pl.Expr:
    return V.boolean("Raw") if "Raw" in frame.columns else pl.lit(None, pl.Boolean)


def _scsi(frame: pl.DataFrame) -> pl.Expr:
    """SCSI controllers (LSI Logic, BusLogic, paravirtual): IDE, SATA (AHCI) and NVMe have no bus sharing."""
    if "Controller" not in frame.columns:
        return pl.lit(True)
    controller = V.text("Controller").str.to_lowercase()
    return controller.is_null() | ~controller.str.contains(r"\bide\b|ahci|sata|nvme")


WRITTEN_WHERE: dict[tuple[str, str], Callable[[pl.DataFrame], pl.Expr]] = {
    ("vDisk", "Raw LUN ID"): lambda f: _raw(f).fill_null(True),
    ("vDisk", "Raw Comp. Mode"): lambda f: _raw(f).fill_null(True),
    ("vDisk", "Sharing mode"): lambda f: ~_raw(f).fill_null(False),
    ("vDisk", "Shared Bus"): _scsi,
}
"""The rows on which RVTools writes a column, where that is not every row (unknown counts as such a row)."""


def _disk_file(frame: pl.DataFrame) -> pl.Expr:
    """Other exporters leave vDisk 'Path' empty and put the disk file in 'Disk Path' (read from there)."""
    if "Disk Path" not in frame.columns:
        return pl.lit(None, pl.String)
    named = V.text("Disk Path")
    return pl.when(named.str.contains(V.DISK_FILE)).then(named)


FILLED_FROM: dict[tuple[str, str], Callable[[pl.DataFrame], pl.Expr]] = {
    ("vDisk", "Path"): _disk_file,
}
"""Where the importer reads a column's value from another column when it is empty."""


def empty_columns(tab: str, frame: pl.DataFrame, columns: Iterable[str]) -> dict[str, int]:
    """Those of ``columns`` in ``frame`` with no value on any row where the exporter writes one,
    with the number of such rows.

    A column is empty only when at least one row should hold a value: a tab with no rows, or
    an export without RDMs, leaves nothing unknown.
    """
    none = EMPTY_MEANS_NONE.get(tab, frozenset())
    checked = [c for c in columns if c in frame.columns and c not in none]
    if not checked or frame.is_empty():
        return {}
    exprs = []
    for column in checked:
        where = WRITTEN_WHERE.get((tab, column))
        rows = pl.repeat(True, pl.len())  # one per row, also where a condition is a constant
        rows = rows if where is None else rows & where(frame)
        exprs.append(rows.sum().alias(f"rows:{column}"))
        value = V.text(column)
        if (tab, column) in FILLED_FROM:
            value = pl.coalesce(value, FILLED_FROM[(tab, column)](frame))
        exprs.append((rows & value.is_not_null()).sum().alias(f"filled:{column}"))
    counts = frame.select(exprs).row(0, named=True)
    return {c: int(counts[f"rows:{c}"]) for c in checked if counts[f"rows:{c}"] and not counts[f"filled:{c}"]}
