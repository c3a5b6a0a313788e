"""Mapping the Hyper-V host objects (Get-VMHost, Get-ClusterNode, Win32_Processor, Win32_OperatingSystem,
Get-VMHostSupportedVersion, Get-VMSan, Get-HgsGuardian, Get-HgsClientConfiguration) onto the canonical
``hosts`` table, keyed ``hyperv/<COMPUTERNAME>``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from . import hyperv_values as H
from . import values as V
from .hyperv_affinity import vm_sans
from .hyperv_guardians import host_guardians
from .hyperv_status import WHOLE, Gap
from .hyperv_versions import supported_versions

if TYPE_CHECKING:
    from .hyperv_map import HyperVMapper


def hosts(m: HyperVMapper, guests: pl.DataFrame) -> pl.DataFrame:
    names: list[pl.DataFrame] = []

    def collect(obj: str, column: str, rank: int) -> None:
        f = m.obj(obj)
        if f is not None and column in f.columns:
            names.append(f.select(host_key=H.host_key(V.text(column)), name=V.text(column),
                                  rank=pl.lit(rank)))

    collect("Get-VMHost", "Name", 0)
    collect("Get-VMHost", "ComputerName", 1)
    collect("Get-ClusterNode", "Name", 2)
    collect("Get-VM", "ComputerName", 3)
    collect("Get-VMSwitch", "ComputerName", 4)
    collect("Win32_Processor", "SystemName", 5)
    collect("Win32_OperatingSystem", "CSName", 6)
    for node in _list(m.raw.manifest, "nodes_reached") + _list(m.raw.manifest, "nodes_not_reached"):
        names.append(pl.DataFrame({"host_key": [f"hyperv/{node.upper().split('.')[0]}"], "name": [node],
                                   "rank": [7]}))
    if not names:
        return pl.DataFrame()
    hosts = (pl.concat([n.with_columns(pl.col("rank").cast(pl.Int32)) for n in names])
             .filter(pl.col("host_key").is_not_null()).sort("rank")
             .group_by("host_key", maintain_order=True).agg(pl.col("name").first()))
    hosts = hosts.join(_cluster_membership(m), on="host_key", how="left")
    hosts = hosts.join(_host_details(m), on="host_key", how="left")
    hosts = hosts.join(_cpus(m), on="host_key", how="left")
    hosts = hosts.join(_os(m), on="host_key", how="left")
    hosts = hosts.join(supported_versions(m, hosts), on="host_key", how="left")
    hosts = hosts.join(vm_sans(m), on="host_key", how="left")
    hosts = hosts.join(host_guardians(m), on="host_key", how="left")
    dotted = pl.col("name").str.to_lowercase()  # 'hv01.corp.example' as the export names the host
    dotted = pl.when(dotted.str.contains(r"^[^.]+\.[^.]+") & ~dotted.str.contains(r"^\d{1,3}(\.\d{1,3}){3}$")).then(dotted)
    hosts = hosts.with_columns(fqdn=pl.coalesce(pl.col("fqdn"), dotted) if "fqdn" in hosts.columns else dotted)
    hosts = finish_hosts(m, hosts).with_columns(
        platform=pl.lit("hyperv"),
        cluster_key=pl.when(pl.col("cluster").is_null()).then(None)
        .otherwise(pl.concat_str(pl.lit("hyperv/"), pl.col("cluster").str.to_uppercase())),
        source_id=pl.lit(m.source_id, pl.Int32),
    )
    return hosts


def _cluster_membership(m: HyperVMapper) -> pl.DataFrame:
    f = m.obj("Get-ClusterNode")
    f = _named_nodes(m, f) if f is not None else None
    listed = _manifest_nodes(m)
    if f is None or f.is_empty():
        return listed
    state = H.text(f, "State").str.to_lowercase()
    rows = f.select(
        host_key=H.host_key(V.text("Name")),
        cluster=pl.coalesce(H.text(f, "Cluster"), pl.lit(m.cluster_name, pl.String)),
        in_maintenance=pl.when(state == "paused").then(True).when(state == "up").then(False).otherwise(None),
        node_build=H.text(f, "BuildNumber"),
        node_version=pl.concat_str(H.text(f, "MajorVersion"), pl.lit("."), H.text(f, "MinorVersion"),
                                   pl.lit("."), H.text(f, "BuildNumber")),
    ).filter(pl.col("host_key").is_not_null()).unique(subset=["host_key"], keep="first")
    m.used["Get-ClusterNode"] = rows.height
    # A node whose row was lost (no Name) is still a node of the cluster the collector's manifest names.
    return pl.concat([rows, listed.filter(~pl.col("host_key").is_in(rows["host_key"].implode()))], how="diagonal")


def _manifest_nodes(m: HyperVMapper) -> pl.DataFrame:
    """The nodes the collector's manifest names, as members of its cluster (none without a cluster)."""
    nodes = _list(m.raw.manifest, "nodes_reached") + _list(m.raw.manifest, "nodes_not_reached")
    if not m.cluster_name:
        nodes = []
    return pl.DataFrame({"host_key": [f"hyperv/{n.upper().split('.')[0]}" for n in nodes],
                         "cluster": [m.cluster_name] * len(nodes), "in_maintenance": [None] * len(nodes)},
                        schema={"host_key": pl.String, "cluster": pl.String, "in_maintenance": pl.Boolean})


def _named_nodes(m: HyperVMapper, f: pl.DataFrame) -> pl.DataFrame:
    """The node rows that name their node; the others are skipped, and without them which hosts are nodes of the
    cluster is unknown (every check comparing a node with the others is then not assessed)."""
    named = m.keep("Get-ClusterNode", f, H.host_key(V.text("Name")).is_not_null(),
                   "the node has no Name, so which host it is is unknown", column="Name")
    # A row with the node's Id or State but no Name is a node lost; a blank row or a note typed under the table is not.
    nameless = f.filter(H.host_key(V.text("Name")).is_null())
    lost = nameless.filter(pl.any_horizontal(H.text(f, "Id").is_not_null(), H.text(f, "State").is_not_null())).height
    if lost:
        m.gaps.append(Gap("Get-ClusterNode", WHOLE, "partial",
                          f"{lost} of {named.height + lost} node row(s) have no Name: which hosts are nodes of the "
                          "cluster is unknown"))
    return named


def _host_details(m: HyperVMapper) -> pl.DataFrame:
    f = m.obj("Get-VMHost")
    if f is None:
        return pl.DataFrame(schema={"host_key": pl.String})
    key = H.host_key(H.first_text(f, "ComputerName", "Name"))
    rows = f.select(
        host_key=key,
        live_migration=H.boolean(f, "VirtualMachineMigrationEnabled"),
        memory_mib=H.memory_mib(f, "MemoryCapacity"),
        numa_spanning=H.boolean(f, "NumaSpanningEnabled"),
        fqdn=H.text(f, "FullyQualifiedDomainName").str.to_lowercase(),
    ).filter(pl.col("host_key").is_not_null()).unique(subset=["host_key"], keep="first")
    m.unparsed("Get-VMHost", f, {"MemoryCapacity": H.memory_mib(f, "MemoryCapacity"),
                                 **{c: V.boolean(c) for c in ("VirtualMachineMigrationEnabled", "NumaSpanningEnabled")
                                    if c in f.columns}})
    m.used["Get-VMHost"] = rows.height
    return rows


def _cpus(m: HyperVMapper) -> pl.DataFrame:
    f = m.obj("Win32_Processor")
    if f is None:
        return pl.DataFrame(schema={"host_key": pl.String})
    rows = f.select(host_key=H.host_key(V.text("SystemName")), model=H.text(f, "Name"),
                    n=H.integer(f, "NumberOfCores", pl.Int32()), socket=H.text(f, "DeviceID"))
    rows = rows.filter(pl.col("host_key").is_not_null())
    m.unparsed("Win32_Processor", f, {"NumberOfCores": V.decimal("NumberOfCores")})
    m.used["Win32_Processor"] = rows.height
    return rows.group_by("host_key").agg(
        cpu_model=pl.col("model").drop_nulls().str.replace_all(r"\s+", " ").first(),
        cores=pl.col("n").sum().cast(pl.Int32),
        sockets=pl.when(pl.col("socket").is_null().any()).then(None)
        .otherwise(pl.col("socket").n_unique()).cast(pl.Int32))


def _os(m: HyperVMapper) -> pl.DataFrame:
    f = m.obj("Win32_OperatingSystem")
    if f is None:
        return pl.DataFrame(schema={"host_key": pl.String, "product": pl.String, "version": pl.String,
                                    "build": pl.String})
    rows = f.select(host_key=H.host_key(V.text("CSName")), product=H.text(f, "Caption"),
                    version=H.text(f, "Version"), build=H.text(f, "BuildNumber"))
    rows = rows.filter(pl.col("host_key").is_not_null()).unique(subset=["host_key"], keep="first")
    m.used["Win32_OperatingSystem"] = rows.height
    return rows


def finish_hosts(m: HyperVMapper, hosts: pl.DataFrame) -> pl.DataFrame:
    """Version and build from the cluster node list when no OS object was exported."""
    if "node_build" in hosts.columns:
        hosts = hosts.with_columns(build=pl.coalesce("build", "node_build"),
                                   version=pl.coalesce("version", "node_version"))
    build = pl.col("build").cast(pl.Int64, strict=False)
    if "versions_unknown" not in hosts.columns:
        hosts = hosts.with_columns(versions_unknown=pl.lit(None, pl.Boolean))
    # A node whose list is not fully shown has an unknown highest version: its OS build must not stand in for it.
    shown = ~pl.col("versions_unknown").fill_null(False)
    return hosts.with_columns(
        product=pl.coalesce("product", build.replace_strict(H.BUILD_PRODUCT, default=None,
                                                            return_dtype=pl.String)),
        max_vm_version=pl.when(shown).then(pl.coalesce("max_vm_version", build.replace_strict(
            H.BUILD_VM_VERSION, default=None, return_dtype=pl.String))),
    ).drop("versions_unknown")


def _list(manifest: dict[str, object] | None, key: str) -> list[str]:
    value = (manifest or {}).get(key)
    return [str(v) for v in value if v] if isinstance(value, list) else []
