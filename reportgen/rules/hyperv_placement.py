"""Hyper-V rules on networks and placement: Private and Internal switches (HYV-05, HYV-06),
External switches missing on some nodes (HYV-07), non-clustered VMs on cluster nodes
(HYV-09), processor compatibility (HYV-13), configuration versions (HYV-14) and possible
owners (HYV-15).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl

from ..causes import RuleCause
from ..estate import Estate
from .hyperv import CLUSTER_NODES, DOCS, EVAC, HA, LM, _info, _tie, hyperv_guests, owner_names, scoped
from .records import Detector, GuestEdge, Location, Need, RuleContext, RuleOutput, Severity
from .tables import frame

NETWORKING = f"{DOCS}/plan/plan-hyper-v-networking-in-windows-server"
KB2956020 = "https://mskb.pkisolutions.com/en-us/help/2956020"
NICS = "Get-VMNetworkAdapter"
SWITCH_NEEDS = (Need("hyperv", NICS, ("SwitchName", "ComputerName"), "which switch each VM adapter uses, on which "
                     "host"),
                Need("hyperv", "Get-VMSwitch", ("Name", "SwitchType", "ComputerName"), "the switches of each host "
                     "and their types"),
                Need("hyperv", "Get-VM", ("State", "ComputerName"), "where each VM runs, and whether it runs"))

HYV05 = _info(
    "HYV-05", "VM on a Private virtual switch", Severity.HIGH, {LM, EVAC},
    "A Private switch connects only the VMs of one host. VMs that talk over it (often a guest-cluster "
    "heartbeat) must stay together on that host, and moving one cuts it off from its peers.",
    "Move the traffic to a VLAN on an External switch (or SET team) present on every node.",
    (NETWORKING, KB2956020), SWITCH_NEEDS,
)
HYV06 = _info(
    "HYV-06", "VM on an Internal virtual switch", Severity.HIGH, {LM, EVAC},
    "An Internal switch connects the VMs of one host with that host only: services that depend on the host's "
    "internal address tie the VM to the host.",
    "Move the traffic to a VLAN on an External switch present on every node.",
    (NETWORKING, KB2956020), SWITCH_NEEDS,
)
HYV07 = _info(
    "HYV-07", "Virtual switch missing on some cluster nodes", Severity.MEDIUM, {LM, EVAC},
    "A VM is connected to a switch name that some nodes of its cluster do not have: live migration or failover "
    "to those nodes fails or leaves the adapter disconnected.",
    "Create the switch with the same name on every node (or connect the adapter to a switch every node has).",
    (KB2956020,), (*SWITCH_NEEDS, CLUSTER_NODES),
    limits="nodes without any Get-VMSwitch row are not counted as missing the switch",
)
HYV09 = _info(
    "HYV-09", "VM is not a cluster role on a cluster node", Severity.HIGH, {EVAC, HA},
    "The VM runs on a failover-cluster node but is not clustered (IsClustered = False): node drain and "
    "Cluster-Aware Updating do not move it, its AutomaticStopAction applies at every node reboot, and it does "
    "not restart elsewhere if the node fails.",
    "Make the VM highly available (Add-ClusterVirtualMachineRole; its files must be on shared storage), or move "
    "it off the cluster.",
    ("https://learn.microsoft.com/powershell/module/failoverclusters/suspend-clusternode",
     "https://learn.microsoft.com/powershell/module/clusterawareupdating/invoke-caurun"),
    (Need("hyperv", "Get-VM", ("IsClustered",), "IsClustered of each VM"),
     Need("hyperv", "Get-ClusterNode", ("Name",), "which hosts are cluster nodes")),
)
HYV13 = _info(
    "HYV-13", "Processor compatibility off in a cluster of different CPUs", Severity.HIGH, {LM, EVAC},
    "Processor compatibility is off while the cluster's nodes have different CPU models: live migration to a "
    "node with another CPU fails its pre-flight check.",
    "Enable processor compatibility during a planned shutdown, or keep each cluster on one CPU model.",
    (f"{DOCS}/manage/processor-compatibility-mode-hyper-v",),
    (Need("hyperv", "Get-VMProcessor", ("CompatibilityForMigrationEnabled",), "processor compatibility per VM"),
     Need("hyperv", "Win32_Processor", ("Name", "SystemName"), "the CPU model of each host"), CLUSTER_NODES),
)
HYV14 = _info(
    "HYV-14", "VM configuration version not supported by every node", Severity.MEDIUM, {LM, EVAC, HA},
    "The VM's configuration version is above what some nodes of its cluster support (a mixed-version cluster "
    "during an OS upgrade): the VM cannot run on those nodes.",
    "Upgrade the nodes that cannot run the VM's configuration version to a Windows Server release that can, then "
    "run Update-ClusterFunctionalLevel (a project); the VM needs no change, and a configuration version cannot be "
    "lowered. Update other VMs' configuration versions only once every node runs them.",
    (f"{DOCS}/deploy/upgrade-virtual-machine-version-in-hyper-v-on-windows-or-windows-server",),
    (Need("hyperv", "Get-VM", ("Version",), "the configuration version of each VM"), CLUSTER_NODES,
     Need("hyperv", "Get-VMHostSupportedVersion", ("Version",), "the configuration versions each node supports",
          if_present=True)),
    limits="without Get-VMHostSupportedVersion the highest version of a node is inferred from its OS build",
)
HYV15 = _info(
    "HYV-15", "VM role restricted to some cluster nodes", Severity.HIGH, {EVAC, HA},
    "The possible owners of the VM's cluster resource exclude some nodes: drain and failover cannot place it "
    "there; with a single possible owner it is pinned to that node.",
    "Widen the possible owners; separate guest-cluster nodes with AntiAffinityClassNames instead.",
    ("https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-R2-and-2012/dn440540(v=ws.11)",),
    (Need("hyperv", "Get-ClusterOwnerNode", ("VMId", "PossibleOwners"), "possible owners of each VM resource"),
     CLUSTER_NODES),
)


def switches(estate: Estate, ctx: RuleContext) -> RuleOutput:
    """HYV-05, HYV-06, HYV-07: host-only switches and switch names missing on cluster nodes."""
    out = RuleOutput()
    guests = hyperv_guests(estate)
    nics = frame(estate, "nics").filter(pl.col("network").is_not_null()).join(guests, on="guest_key", how="inner")
    if nics.is_empty():
        return out
    nets = frame(estate, "networks").filter(pl.col("switch_kind").str.starts_with("hyperv"))
    nics = nics.join(nets.select("host_key", "network", "switch_kind"), on=["host_key", "network"], how="left")
    # HYV-05 / HYV-06: VMs on a Private or Internal switch of their host.
    local = nics.filter(pl.col("switch_kind").is_in(["hyperv-private", "hyperv-internal"]))
    groups = local.group_by("host_key", "network", "switch_kind", maintain_order=True).agg(
        members=pl.col("guest_key").unique(maintain_order=True), names=pl.col("name").unique(maintain_order=True),
        host_name=pl.col("host_name").first(), host_id=pl.col("host_id").first())
    peers = {(r["host_key"], r["network"]): r for r in groups.iter_rows(named=True)}
    done: set[tuple[str, str, str]] = set()
    for g in local.iter_rows(named=True):
        if (g["guest_key"], g["host_key"], g["network"]) in done:
            continue
        done.add((g["guest_key"], g["host_key"], g["network"]))
        grp = peers[(g["host_key"], g["network"])]
        private = g["switch_kind"] == "hyperv-private"
        rule = HYV05 if private else HYV06
        others = [n for n in grp["names"] if n != g["name"]]
        kind = "Private" if private else "Internal"
        at = Location(NICS, f"row {g['row']}")
        evidence = (f"{at}: SwitchName = {g['network']}; Get-VMSwitch on {g['host_name']}: "
                    f"SwitchType = {kind}")
        evidence += f"; also used by {', '.join(others)} on that host" if others else "; no other VM uses it"
        severity = Severity.CRITICAL if private and others else rule.severity
        _tie(out, rule, g, evidence, severity=severity, pin=True, cause=_host_switch(g), source=at)
    for grp in groups.iter_rows(named=True):
        members = grp["members"]
        if grp["switch_kind"] == "hyperv-private" and len(members) >= 2:
            cause = _host_switch(grp)
            for other in members[1:]:
                out.colocations.append(GuestEdge(members[0], other, HYV05.id, cause))
            out.suspected.append(tuple(members))
    _missing_switches(out, nics, nets, frame(estate, "hosts"))
    return out


def _host_switch(row: dict[str, Any]) -> RuleCause:
    """A switch of one host, named as its findings name it: the host as the export names it, then the switch.

    The pins of the VMs on it and the colocations between them name the same cause, so fixing the
    switch is one remedy, whatever the host's key looks like.
    """
    return RuleCause("switch", scoped(row, str(row["network"])), row["network"], row["host_name"])


def _cluster_switch(row: dict[str, Any]) -> RuleCause:
    """A switch name a Hyper-V cluster's nodes should all have, named with the cluster as the export names it."""
    cluster = str(row["host_cluster_name"])
    return RuleCause("switch", f"{row['host_cluster_id']}/{row['network']}", row["network"], cluster)


def _missing_switches(out: RuleOutput, nics: pl.DataFrame, nets: pl.DataFrame, hosts: pl.DataFrame) -> None:
    """HYV-07: a clustered host's VM uses a switch name that other nodes of the cluster lack.

    Only nodes with Get-VMSwitch rows count: a node that was not read is not 'missing' a switch.
    """
    nodes = hosts.filter((pl.col("platform") == "hyperv") & pl.col("cluster_key").is_not_null()).select(
        "host_key", node="name", host_cluster="cluster_key")
    read = nodes.join(nets.select("host_key").unique(), on="host_key", how="semi")
    have = nets.select("host_key", "network").unique().join(read, on="host_key")
    per_net = have.group_by("host_cluster", "network").agg(present=pl.col("node").sort(),
                                                           present_keys=pl.col("host_key"))
    per_cluster = read.group_by("host_cluster").agg(known=pl.col("node").sort(), known_keys=pl.col("host_key"))
    members = nodes.group_by("host_cluster").agg(node_keys=pl.col("host_key"))
    candidates = (
        nics.filter((pl.col("switch_kind").is_null() | (pl.col("switch_kind") == "hyperv-external"))
                    & pl.col("host_cluster").is_not_null())
        .join(have.select("host_key", "network"), on=["host_key", "network"], how="semi")
        .join(per_net, on=["host_cluster", "network"]).join(per_cluster, on="host_cluster")
        .join(members, on="host_cluster")
        .filter(pl.col("present").list.len() < pl.col("known").list.len())
        .unique(subset=["guest_key", "network"], keep="first", maintain_order=True)
    )
    for g in candidates.iter_rows(named=True):
        lacking = [n for n in g["known"] if n not in g["present"]]
        alone = len(g["present"]) == 1
        at = Location(NICS, f"row {g['row']}")
        evidence = (f"{at}: SwitchName = {g['network']}; Get-VMSwitch: present on "
                    f"{', '.join(g['present'])}, missing on {', '.join(lacking)}")
        lacks = set(g["known_keys"]) - set(g["present_keys"])  # a node not read may have the switch
        _tie(out, HYV07, g, evidence, severity=Severity.HIGH if alone else HYV07.severity, pin=alone,
             cause=_cluster_switch(g), source=at, targets=[k for k in g["node_keys"] if k not in lacks])


def placement(estate: Estate, ctx: RuleContext) -> RuleOutput:
    """HYV-09, HYV-13, HYV-14, HYV-15: cluster membership, CPUs, versions and possible owners."""
    out = RuleOutput()
    guests = hyperv_guests(estate)
    if guests.is_empty():
        return out
    hosts = frame(estate, "hosts").filter(pl.col("platform") == "hyperv")
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for h in hosts.iter_rows(named=True):
        if h["cluster_key"]:
            members[h["cluster_key"]].append(h)
    names = dict(zip(hosts["host_key"].to_list(), hosts["name"].to_list()))
    clustered = pl.col("host_cluster").is_not_null()
    version = pl.col("hw_version").cast(pl.Float64, strict=False)
    lowest = hosts.group_by("cluster_key").agg(
        lowest=pl.col("max_vm_version").cast(pl.Float64, strict=False).min(), count=pl.len())
    guests = guests.join(lowest.rename({"cluster_key": "host_cluster"}), on="host_cluster", how="left").filter(
        clustered & (pl.col("is_clustered").not_() | pl.col("processor_compat").not_()
                     | (version > pl.col("lowest")).fill_null(False)
                     | (pl.col("possible_owners").list.len() < pl.col("count")).fill_null(False)))
    for g in guests.iter_rows(named=True):
        cluster = g["host_cluster"]
        nodes = members.get(cluster, []) if cluster else []
        if cluster and g["is_clustered"] is False:
            at = Location("Get-VM", f"row {g['row']}")
            _tie(out, HYV09, g, f"{at}: IsClustered = False on {g['host_name']}, a node of cluster "
                 f"{g['host_cluster_name']} (Get-ClusterNode); AutomaticStopAction = "
                 f"{g['automatic_stop_action'] or 'unknown'}", pin=True, strand=True, source=at)
        if cluster and g["processor_compat"] is False:
            _processor(out, g, nodes)
        if cluster and g["hw_version"]:
            _version(out, g, nodes)
        owners = g["possible_owners"]
        if owners is not None and nodes and 0 < len(owners) < len(nodes):
            shown = ", ".join(owner_names(owners, g["possible_owner_names"], names))
            evidence = (f"Get-ClusterOwnerNode: possible owners of the VM resource = {shown} "
                        f"({len(owners)} of {len(nodes)} nodes)")
            if len(owners) == 1:
                target = g if g["host_key"] in owners else dict(g, host_key=owners[0])
                _tie(out, HYV15, target, evidence, severity=Severity.CRITICAL, pin=True, strand=True)
            else:
                _tie(out, HYV15, g, evidence, severity=Severity.MEDIUM, targets=list(owners))
    return out


def version_key(version: str | None) -> tuple[int, ...] | None:
    """'9.0' -> (9, 0) for comparing configuration versions; None when not a version."""
    parts = (version or "").strip().split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def _norm(model: object) -> str:
    return " ".join(str(model).upper().split()) if model else ""


def _processor(out: RuleOutput, g: dict[str, Any], nodes: list[dict[str, Any]]) -> None:
    models: dict[str, str] = {n["name"]: _norm(n["cpu_model"]) for n in nodes if n["cpu_model"]}
    if len(set(models.values())) < 2:
        return
    mine = models.get(g["host_name"])
    same = [n for n, m in models.items() if m == mine and n != g["host_name"]]
    listing = "; ".join(f"{n}: {m}" for n, m in sorted(models.items()))
    evidence = (f"Get-VMProcessor: CompatibilityForMigrationEnabled = False; Win32_Processor models in the "
                f"cluster: {listing}")
    if mine and not same:
        _tie(out, HYV13, g, evidence + f"; no other node has the CPU of {g['host_name']}", pin=True,
             cause=RuleCause("cpu", str(g["host_id"]), where=str(g["host_name"])))
    elif mine:  # a node whose CPU model the export does not give may be a target too
        able = [n["host_key"] for n in nodes if _norm(n["cpu_model"]) in (mine, "")]
        _tie(out, HYV13, g, evidence + (f"; can move only to {', '.join(same)}" if same else ""), targets=able)
    else:
        _tie(out, HYV13, g, evidence)


def _version(out: RuleOutput, g: dict[str, Any], nodes: list[dict[str, Any]]) -> None:
    wanted = version_key(str(g["hw_version"]))
    known: list[tuple[str, tuple[int, ...]]] = []
    for node in nodes:
        supported = version_key(node["max_vm_version"])
        if supported is not None:
            known.append((node["name"], supported))
    if wanted is None or len(known) < 2:
        return
    able = [n for n, v in known if v >= wanted]
    unable = [f"{n} (up to {'.'.join(map(str, v))})" for n, v in known if v < wanted]
    if not unable:
        return
    # Another node whose highest version is unknown (its list not fully shown) may or may not run it: it is never
    # counted as unable, and the VM is not alone. Its own node, unknown, is taken as able: the VM is there.
    own = g["host_name"]
    unsure = [n["name"] for n in nodes if version_key(n["max_vm_version"]) is None and n["name"] != own]
    at = Location("Get-VM", f"row {g['row']}")
    evidence = (f"{at}: Version = {g['hw_version']}; nodes that cannot run it: {', '.join(unable)}"
                + (f"; not known for {', '.join(unsure)}" if unsure else ""))
    alone = [n for n in able if n != own] == [] and own not in {n for n, _ in known if n not in able} and not unsure
    names = [n for n, v in known if v < wanted]
    todo = (f"Upgrade {', '.join(names[:-1]) + ' and ' + names[-1] if len(names) > 1 else names[0]} to a Windows "
            f"Server release that runs configuration version {g['hw_version']}, then run Update-ClusterFunctionalLevel "
            f"(a project); {g['name']} needs no change (a configuration version cannot be lowered).")
    unable_keys = {n["host_key"] for n in nodes if (version_key(n["max_vm_version"]) or wanted) < wanted}
    _tie(out, HYV14, g, evidence + ("; only its own node can" if alone else ""),
         severity=Severity.HIGH if alone else HYV14.severity, pin=alone, strand=alone, source=at, remediation=todo,
         targets=[n["host_key"] for n in nodes if n["host_key"] not in unable_keys])


DETECTORS = (
    Detector((HYV05, HYV06, HYV07), switches),
    Detector((HYV09, HYV13, HYV14, HYV15), placement),
)
