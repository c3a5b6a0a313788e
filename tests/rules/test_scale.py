"""All rules together stay fast on a 200,000-guest estate (vectorised detectors)."""

from __future__ import annotations

import time

import polars as pl

from reportgen import schema
from reportgen.estate import Estate, TabStatus
from reportgen.importers.rvtools_headers import KNOWN
from reportgen.rules import evaluate

UUID = "SCALE"


def big_estate(n_guests: int = 200_000, per_host: int = 50, per_cluster: int = 16) -> Estate:
    """A synthetic estate: every 500th guest pair shares a pRDM, every 200th guest sits on local storage,
    every 1000th has a connected NIC on a host-only port group."""
    n_hosts = n_guests // per_host
    h = pl.DataFrame({"i": range(n_hosts)}).with_columns(
        name=pl.format("esx{}", "i"), cluster=pl.format("c{}", pl.col("i") // per_cluster))
    hosts = h.select(
        host_key=pl.format(UUID + "/{}", "name"), name="name", cluster_key=pl.format(UUID + "/dc/{}", "cluster"),
        cluster="cluster", platform=pl.lit("vsphere"), product=pl.lit("VMware ESXi 7.0.3 build-1"),
        version=pl.lit("7.0.3"), cpu_model=pl.lit("Xeon"), evc_max=pl.lit("intel-icelake"), source_id=pl.lit(0, pl.Int32))
    g = pl.DataFrame({"i": range(n_guests)}).with_columns(host=pl.col("i") // per_host)
    local = (pl.col("i") % 200) == 7
    ds = pl.when(local).then(pl.format("local{}", "host")).otherwise(pl.format("san{}", pl.col("host") // per_cluster))
    guests = g.with_columns(ds=ds).select(
        guest_key=pl.format(UUID + "/vm-{}", "i"), name=pl.format("guest{}", "i"),
        host_key=pl.format(UUID + "/esx{}", "host"), cluster_key=pl.format(UUID + "/dc/c{}", pl.col("host") // per_cluster),
        platform=pl.lit("vsphere"), power_state=pl.lit("poweredOn"), template=pl.lit(False), hw_version=pl.lit("19"),
        config_path=pl.format("[{}] g/g.vmx", "ds"), log_dir=pl.format("[{}] g/", "ds"),
        snapshot_dir=pl.format("[{}] g/", "ds"), suspend_dir=pl.format("[{}] g/", "ds"),
        ft_state=pl.lit("notConfigured"), latency_sensitivity=pl.lit("normal"), snapshots=pl.lit(0, pl.Int32),
        source_id=pl.lit(0, pl.Int32), row=(pl.col("i") + 2).cast(pl.Int32))
    pair = (pl.col("i") % 500) < 2
    disks = pl.concat([
        g.select(guest_key=pl.format(UUID + "/vm-{}", "i"), path=pl.format("[san] g{}/g.vmdk", "i"),
                 datastore=pl.lit("san0"), bus_sharing=pl.lit("none"), sharing_mode=pl.lit("none"), raw=pl.lit(False)),
        g.select(guest_key=pl.format(UUID + "/vm-{}", "i"),
                 path=pl.when(pair).then(pl.format("[san] q{}/q.vmdk", pl.col("i") // 500))
                 .otherwise(pl.format("[san] g{}/d.vmdk", "i")),
                 datastore=pl.lit("san0"), bus_sharing=pl.when(pair).then(pl.lit("physical")).otherwise(pl.lit("none")),
                 sharing_mode=pl.lit("none"), raw=pair),
    ]).with_columns(source_id=pl.lit(0, pl.Int32), row=pl.int_range(pl.len()).cast(pl.Int32) + 2,
                    capacity_mib=pl.lit(40960, pl.Int64))
    isolated = (pl.col("i") % 1000) == 3
    nics = g.select(guest_key=pl.format(UUID + "/vm-{}", "i"),
                    network=pl.when(isolated).then(pl.lit("Isolate")).otherwise(pl.lit("VM Network")),
                    connected=pl.lit(True), starts_connected=pl.lit(True), direct_path_io=pl.lit(True),
                    adapter=pl.lit("Vmxnet3"), source_id=pl.lit(0, pl.Int32), row=(pl.col("i") + 2).cast(pl.Int32))
    networks = pl.concat([
        h.select(host_key=pl.format(UUID + "/{}", "name"), network=pl.lit("VM Network"), switch=pl.lit("vSwitch0"),
                 has_uplink=pl.lit(True)),
        h.select(host_key=pl.format(UUID + "/{}", "name"), network=pl.lit("Isolate"), switch=pl.lit("vSwitch9"),
                 has_uplink=pl.lit(False)),
    ]).with_columns(switch_kind=pl.lit("standard"), source_id=pl.lit(0, pl.Int32))
    clusters_n = (n_hosts + per_cluster - 1) // per_cluster
    stores = pl.concat([
        h.select(datastore_key=pl.format(UUID + "/local{}", "i"), name=pl.format("local{}", "i"),
                 host_count=pl.lit(1, pl.Int32), host_keys=pl.concat_list(pl.format(UUID + "/{}", "name"))),
        pl.DataFrame({"c": range(clusters_n)}).select(
            datastore_key=pl.format(UUID + "/san{}", "c"), name=pl.format("san{}", "c"),
            host_count=pl.lit(per_cluster, pl.Int32), host_keys=pl.concat_list(pl.format(UUID + "/x{}", "c"))),
    ]).with_columns(type=pl.lit("VMFS"), shared=pl.col("host_count") > 1, source_id=pl.lit(0, pl.Int32))
    devices = g.select(guest_key=pl.format(UUID + "/vm-{}", "i"), kind=pl.lit("cd"), backing=pl.lit("client"),
                       detail=pl.lit("Remote ATAPI"), connected=pl.lit(False), starts_connected=pl.lit(False),
                       source_id=pl.lit(0, pl.Int32), row=(pl.col("i") + 2).cast(pl.Int32))
    sources = pl.DataFrame({"source_id": [0], "file": ["big.xlsx"], "format": ["rvtools-xlsx"],
                            "platform": ["vsphere"], "tool_version": ["4.7.1.4"]}, schema_overrides={"source_id": pl.Int32})
    frames = {"hosts": hosts, "guests": guests, "disks": disks, "nics": nics, "networks": networks,
              "datastores": stores, "devices": devices, "sources": sources}
    tables = {name: schema.conform(name, f.to_arrow()) for name, f in frames.items()}
    return Estate(tables=tables, tabs=tuple(TabStatus(0, t, True, 1, 1, frozenset(c)) for t, c in KNOWN.items()))


def test_every_rule_over_200000_guests_takes_seconds_not_minutes() -> None:
    estate = big_estate()
    start = time.perf_counter()
    out = evaluate(estate)
    elapsed = time.perf_counter() - start
    assert len(out.bonds) == 200_000 // 500
    assert sum(1 for p in out.pins if p.rule == "VMW-13") == 200_000 // 200
    assert sum(1 for p in out.pins if p.rule == "VMW-10") == 200_000 // 1000
    assert elapsed < 6.0, f"rules took {elapsed:.1f} s"
