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
from .hyperv_status import Gap

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
        node = names.get(host_key) or str(host_key).split("/")[-1]
        why = f"no virtual disk listed for any of its {vms} VM(s)"
        gaps.append(Gap(DISKS, node, "failed", why))
        m.issues.append(DataIssue(
            "warning", m.raw.file, f"{DISKS} lists no virtual disk for any of the {vms} VM(s) on {node}: the command "
            "failed or was not run elevated there, so the checks that need the VMs' disks are not assessed on it. "
            f"Export it again elevated ('Get-VM | {DISKS} | Export-Csv …'), or run the collector",
            sheet=", ".join(m.raw.files.get(DISKS, [DISKS])), rows=vms, quoted=(node,)))
    return gaps
