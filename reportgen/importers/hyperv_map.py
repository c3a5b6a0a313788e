"""Mapping Hyper-V objects (as text) onto the canonical estate tables.

Guests are keyed by VMId (lower case), hosts by ``hyperv/<COMPUTERNAME>``, clusters by
``hyperv/<CLUSTER>``. Child objects (disks, NICs, drives, devices) join their VM by VMId, or
by host and VM name when a user's ``Select-Object`` left VMId out. Every row read ends up in a
table or in a :class:`DataIssue` that says why it was skipped.
"""

from __future__ import annotations

import polars as pl

from ..estate import DataIssue, TabStatus
from . import hyperv_values as H
from . import values as V
from .filled import empty_columns
from .hyperv_affinity import vm_sans
from .hyperv_read import OBJECTS, RawHyperV
from .hyperv_status import Gap
from .rvtools_map import MapOptions

CLUSTER_OBJECTS = ("Get-ClusterNode", "Get-ClusterGroup", "Get-ClusterSharedVolume", "Get-ClusterOwnerNode",
                   "Get-ClusterAffinityRule")


class HyperVMapper:
    """Builds the canonical tables of one Hyper-V export (one source)."""

    def __init__(self, raw: RawHyperV, source_id: int, options: MapOptions) -> None:
        self.raw = raw
        self.source_id = source_id
        self.options = options
        self.issues: list[DataIssue] = list(raw.issues)
        self.used: dict[str, int] = {}
        manifest = raw.manifest or {}
        self.cluster_name = _text(manifest.get("cluster"))
        self.clustered = manifest.get("clustered") if isinstance(manifest.get("clustered"), bool) else None

    # -- helpers ---------------------------------------------------------------------------
    def obj(self, name: str) -> pl.DataFrame | None:
        return self.raw.frame(name)

    def issue(self, level: str, message: str, name: str, rows: pl.DataFrame | None = None,
              column: str | None = None, skipped: bool = False, quoted: tuple[str, ...] = ()) -> None:
        sheet = ", ".join(self.raw.files.get(name, [name]))
        row = int(rows["__row"][0]) if rows is not None and rows.height and "__row" in rows.columns else None
        count = rows.height if rows is not None else 1
        self.issues.append(DataIssue(level, self.raw.file, message, sheet=sheet, row=row, column=column,  # type: ignore[arg-type]
                                     rows=count, skipped=skipped, quoted=quoted))

    def keep(self, name: str, frame: pl.DataFrame, condition: pl.Expr, reason: str,
             level: str = "warning") -> pl.DataFrame:
        """Rows meeting ``condition``; the others (unknown counts as not met) are skipped and counted."""
        kept = frame.select(condition.fill_null(False)).to_series()
        if kept.all():
            return frame
        dropped = frame.filter(~kept)
        self.issue(level, f"{dropped.height} row(s) skipped: {reason}", name, dropped, skipped=True)
        return frame.filter(kept)

    def unparsed(self, name: str, frame: pl.DataFrame, checks: dict[str, pl.Expr]) -> None:
        for column, parsed in checks.items():
            bad = V.unparsed(frame, column, parsed)
            if bad.height:
                self.issue("warning", f"{bad.height} value(s) not understood (e.g. '{bad[column][0]}'); "
                           "read as unknown", name, bad, column=column, quoted=(str(bad[column][0]),))

    def attach(self, name: str, frame: pl.DataFrame, guests: pl.DataFrame) -> pl.DataFrame:
        """Give each row of a per-VM object its guest key; rows of unknown VMs are skipped."""
        direct = H.guid(pl.col("VMId")) if "VMId" in frame.columns else pl.lit(None, pl.String)
        frame = frame.with_columns(
            guest_key=direct,
            __host=H.host_key(pl.col("ComputerName")) if "ComputerName" in frame.columns else pl.lit(None, pl.String),
            __vm=H.text(frame, "VMName"),
        )
        by_name = guests.select(__host="host_key", __vm="name", __by_name="guest_key").unique(
            subset=["__host", "__vm"], keep="first")
        frame = frame.join(by_name, on=["__host", "__vm"], how="left", nulls_equal=False)
        frame = frame.with_columns(guest_key=pl.coalesce("guest_key", "__by_name")).drop("__by_name")
        known = guests.select("guest_key")
        frame = self.keep(name, frame, pl.col("guest_key").is_in(known["guest_key"].implode()),
                          "the VM is not in the Get-VM export (exports taken at different times, or from "
                          "another host?)")
        return frame.with_columns(source_id=pl.lit(self.source_id, pl.Int32), row=pl.col("__row"))

    def checkpoint_rows(self, name: str, frame: pl.DataFrame) -> pl.DataFrame:
        if "VMSnapshotId" not in frame.columns:
            return frame
        return self.keep(name, frame, H.is_zero_guid(pl.col("VMSnapshotId")),
                         "the row belongs to a checkpoint, not to the running configuration", level="info")

    # -- tables ----------------------------------------------------------------------------
    def guests(self) -> pl.DataFrame:
        f = self.obj("Get-VM")
        assert f is not None
        owner = self.options.owner_column
        owner_expr = H.text(f, owner) if owner and owner in f.columns else pl.lit(None, pl.String)
        if owner and owner not in f.columns:
            self.issue("info", f"the owner column '{owner}' is not a Get-VM property in this export; "
                       "owners are unknown for these VMs", "Get-VM", column=owner, quoted=(owner,))
        frame = f.with_columns(
            guest_key=H.guid(H.first_text(f, "VMId", "Id")),
            name=H.first_text(f, "Name", "VMName"),
            host_key=H.host_key(H.text(f, "ComputerName")),
            platform=pl.lit("hyperv"),
            power_state=H.enum(f, "State", V.POWER_STATES),
            template=pl.lit(False),
            owner=owner_expr,
            vcpus=H.integer(f, "ProcessorCount", pl.Int32()),
            memory_mib=pl.coalesce(H.mib(f, "MemoryStartup"), H.mib(f, "MemoryAssigned")),
            hw_version=H.text(f, "Version"),
            config_path=H.first_text(f, "ConfigurationLocation", "Path"),
            snapshot_dir=H.text(f, "SnapshotFileLocation"),
            is_clustered=H.boolean(f, "IsClustered"),
            automatic_stop_action=H.text(f, "AutomaticStopAction"),
            replication_mode=H.enum(f, "ReplicationMode", H.REPLICATION_MODES),
            annotation=H.text(f, "Notes"),
            vm_id=H.guid(H.first_text(f, "VMId", "Id")),
            created_at=H.timestamp(f, "CreationTime"),
            source_id=pl.lit(self.source_id, pl.Int32),
            row=pl.col("__row"),
        )
        self.unparsed("Get-VM", f, {
            "State": V.enum("State", V.POWER_STATES), "IsClustered": V.boolean("IsClustered"),
            "CreationTime": H.timestamp(f, "CreationTime"),
            "ReplicationMode": V.enum("ReplicationMode", H.REPLICATION_MODES),
        })
        frame = self.keep("Get-VM", frame, pl.col("guest_key").is_not_null(),
                          "no VMId (or Id) to identify the VM (add VMId to the export)")
        frame = frame.with_columns(pl.col("name").fill_null(pl.col("guest_key")))
        # A Hyper-V Replica copy keeps its primary's VMId and is off: the running row says where the guest is.
        running = (pl.col("power_state") == "poweredOn").fill_null(False)
        first_running = running & (running.cast(pl.Int32).cum_sum().over("guest_key") == 1)
        first = pl.when(running.any().over("guest_key")).then(first_running) \
            .otherwise(pl.int_range(pl.len()).over("guest_key") == 0)
        frame = self.keep("Get-VM", frame, first, "the same VMId is listed twice (a Hyper-V Replica copy, or the "
                          "same VM exported twice); the row where it runs is used, else the first", "info")
        self.used["Get-VM"] = frame.height
        return frame

    def processor_compat(self, guests: pl.DataFrame) -> pl.DataFrame:
        f = self.obj("Get-VMProcessor")
        if f is None:
            return guests.with_columns(processor_compat=pl.lit(None, pl.Boolean))
        rows = self.attach("Get-VMProcessor", f, guests).select(
            "guest_key", processor_compat=H.boolean(f, "CompatibilityForMigrationEnabled"))
        rows = rows.unique(subset=["guest_key"], keep="first")
        self.used["Get-VMProcessor"] = rows.height
        return guests.join(rows, on="guest_key", how="left")

    def possible_owners(self, guests: pl.DataFrame) -> pl.DataFrame:
        """Possible owners of each VM resource and preferred owners of its group (host keys, in order)."""
        f = self.obj("Get-ClusterOwnerNode")
        unknown = pl.lit(None, pl.List(pl.String))
        if f is None or "PossibleOwners" not in f.columns:
            if f is not None:
                self.issue("warning", "Get-ClusterOwnerNode was exported without flattening OwnerNodes; possible "
                           "owners are unknown (use the reportgen collector)", "Get-ClusterOwnerNode", f)
            return guests.with_columns(possible_owners=unknown, preferred_owners=unknown)
        preferred = H.text(f, "PreferredOwners")  # an empty cell: none set; no column: unknown
        rows = f.select(guest_key=H.guid(H.text(f, "VMId")), possible=H.text(f, "PossibleOwners"),
                        preferred=preferred.fill_null("") if "PreferredOwners" in f.columns else preferred)
        rows = rows.filter(pl.col("guest_key").is_not_null() & pl.col("possible").is_not_null())
        rows = rows.unique(subset=["guest_key"], keep="first", maintain_order=True).select(
            "guest_key", possible_owners=_hosts(pl.col("possible")), preferred_owners=_hosts(pl.col("preferred")))
        self.used["Get-ClusterOwnerNode"] = rows.height
        return guests.join(rows, on="guest_key", how="left")

    def group_links(self, guests: pl.DataFrame) -> pl.DataFrame:
        """Each VM's cluster group name (lower case): Get-ClusterOwnerNode's Group by VMId, else the VM's name."""
        link = guests.select("guest_key", group=pl.col("name").str.to_lowercase())
        owners = self.obj("Get-ClusterOwnerNode")
        if owners is not None and {"Group", "VMId"} <= set(owners.columns):
            by_id = owners.select(guest_key=H.guid(H.text(owners, "VMId")),
                                  group=H.text(owners, "Group").str.to_lowercase()).drop_nulls()
            link = pl.concat([by_id, link]).unique(subset=["guest_key"], keep="first", maintain_order=True)
        return link

    def anti_affinity(self, guests: pl.DataFrame) -> pl.DataFrame:
        """AntiAffinityClassNames of each clustered VM's group; null where unknown or not a cluster role."""
        groups = self.obj("Get-ClusterGroup")
        unknown = pl.lit(None, pl.List(pl.String))
        if groups is None or not {"AntiAffinityClassNames", "Name"} <= set(groups.columns):
            return guests.with_columns(anti_affinity=unknown)
        if any("AntiAffinityClassNames" in self.raw.nested.get(f, frozenset())
               for f in self.raw.files.get("Get-ClusterGroup", [])):
            return guests.with_columns(anti_affinity=unknown)  # written as a type name: not known
        if "GroupType" in groups.columns:
            kind = H.text(groups, "GroupType").str.to_lowercase().str.replace_all(" ", "")
            groups = groups.filter((kind == "virtualmachine").fill_null(False))
        classes = groups.select(
            group=H.text(groups, "Name").str.to_lowercase(),
            anti_affinity=H.text(groups, "AntiAffinityClassNames").fill_null("").str.split(";").list.eval(
                pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != "")),
        ).filter(pl.col("group").is_not_null()).unique(subset=["group"], keep="first", maintain_order=True)
        link = self.group_links(guests)
        rows = link.join(classes, on="group", how="inner").select("guest_key", "anti_affinity").unique(
            subset=["guest_key"], keep="first", maintain_order=True)
        return guests.join(rows, on="guest_key", how="left")

    def hosts(self, guests: pl.DataFrame) -> pl.DataFrame:
        names: list[pl.DataFrame] = []

        def collect(obj: str, column: str, rank: int) -> None:
            f = self.obj(obj)
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
        for node in _list(self.raw.manifest, "nodes_reached") + _list(self.raw.manifest, "nodes_not_reached"):
            names.append(pl.DataFrame({"host_key": [f"hyperv/{node.upper().split('.')[0]}"], "name": [node],
                                       "rank": [7]}))
        if not names:
            return pl.DataFrame()
        hosts = (pl.concat([n.with_columns(pl.col("rank").cast(pl.Int32)) for n in names])
                 .filter(pl.col("host_key").is_not_null()).sort("rank")
                 .group_by("host_key", maintain_order=True).agg(pl.col("name").first()))
        hosts = hosts.join(self._cluster_membership(), on="host_key", how="left")
        hosts = hosts.join(self._host_details(), on="host_key", how="left")
        hosts = hosts.join(self._cpus(), on="host_key", how="left")
        hosts = hosts.join(self._os(), on="host_key", how="left")
        hosts = hosts.join(self._supported_versions(), on="host_key", how="left")
        hosts = hosts.join(vm_sans(self), on="host_key", how="left")
        hosts = self.finish_hosts(hosts).with_columns(
            platform=pl.lit("hyperv"),
            cluster_key=pl.when(pl.col("cluster").is_null()).then(None)
            .otherwise(pl.concat_str(pl.lit("hyperv/"), pl.col("cluster").str.to_uppercase())),
            source_id=pl.lit(self.source_id, pl.Int32),
        )
        return hosts

    def _cluster_membership(self) -> pl.DataFrame:
        f = self.obj("Get-ClusterNode")
        if f is None:
            if self.cluster_name:
                nodes = _list(self.raw.manifest, "nodes_reached") + _list(self.raw.manifest, "nodes_not_reached")
                return pl.DataFrame({"host_key": [f"hyperv/{n.upper().split('.')[0]}" for n in nodes],
                                     "cluster": [self.cluster_name] * len(nodes),
                                     "in_maintenance": [None] * len(nodes)},
                                    schema={"host_key": pl.String, "cluster": pl.String, "in_maintenance": pl.Boolean})
            return pl.DataFrame(schema={"host_key": pl.String, "cluster": pl.String, "in_maintenance": pl.Boolean})
        state = H.text(f, "State").str.to_lowercase()
        rows = f.select(
            host_key=H.host_key(V.text("Name")),
            cluster=pl.coalesce(H.text(f, "Cluster"), pl.lit(self.cluster_name, pl.String)),
            in_maintenance=pl.when(state == "paused").then(True).when(state == "up").then(False).otherwise(None),
            node_build=H.text(f, "BuildNumber"),
            node_version=pl.concat_str(H.text(f, "MajorVersion"), pl.lit("."), H.text(f, "MinorVersion"),
                                       pl.lit("."), H.text(f, "BuildNumber")),
        ).filter(pl.col("host_key").is_not_null()).unique(subset=["host_key"], keep="first")
        self.used["Get-ClusterNode"] = rows.height
        return rows

    def _host_details(self) -> pl.DataFrame:
        f = self.obj("Get-VMHost")
        if f is None:
            return pl.DataFrame(schema={"host_key": pl.String})
        key = H.host_key(H.first_text(f, "ComputerName", "Name"))
        rows = f.select(
            host_key=key,
            live_migration=H.boolean(f, "VirtualMachineMigrationEnabled"),
            memory_mib=H.mib(f, "MemoryCapacity"),
            numa_spanning=H.boolean(f, "NumaSpanningEnabled"),
        ).filter(pl.col("host_key").is_not_null()).unique(subset=["host_key"], keep="first")
        self.used["Get-VMHost"] = rows.height
        return rows

    def _cpus(self) -> pl.DataFrame:
        f = self.obj("Win32_Processor")
        if f is None:
            return pl.DataFrame(schema={"host_key": pl.String})
        rows = f.select(host_key=H.host_key(V.text("SystemName")), model=H.text(f, "Name"),
                        n=H.integer(f, "NumberOfCores", pl.Int32()), socket=H.text(f, "DeviceID"))
        rows = rows.filter(pl.col("host_key").is_not_null())
        self.used["Win32_Processor"] = rows.height
        return rows.group_by("host_key").agg(
            cpu_model=pl.col("model").drop_nulls().str.replace_all(r"\s+", " ").first(),
            cores=pl.col("n").sum().cast(pl.Int32),
            sockets=pl.when(pl.col("socket").is_null().any()).then(None)
            .otherwise(pl.col("socket").n_unique()).cast(pl.Int32))

    def _os(self) -> pl.DataFrame:
        f = self.obj("Win32_OperatingSystem")
        if f is None:
            return pl.DataFrame(schema={"host_key": pl.String, "product": pl.String, "version": pl.String,
                                        "build": pl.String})
        rows = f.select(host_key=H.host_key(V.text("CSName")), product=H.text(f, "Caption"),
                        version=H.text(f, "Version"), build=H.text(f, "BuildNumber"))
        rows = rows.filter(pl.col("host_key").is_not_null()).unique(subset=["host_key"], keep="first")
        self.used["Win32_OperatingSystem"] = rows.height
        return rows

    def _supported_versions(self) -> pl.DataFrame:
        f = self.obj("Get-VMHostSupportedVersion")
        if f is None or "ComputerName" not in f.columns:
            return pl.DataFrame(schema={"host_key": pl.String, "max_vm_version": pl.String})
        rows = f.select(host_key=H.host_key(V.text("ComputerName")), v=H.text(f, "Version")).drop_nulls()
        parts = pl.col("v").str.split(".")
        rows = rows.with_columns(major=parts.list.get(0, null_on_oob=True).cast(pl.Int32, strict=False),
                                 minor=parts.list.get(1, null_on_oob=True).cast(pl.Int32, strict=False))
        self.used["Get-VMHostSupportedVersion"] = rows.height
        return rows.sort("major", "minor", descending=True).group_by("host_key").agg(
            max_vm_version=pl.col("v").first())

    def finish_hosts(self, hosts: pl.DataFrame) -> pl.DataFrame:
        """Version and build from the cluster node list when no OS object was exported."""
        if "node_build" in hosts.columns:
            hosts = hosts.with_columns(build=pl.coalesce("build", "node_build"),
                                       version=pl.coalesce("version", "node_version"))
        build = pl.col("build").cast(pl.Int64, strict=False)
        return hosts.with_columns(
            product=pl.coalesce("product", build.replace_strict(H.BUILD_PRODUCT, default=None,
                                                                return_dtype=pl.String)),
            max_vm_version=pl.coalesce("max_vm_version", build.replace_strict(
                H.BUILD_VM_VERSION, default=None, return_dtype=pl.String)),
        )

    def clusters(self, hosts: pl.DataFrame) -> pl.DataFrame:
        if hosts.is_empty() or "cluster_key" not in hosts.columns:
            return pl.DataFrame()
        return hosts.filter(pl.col("cluster_key").is_not_null()).group_by("cluster_key", maintain_order=True).agg(
            name=pl.col("cluster").first(), host_count=pl.len().cast(pl.Int32),
        ).with_columns(platform=pl.lit("hyperv"), ha_enabled=pl.lit(True),
                       source_id=pl.lit(self.source_id, pl.Int32))

    def disks(self, guests: pl.DataFrame) -> pl.DataFrame:
        f = self.obj("Get-VMHardDiskDrive")
        if f is None:
            return pl.DataFrame()
        f = self.checkpoint_rows("Get-VMHardDiskDrive", self.attach("Get-VMHardDiskDrive", f, guests))
        path = H.text(f, "Path")
        number = H.integer(f, "DiskNumber", pl.Int32())
        sizes = self._vhd_sizes()
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
        frame = frame.join(guests.select("guest_key", __guest_host="host_key"), on="guest_key", how="left")
        frame = frame.join(sizes, on="__path_key", how="left")
        frame = frame.with_columns(
            datastore=pl.when(pl.col("passthrough_disk").is_not_null()).then(None)
            .otherwise(_datastore_name(pl.col("path"), pl.col("__guest_host"))),
            vhd_set=pl.when(pl.col("path").is_null()).then(None).otherwise(
                pl.col("path").str.to_lowercase().str.ends_with(".vhds") | (pl.col("__format") == "vhdset")),
        )
        self.unparsed("Get-VMHardDiskDrive", f, {"SupportPersistentReservations":
                                                 V.boolean("SupportPersistentReservations")})
        self.used["Get-VMHardDiskDrive"] = frame.height
        return frame

    def _vhd_sizes(self) -> pl.DataFrame:
        f = self.obj("Get-VHD")
        if f is None:
            return pl.DataFrame(schema={"__path_key": pl.String, "capacity_mib": pl.Int64, "__format": pl.String})
        rows = f.select(__path_key=H.text(f, "Path").str.to_lowercase(), capacity_mib=H.mib(f, "Size"),
                        __format=H.text(f, "VhdFormat").str.to_lowercase())
        self.used["Get-VHD"] = rows.height
        return rows.filter(pl.col("__path_key").is_not_null()).unique(subset=["__path_key"], keep="first")

    def nics(self, guests: pl.DataFrame) -> pl.DataFrame:
        f = self.obj("Get-VMNetworkAdapter")
        if f is None:
            return pl.DataFrame()
        if "IsManagementOs" in f.columns:
            f = self.keep("Get-VMNetworkAdapter", f, V.boolean("IsManagementOs").fill_null(False).not_(),
                          "a host (management OS) adapter, not a VM's", level="info")
        f = self.checkpoint_rows("Get-VMNetworkAdapter", self.attach("Get-VMNetworkAdapter", f, guests))
        switch = H.text(f, "SwitchName")
        frame = f.with_columns(label=H.text(f, "Name"), network=switch, switch=switch,
                               connected=pl.coalesce(H.boolean(f, "Connected"), switch.is_not_null()),
                               mac=H.text(f, "MacAddress"))
        self.used["Get-VMNetworkAdapter"] = frame.height
        return frame

    def networks(self) -> pl.DataFrame:
        f = self.obj("Get-VMSwitch")
        if f is None:
            return pl.DataFrame()
        kind = H.enum(f, "SwitchType", H.SWITCH_KINDS)
        frame = f.with_columns(
            host_key=H.host_key(H.text(f, "ComputerName")), network=H.text(f, "Name"), switch=H.text(f, "Name"),
            switch_kind=kind, has_uplink=pl.when(kind.is_null()).then(None).otherwise(kind == "hyperv-external"),
            source_id=pl.lit(self.source_id, pl.Int32),
        )
        self.unparsed("Get-VMSwitch", f, {"SwitchType": V.enum("SwitchType", H.SWITCH_KINDS)})
        frame = self.keep("Get-VMSwitch", frame, pl.col("host_key").is_not_null() & pl.col("network").is_not_null(),
                          "no ComputerName or switch Name")
        frame = frame.unique(subset=["host_key", "network"], keep="first", maintain_order=True)
        self.used["Get-VMSwitch"] = frame.height
        return frame

    def devices(self, guests: pl.DataFrame) -> pl.DataFrame:
        parts: list[pl.DataFrame] = []
        hosts = guests.select("guest_key", __guest_host="host_key")
        f = self.obj("Get-VMDvdDrive")
        if f is not None:
            f = self.checkpoint_rows("Get-VMDvdDrive", self.attach("Get-VMDvdDrive", f, guests))
            backing = H.enum(f, "DvdMediaType", H.DVD_BACKINGS)
            path = H.text(f, "Path")
            dvd = f.join(hosts, on="guest_key", how="left").with_columns(
                kind=pl.lit("cd"), backing=backing, detail=path,
                datastore=pl.when(backing == "iso").then(_datastore_name(path, pl.col("__guest_host"))),
                connected=pl.when(backing.is_null()).then(None).otherwise(backing != "none"),
                bound_to_host=pl.when(backing == "host").then(True)
                .when(backing == "iso").then(H.storage_kind(path).replace_strict(
                    {"local": True, "csv": False, "smb": False}, default=None, return_dtype=pl.Boolean))
                .when(backing == "none").then(False).otherwise(None),
            )
            self.unparsed("Get-VMDvdDrive", f, {"DvdMediaType": V.enum("DvdMediaType", H.DVD_BACKINGS)})
            self.used["Get-VMDvdDrive"] = dvd.height
            parts.append(dvd)
        for obj, kind, detail, bound in (
            ("Get-VMFibreChannelHba", "vfc", ("SanName",), None),
            ("Get-VMAssignableDevice", "dda", ("LocationPath", "InstanceID", "Name"), True),
            ("Get-VMGpuPartitionAdapter", "gpu", ("InstancePath", "Name"), True),
        ):
            f = self.obj(obj)
            if f is None:
                continue
            f = self.checkpoint_rows(obj, self.attach(obj, f, guests))
            rows = f.with_columns(kind=pl.lit(kind), backing=pl.lit("host" if bound else None, pl.String),
                                  detail=H.first_text(f, *detail), connected=pl.lit(True),
                                  bound_to_host=pl.lit(bound, pl.Boolean))
            self.used[obj] = rows.height
            parts.append(rows)
        parts = [p for p in parts if p.width]
        return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()

    def datastores(self, hosts: pl.DataFrame, guests: pl.DataFrame, disks: pl.DataFrame,
                   devices: pl.DataFrame) -> pl.DataFrame:
        paths = [guests.select(path=pl.col("config_path"), host_key="host_key"),
                 guests.select(path=pl.col("snapshot_dir"), host_key="host_key")]
        if disks.height:
            paths.append(disks.filter(pl.col("passthrough_disk").is_null()).select("path", host_key="__guest_host"))
        if devices.height and "__guest_host" in devices.columns:
            paths.append(devices.filter(pl.col("backing") == "iso").select(path="detail", host_key="__guest_host"))
        used = pl.concat(paths).filter(pl.col("path").is_not_null()).with_columns(
            type=H.storage_kind(pl.col("path")), name=_datastore_name(pl.col("path"), pl.col("host_key")))
        used = used.filter(pl.col("name").is_not_null())
        csv = self.obj("Get-ClusterSharedVolume")
        declared = pl.DataFrame(schema={"name": pl.String, "capacity_mib": pl.Int64})
        if csv is not None:
            declared = csv.select(name=H.first_text(csv, "FriendlyVolumeName", "Path"),
                                  capacity_mib=H.mib(csv, "Size")).filter(pl.col("name").is_not_null())
            self.used["Get-ClusterSharedVolume"] = csv.height
        nodes = hosts.filter(pl.col("cluster_key").is_not_null()).group_by("cluster_key").agg(
            cluster_hosts=pl.col("host_key")) if hosts.height else pl.DataFrame(
            schema={"cluster_key": pl.String, "cluster_hosts": pl.List(pl.String)})
        host_cluster = hosts.select("host_key", "cluster_key") if hosts.height else pl.DataFrame(
            schema={"host_key": pl.String, "cluster_key": pl.String})
        used = used.join(host_cluster, on="host_key", how="left").join(nodes, on="cluster_key", how="left")
        frame = pl.concat([
            used.select("name", "type", "host_key", "cluster_hosts", capacity_mib=pl.lit(None, pl.Int64)),
            declared.select("name", type=pl.lit("csv"), host_key=pl.lit(None, pl.String),
                            cluster_hosts=pl.lit(None, pl.List(pl.String)), capacity_mib="capacity_mib"),
        ]).group_by("name", maintain_order=True).agg(
            type=pl.col("type").drop_nulls().first(),
            host_keys=pl.col("host_key").drop_nulls().unique().sort(),
            cluster_hosts=pl.col("cluster_hosts").drop_nulls().first(),
            capacity_mib=pl.col("capacity_mib").drop_nulls().first(),
        )
        if csv is not None and self.cluster_name:
            all_nodes = hosts.filter(pl.col("cluster_key").is_not_null())["host_key"].to_list()
            frame = frame.with_columns(cluster_hosts=pl.when(pl.col("type") == "csv").then(
                pl.coalesce("cluster_hosts", pl.lit(pl.Series([all_nodes])))).otherwise("cluster_hosts"))
        kind = pl.col("type")
        return frame.with_columns(
            datastore_key=pl.concat_str(pl.lit(f"hyperv/{self.source_id}/"), "name"),
            host_keys=pl.when(kind == "csv").then(pl.coalesce("cluster_hosts", "host_keys"))
            .when(kind == "local").then("host_keys").otherwise(None),
            shared=pl.when(kind.is_in(["csv", "smb"])).then(True).when(kind == "local").then(False),
            type=kind.replace_strict({"csv": "CSV", "smb": "SMB", "local": "local"}, default=None,
                                     return_dtype=pl.String),
            source_id=pl.lit(self.source_id, pl.Int32),
        ).with_columns(host_count=pl.col("host_keys").list.len().cast(pl.Int32))

    def tabs(self, gaps: list[Gap] | None = None) -> list[TabStatus]:
        """Per object: present or not, rows, columns, and where the exporter says it was not fully read."""
        by_object: dict[str, list[str]] = {}
        quoted: dict[str, list[str]] = {}
        for gap in gaps or []:
            by_object.setdefault(gap.object, []).append(gap.text())
            quoted.setdefault(gap.object, []).extend(gap.quoted())
        statuses = []
        for name in OBJECTS:
            frame = self.obj(name)
            found = tuple(by_object.get(name, ()))
            if frame is not None:
                columns = [c for c in frame.columns if not c.startswith("__")]
                statuses.append(TabStatus(self.source_id, name, True, frame.height, self.used.get(name, frame.height),
                                          frozenset(columns), gaps=found,
                                          empty=frozenset(empty_columns(name, frame, columns)),
                                          quoted=tuple(quoted.get(name, ()))))
            elif name in CLUSTER_OBJECTS and self.clustered is False:
                statuses.append(TabStatus(self.source_id, name, True, gaps=found,  # known: not a cluster
                                          quoted=tuple(quoted.get(name, ()))))
            else:
                statuses.append(TabStatus(self.source_id, name, False, gaps=found, quoted=tuple(quoted.get(name, ()))))
        return statuses


def _hosts(names: pl.Expr) -> pl.Expr:
    """'HV01; HV02' -> the host keys in that order; '' -> empty list; null stays null."""
    return names.str.split(";").list.eval(H.host_key(pl.element()).drop_nulls())


def _datastore_name(path: pl.Expr, host: pl.Expr) -> pl.Expr:
    """CSV and SMB volumes by their path; a local drive by drive and host ('D: on HV01')."""
    vol = H.volume(path)
    host_name = host.str.split("/").list.last()
    return pl.when(H.storage_kind(path) == "local").then(
        pl.concat_str(vol, pl.lit(" on "), host_name)).otherwise(vol)


def _text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _list(manifest: dict[str, object] | None, key: str) -> list[str]:
    value = (manifest or {}).get(key)
    return [str(v) for v in value if v] if isinstance(value, list) else []
