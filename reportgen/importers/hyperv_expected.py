"""Objects that a Hyper-V host's VMs cannot all lack: an empty list of them is a failed read, not "none".

Files made by hand carry no collector status, so a Get-VMHardDiskDrive file with no rows (the command
failed, was not run elevated, or was filtered to nothing) looks exactly like VMs without virtual disks,
and the shared-disk and local-storage checks would read clean. A VM without any virtual disk exists
(network boot) but a node on which no VM has one does not happen in practice: such a node is a gap.
The collector's per-object status already says this for its own bundles, so they are left to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from ..estate import DataIssue
from . import hyperv_values as H
from .hyperv_status import PER_VM, Gap, empty_vm_gaps

if TYPE_CHECKING:
    from .hyperv_map import HyperVMapper

DISKS = "Get-VMHardDiskDrive"


def diskless_nodes(m: HyperVMapper, guests: pl.DataFrame, hosts: pl.DataFrame,
                   manifest: dict[str, object] | None) -> list[Gap]:
    """Gaps for the nodes whose VMs have no virtual disk at all in an export without a collector status."""
    frame = m.obj(DISKS)
    if frame is None or guests.is_empty() or (manifest is not None and isinstance(manifest.get("status"), list)):
        return []
    if frame.height and "ComputerName" not in frame.columns:
        return []  # rows that name no node: which node lacks them cannot be told
    listed = set(frame.select(H.host_key(pl.col("ComputerName"))).to_series().drop_nulls().to_list()) \
        if frame.height else set()
    names = dict(zip(hosts["host_key"].to_list(), hosts["name"].to_list())) if hosts.height else {}
    counts = guests.filter(pl.col("host_key").is_not_null()).group_by("host_key").len().sort("host_key")
    gaps: list[Gap] = []
    for host_key, vms in counts.iter_rows():
        if host_key in listed:
            continue
        node = H.node_label(str(host_key), names)
        why = f"no virtual disk listed for any of its {vms} VM(s)"
        gaps.append(Gap(DISKS, node, "failed", why))
        m.issues.append(DataIssue(
            "warning", m.raw.file, f"{DISKS} lists no virtual disk for any of the {vms} VM(s) on {node}: the command "
            "failed or was not run elevated there, so the checks that need the VMs' disks are not assessed on it. "
            f"Export it again elevated ('Get-VM | {DISKS} | Export-Csv …'), or run the collector",
            sheet=", ".join(m.raw.files.get(DISKS, [DISKS])), rows=vms, quoted=(node,)))
    return gaps


def vmless_nodes(m: HyperVMapper, guests: pl.DataFrame, hosts: pl.DataFrame,
                 manifest: dict[str, object] | None) -> list[Gap]:
    """Gaps for the nodes that the per-VM files name (their disks, adapters) but whose Get-VM file lists no VM:
    that file was empty or not read, so the node's VMs are missing, never absent."""
    if manifest is not None and isinstance(manifest.get("status"), list) or not hosts.height:
        return []
    with_vms = set(guests["host_key"].drop_nulls().to_list()) if guests.height else set()
    named: dict[str, int] = {}
    for obj in PER_VM:
        frame = m.obj(obj)
        if frame is not None and frame.height and "ComputerName" in frame.columns:
            for key in frame.select(H.host_key(pl.col("ComputerName"))).to_series().drop_nulls().to_list():
                named[key] = named.get(key, 0) + 1
    names = dict(zip(hosts["host_key"].to_list(), hosts["name"].to_list()))
    gaps: list[Gap] = []
    for key, rows in sorted(named.items()):
        if key in with_vms or key not in names:
            continue
        node = H.node_label(key, names)
        gaps.extend(empty_vm_gaps(node, f"no VM listed, though {rows} row(s) of its VMs' disks or adapters are"))
        m.issues.append(DataIssue(
            "error", m.raw.file, f"Get-VM lists no VM on {node}, though {rows} row(s) of other files (disks, "
            "adapters) belong to VMs there: its Get-VM file is empty or was not read, so the checks that need its "
            "VMs are not assessed there. Export Get-VM on that host again, elevated",
            sheet=", ".join(m.raw.files.get("Get-VM", ["Get-VM"])), rows=rows, quoted=(node,)))
    return gaps
