"""Hyper-V rules on how VMs are hosted rather than what ties them: Replica copies, which are not
guests to move (HYV-17), hosts that keep each VM inside one NUMA node (HYV-18) and VM roles a SameNode
affinity rule keeps on one node (HYV-19).

All are context: they tie no guest to a host. A Replica copy's other findings are still shown
(the tie its primary takes on after a failover) but hold no host (see ``hyperv._tie``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl

from ..estate import Estate
from .hyperv import DOCS, REPLICA_COPIES, _info, cluster_name, hyperv_guests
from .records import Detector, Finding, Location, Need, RuleContext, RuleOutput, Severity
from .tables import frame
from .timing import timing

GIB = 1024
"""MiB in a GiB."""

HYV17 = _info(
    "HYV-17", "Hyper-V Replica copy", Severity.INFO, set(),
    "The VM is the copy Hyper-V Replica keeps of a primary VM on another server: it stays off until a failover. "
    "It is not a guest to move in host maintenance; its ties (other findings) are the ones its primary takes on "
    "after a failover, and they hold no host now.",
    "Nothing to move. Give the Replica server the same shared storage and switches as the primary's hosts, so "
    "that a failover does not start the VM with a tie; check the primary's own findings where it is audited.",
    (f"{DOCS}/manage/set-up-hyper-v-replica",),
    (Need("hyperv", "Get-VM", ("ReplicationMode",), "which VMs are Replica copies"),),
    limits="without ReplicationMode every Replica copy is audited as if it were a guest that runs",
)
HYV18 = _info(
    "HYV-18", "NUMA spanning disabled on a host", Severity.LOW, set(),
    "NUMA spanning is off on the host: each VM must get its memory and virtual processors from one NUMA node. "
    "A VM larger than the free part of any one NUMA node cannot start there, so failover and node drain can "
    "fail to place VMs on this host even when the host as a whole has room.",
    "Turn NUMA spanning on (Set-VMHost -NumaSpanningEnabled $true, then restart the Virtual Machine Management "
    "service) unless a workload needs it off; keep it the same on every node of a cluster.",
    ("https://learn.microsoft.com/powershell/module/hyper-v/set-vmhost",
     f"{DOCS}/manage/manage-hyper-v-scheduler-types"),
    (Need("hyperv", "Get-VMHost", ("NumaSpanningEnabled",), "NUMA spanning of each host"),
     Need("hyperv", "Get-VM", (), "the VMs whose memory is compared with the host's")),
    limits="NUMA node sizes are not collected: the memory per socket is shown as a guide, not as the node size",
)


HYV19 = _info(
    "HYV-19", "VM roles kept on one node by an affinity rule", Severity.MEDIUM, set(),
    "A SameNode cluster affinity rule keeps the VM on the same node as the other roles it names: they move "
    "together in drain and failover, and the maintenance or failure of that node stops all of them at once.",
    "Check that the roles really must share a node; if not, remove the rule (Remove-ClusterAffinityRule) or make "
    "it a DifferentNode rule for roles that back each other up.",
    ("https://learn.microsoft.com/windows-server/failover-clustering/cluster-affinity",
     "https://learn.microsoft.com/powershell/module/failoverclusters/new-clusteraffinityrule"),
    (Need("hyperv", "Get-ClusterAffinityRule", ("Name", "RuleType", "Groups", "Enabled"), "affinity rules (Windows Server "
          "2022 and later; none before)"),
     Need("hyperv", "Get-VM", (), "the VMs whose groups the rules name")),
    limits="only enabled rules count; a rule whose Enabled value is not understood is named in data quality",
)


def hosting(estate: Estate, ctx: RuleContext) -> RuleOutput:
    """HYV-17 Replica copies, HYV-18 hosts without NUMA spanning and HYV-19 SameNode affinity rules."""
    out = RuleOutput()
    guests = hyperv_guests(estate)
    if guests.is_empty():
        return out
    for g in guests.filter(pl.col("replication_mode").is_in(list(REPLICA_COPIES))).iter_rows(named=True):
        mode = REPLICA_COPIES[g["replication_mode"]]
        at = Location("Get-VM", f"row {g['row']}")
        out.findings.append(Finding(
            rule=HYV17.id, severity=HYV17.severity, guest_key=g["guest_key"], host_key=g["host_key"],
            evidence=f"{at}: ReplicationMode = {mode}, State = {_state(g['power_state'])} on "
            f"{g['host_name']}: not counted as a guest to move", timing=timing(g["power_state"], g["template"]),
            remediation=HYV17.remediation, source=at))
    _numa(out, frame(estate, "hosts").filter(pl.col("platform") == "hyperv").with_columns(cluster_name=cluster_name()),
          guests)
    _together(out, guests)
    return out


def _together(out: RuleOutput, guests: pl.DataFrame) -> None:
    """HYV-19: one finding per VM that a SameNode rule names, with the other VMs of the rule."""
    named = guests.filter(pl.col("together_rules").list.len() > 0)
    members: dict[str, list[str]] = defaultdict(list)
    for g in named.iter_rows(named=True):
        for rule in g["together_rules"]:
            members[rule].append(str(g["name"]))
    for g in named.iter_rows(named=True):
        parts = [f"{rule} with {', '.join(n for n in members[rule] if n != g['name']) or 'no other VM of the export'}"
                 for rule in g["together_rules"]]
        out.findings.append(Finding(
            rule=HYV19.id, severity=HYV19.severity, guest_key=g["guest_key"], host_key=g["host_key"],
            evidence=f"Get-ClusterAffinityRule (SameNode, enabled): {'; '.join(parts)}",
            timing=timing(g["power_state"], g["template"]), remediation=HYV19.remediation))


def _state(power_state: object) -> str:
    return {"poweredOn": "Running", "poweredOff": "Off", "suspended": "Saved"}.get(str(power_state), "unknown")


def _numa(out: RuleOutput, hosts: pl.DataFrame, guests: pl.DataFrame) -> None:
    """HYV-18: one host-level finding per host with NumaSpanningEnabled = False."""
    if hosts.is_empty() or not hosts["numa_spanning"].eq(False).any():
        return
    peers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for h in hosts.iter_rows(named=True):
        peers[h["cluster_key"] or h["host_key"]].append(h)
    vms = guests.filter(pl.col("replication_mode").is_null() | ~pl.col("replication_mode").is_in(list(REPLICA_COPIES)))
    for h in hosts.filter(pl.col("numa_spanning").eq(False)).iter_rows(named=True):
        scope = h["cluster_key"] or h["host_key"]
        others = [p for p in peers[scope] if p["host_key"] != h["host_key"]]
        evidence = f"Get-VMHost {h['name']}: NumaSpanningEnabled = False"
        if others:
            seen = ", ".join(f"{p['name']}: {_on_off(p['numa_spanning'])}" for p in others)
            evidence += f" (other nodes of {h['cluster_name']}: {seen})"
        where = pl.col("host_key") == h["host_key"]
        if h["cluster_key"]:  # and the cluster roles that failover or drain can bring
            where = where | ((pl.col("host_cluster") == h["cluster_key"]) & pl.col("is_clustered").fill_null(False))
        severity, evidence = _largest(h, vms.filter(where), evidence)
        out.findings.append(Finding(rule=HYV18.id, severity=severity, evidence=evidence, host_key=h["host_key"],
                                    remediation=HYV18.remediation))


def _largest(h: dict[str, Any], vms: pl.DataFrame, evidence: str) -> tuple[Severity, str]:
    """The largest VM that may run on the host, against the host's memory per socket (a guide to a NUMA node)."""
    memory, sockets = h["memory_mib"], h["sockets"]
    sized = vms.filter(pl.col("memory_mib").is_not_null()).sort("memory_mib", descending=True)
    if sized.is_empty() or not memory or not sockets:
        return HYV18.severity, evidence + "; the host's memory per socket is unknown"
    top = sized.row(0, named=True)
    share = memory / sockets
    evidence += (f"; {h['name']} has {_gib(memory)} GiB in {sockets} socket(s), {_gib(share)} GiB per socket; the "
                 f"largest VM that can run there, {top['name']}, starts with {_gib(top['memory_mib'])} GiB")
    if top["memory_mib"] > share:
        bigger = sized.filter(pl.col("memory_mib") > share)["name"].to_list()
        shown = ", ".join(bigger[:5]) + (f" and {len(bigger) - 5} more" if len(bigger) > 5 else "")
        return Severity.MEDIUM, evidence + f"; more than one socket's share: {shown}"
    return HYV18.severity, evidence


def _gib(mib: float) -> str:
    return f"{mib / GIB:g}" if mib % GIB == 0 else f"{mib / GIB:.1f}"


def _on_off(value: object) -> str:
    return "unknown" if value is None else ("True" if value else "False")


DETECTORS = (Detector((HYV17, HYV18, HYV19), hosting),)
