"""GEN-01: guest clusters proven by shared disks, and the ties their disks create.

Guests whose disks share a backing file (same path), the same raw LUN, or whose disks sit on
a SCSI controller with bus sharing next to a partner's disk, form one guest cluster (bond
edges; the core closes them into faux clusters). A bus-sharing controller blocks live
migration (virtualSharing always; physicalSharing before ESXi 6.0 or VM hardware 11), so its
guests are pinned to their host; virtualSharing also forces all nodes onto one host.
"""

from __future__ import annotations

import polars as pl

from ..estate import Estate
from .base import Detector, Effect, Finding, GuestEdge, HostEdge, Need, RuleContext, RuleInfo, RuleOutput, Severity
from .frames import frame, guest_scope, timing

VSPHERE_REF = (
    "https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-windows-server-failover/"
    "GUID-7291B20B-33A6-4E9C-A041-72ED68D385BB.html"
)

GEN01 = RuleInfo(
    id="GEN-01",
    title="Guest cluster on shared disks",
    severity=Severity.HIGH,
    effects=frozenset({Effect.EVACUATION, Effect.STORAGE_MIGRATION, Effect.HOST_BACKUP}),
    summary=(
        "Two or more guests share a disk (same backing file or the same raw LUN): they form one guest "
        "cluster, whose nodes must be handled together in every host maintenance."
    ),
    remediation=(
        "Prefer an application-level replica (SQL Server Always On availability groups, Exchange DAG) "
        "that needs no shared disk; otherwise keep the nodes on different hosts with DRS rules and a "
        "supported shared-disk type (physical-mode RDM or clustered VMDK)."
    ),
    references=(VSPHERE_REF,),
    needs=(Need("vsphere", "vDisk", ("Path",), "shared disks are only visible in vDisk"),),
    platforms=("vsphere",),
)

BUS_SHARING = RuleInfo(
    id="VMW-01",
    title="SCSI bus sharing blocks live migration",
    severity=Severity.CRITICAL,
    effects=frozenset({Effect.LIVE_MIGRATION, Effect.EVACUATION, Effect.STORAGE_MIGRATION}),
    summary=(
        "A SCSI controller with bus sharing cannot be moved with vMotion (virtualSharing never; "
        "physicalSharing only from ESXi 6.0 with VM hardware 11): the guest must be powered off "
        "for every maintenance of its host."
    ),
    remediation=(
        "Replace the shared-bus cluster by an application-level replica; if shared disks must stay, "
        "use physicalSharing with physical-mode RDMs across hosts on ESXi 6.0+ and hardware 11+."
    ),
    references=(
        "https://developer.broadcom.com/xapis/vsphere-web-services-api/8.0U3/vim.fault.SharedBusControllerNotSupported.html",
        VSPHERE_REF,
    ),
    needs=(Need("vsphere", "vDisk", ("Shared Bus",), "RVTools 3.10+ writes the controller's bus sharing"),),
    platforms=("vsphere",),
)


def _esxi_major(version: str | None) -> int | None:
    if not version:
        return None
    try:
        return int(version.split(".")[0])
    except ValueError:
        return None


def _hw(version: str | None) -> int | None:
    if not version:
        return None
    digits = "".join(ch for ch in version if ch.isdigit())
    return int(digits) if digits else None


def detect(estate: Estate, ctx: RuleContext) -> RuleOutput:
    out = RuleOutput()
    disks = frame(estate, "disks")
    if disks.is_empty():
        return out
    guests = frame(estate, "guests").select(
        "guest_key", "name", "host_key", "power_state", "template", "hw_version", "platform", "cluster_key"
    )
    hosts = frame(estate, "hosts").select("host_key", "version", name_host="name")
    # Hyper-V shared disks are HYV-01 / HYV-02 (rules/hyperv.py), with Hyper-V evidence and coverage.
    disks = disks.join(guests, on="guest_key", how="inner").filter(pl.col("platform") != "hyperv")
    disks = disks.with_columns(scope=guest_scope())

    # Bonds: the same backing file, or the same raw LUN, on two or more guests.
    for key, label in (("path", "Path"), ("lun_id", "Raw LUN ID")):
        shared = (
            disks.filter(pl.col(key).is_not_null())
            .group_by("scope", key)
            .agg(pl.col("guest_key").unique(maintain_order=True), pl.col("name").unique(maintain_order=True),
                 pl.col("row").first())
            .filter(pl.col("guest_key").list.len() >= 2)
        )
        for row in shared.iter_rows(named=True):
            members = row["guest_key"]
            for other in members[1:]:
                out.bonds.append(GuestEdge(members[0], other, GEN01.id))

    # Per guest: shared disks and bus-sharing controllers.
    bonded = {g for e in out.bonds for g in (e.a, e.b)}
    per_guest = (
        disks.with_columns(
            is_shared=pl.col("path").is_duplicated().over("scope") | (
                pl.col("lun_id").is_not_null() & pl.col("lun_id").is_duplicated().over("scope")),
        )
        .group_by("guest_key")
        .agg(
            pl.col("name").first(), pl.col("host_key").first(), pl.col("power_state").first(),
            pl.col("template").first(), pl.col("hw_version").first(),
            shared_rows=pl.col("row").filter(pl.col("is_shared")),
            shared_paths=pl.col("path").filter(pl.col("is_shared")).unique(maintain_order=True),
            bus=pl.col("bus_sharing").filter(pl.col("bus_sharing").is_in(["physical", "virtual"])).unique(),
            bus_rows=pl.col("row").filter(pl.col("bus_sharing").is_in(["physical", "virtual"])),
            controllers=pl.col("controller").filter(pl.col("bus_sharing").is_in(["physical", "virtual"])).unique(),
        )
        .filter(pl.col("guest_key").is_in(list(bonded)) | (pl.col("bus").list.len() > 0))
        .join(hosts, on="host_key", how="left")
    )
    for g in per_guest.iter_rows(named=True):
        when = timing(g["power_state"], g["template"])
        if g["guest_key"] in bonded:
            paths = ", ".join(g["shared_paths"][:3]) + (" …" if len(g["shared_paths"]) > 3 else "")
            out.findings.append(Finding(
                rule=GEN01.id, severity=GEN01.severity, guest_key=g["guest_key"], host_key=g["host_key"],
                evidence=f"vDisk rows {_rows(g['shared_rows'])}: Path shared with another guest ({paths})",
                timing=when, effects=GEN01.effects, remediation=GEN01.remediation,
            ))
        if not g["bus"]:
            continue
        modes = sorted(g["bus"])
        major, hw = _esxi_major(g["version"]), _hw(g["hw_version"])
        migratable = modes == ["physical"] and major is not None and major >= 6 and hw is not None and hw >= 11
        controllers = ", ".join(sorted(c for c in g["controllers"] if c)) or "a controller"
        gate = (
            f"ESXi {g['version'] or 'version unknown'}, VM hardware {g['hw_version'] or 'unknown'}"
        )
        evidence = (
            f"vDisk rows {_rows(g['bus_rows'])}: Shared Bus = {'/'.join(m + 'Sharing' for m in modes)} on "
            f"{controllers}; {gate}"
        )
        if g["guest_key"] not in bonded:
            evidence += "; no partner guest shares its disks in this export (partners in another vCenter?)"
        if migratable:
            out.findings.append(Finding(
                rule=BUS_SHARING.id, severity=Severity.MEDIUM, guest_key=g["guest_key"], host_key=g["host_key"],
                evidence=evidence + " (vMotion possible with conditions)", timing=when,
                effects=frozenset({Effect.STORAGE_MIGRATION, Effect.HOST_BACKUP}), remediation=BUS_SHARING.remediation,
            ))
            continue
        out.findings.append(Finding(
            rule=BUS_SHARING.id, severity=BUS_SHARING.severity, guest_key=g["guest_key"], host_key=g["host_key"],
            evidence=evidence, timing=when, effects=BUS_SHARING.effects, remediation=BUS_SHARING.remediation,
        ))
        if g["host_key"] is not None and when != "hygiene":
            out.pins.append(HostEdge(g["guest_key"], g["host_key"], BUS_SHARING.id))
    return out


def _rows(rows: list[int]) -> str:
    rows = sorted(set(int(r) for r in rows if r is not None))
    text = ", ".join(str(r) for r in rows[:5])
    return text + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


DETECTORS = (Detector((GEN01, BUS_SHARING), detect),)
