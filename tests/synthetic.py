"""Synthetic estates of any size, built in memory as canonical tables (no export files).

Used by the report tests and by ``bench/report.py``, which puts only this folder on its path so that
it runs against the installed package. The estate is deterministic for a given size: 25 guests a
host, 16 hosts a cluster, owners from 24 teams (every 11th guest has none), every 13th guest powered
off, and ``cluster_share`` of the guests in two- and three-node guest clusters on shared disks,
alternately in a box (virtualSharing, one host) and across boxes (physicalSharing on old VM
hardware, pinned).
"""

from __future__ import annotations

import polars as pl
import pyarrow as pa

from reportgen import schema
from reportgen.estate import DataIssue, Estate, TabStatus
from reportgen.importers.rvtools_headers import KNOWN

TEAMS = tuple(f"team-{name}" for name in (
    "payments", "ledger", "crm", "hr", "web", "search", "identity", "mail", "erp", "bi", "warehouse", "billing",
    "support", "logistics", "pricing", "risk", "audit", "legal", "catalogue", "mobile", "portal", "data",
    "security", "print"))
UUID = "SYN-VC-0001"


def _table(name: str, frame: pl.DataFrame) -> pa.Table:
    return schema.conform(name, frame.to_arrow())


def synthetic_estate(guests: int, cluster_share: float = 0.03, issues: int | None = None) -> Estate:
    """A vSphere estate of ``guests`` guests with guest clusters, owners and a few data issues."""
    n_hosts = max(4, guests // 25)
    host_ids = pl.int_range(0, n_hosts, eager=True)
    hosts = pl.DataFrame({"h": host_ids}).with_columns(
        host_key=pl.format(UUID + "/esx{}.example.net", pl.col("h").cast(pl.Utf8).str.zfill(5)),
        name=pl.format("esx{}.example.net", pl.col("h").cast(pl.Utf8).str.zfill(5)),
        cluster_key=pl.format(UUID + "/DC1/CL{}", (pl.col("h") // 16).cast(pl.Utf8).str.zfill(3)),
        cluster=pl.format("CL{}", (pl.col("h") // 16).cast(pl.Utf8).str.zfill(3)),
        datacenter=pl.lit("DC1"), platform=pl.lit("vsphere"), version=pl.lit("7.0.3"),
        product=pl.lit("VMware ESXi 7.0.3 build-21930508"), memory_mib=pl.lit(524288, pl.Int64),
        source_id=pl.lit(0, pl.Int32),
    )

    n_clustered = int(guests * cluster_share)
    g = pl.DataFrame({"i": pl.int_range(0, guests, eager=True)})
    # Guest clusters: the first n_clustered guests, in groups of 2 (every 5th group has 3 nodes).
    sizes = []
    total = 0
    while total + 2 <= n_clustered:
        size = 3 if len(sizes) % 5 == 4 and total + 3 <= n_clustered else 2
        sizes.append(size)
        total += size
    group = [j for j, size in enumerate(sizes) for _ in range(size)]
    node = [t for size in sizes for t in range(size)]
    spread = max(1, n_hosts // max(1, len(sizes)))
    g = g.with_columns(
        group=pl.Series([*group, *([None] * (guests - len(group)))], dtype=pl.Int64),
        node=pl.Series([*node, *([None] * (guests - len(node)))], dtype=pl.Int64),
    ).with_columns(
        across=(pl.col("group") % 2 == 1),
        h=pl.when(pl.col("group").is_null()).then(pl.col("i") % n_hosts)
        .otherwise(((pl.col("group") * spread) + pl.when(pl.col("group") % 2 == 1).then(pl.col("node"))
                    .otherwise(0)) % n_hosts),
    )
    g = g.join(hosts.select("h", "host_key", "cluster_key", "cluster"), on="h", how="left")
    stem = pl.when(pl.col("group").is_null()).then(
        pl.format("app{}", pl.col("i").cast(pl.Utf8).str.zfill(6))
    ).otherwise(pl.format("sqlfc{}-n{}", pl.col("group").cast(pl.Utf8).str.zfill(4), pl.col("node") + 1))
    guest_table = g.with_columns(
        guest_key=pl.format(UUID + "/vm-{}", pl.col("i")), vcenter_scope=pl.lit(UUID), name=stem, datacenter=pl.lit("DC1"),
        platform=pl.lit("vsphere"),
        power_state=pl.when(pl.col("i") % 13 == 12).then(pl.lit("poweredOff")).otherwise(pl.lit("poweredOn")),
        template=pl.lit(False),
        owner=pl.when(pl.col("i") % 11 == 10).then(pl.lit(None, pl.Utf8))
        .otherwise(pl.lit(pl.Series(TEAMS)).gather(pl.col("i") % len(TEAMS))),
        vcpus=pl.lit(4, pl.Int32), memory_mib=pl.lit(8192, pl.Int64),
        hw_version=pl.when(pl.col("group").is_null()).then(pl.lit("vmx-19")).otherwise(pl.lit("vmx-10")),
        os=pl.lit("Microsoft Windows Server 2019 (64-bit)"),
        vm_id=pl.format("vm-{}", pl.col("i")), server=pl.lit("vcenter.example.net"),
        source_id=pl.lit(0, pl.Int32), row=(pl.col("i") + 2).cast(pl.Int32),
    )

    own_disks = guest_table.select(
        "guest_key", label=pl.lit("Hard disk 1"), controller=pl.lit("SCSI controller 0"),
        controller_type=pl.lit("VMware paravirtual SCSI"), bus_sharing=pl.lit("none"), sharing_mode=pl.lit("none"),
        raw=pl.lit(False), path=pl.format("[ds-{}] {}/{}.vmdk", pl.col("cluster"), pl.col("name"), pl.col("name")),
        datastore=pl.format("ds-{}", pl.col("cluster")), capacity_mib=pl.lit(102400, pl.Int64),
        source_id=pl.lit(0, pl.Int32), row=(pl.col("i") + 2).cast(pl.Int32),
    )
    shared_disks = guest_table.filter(pl.col("group").is_not_null()).select(
        "guest_key", label=pl.lit("Hard disk 2"), controller=pl.lit("SCSI controller 1"),
        controller_type=pl.lit("LSI Logic SAS"),
        bus_sharing=pl.when(pl.col("across")).then(pl.lit("physical")).otherwise(pl.lit("virtual")),
        sharing_mode=pl.lit("none"), raw=pl.col("across"),
        path=pl.format("[shared-{}] sqlfc{}/quorum.vmdk", pl.col("cluster"), pl.col("group")),
        datastore=pl.format("shared-{}", pl.col("cluster")), capacity_mib=pl.lit(1024, pl.Int64),
        source_id=pl.lit(0, pl.Int32), row=(guests + pl.col("i") + 2).cast(pl.Int32),
    )
    disks = pl.concat([own_disks, shared_disks], how="diagonal_relaxed")

    sources = pl.DataFrame({
        "source_id": [0], "file": [f"synthetic-{guests}.xlsx"], "format": ["rvtools-xlsx"], "platform": ["vsphere"],
        "tool": ["RVTools"], "tool_version": ["4.7.1.4"], "server": ["vcenter.example.net"], "server_uuid": [UUID],
        "rows_read": [guests * 2 + n_hosts], "rows_used": [guests * 2 + n_hosts], "rows_skipped": [0],
    })
    n_issues = issues if issues is not None else max(1, guests // 2000)
    data_issues = tuple(
        DataIssue("warning", f"synthetic-{guests}.xlsx", "Memory is not a number; left unknown", sheet="vInfo",
                  row=10 + k, column="Memory")
        for k in range(n_issues)
    )
    columns = {"vInfo": frozenset({"VM", "Host", "Powerstate"}), "vHost": frozenset({"Host", "Cluster"}),
               "vDisk": frozenset({"Path", "Shared Bus", "Controller"})}
    tabs = tuple(TabStatus(0, tab, True, guests, guests, cols) for tab, cols in columns.items())
    return Estate(
        tables={
            "sources": _table("sources", sources),
            "hosts": _table("hosts", hosts),
            "guests": _table("guests", guest_table),
            "disks": _table("disks", disks),
        },
        issues=data_issues, tabs=tabs,
    )


def estate_from_rows(hosts: list[dict[str, object]], guests: list[dict[str, object]],
                     disks: list[dict[str, object]], issues: tuple[DataIssue, ...] = (),
                     file: str = "hand-built.xlsx") -> Estate:
    """A small vSphere estate from rows of canonical columns (keys and sources filled in)."""
    host_rows = [{"host_key": f"{UUID}/{h['name']}", "platform": "vsphere", "source_id": 0, "version": "7.0.3",
                  "cluster_key": f"{UUID}/DC1/{h['cluster']}" if h.get("cluster") else None, **h} for h in hosts]
    names = {h["name"]: h for h in host_rows}
    guest_rows = []
    for i, g in enumerate(guests):
        host = names.get(str(g.get("host")))
        row = {"guest_key": f"{UUID}/vm-{i + 1}", "platform": "vsphere", "source_id": 0, "power_state": "poweredOn",
               "template": False, "hw_version": "vmx-19", "row": i + 2, **{k: v for k, v in g.items() if k != "host"}}
        row["host_key"] = host["host_key"] if host else None
        row["cluster_key"] = host["cluster_key"] if host else None
        row["cluster"] = host.get("cluster") if host else None
        guest_rows.append(row)
    keys = {str(g["name"]): g["guest_key"] for g in guest_rows}
    disk_rows = [{"source_id": 0, "row": i + 2, **{k: v for k, v in d.items() if k != "guest"},
                  "guest_key": keys[str(d["guest"])]} for i, d in enumerate(disks)]
    sources = pl.DataFrame({
        "source_id": [0], "file": [file], "format": ["rvtools-xlsx"], "platform": ["vsphere"], "tool": ["RVTools"],
        "tool_version": ["4.7.1.4"], "server": ["vcenter.example.net"], "server_uuid": [UUID],
        "rows_read": [len(guests) + len(hosts) + len(disks)], "rows_used": [len(guests) + len(hosts) + len(disks)],
        "rows_skipped": [sum(i.rows for i in issues if i.skipped)],
    })
    columns = {"vInfo": frozenset({"VM", "Host", "Powerstate"}), "vHost": frozenset({"Host", "Cluster"}),
               "vDisk": frozenset({"Path", "Shared Bus", "Controller"})}
    tabs = tuple(TabStatus(0, tab, True, len(guests), len(guests), cols) for tab, cols in columns.items())
    return Estate(
        tables={
            "sources": _table("sources", sources),
            "hosts": _table("hosts", pl.DataFrame(host_rows, infer_schema_length=None)),
            "guests": _table("guests", pl.DataFrame(guest_rows, infer_schema_length=None)),
            "disks": _table("disks", pl.DataFrame(disk_rows, infer_schema_length=None)),
        },
        issues=issues, tabs=tabs,
    )


SCALE_UUID = "SCALE"


def rules_estate(n_guests: int = 200_000, per_host: int = 50, per_cluster: int = 16) -> Estate:
    """A synthetic estate: every 500th guest pair shares a pRDM, every 200th guest sits on local storage,
    every 1000th has a connected NIC on a host-only port group."""
    n_hosts = n_guests // per_host
    h = pl.DataFrame({"i": range(n_hosts)}).with_columns(
        name=pl.format("esx{}", "i"), cluster=pl.format("c{}", pl.col("i") // per_cluster))
    hosts = h.select(
        host_key=pl.format(SCALE_UUID + "/{}", "name"), name="name", cluster_key=pl.format(SCALE_UUID + "/dc/{}", "cluster"),
        cluster="cluster", platform=pl.lit("vsphere"), product=pl.lit("VMware ESXi 7.0.3 build-1"),
        version=pl.lit("7.0.3"), cpu_model=pl.lit("Xeon"), evc_max=pl.lit("intel-icelake"), source_id=pl.lit(0, pl.Int32))
    g = pl.DataFrame({"i": range(n_guests)}).with_columns(host=pl.col("i") // per_host)
    local = (pl.col("i") % 200) == 7
    ds = pl.when(local).then(pl.format("local{}", "host")).otherwise(pl.format("san{}", pl.col("host") // per_cluster))
    guests = g.with_columns(ds=ds).select(
        guest_key=pl.format(SCALE_UUID + "/vm-{}", "i"), vcenter_scope=pl.lit(SCALE_UUID), name=pl.format("guest{}", "i"),
        host_key=pl.format(SCALE_UUID + "/esx{}", "host"), cluster_key=pl.format(SCALE_UUID + "/dc/c{}", pl.col("host") // per_cluster),
        platform=pl.lit("vsphere"), power_state=pl.lit("poweredOn"), template=pl.lit(False), hw_version=pl.lit("19"),
        config_path=pl.format("[{}] g/g.vmx", "ds"), log_dir=pl.format("[{}] g/", "ds"),
        snapshot_dir=pl.format("[{}] g/", "ds"), suspend_dir=pl.format("[{}] g/", "ds"),
        ft_state=pl.lit("notConfigured"), latency_sensitivity=pl.lit("normal"), snapshots=pl.lit(0, pl.Int32),
        source_id=pl.lit(0, pl.Int32), row=(pl.col("i") + 2).cast(pl.Int32))
    pair = (pl.col("i") % 500) < 2
    disks = pl.concat([
        g.select(guest_key=pl.format(SCALE_UUID + "/vm-{}", "i"), path=pl.format("[san] g{}/g.vmdk", "i"),
                 datastore=pl.lit("san0"), bus_sharing=pl.lit("none"), sharing_mode=pl.lit("none"), raw=pl.lit(False)),
        g.select(guest_key=pl.format(SCALE_UUID + "/vm-{}", "i"),
                 path=pl.when(pair).then(pl.format("[san] q{}/q.vmdk", pl.col("i") // 500))
                 .otherwise(pl.format("[san] g{}/d.vmdk", "i")),
                 datastore=pl.lit("san0"), bus_sharing=pl.when(pair).then(pl.lit("physical")).otherwise(pl.lit("none")),
                 sharing_mode=pl.lit("none"), raw=pair),
    ]).with_columns(source_id=pl.lit(0, pl.Int32), row=pl.int_range(pl.len()).cast(pl.Int32) + 2,
                    capacity_mib=pl.lit(40960, pl.Int64))
    isolated = (pl.col("i") % 1000) == 3
    nics = g.select(guest_key=pl.format(SCALE_UUID + "/vm-{}", "i"),
                    network=pl.when(isolated).then(pl.lit("Isolate")).otherwise(pl.lit("VM Network")),
                    connected=pl.lit(True), starts_connected=pl.lit(True), direct_path_io=pl.lit(True),
                    adapter=pl.lit("Vmxnet3"), source_id=pl.lit(0, pl.Int32), row=(pl.col("i") + 2).cast(pl.Int32))
    networks = pl.concat([
        h.select(host_key=pl.format(SCALE_UUID + "/{}", "name"), network=pl.lit("VM Network"), switch=pl.lit("vSwitch0"),
                 has_uplink=pl.lit(True)),
        h.select(host_key=pl.format(SCALE_UUID + "/{}", "name"), network=pl.lit("Isolate"), switch=pl.lit("vSwitch9"),
                 has_uplink=pl.lit(False)),
    ]).with_columns(switch_kind=pl.lit("standard"), source_id=pl.lit(0, pl.Int32))
    clusters_n = (n_hosts + per_cluster - 1) // per_cluster
    stores = pl.concat([
        h.select(datastore_key=pl.format(SCALE_UUID + "/local{}", "i"), name=pl.format("local{}", "i"),
                 host_count=pl.lit(1, pl.Int32), host_keys=pl.concat_list(pl.format(SCALE_UUID + "/{}", "name")),
                 host_names=pl.concat_list("name")),
        pl.DataFrame({"c": range(clusters_n)}).select(
            datastore_key=pl.format(SCALE_UUID + "/san{}", "c"), name=pl.format("san{}", "c"),
            host_count=pl.lit(per_cluster, pl.Int32), host_keys=pl.concat_list(pl.format(SCALE_UUID + "/x{}", "c")),
            host_names=pl.concat_list(pl.format("x{}", "c"))),
    ]).with_columns(type=pl.lit("VMFS"), shared=pl.col("host_count") > 1, source_id=pl.lit(0, pl.Int32))
    devices = g.select(guest_key=pl.format(SCALE_UUID + "/vm-{}", "i"), kind=pl.lit("cd"), backing=pl.lit("client"),
                       detail=pl.lit("Remote ATAPI"), connected=pl.lit(False), starts_connected=pl.lit(False),
                       source_id=pl.lit(0, pl.Int32), row=(pl.col("i") + 2).cast(pl.Int32))
    sources = pl.DataFrame({"source_id": [0], "file": ["big.xlsx"], "format": ["rvtools-xlsx"],
                            "platform": ["vsphere"], "tool_version": ["4.7.1.4"]}, schema_overrides={"source_id": pl.Int32})
    frames = {"hosts": hosts, "guests": guests, "disks": disks, "nics": nics, "networks": networks,
              "datastores": stores, "devices": devices, "sources": sources}
    tables = {name: schema.conform(name, f.to_arrow()) for name, f in frames.items()}
    return Estate(tables=tables, tabs=tuple(TabStatus(0, t, True, 1, 1, frozenset(c)) for t, c in KNOWN.items()))
