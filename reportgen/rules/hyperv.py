"""Hyper-V rules on storage and devices: shared VHDX / VHD Set guest clusters (HYV-01, HYV-02) and whether
their nodes are kept apart (HYV-16),
virtual Fibre Channel (HYV-03), pass-through disks (HYV-04), local storage (HYV-08), DDA
(HYV-10), GPU partitions (HYV-11) and host-bound DVD drives (HYV-12).

Network and placement rules (HYV-05 … HYV-07, HYV-09, HYV-13 … HYV-15) are in
:mod:`.hyperv_placement`. Evidence names the Hyper-V object (cmdlet), its row and the
properties seen.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ..causes import RuleCause
from ..estate import Estate
from ..schema import RVTOOLS_FORMATS
from .records import (
    Detector,
    Effect,
    Finding,
    GuestEdge,
    HostEdge,
    Location,
    Need,
    RuleContext,
    RuleInfo,
    RuleOutput,
    Severity,
)
from .tables import frame
from .timing import timing

DOCS = "https://learn.microsoft.com/windows-server/virtualization/hyper-v"
LM, EVAC, HA = Effect.LIVE_MIGRATION, Effect.EVACUATION, Effect.RESTART
SVM, BKP = Effect.STORAGE_MIGRATION, Effect.HOST_BACKUP
DISKS = "Get-VMHardDiskDrive"
REPLICA_COPIES = {"replica": "Replica", "extended-replica": "ExtendedReplica"}
"""Replication modes of the off copies Hyper-V Replica keeps of a primary VM (see :mod:`.hyperv_replica`)."""
CLUSTER_NODES = Need("hyperv", "Get-ClusterNode", ("Name",), "which hosts are nodes of each cluster", if_present=True)
"""Rules that compare a VM's node with the other nodes of its cluster: a node list without names leaves every host
looking standalone."""


def _info(id: str, title: str, severity: Severity, effects: set[Effect], summary: str, remediation: str,
          references: tuple[str, ...], needs: tuple[Need, ...], limits: str = "") -> RuleInfo:
    return RuleInfo(id=id, title=title, severity=severity, effects=frozenset(effects), summary=summary,
                    remediation=remediation, references=references, needs=needs, platforms=("hyperv",),
                    limits=limits)


HYV01 = _info(
    "HYV-01", "Guest cluster on a shared VHDX", Severity.MEDIUM, {SVM, BKP},
    "Two or more VMs attach the same .vhdx with persistent reservations (shared VHDX): they form one guest "
    "cluster. The VMs can live-migrate inside the host cluster, but the shared disk cannot be storage-migrated, "
    "replicated, checkpointed or backed up at host level.",
    "Convert the shared VHDX to a VHD Set (.vhds) during a planned outage; keep the nodes apart with "
    "AntiAffinityClassNames, or replace the shared disk by an application replica (SQL Server Always On).",
    ("https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-R2-and-2012/dn281956(v=ws.11)",
     f"{DOCS}/manage/create-vhdset-file"),
    (Need("hyperv", DISKS, ("Path",), "shared VHDX shows in Get-VMHardDiskDrive"),
     Need("hyperv", DISKS, ("SupportPersistentReservations",),
          "without it a shared VHDX that only one VM of the export attaches is not seen", optional=True)),
)
HYV02 = _info(
    "HYV-02", "Guest cluster on a VHD Set", Severity.LOW, {SVM},
    "Two or more VMs attach the same VHD Set (.vhds): one guest cluster. VHD Sets keep live migration, "
    "replication and checkpoints; the nodes still have to be handled together in host maintenance.",
    "Keep the nodes on different hosts (AntiAffinityClassNames) so that a host maintenance fails over one node "
    "at a time.",
    (f"{DOCS}/manage/create-vhdset-file",),
    (Need("hyperv", DISKS, ("Path",), "VHD Sets show as .vhds paths in Get-VMHardDiskDrive"),),
)
HYV03 = _info(
    "HYV-03", "Virtual Fibre Channel adapter", Severity.MEDIUM, {BKP, SVM},
    "The VM reaches SAN LUNs through a virtual Fibre Channel adapter. Live migration works only when both WWPN "
    "sets (A and B) are zoned and every destination host has a virtual SAN of the same name; the LUNs are outside "
    "host-level backup and checkpoints.",
    "Verify zoning and LUN masking of WWPN set B and the virtual SAN name on every node, or move the data to a "
    "VHD Set on a Cluster Shared Volume.",
    (f"{DOCS}/plan/virtual-fibre-channel-for-hyper-v",),
    (Need("hyperv", "Get-VMFibreChannelHba", (), "virtual Fibre Channel adapters"),
     Need("hyperv", "Get-VMSan", ("SanName",), "the virtual SANs of every node; without them the finding is "
          "conditional", optional=True)),
    limits="zoning is not in the export; the virtual SANs of the other nodes are checked only where Get-VMSan was "
    "read on every node of the cluster",
)
HYV04 = _info(
    "HYV-04", "Pass-through physical disk", Severity.HIGH, {LM, EVAC, SVM, BKP},
    "A physical disk of the host is passed through to the VM (DiskNumber set): no live migration, no storage "
    "migration, no checkpoints. The VM must be shut down for every maintenance of its host.",
    "Convert the pass-through disk to a VHDX on a Cluster Shared Volume; use virtual Fibre Channel or in-guest "
    "iSCSI if the guest needs raw SCSI access.",
    ("https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-R2-and-2012/hh831435(v=ws.11)",),
    (Need("hyperv", DISKS, ("DiskNumber",), "pass-through disks show as DiskNumber"),),
)
HYV08 = _info(
    "HYV-08", "VM on local storage", Severity.HIGH, {LM, EVAC, HA},
    "The VM's configuration or disks are on a local drive of its host, not on a Cluster Shared Volume or an SMB "
    "share: node drain and Cluster-Aware Updating do not move it, and it cannot restart elsewhere if the host "
    "fails. Only a manual shared-nothing live migration (copying the disks) can move it.",
    "Storage-migrate the VM to a Cluster Shared Volume or a Scale-Out File Server share and make it highly "
    "available; otherwise document the shutdown runbook.",
    (f"{DOCS}/manage/use-live-migration-without-failover-clustering-to-move-a-virtual-machine",),
    (Need("hyperv", "Get-VM", ("ConfigurationLocation", "State"), "the VM's configuration path, and whether it runs"),
     Need("hyperv", DISKS, ("Path",), "the VM's disk paths")),
)
HYV10 = _info(
    "HYV-10", "Device assigned to the VM (DDA)", Severity.CRITICAL, {LM, EVAC},
    "A PCIe device of the host (GPU, NVMe, NIC) is assigned to the VM with Discrete Device Assignment: no live "
    "migration, no save/restore, no high availability before Windows Server 2025 GPU pools.",
    "Use GPU partitioning (GPU-P) or identical devices on every node with a Windows Server 2025 GPU pool; "
    "otherwise plan the VM's downtime for every host maintenance.",
    (f"{DOCS}/plan/plan-for-deploying-devices-using-discrete-device-assignment",
     f"{DOCS}/deploy/use-gpu-with-clustered-vm"),
    (Need("hyperv", "Get-VMAssignableDevice", (), "assigned devices (cmdlet missing before Windows Server 2016)"),),
)
HYV11 = _info(
    "HYV-11", "GPU partition (GPU-P)", Severity.MEDIUM, {LM, EVAC},
    "The VM uses a partition of a host GPU. Before Windows Server 2025 it cannot live-migrate; on 2025 only "
    "between hosts with a suitable GPU and IOMMU support, otherwise it is restarted where GPU resources exist.",
    "Keep identical GPUs on every node and Windows Server 2025, or plan the restart in each host maintenance.",
    (f"{DOCS}/gpu-partitioning",),
    (Need("hyperv", "Get-VMGpuPartitionAdapter", (), "GPU partitions (cmdlet missing before Windows Server 2022)"),),
)
HYV12 = _info(
    "HYV-12", "DVD drive bound to the host", Severity.MEDIUM, {LM, EVAC},
    "The VM's DVD drive passes through the host's optical drive, or mounts an ISO from a local drive: the "
    "destination host has neither, so live migration and failover fail or leave the VM misconfigured.",
    "Eject the media, or keep ISO files on a Cluster Shared Volume or an SMB share.",
    (f"{DOCS}/manage/use-live-migration-without-failover-clustering-to-move-a-virtual-machine",),
    (Need("hyperv", "Get-VMDvdDrive", ("DvdMediaType",), "DVD drives and their media"),
     Need("hyperv", "Get-VM", ("State",), "whether each VM runs (tied now or at next power-on)"),),
)

HYV16 = _info(
    "HYV-16", "Guest cluster nodes not kept apart", Severity.MEDIUM, set(),
    "The VMs of a guest cluster (one shared VHDX or VHD Set) are cluster roles without an anti-affinity class in "
    "common: nothing stops failover, node drain or placement from putting them on the same host, whose "
    "maintenance or failure then stops the whole guest cluster.",
    "Give the nodes' cluster groups a common AntiAffinityClassNames value (or a DifferentNode cluster affinity "
    "rule, Windows Server 2022 and later) and keep their preferred owners on different hosts.",
    ("https://learn.microsoft.com/windows-server/failover-clustering/cluster-affinity",),
    (Need("hyperv", "Get-ClusterGroup", ("Name", "GroupType", "AntiAffinityClassNames"),
          "anti-affinity classes of each VM role"),
     Need("hyperv", "Get-VM", ("IsClustered",), "which VMs are cluster roles"),
     Need("hyperv", DISKS, ("Path",), "shared disks show which VMs form a guest cluster"), CLUSTER_NODES,
     Need("hyperv", "Get-ClusterAffinityRule", ("Groups", "Enabled"), "DifferentNode affinity rules (Windows Server 2022 and "
          "later) that keep the nodes apart; without them such a guest cluster is reported", optional=True)),
    limits="VM groups whose AntiAffinityClassNames is unknown (written as a type name by a hand-made export) are "
    "not checked; DifferentFaultDomain rules are not taken as keeping nodes apart",
)

_LOCAL = r"^[A-Za-z]:\\"
_CSV = r"(?i)^[a-z]:\\clusterstorage\\"


def _local(path: pl.Expr) -> pl.Expr:
    return path.str.contains(_LOCAL) & ~path.str.contains(_CSV)


def cluster_name() -> pl.Expr:
    """A hosts frame's cluster as the export names it, one spelling per cluster key (its first host's).

    Shown and used in a cause's identity instead of parsing the cluster key ('hyperv/<CLUSTER>').
    """
    return pl.col("cluster").first().over("cluster_key")


def cluster_id() -> pl.Expr:
    """A hosts frame's cluster as a cause's identity names it: :func:`cluster_name`, or its key where two clusters
    of the estate have that name (two domains' CL1)."""
    shared = pl.col("cluster_key").n_unique().over(pl.col("cluster").str.to_lowercase()) > 1
    return pl.when(shared).then(pl.col("cluster_key")).otherwise(cluster_name())


def host_id() -> pl.Expr:
    """A hosts frame's host as a cause's identity names it: its name as the export gives it, or its key where
    another host of the estate has that name too (two clusters' HV01), so that their causes stay apart."""
    shared = pl.col("host_key").n_unique().over(pl.col("name").str.to_lowercase()) > 1
    return pl.when(shared).then(pl.col("host_key")).otherwise(pl.col("name"))


def scoped(g: dict[str, Any], what: str) -> str:
    """``what`` (a drive, a switch ...) of guest ``g``'s host as a cause's identity: '<host>/<what>'."""
    return f"{g['host_id']}/{what}"


def hyperv_guests(estate: Estate) -> pl.DataFrame:
    """The Hyper-V guests with the facts rules need, and their host's name and cluster."""
    guests = frame(estate, "guests").filter(pl.col("platform") == "hyperv")
    hosts = frame(estate, "hosts").select("host_key", host_name="name", host_cluster="cluster_key",
                                          host_build="build", host_cluster_name=cluster_name(), host_id=host_id(),
                                          host_cluster_id=cluster_id())
    return guests.join(hosts, on="host_key", how="left")


def _rows(rows: list[int | None]) -> str:
    shown = sorted({int(r) for r in rows if r is not None})
    text = ", ".join(str(r) for r in shown[:5])
    return text + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")


def _tie(out: RuleOutput, info: RuleInfo, g: dict[str, object], evidence: str, *, severity: Severity | None = None,
         pin: bool = False, strand: bool = False, cause: RuleCause | None = None,
         effects: frozenset[Effect] | None = None, source: Location | None = None, remediation: str = "",
         targets: list[str] | None = None, restart_unknown: str = "") -> None:
    """One finding for guest ``g``, and its pin / strand edges to the guest's host.

    ``source`` is the tab and rows the evidence starts with; ``remediation`` replaces the catalogue's when the
    facts seen name what to do (the nodes to upgrade); ``targets`` the host keys it can still move to
    (:attr:`Finding.targets`).

    A Replica copy (HYV-17) is not a guest to move: its ties are said, but hold no host.
    """
    when = timing(g["power_state"], g["template"])  # type: ignore[arg-type]
    guest, host = str(g["guest_key"]), g["host_key"]
    mode = REPLICA_COPIES.get(str(g.get("replication_mode")))
    if mode:
        evidence += (f"; a Hyper-V Replica copy (ReplicationMode = {mode}): the tie applies once it "
                     "is failed over to, and does not hold its host now")
        pin = strand = False
    out.findings.append(Finding(
        rule=info.id, severity=severity or info.severity, evidence=evidence, guest_key=guest,
        host_key=host if isinstance(host, str) else None, timing=when, effects=effects or info.effects,
        remediation=remediation or info.remediation, cause=cause, source=source,
        targets=None if targets is None or pin else tuple(t for t in targets if t != host),
        restart_unknown=restart_unknown,
    ))
    if isinstance(host, str) and when != "hygiene":
        if pin:
            out.pins.append(HostEdge(guest, host, info.id, cause))
        if strand:
            out.strands.append(HostEdge(guest, host, info.id, cause))


def shared_disks(estate: Estate, ctx: RuleContext) -> RuleOutput:
    """HYV-01 / HYV-02: bonds between the VMs of one shared VHDX or VHD Set."""
    out = RuleOutput()
    guests = hyperv_guests(estate)
    disks = frame(estate, "disks").join(guests, on="guest_key", how="inner").filter(
        pl.col("path").is_not_null() & pl.col("passthrough_disk").is_null())
    if disks.is_empty():
        return out
    disks = disks.with_columns(
        scope=pl.when(pl.col("path").str.starts_with("\\\\")).then(pl.lit("unc"))
        .otherwise(pl.coalesce("cluster_key", "host_key", pl.lit("?"))),
        key=pl.col("path").str.to_lowercase(),
    )
    groups = disks.group_by("scope", "key", maintain_order=True).agg(
        pl.col("path").first(), pl.col("vhd_set").fill_null(False).any().alias("set"),
        pl.col("persistent_reservations").fill_null(False).any().alias("pr"),
        pl.col("persistent_reservations").is_not_null().any().alias("pr_known"),
        pl.col("source_id").first(),
        members=pl.col("guest_key").unique(maintain_order=True),
        names=pl.col("name").unique(maintain_order=True),
        hosts=pl.col("host_key").unique(),
    ).filter(pl.col("set") | pl.col("pr") | (pl.col("members").list.len() >= 2))
    if groups.is_empty():
        return out
    tabs = _disk_tabs(estate)
    per_guest: dict[str, list[tuple[RuleInfo, dict[str, Any]]]] = {}
    for grp in groups.iter_rows(named=True):
        members = grp["members"]
        rule = HYV02 if grp["set"] else HYV01
        for other in members[1:]:
            out.bonds.append(GuestEdge(members[0], other, rule.id))
        for key in members:
            per_guest.setdefault(key, []).append((rule, grp))
    disks = disks.join(groups.select("scope", "key"), on=["scope", "key"], how="semi")
    rows = disks.group_by("guest_key", maintain_order=True).agg(pl.col("row"), pl.col("key"))
    rows_of = {r["guest_key"]: dict(zip(r["key"], r["row"])) for r in rows.iter_rows(named=True)}
    for g in guests.filter(pl.col("guest_key").is_in(list(per_guest))).iter_rows(named=True):
        for rule, grp in per_guest[g["guest_key"]]:
            others = [n for n in grp["names"] if n != g["name"]]
            flag = ("VHD Set (.vhds)" if rule is HYV02 else "SupportPersistentReservations = True" if grp["pr"]
                    else "SupportPersistentReservations not True (only one of the VMs can run at a time)"
                    if grp["pr_known"] else "SupportPersistentReservations not in the export")
            at = Location(tabs.get(grp["source_id"], DISKS), f"row {rows_of[g['guest_key']].get(grp['key'])}")
            evidence = f"{at}: {flag}, Path = {grp['path']}; "
            severity = rule.severity
            if others:
                evidence += f"also attached to {', '.join(others)}"
                if len(grp["hosts"]) == 1:
                    evidence += " on the same host (cluster in a box)"
                    severity = severity.escalate()
            else:
                evidence += "no other VM in this export attaches it (partners on another host or cluster?)"
            _tie(out, rule, g, evidence, severity=severity, source=at)
    host_names = frame(estate, "hosts").select("host_key", "name")
    _not_kept_apart(out, guests, groups, dict(zip(host_names["host_key"].to_list(), host_names["name"].to_list())))
    return out


def _not_kept_apart(out: RuleOutput, guests: pl.DataFrame, groups: pl.DataFrame, hosts: dict[str, str]) -> None:
    """HYV-16: the clustered nodes of one guest cluster share no anti-affinity class."""
    facts = {g["guest_key"]: g for g in guests.iter_rows(named=True)}
    seen: set[frozenset[str]] = set()
    for grp in groups.iter_rows(named=True):
        members = [facts[k] for k in grp["members"] if k in facts]
        key = frozenset(m["guest_key"] for m in members)
        if len(members) < 2 or key in seen or not all(m["is_clustered"] for m in members):
            continue
        seen.add(key)
        clusters = {m["host_cluster"] for m in members}
        classes = [m["anti_affinity"] for m in members]
        if len(clusters) != 1 or None in clusters or any(c is None for c in classes):
            continue  # not one failover cluster, or classes unknown (said in the rule's limits)
        if set(classes[0]).intersection(*(set(c) for c in classes[1:])):
            continue
        rules = [m.get("apart_rules") for m in members]
        if all(r is not None for r in rules) and set(rules[0] or ()).intersection(*(set(r or ()) for r in rules[1:])):
            continue  # one DifferentNode affinity rule names every node's group
        names = ", ".join(str(m["name"]) for m in members)
        together = _same_first_preference(members, hosts)
        for m in members:
            own = ", ".join(m["anti_affinity"]) or "none"
            rule = ("no cluster affinity rules in the export" if m.get("apart_rules") is None
                    else "no DifferentNode affinity rule names every node")
            _tie(out, HYV16, m, f"Get-ClusterGroup {m['name']}: AntiAffinityClassNames = {own}; "
                 f"{_preferred(m, hosts)}; {rule}; the guest cluster {names} ({grp['path']}) shares no class, so its "
                 f"nodes can be placed on one host" + together)


def _preferred(g: dict[str, Any], hosts: dict[str, str]) -> str:
    """The preferred owners of a VM's group as evidence: in order, none set, or not in the export."""
    owners = g.get("preferred_owners")
    if owners is None:
        return "preferred owners not in the export"
    if not owners:
        return "Get-ClusterOwnerNode: no preferred owners"
    return "Get-ClusterOwnerNode: preferred owners = " + ", ".join(
        owner_names(owners, g.get("preferred_owner_names"), hosts))


def owner_names(keys: list[str], written: list[str] | None, hosts: dict[str, str]) -> list[str]:
    """Owner nodes by name: the host's name where the export has the host, else the name the owner list gave."""
    given = written if written is not None and len(written) == len(keys) else keys
    return [hosts.get(k, n) for k, n in zip(keys, given)]


def _same_first_preference(members: list[dict[str, Any]], hosts: dict[str, str]) -> str:
    """Said when every node prefers the same host first: failover picks that host first for each of them."""
    firsts = {(m.get("preferred_owners") or [None])[0] for m in members}
    if len(firsts) != 1 or None in firsts:
        return ""
    first = owner_names(members[0]["preferred_owners"], members[0].get("preferred_owner_names"), hosts)[0]
    return (f"; every node lists {first} first among its preferred owners, so "
            "failover picks that host first for each of them")


def _disk_tabs(estate: Estate) -> dict[int, str]:
    """The tab that holds the disks of each RVTools-shaped source (vDisk; Get-VMHardDiskDrive elsewhere)."""
    sources = frame(estate, "sources")
    return {int(s): "vDisk" for s, f in zip(sources["source_id"], sources["format"]) if f in RVTOOLS_FORMATS}


def storage(estate: Estate, ctx: RuleContext) -> RuleOutput:
    """HYV-04 pass-through disks and HYV-08 local storage."""
    out = RuleOutput()
    guests = hyperv_guests(estate)
    if guests.is_empty():
        return out
    disks = frame(estate, "disks").join(guests.select("guest_key"), on="guest_key", how="semi")
    passthrough = disks.filter(pl.col("passthrough_disk").is_not_null()).group_by("guest_key").agg(
        pl.col("passthrough_disk"), pt_rows=pl.col("row"))
    local_disks = disks.filter(pl.col("passthrough_disk").is_null() & _local(pl.col("path"))).group_by(
        "guest_key").agg(pl.col("path"), pl.col("row"), pl.col("datastore").drop_nulls().first())
    g_all = guests.join(passthrough, on="guest_key", how="left").join(
        local_disks.rename({"path": "local_paths", "row": "local_rows"}), on="guest_key", how="left")
    g_all = g_all.filter(
        pl.col("passthrough_disk").is_not_null() | pl.col("local_paths").is_not_null()
        | _local(pl.col("config_path")).fill_null(False) | _local(pl.col("snapshot_dir")).fill_null(False))
    tabs = _disk_tabs(estate)
    for g in g_all.iter_rows(named=True):
        clustered = g["is_clustered"]
        if g["passthrough_disk"]:
            numbers = ", ".join(str(n) for n in g["passthrough_disk"])
            at = Location(DISKS, f"row {_rows(g['pt_rows'])}")
            evidence = f"{at}: DiskNumber = {numbers} (physical disk of {g['host_name']})"
            if clustered is None:
                evidence += "; IsClustered unknown"
            severity = HYV04.severity if clustered else Severity.CRITICAL
            effects = HYV04.effects | ({HA} if clustered is False else set())
            # A clustered VM fails over with its pass-through disk only when the disk is a cluster disk of its role,
            # which no export shows: its restart after a failure of its host is not known, never assumed.
            _tie(out, HYV04, g, evidence, severity=severity, pin=True, strand=clustered is False,
                 effects=frozenset(effects), source=at, restart_unknown="" if clustered is False else (
                     "pass-through disk; check whether it is a cluster disk" if clustered else
                     "pass-through disk, IsClustered unknown; check whether the VM is a cluster role and the disk "
                     "a cluster disk"))
        config = [p for p in (g["config_path"], g["snapshot_dir"]) if p and _is_local(p)]
        if g["local_paths"] or config:
            parts: list[tuple[Location, str]] = []
            if config:
                vm_tab = "vInfo" if g["source_id"] in tabs else "Get-VM"
                parts.append((Location(vm_tab, f"row {g['row']}"), f"ConfigurationLocation = {config[0]}"))
            if g["local_paths"]:
                parts.append((Location(tabs.get(g["source_id"], DISKS), f"row {_rows(g['local_rows'])}"),
                              f"Path = {g['local_paths'][0]}"
                              + (f" and {len(g['local_paths']) - 1} more" if len(g["local_paths"]) > 1 else "")))
            volume = g["datastore"] or _drive(config[0] if config else g["local_paths"][0], g["host_name"])
            # Two clusters' HV01 each have a 'D: on HV01': the drive is named with its host's key there.
            identity = volume if g["host_id"] == g["host_name"] else scoped(g, volume)
            _tie(out, HYV08, g, "; ".join(f"{at}: {text}" for at, text in parts)
                 + " (a local drive, not a Cluster Shared Volume or SMB share)",
                 pin=True, strand=True, cause=RuleCause("datastore", identity, volume), source=parts[0][0])
    return out


def _is_local(path: str) -> bool:
    return len(path) > 2 and path[1] == ":" and path[0].isalpha() and not path.lower()[3:].startswith("clusterstorage\\")


def _drive(path: str, host: object) -> str:
    return f"{path[:2].upper()} on {host}"


def devices(estate: Estate, ctx: RuleContext) -> RuleOutput:
    """HYV-10 DDA, HYV-11 GPU-P and HYV-12 host-bound DVD drives (HYV-03 vFC: :mod:`.hyperv_san`)."""
    out = RuleOutput()
    guests = hyperv_guests(estate)
    found = frame(estate, "devices").join(guests, on="guest_key", how="inner").filter(
        (pl.col("kind") != "cd") | pl.col("bound_to_host").fill_null(False))
    if found.is_empty():
        return out
    for d in found.iter_rows(named=True):
        kind, clustered = d["kind"], d["is_clustered"]
        if kind == "dda":
            effects = HYV10.effects | ({HA} if clustered is False else set())
            at = Location("Get-VMAssignableDevice", f"row {d['row']}")
            _tie(out, HYV10, d, f"{at}: LocationPath = {d['detail'] or 'unknown'} "
                 f"assigned from {d['host_name']}; IsClustered = {_yes_no(clustered)}",
                 pin=True, strand=clustered is False, effects=frozenset(effects), source=at)
        elif kind == "gpu":
            modern = (d["host_build"] or "").isdigit() and int(d["host_build"]) >= 26100
            at = Location("Get-VMGpuPartitionAdapter", f"row {d['row']}")
            evidence = f"{at}: GPU partition of {d['host_name']}"
            if modern:
                _tie(out, HYV11, d, evidence + " (Windows Server 2025: live migration possible with matching GPUs)",
                     severity=Severity.LOW, source=at)
            else:
                _tie(out, HYV11, d, evidence + f" (host build {d['host_build'] or 'unknown'}: before Windows "
                     "Server 2025, no live migration)", pin=True, source=at)
        elif kind == "cd" and d["bound_to_host"]:
            what = ("DvdMediaType = PassThrough (the host's optical drive)" if d["backing"] == "host"
                    else f"DvdMediaType = ISO, Path = {d['detail']} (a local drive of {d['host_name']})")
            at = Location("Get-VMDvdDrive", f"row {d['row']}")
            _tie(out, HYV12, d, f"{at}: {what}", pin=True, source=at)
    return out


def _yes_no(value: object) -> str:
    return "unknown" if value is None else str(bool(value))


DETECTORS = (
    Detector((HYV01, HYV02, HYV16), shared_disks),
    Detector((HYV04, HYV08), storage),
    Detector((HYV10, HYV11, HYV12), devices),
)
