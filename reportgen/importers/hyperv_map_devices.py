"""Mapping the Hyper-V per-VM objects (disks, adapters, drives, devices) and the storage they show onto
the canonical ``disks``, ``nics``, ``networks``, ``devices`` and ``datastores`` tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from . import hyperv_values as H
from . import values as V

if TYPE_CHECKING:
    from .hyperv_map import HyperVMapper


def disks(m: HyperVMapper, guests: pl.DataFrame) -> pl.DataFrame:
    f = m.obj("Get-VMHardDiskDrive")
    if f is None:
        return pl.DataFrame()
    f = m.checkpoint_rows("Get-VMHardDiskDrive", m.attach("Get-VMHardDiskDrive", f, guests))
    path = H.text(f, "Path")
    number = H.integer(f, "DiskNumber", pl.Int32())
    sizes = _vhd_sizes(m)
    frame = f.with_columns(
        label=pl.concat_str(H.text(f, "ControllerType"), pl.lit(" "), H.text(f, "ControllerNumber"), pl.lit(":"),
                            H.text(f, "ControllerLocation")),
        controller=pl.concat_str(H.text(f, "ControllerType"), pl.lit(" "), H.text(f, "ControllerNumber")),
        controller_type=H.text(f, "ControllerType"),
        unit=H.integer(f, "ControllerLocation", pl.Int32()),
        path=path,
        passthrough_disk=number,
        persistent_reservations=H.boolean(f, "SupportPersistentReservations"),
        __path_key=path.str.to_lowercase(),
    )
    frame = frame.join(guests.select("guest_key", __guest_host="host_key", __host_name=_host_name(guests)),
                       on="guest_key", how="left")
    frame = frame.join(sizes, on="__path_key", how="left")
    frame = frame.with_columns(
        datastore=pl.when(pl.col("passthrough_disk").is_not_null()).then(None)
        .otherwise(_datastore_name(pl.col("path"), pl.col("__host_name"))),
        vhd_set=pl.when(pl.col("path").is_null()).then(None).otherwise(
            pl.col("path").str.to_lowercase().str.ends_with(".vhds") | (pl.col("__format") == "vhdset")),
    )
    m.unparsed("Get-VMHardDiskDrive", f, {"SupportPersistentReservations":
                                             V.boolean("SupportPersistentReservations"),
                                         "DiskNumber": V.decimal("DiskNumber"),
                                         "ControllerLocation": V.decimal("ControllerLocation")})
    m.used["Get-VMHardDiskDrive"] = frame.height
    return frame


def _vhd_sizes(m: HyperVMapper) -> pl.DataFrame:
    f = m.obj("Get-VHD")
    if f is None:
        return pl.DataFrame(schema={"__path_key": pl.String, "capacity_mib": pl.Int64, "__format": pl.String})
    rows = f.select(__path_key=H.text(f, "Path").str.to_lowercase(), capacity_mib=H.mib(f, "Size"),
                    __format=H.text(f, "VhdFormat").str.to_lowercase())
    m.unparsed("Get-VHD", f, {"Size": V.decimal("Size")})
    m.used["Get-VHD"] = rows.height
    return rows.filter(pl.col("__path_key").is_not_null()).unique(subset=["__path_key"], keep="first")


def nics(m: HyperVMapper, guests: pl.DataFrame) -> pl.DataFrame:
    f = m.obj("Get-VMNetworkAdapter")
    if f is None:
        return pl.DataFrame()
    if "IsManagementOs" in f.columns:
        f = m.keep("Get-VMNetworkAdapter", f, V.boolean("IsManagementOs").fill_null(False).not_(),
                      "a host (management OS) adapter, not a VM's", level="info")
    f = m.checkpoint_rows("Get-VMNetworkAdapter", m.attach("Get-VMNetworkAdapter", f, guests))
    m.unparsed("Get-VMNetworkAdapter", f, {"Connected": V.boolean("Connected")} if "Connected" in f.columns else {})
    switch = H.text(f, "SwitchName")
    frame = f.with_columns(label=H.text(f, "Name"), network=switch, switch=switch,
                           connected=pl.coalesce(H.boolean(f, "Connected"), switch.is_not_null()),
                           mac=H.text(f, "MacAddress"))
    m.used["Get-VMNetworkAdapter"] = frame.height
    return frame


def networks(m: HyperVMapper) -> pl.DataFrame:
    f = m.obj("Get-VMSwitch")
    if f is None:
        return pl.DataFrame()
    kind = H.enum(f, "SwitchType", H.SWITCH_KINDS)
    frame = f.with_columns(
        host_key=H.host_key(H.text(f, "ComputerName")), network=H.text(f, "Name"), switch=H.text(f, "Name"),
        switch_kind=kind, has_uplink=pl.when(kind.is_null()).then(None).otherwise(kind == "hyperv-external"),
        source_id=pl.lit(m.source_id, pl.Int32),
    )
    m.unparsed("Get-VMSwitch", f, {"SwitchType": V.enum("SwitchType", H.SWITCH_KINDS)})
    frame = m.keep("Get-VMSwitch", frame, pl.col("host_key").is_not_null() & pl.col("network").is_not_null(),
                      "no ComputerName or switch Name")
    frame = frame.unique(subset=["host_key", "network"], keep="first", maintain_order=True)
    m.used["Get-VMSwitch"] = frame.height
    return frame


def devices(m: HyperVMapper, guests: pl.DataFrame) -> pl.DataFrame:
    parts: list[pl.DataFrame] = []
    hosts = guests.select("guest_key", __guest_host="host_key", __host_name=_host_name(guests))
    f = m.obj("Get-VMDvdDrive")
    if f is not None:
        f = m.checkpoint_rows("Get-VMDvdDrive", m.attach("Get-VMDvdDrive", f, guests))
        backing = H.enum(f, "DvdMediaType", H.DVD_BACKINGS)
        path = H.text(f, "Path")
        dvd = f.join(hosts, on="guest_key", how="left").with_columns(
            kind=pl.lit("cd"), backing=backing, detail=path,
            datastore=pl.when(backing == "iso").then(_datastore_name(path, pl.col("__host_name"))),
            connected=pl.when(backing.is_null()).then(None).otherwise(backing != "none"),
            bound_to_host=pl.when(backing == "host").then(True)
            .when(backing == "iso").then(H.storage_kind(path).replace_strict(
                {"local": True, "csv": False, "smb": False}, default=None, return_dtype=pl.Boolean))
            .when(backing == "none").then(False).otherwise(None),
        )
        m.unparsed("Get-VMDvdDrive", f, {"DvdMediaType": V.enum("DvdMediaType", H.DVD_BACKINGS)})
        m.used["Get-VMDvdDrive"] = dvd.height
        parts.append(dvd)
    for obj, kind, detail, bound in (
        ("Get-VMFibreChannelHba", "vfc", ("SanName",), None),
        ("Get-VMAssignableDevice", "dda", ("LocationPath", "InstanceID", "Name"), True),
        ("Get-VMGpuPartitionAdapter", "gpu", ("InstancePath", "Name"), True),
    ):
        f = m.obj(obj)
        if f is None:
            continue
        f = m.checkpoint_rows(obj, m.attach(obj, f, guests))
        rows = f.with_columns(kind=pl.lit(kind), backing=pl.lit("host" if bound else None, pl.String),
                              detail=H.first_text(f, *detail), connected=pl.lit(True),
                              bound_to_host=pl.lit(bound, pl.Boolean))
        m.used[obj] = rows.height
        parts.append(rows)
    parts = [p for p in parts if p.width]
    return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()


def datastores(m: HyperVMapper, hosts: pl.DataFrame, guests: pl.DataFrame, disks: pl.DataFrame,
               devices: pl.DataFrame) -> pl.DataFrame:
    paths = [guests.select(path=pl.col("config_path"), host_key="host_key"),
             guests.select(path=pl.col("snapshot_dir"), host_key="host_key")]
    if disks.height:
        paths.append(disks.filter(pl.col("passthrough_disk").is_null()).select("path", host_key="__guest_host"))
    if devices.height and "__guest_host" in devices.columns:
        paths.append(devices.filter(pl.col("backing") == "iso").select(path="detail", host_key="__guest_host"))
    names = hosts.select("host_key", __host_name="name") if hosts.height else pl.DataFrame(
        schema={"host_key": pl.String, "__host_name": pl.String})
    used = pl.concat(paths).filter(pl.col("path").is_not_null()).join(names, on="host_key", how="left").with_columns(
        type=H.storage_kind(pl.col("path")), name=_datastore_name(pl.col("path"), pl.col("__host_name")))
    used = _named_volumes(m, used)
    csv = m.obj("Get-ClusterSharedVolume")
    declared = pl.DataFrame(schema={"name": pl.String, "capacity_mib": pl.Int64})
    if csv is not None:
        declared = csv.select(name=H.first_text(csv, "FriendlyVolumeName", "Path"),
                              capacity_mib=H.mib(csv, "Size")).filter(pl.col("name").is_not_null())
        m.unparsed("Get-ClusterSharedVolume", csv, {"Size": V.decimal("Size")})
        m.used["Get-ClusterSharedVolume"] = csv.height
    nodes = hosts.filter(pl.col("cluster_key").is_not_null()).group_by("cluster_key").agg(
        cluster_hosts=pl.col("host_key")) if hosts.height else pl.DataFrame(
        schema={"cluster_key": pl.String, "cluster_hosts": pl.List(pl.String)})
    host_cluster = hosts.select("host_key", "cluster_key") if hosts.height else pl.DataFrame(
        schema={"host_key": pl.String, "cluster_key": pl.String})
    used = _apart(m, used.join(host_cluster, on="host_key", how="left"), hosts).join(nodes, on="cluster_key",
                                                                                       how="left")
    frame = pl.concat([
        used.select("name", "type", "host_key", "cluster_hosts", capacity_mib=pl.lit(None, pl.Int64)),
        declared.select("name", type=pl.lit("csv"), host_key=pl.lit(None, pl.String),
                        cluster_hosts=pl.lit(None, pl.List(pl.String)), capacity_mib="capacity_mib"),
    ]).group_by(__fold=pl.col("name").str.to_lowercase(), maintain_order=True).agg(
        name=pl.col("name").first(),
        type=pl.col("type").drop_nulls().first(),
        host_keys=pl.col("host_key").drop_nulls().unique().sort(),
        cluster_hosts=pl.col("cluster_hosts").drop_nulls().first(),
        capacity_mib=pl.col("capacity_mib").drop_nulls().first(),
    )
    if csv is not None and m.cluster_name:
        all_nodes = hosts.filter(pl.col("cluster_key").is_not_null())["host_key"].to_list()
        frame = frame.with_columns(cluster_hosts=pl.when(pl.col("type") == "csv").then(
            pl.coalesce("cluster_hosts", pl.lit(pl.Series([all_nodes])))).otherwise("cluster_hosts"))
    kind = pl.col("type")
    return frame.drop("__fold").with_columns(
        datastore_key=pl.concat_str(pl.lit(f"hyperv/{m.source_id}/"), "name"),
        host_keys=pl.when(kind == "csv").then(pl.coalesce("cluster_hosts", "host_keys"))
        .when(kind == "local").then("host_keys").otherwise(None),
        shared=pl.when(kind.is_in(["csv", "smb"])).then(True).when(kind == "local").then(False),
        type=kind.replace_strict({"csv": "CSV", "smb": "SMB", "local": "local"}, default=None,
                                 return_dtype=pl.String),
        source_id=pl.lit(m.source_id, pl.Int32),
    ).with_columns(host_count=pl.col("host_keys").list.len().cast(pl.Int32))


def _named_volumes(m: HyperVMapper, used: pl.DataFrame) -> pl.DataFrame:
    """The paths whose volume has a name; a local drive of a VM whose host is unknown has none ('D:' of which
    host?), and is said rather than dropped unseen. One volume written in two cases (Windows reads them as one)
    is said too: it is one datastore, under its first spelling."""
    local = used.filter(pl.col("name").is_null() & (pl.col("type") == "local"))
    if local.height:
        sample = str(local["path"][0])
        m.issue("warning", f"{local.height} path(s) on a local drive of a VM whose host is unknown (e.g. "
                f"'{sample}'): which host's drive it is cannot be told, so it is not listed as a datastore and "
                "the local-storage checks cannot name it", "Get-VM", quoted=(sample,))
    named = used.filter(pl.col("name").is_not_null())
    spellings = named.group_by(__fold=pl.col("name").str.to_lowercase()).agg(pl.col("name").unique(maintain_order=True))
    for names in spellings.filter(pl.col("name").list.len() > 1)["name"].to_list():
        m.issue("info", f"the volume {names[0]!r} is also written {', '.join(repr(n) for n in names[1:])}: Windows "
                "reads them as one, and so they are one datastore here, named as first written", "Get-VM",
                quoted=tuple(names))
    return named


def _apart(m: HyperVMapper, used: pl.DataFrame, hosts: pl.DataFrame) -> pl.DataFrame:
    """One Cluster Shared Volume path on nodes of two clusters is two volumes (each cluster has its own
    C:\\ClusterStorage): each is named with its cluster ('C:\\ClusterStorage\\Volume1 (HVCL01)'), and said."""
    csv = used.filter((pl.col("type") == "csv") & pl.col("cluster_key").is_not_null())
    clashing = csv.group_by(__fold=pl.col("name").str.to_lowercase()).agg(
        pl.col("name").first(), n=pl.col("cluster_key").n_unique()).filter(pl.col("n") > 1)
    if clashing.is_empty():
        return used
    for name in clashing["name"].to_list():
        m.issue("info", f"the Cluster Shared Volume path {name!r} is used on nodes of several clusters: each "
                "cluster's volume is its own datastore, named with its cluster", "Get-VM", quoted=(name,))
    clusters = hosts.select("cluster_key", __cluster="cluster").unique("cluster_key")
    apart = (pl.col("type") == "csv") & pl.col("cluster_key").is_not_null() \
        & pl.col("name").str.to_lowercase().is_in(clashing["__fold"].implode())
    return used.join(clusters, on="cluster_key", how="left", maintain_order="left").with_columns(
        name=pl.when(apart).then(pl.concat_str("name", pl.lit(" ("), "__cluster", pl.lit(")")))
        .otherwise(pl.col("name"))).drop("__cluster")


def respelled(rows: pl.DataFrame, column: str, stores: pl.DataFrame, hosts: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with their datastore names as :func:`datastores` spells them (one spelling per volume, and
    the cluster named where a volume path is used in several, see :func:`_apart`)."""
    if rows.is_empty() or column not in rows.columns or stores.is_empty():
        return rows
    spelling = stores.select(__fold=pl.col("name").str.to_lowercase(), __spelled=pl.col("name"))
    own = pl.lit(None, pl.String)
    if "__guest_host" in rows.columns and hosts.height:
        rows = rows.join(hosts.select(__guest_host="host_key", __cluster="cluster"), on="__guest_host", how="left",
                         maintain_order="left")
        own = pl.concat_str(pl.col(column), pl.lit(" ("), pl.col("__cluster"), pl.lit(")")).str.to_lowercase()
    joined = rows.with_columns(__fold=pl.col(column).str.to_lowercase(), __own=own).join(
        spelling, on="__fold", how="left", maintain_order="left").join(
        spelling.rename({"__fold": "__own", "__spelled": "__apart"}), on="__own", how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce("__apart", "__spelled", column).alias(column)).drop(
        [c for c in ("__fold", "__own", "__spelled", "__apart", "__cluster") if c in joined.columns])


def _datastore_name(path: pl.Expr, host_name: pl.Expr) -> pl.Expr:
    """CSV and SMB volumes by their path; a local drive by drive and host, as the export names the host
    ('D: on HV01'), never by a part of the host's key."""
    vol = H.volume(path)
    return pl.when(H.storage_kind(path) == "local").then(
        pl.concat_str(vol, pl.lit(" on "), host_name)).otherwise(vol)


def _host_name(guests: pl.DataFrame) -> pl.Expr:
    """Each guest's host as the export names it (``host_name``, joined from the hosts by :func:`map_hyperv`)."""
    return pl.col("host_name") if "host_name" in guests.columns else pl.lit(None, pl.String)
