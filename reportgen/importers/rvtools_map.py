"""Mapping RVTools tabs (as text) onto the canonical estate tables.

Guests are keyed by vCenter instance UUID + VM ID, hosts and datastores by vCenter + name.
Every row read ends up in a table or in a :class:`DataIssue` that says why it was skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl
import pyarrow as pa

from .. import schema
from ..estate import DataIssue, Estate, IssueLevel, TabStatus
from . import values as V
from .rvtools_read import RawExport, RawTab

_ID = ("VM", "VM ID", "VM UUID", "VI SDK Server", "VI SDK UUID", "Host", "Cluster", "Datacenter")

# Columns the mapping reads, per tab. Custom attributes are always read too.
NEEDED: dict[str, frozenset[str]] = {
    "vInfo": frozenset(
        _ID
        + (
            "Powerstate", "Template", "SRM Placeholder", "CPUs", "Memory", "HW version", "Path",
            "Log directory", "Snapshot directory", "Suspend directory", "FT State", "FT Role",
            "Latency Sensitivity", "Cluster rule(s)", "Cluster rule name(s)", "HA Restart Priority",
            "min Required EVC Mode Key", "Fixed Passthru HotPlug", "Annotation",
            "OS according to the configuration file", "OS according to the VMware Tools",
        )
    ),
    "vDisk": frozenset(
        _ID
        + (
            "Disk", "Capacity MiB", "Raw", "Disk Mode", "Sharing mode", "Controller", "Label", "Shared Bus",
            "Path", "Raw LUN ID", "Raw Comp. Mode",
        )
    ),
    "vNetwork": frozenset(
        _ID + ("NIC label", "Adapter", "Network", "Switch", "Connected", "Starts Connected", "Mac Address",
               "Direct Path IO")
    ),
    "vCD": frozenset(_ID + ("Device Node", "Connected", "Starts Connected", "Device Type")),
    "vUSB": frozenset(_ID + ("Device Node", "Device Type", "Connected", "Family", "Auto connect")),
    "vSnapshot": frozenset(_ID + ("Name", "Date / time")),
    "vSource": frozenset(("Name", "API type", "Version", "Build", "Fullname", "VI SDK Server", "VI SDK UUID")),
    "vCluster": frozenset(
        ("Name", "NumHosts", "HA enabled", "AdmissionControlEnabled", "DRS enabled", "DRS default VM behavior",
         "DPM enabled", "VI SDK Server", "VI SDK UUID")
    ),
    "vHost": frozenset(
        ("Host", "Datacenter", "Cluster", "in Maintenance Mode", "CPU Model", "# Cores", "# Memory",
         "VMotion support", "Current EVC", "Max EVC", "ESX Version", "VI SDK Server", "VI SDK UUID")
    ),
    "vNIC": frozenset(("Host", "Network Device", "Switch", "Uplink port", "VI SDK Server", "VI SDK UUID")),
    "vSwitch": frozenset(("Host", "Switch", "VI SDK Server", "VI SDK UUID")),
    "vPort": frozenset(("Host", "Port Group", "Switch", "VLAN", "VI SDK Server", "VI SDK UUID")),
    "dvSwitch": frozenset(("Switch", "Datacenter", "Host members", "VI SDK Server", "VI SDK UUID")),
    "dvPort": frozenset(("Port", "Switch", "Type", "VLAN", "Active Uplink", "Standby Uplink", "VI SDK Server",
                         "VI SDK UUID")),
    "vDatastore": frozenset(("Name", "Type", "# Hosts", "Hosts", "MHA", "Capacity MiB", "VI SDK Server",
                             "VI SDK UUID")),
    "vMetaData": frozenset(("RVTools major version", "RVTools version", "xlsx creation datetime", "Server")),
}


# Columns some RVTools releases never wrote and that nothing depends on alone: not worth a
# "missing column" line in the data-quality section.
_OPTIONAL = frozenset({"VI SDK Server", "SRM Placeholder", "Datacenter", "Cluster"})


@dataclass(frozen=True)
class MapOptions:
    """What the mapping needs to know beyond the export."""

    owner_column: str | None = None


def needed_columns(options: MapOptions) -> dict[str, frozenset[str]]:
    """NEEDED plus the configured owner column."""
    needed = dict(NEEDED)
    if options.owner_column:
        needed["vInfo"] = needed["vInfo"] | {options.owner_column}
    return needed


_OWNER = re.compile(r"(?i)^(vm[ _-]?)?(owner|owned by|application owner|app owner|service owner|contact|"
                    r"responsible|besitzer|verantwortlich|propri[ée]taire|responsable)$")


def _owner_attribute(custom: tuple[str, ...]) -> str | None:
    """A custom attribute that names guest owners ('Owner', 'Application Owner' ...), if there is one."""
    return next((c for c in custom if _OWNER.match(c.strip())), None)


class _Mapper:
    def __init__(self, raw: RawExport, source_id: int, options: MapOptions) -> None:
        self.raw = raw
        self.source_id = source_id
        self.options = options
        self.issues: list[DataIssue] = list(raw.issues)
        self.rows_read = 0
        self.rows_used = 0
        self.tabs: list[TabStatus] = []
        self.scope = self._default_scope()

    # -- helpers ---------------------------------------------------------------------------
    def tab(self, name: str) -> pl.DataFrame | None:
        raw = self.raw.tabs.get(name)
        return None if raw is None else raw.frame

    def col(self, frame: pl.DataFrame, name: str) -> pl.Expr:
        """A text column, or a typed null when the export lacks it."""
        return V.text(name) if name in frame.columns else pl.lit(None, dtype=pl.String)

    def typed(self, frame: pl.DataFrame, name: str, expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
        return expr if name in frame.columns else pl.lit(None, dtype=dtype)

    def scope_expr(self, frame: pl.DataFrame) -> pl.Expr:
        """The vCenter a row belongs to: its VI SDK UUID, else the export's."""
        own = V.text("VI SDK UUID").str.to_uppercase() if "VI SDK UUID" in frame.columns else pl.lit(None, pl.String)
        return pl.coalesce(own, pl.lit(self.scope))

    def skip(self, tab: RawTab, rows: pl.DataFrame, reason: str, level: IssueLevel = "warning") -> None:
        if rows.is_empty():
            return
        first = int(rows["__row"][0])
        self.issues.append(
            DataIssue(level, self.raw.file, f"{rows.height} row(s) skipped: {reason}", sheet=tab.sheet,
                      row=first, rows=rows.height, skipped=True)
        )

    def keep(self, tab: str, frame: pl.DataFrame, condition: pl.Expr, reason: str,
             level: IssueLevel = "warning") -> pl.DataFrame:
        """Rows of ``frame`` meeting ``condition``; the others are skipped and counted."""
        dropped = frame.filter(~condition)
        if dropped.height and tab in self.raw.tabs:
            self.skip(self.raw.tabs[tab], dropped, reason, level)
        return frame.filter(condition)

    def unique(self, tab: str, frame: pl.DataFrame, key: list[str], reason: str) -> pl.DataFrame:
        """First row per ``key``; later duplicates are skipped and counted."""
        first = pl.int_range(pl.len()).over(key) == 0
        return self.keep(tab, frame, first, reason, level="info")

    def status(self, name: str, used: int) -> None:
        raw = self.raw.tabs.get(name)
        if raw is None:
            self.tabs.append(TabStatus(self.source_id, name, False))
            return
        self.rows_read += raw.frame.height + raw.blank_rows
        self.rows_used += used
        missing = tuple(sorted(NEEDED.get(name, frozenset()) - raw.headers - _OPTIONAL))
        self.tabs.append(TabStatus(self.source_id, name, True, raw.frame.height + raw.blank_rows, used, raw.headers,
                                   missing))

    def report_unparsed(self, name: str, frame: pl.DataFrame, checks: dict[str, pl.Expr]) -> None:
        raw = self.raw.tabs[name]
        for column, parsed in checks.items():
            bad = V.unparsed(frame, column, parsed)
            if bad.height:
                sample = bad[column][0]
                self.issues.append(
                    DataIssue("warning", self.raw.file,
                              f"{bad.height} value(s) not understood (e.g. {sample!r}); read as unknown",
                              sheet=raw.sheet, row=int(bad["__row"][0]), column=column, rows=bad.height)
                )

    def _default_scope(self) -> str:
        for tab in ("vInfo", "vSource", "vHost"):
            frame = self.tab(tab)
            if frame is not None and "VI SDK UUID" in frame.columns:
                values = frame.select(V.text("VI SDK UUID").str.to_uppercase().drop_nulls().mode())
                if values.height:
                    return str(sorted(values.to_series().to_list())[0])
        meta = self.tab("vMetaData")
        if meta is not None and "Server" in meta.columns and meta.height:
            server = meta["Server"][0]
            if server:
                return f"server:{server}"
        return f"file:{self.raw.file}"

    def guest_key(self, frame: pl.DataFrame) -> pl.Expr:
        vm_id = self.col(frame, "VM ID")
        uuid = self.col(frame, "VM UUID")
        ident = pl.coalesce(vm_id, pl.concat_str(pl.lit("uuid:"), uuid))
        return pl.concat_str(self.scope_expr(frame), pl.lit("/"), ident)

    def host_key(self, frame: pl.DataFrame, column: str = "Host") -> pl.Expr:
        host = self.col(frame, column)
        return pl.when(host.is_null()).then(None).otherwise(
            pl.concat_str(self.scope_expr(frame), pl.lit("/"), host)
        )

    def cluster_key(self, frame: pl.DataFrame) -> pl.Expr:
        cluster = self.col(frame, "Cluster")
        dc = self.col(frame, "Datacenter").fill_null("")
        return pl.when(cluster.is_null()).then(None).otherwise(
            pl.concat_str(self.scope_expr(frame), pl.lit("/"), dc, pl.lit("/"), cluster)
        )

    # -- tables ----------------------------------------------------------------------------
    def guests(self) -> pl.DataFrame:
        raw = self.raw.tabs["vInfo"]
        f = raw.frame
        owner = self.options.owner_column
        if owner is None:
            owner = _owner_attribute(raw.custom)
            if owner is not None:
                self.issues.append(DataIssue(
                    "info", self.raw.file,
                    f"guest owners read from the custom attribute '{owner}' (set owner.column in the "
                    "configuration to use another column)", sheet=raw.sheet, column=owner))
        if owner and owner not in f.columns:
            self.issues.append(
                DataIssue("warning", self.raw.file,
                          f"the owner column '{owner}' is not in vInfo; owners are unknown for this export",
                          sheet=raw.sheet, column=owner)
            )
        frame = f.with_columns(
            guest_key=self.guest_key(f),
            name=V.name("VM") if "VM" in f.columns else pl.lit(None, pl.String),
            host_key=self.host_key(f),
            cluster_key=self.cluster_key(f),
            cluster=self.col(f, "Cluster"),
            datacenter=self.col(f, "Datacenter"),
            platform=pl.lit("vsphere"),
            power_state=self.typed(f, "Powerstate", V.enum("Powerstate", V.POWER_STATES), pl.String()),
            # 3.x exports have no Template column; a template's configuration file is a .vmtx.
            template=pl.coalesce(
                self.typed(f, "Template", V.boolean("Template"), pl.Boolean()),
                pl.when(self.col(f, "Path").is_null()).then(None)
                .otherwise(self.col(f, "Path").str.to_lowercase().str.ends_with(".vmtx")),
            ),
            owner=self.col(f, owner) if owner else pl.lit(None, pl.String),
            os=pl.coalesce(self.col(f, "OS according to the VMware Tools"),
                           self.col(f, "OS according to the configuration file")),
            vcpus=self.typed(f, "CPUs", V.integer("CPUs", pl.Int32()), pl.Int32()),
            memory_mib=self.typed(f, "Memory", V.integer("Memory"), pl.Int64()),
            hw_version=self.col(f, "HW version"),
            config_path=self.col(f, "Path"),
            log_dir=self.col(f, "Log directory"),
            snapshot_dir=self.col(f, "Snapshot directory"),
            suspend_dir=self.col(f, "Suspend directory"),
            ft_state=self.col(f, "FT State"),
            ft_role=self.col(f, "FT Role"),
            latency_sensitivity=self.col(f, "Latency Sensitivity"),
            cluster_rules=self.col(f, "Cluster rule(s)"),
            cluster_rule_names=self.col(f, "Cluster rule name(s)"),
            ha_restart_priority=self.col(f, "HA Restart Priority"),
            evc_required=self.col(f, "min Required EVC Mode Key"),
            passthru_hotplug=self.col(f, "Fixed Passthru HotPlug"),
            annotation=self.col(f, "Annotation"),
            vm_id=self.col(f, "VM ID"),
            vm_uuid=self.col(f, "VM UUID"),
            server=self.col(f, "VI SDK Server"),
            source_id=pl.lit(self.source_id, pl.Int32),
            row=pl.col("__row"),
        )
        self.report_unparsed("vInfo", f, {
            "Powerstate": V.enum("Powerstate", V.POWER_STATES),
            "Template": V.boolean("Template"),
            "CPUs": V.integer("CPUs"),
            "Memory": V.integer("Memory"),
        })
        frame = self.keep("vInfo", frame, pl.col("vm_id").is_not_null() | pl.col("vm_uuid").is_not_null(),
                          "no 'VM ID' or 'VM UUID' to identify the guest (add the column to the export)")
        frame = frame.with_columns(pl.col("name").fill_null(pl.col("vm_id")))
        frame = self.unique("vInfo", frame, ["guest_key"], "the same 'VM ID' appears twice in vInfo; the first row is used")
        self.status("vInfo", frame.height)
        return self.snapshots(frame)

    def snapshots(self, guests: pl.DataFrame) -> pl.DataFrame:
        """Count vSnapshot rows per guest into ``snapshots`` (null when the tab is absent)."""
        if "vSnapshot" not in self.raw.tabs:
            self.status("vSnapshot", 0)
            return guests.with_columns(snapshots=pl.lit(None, pl.Int32))
        rows = self._child("vSnapshot", guests, {})
        counts = rows.group_by("guest_key").agg(snapshots=pl.len().cast(pl.Int32)) if rows.height else \
            pl.DataFrame(schema={"guest_key": pl.String, "snapshots": pl.Int32})
        return guests.join(counts, on="guest_key", how="left").with_columns(pl.col("snapshots").fill_null(0))

    def _child(self, tab: str, guests: pl.DataFrame, columns: dict[str, pl.Expr]) -> pl.DataFrame:
        """Rows of a per-VM tab joined to known guests; orphans are skipped and counted."""
        raw = self.raw.tabs.get(tab)
        if raw is None:
            self.status(tab, 0)
            return pl.DataFrame()
        f = raw.frame
        frame = f.with_columns(guest_key=self.guest_key(f))
        known = guests.select("guest_key")
        orphans = frame.join(known, on="guest_key", how="anti")
        self.skip(raw, orphans, "the VM is not in vInfo (export tabs taken at different times?)")
        frame = frame.join(known, on="guest_key", how="semi")
        frame = frame.with_columns(source_id=pl.lit(self.source_id, pl.Int32), row=pl.col("__row"), **columns)
        self.status(tab, frame.height)
        return frame

    def disks(self, guests: pl.DataFrame) -> pl.DataFrame:
        f = self.tab("vDisk")
        if f is None:
            self.status("vDisk", 0)
            return pl.DataFrame()
        self.report_unparsed("vDisk", f, {
            "Shared Bus": V.enum("Shared Bus", V.BUS_SHARING),
            "Sharing mode": V.enum("Sharing mode", V.SHARING_MODES),
            "Raw": V.boolean("Raw"),
            "Raw Comp. Mode": V.enum("Raw Comp. Mode", V.RAW_MODES),
        })
        return self._child("vDisk", guests, dict(
            label=self.col(f, "Disk"),
            controller=self.col(f, "Label"),
            controller_type=self.col(f, "Controller"),
            bus_sharing=self.typed(f, "Shared Bus", V.enum("Shared Bus", V.BUS_SHARING), pl.String()),
            sharing_mode=self.typed(f, "Sharing mode", V.enum("Sharing mode", V.SHARING_MODES), pl.String()),
            raw=self.typed(f, "Raw", V.boolean("Raw"), pl.Boolean()),
            raw_mode=self.typed(f, "Raw Comp. Mode", V.enum("Raw Comp. Mode", V.RAW_MODES), pl.String()),
            lun_id=self.col(f, "Raw LUN ID"),
            disk_mode=self.col(f, "Disk Mode"),
            path=self.col(f, "Path"),
            datastore=self.typed(f, "Path", V.datastore("Path"), pl.String()),
            capacity_mib=self.typed(f, "Capacity MiB", V.integer("Capacity MiB"), pl.Int64()),
        ))

    def nics(self, guests: pl.DataFrame) -> pl.DataFrame:
        f = self.tab("vNetwork")
        if f is None:
            self.status("vNetwork", 0)
            return pl.DataFrame()
        return self._child("vNetwork", guests, dict(
            label=self.col(f, "NIC label"),
            adapter=self.col(f, "Adapter"),
            network=self.typed(f, "Network", V.name("Network"), pl.String()),
            switch=self.col(f, "Switch"),
            connected=self.typed(f, "Connected", V.boolean("Connected"), pl.Boolean()),
            starts_connected=self.typed(f, "Starts Connected", V.boolean("Starts Connected"), pl.Boolean()),
            direct_path_io=self.typed(f, "Direct Path IO", V.boolean("Direct Path IO"), pl.Boolean()),
            mac=self.col(f, "Mac Address"),
        ))

    def devices(self, guests: pl.DataFrame) -> pl.DataFrame:
        parts = []
        f = self.tab("vCD")
        if f is not None:
            kind = self.col(f, "Device Type")
            backing = (
                pl.when(kind.is_null()).then(pl.lit("none"))
                .when(kind.str.starts_with("ISO")).then(pl.lit("iso"))
                .when(kind.str.starts_with("Remote")).then(pl.lit("client"))
                .when(kind.str.starts_with("ATAPI") | kind.str.starts_with("/dev")).then(pl.lit("host"))
                .when(kind.str.to_lowercase().str.contains(r"\.iso$")).then(pl.lit("iso"))
                .otherwise(pl.lit(None, pl.String))
            )
            cd = self._child("vCD", guests, dict(
                kind=pl.lit("cd"), backing=backing, detail=kind,
                datastore=kind.str.extract(r"\[([^\]]+)\]", 1),
                connected=self.typed(f, "Connected", V.boolean("Connected"), pl.Boolean()),
                starts_connected=self.typed(f, "Starts Connected", V.boolean("Starts Connected"), pl.Boolean()),
                bound_to_host=pl.when(backing == "host").then(True).when(backing.is_in(["client", "none"]))
                .then(False).otherwise(None),
            ))
            parts.append(cd)
        else:
            self.status("vCD", 0)
        f = self.tab("vUSB")
        if f is not None:
            usb = self._child("vUSB", guests, dict(
                kind=pl.lit("usb"), backing=pl.lit("host"),
                detail=pl.concat_str([self.col(f, "Device Type"), self.col(f, "Family")], separator=" ",
                                     ignore_nulls=True),
                datastore=pl.lit(None, pl.String),
                connected=self.typed(f, "Connected", V.boolean("Connected"), pl.Boolean()),
                starts_connected=self.typed(f, "Auto connect", V.boolean("Auto connect"), pl.Boolean()),
                bound_to_host=pl.lit(True),
            ))
            parts.append(usb)
        else:
            self.status("vUSB", 0)
        parts = [p for p in parts if p.height or p.width]
        return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()

    def hosts(self, guests: pl.DataFrame) -> pl.DataFrame:
        f = self.tab("vHost")
        frames = []
        if f is not None:
            product = self.col(f, "ESX Version")
            hosts = f.with_columns(
                host_key=self.host_key(f),
                name=self.col(f, "Host"),
                cluster_key=self.cluster_key(f),
                cluster=self.col(f, "Cluster"),
                datacenter=self.col(f, "Datacenter"),
                platform=pl.lit("vsphere"),
                product=product,
                version=product.str.extract(r"(\d+\.\d+(?:\.\d+)?)", 1),
                build=product.str.extract(r"build-(\d+)", 1),
                in_maintenance=self.typed(f, "in Maintenance Mode", V.boolean("in Maintenance Mode"), pl.Boolean()),
                cpu_model=self.col(f, "CPU Model"),
                evc_current=self.col(f, "Current EVC"),
                evc_max=self.col(f, "Max EVC"),
                live_migration=self.typed(f, "VMotion support", V.boolean("VMotion support"), pl.Boolean()),
                memory_mib=self.typed(f, "# Memory", V.integer("# Memory"), pl.Int64()),
                cores=self.typed(f, "# Cores", V.integer("# Cores", pl.Int32()), pl.Int32()),
                source_id=pl.lit(self.source_id, pl.Int32),
            )
            hosts = self.keep("vHost", hosts, pl.col("name").is_not_null(),
                              "the host has no name (anonymised export?); hosts named in vInfo are still used")
            hosts = self.unique("vHost", hosts, ["host_key"], "the host is listed twice; the first row is used")
            self.status("vHost", hosts.height)
            frames.append(hosts)
        else:
            self.status("vHost", 0)
        # Hosts that guests run on but vHost does not list (tab missing, trimmed or anonymised).
        seen = guests.filter(pl.col("host_key").is_not_null()).group_by("host_key").agg(
            name=(pl.col("Host") if "Host" in guests.columns else pl.col("host_key")).first(),
            cluster_key=pl.col("cluster_key").first(),
            cluster=pl.col("cluster").first(),
            datacenter=pl.col("datacenter").first(),
        ).with_columns(platform=pl.lit("vsphere"), source_id=pl.lit(self.source_id, pl.Int32))
        if frames:
            seen = seen.join(frames[0].select("host_key"), on="host_key", how="anti")
        if seen.height and f is not None:
            self.issues.append(DataIssue(
                "info", self.raw.file,
                f"{seen.height} host(s) named in vInfo are missing from vHost; their details are unknown",
                sheet="vHost", rows=seen.height))
        frames.append(seen)
        return pl.concat(frames, how="diagonal_relaxed")

    def clusters(self, hosts: pl.DataFrame) -> pl.DataFrame:
        from_hosts = hosts.filter(pl.col("cluster_key").is_not_null()).group_by("cluster_key").agg(
            name=pl.col("cluster").first(),
            datacenter=pl.col("datacenter").first(),
            host_count=pl.len().cast(pl.Int32),
            scope=pl.col("cluster_key").first().str.split("/").list.first(),
        ).with_columns(platform=pl.lit("vsphere"), source_id=pl.lit(self.source_id, pl.Int32))
        f = self.tab("vCluster")
        if f is None:
            self.status("vCluster", 0)
            return from_hosts.drop("scope")
        details = f.with_columns(
            scope=self.scope_expr(f),
            name=self.col(f, "Name"),
            ha_enabled=self.typed(f, "HA enabled", V.boolean("HA enabled"), pl.Boolean()),
            drs_enabled=self.typed(f, "DRS enabled", V.boolean("DRS enabled"), pl.Boolean()),
            drs_behavior=self.col(f, "DRS default VM behavior"),
            admission_control=self.typed(f, "AdmissionControlEnabled", V.boolean("AdmissionControlEnabled"),
                                         pl.Boolean()),
            dpm_enabled=self.typed(f, "DPM enabled", V.boolean("DPM enabled"), pl.Boolean()),
        )
        details = self.keep("vCluster", details, pl.col("name").is_not_null(), "the cluster has no name")
        details = self.unique("vCluster", details, ["scope", "name"], "the cluster is listed twice").select(
            "scope", "name", "ha_enabled", "drs_enabled", "drs_behavior", "admission_control", "dpm_enabled"
        )
        self.status("vCluster", details.height)
        return from_hosts.join(details, on=["scope", "name"], how="left").drop("scope")

    def networks(self) -> pl.DataFrame:
        parts = []
        port = self.tab("vPort")
        nic = self.tab("vNIC")
        switch = self.tab("vSwitch")
        uplinked = None
        if nic is not None:
            uplinked = nic.filter(self.col(nic, "Switch").is_not_null()).select(
                host_key=self.host_key(nic), switch=self.col(nic, "Switch")
            ).unique().with_columns(has_uplink=pl.lit(True))
            self.status("vNIC", nic.height)
        else:
            self.status("vNIC", 0)
        if switch is not None:
            self.status("vSwitch", switch.height)
        else:
            self.status("vSwitch", 0)
        if port is not None:
            std = port.select(
                "__row",
                host_key=self.host_key(port),
                network=V.name("Port Group") if "Port Group" in port.columns else pl.lit(None, pl.String),
                switch=self.col(port, "Switch"),
                switch_kind=pl.lit("standard"),
                vlan=self.col(port, "VLAN"),
            )
            std = self.keep("vPort", std, pl.col("host_key").is_not_null() & pl.col("network").is_not_null(),
                            "no host or port group name")
            if uplinked is not None:
                std = std.join(uplinked, on=["host_key", "switch"], how="left").with_columns(
                    pl.col("has_uplink").fill_null(False))
            else:
                std = std.with_columns(has_uplink=pl.lit(None, pl.Boolean))
            parts.append(std)
            self.status("vPort", std.height)
        else:
            self.status("vPort", 0)
        dvs = self.tab("dvSwitch")
        dvp = self.tab("dvPort")
        if dvs is not None and dvp is not None:
            members = dvs.select(
                scope=self.scope_expr(dvs), switch=self.col(dvs, "Switch"),
                host=self.col(dvs, "Host members").str.split(", "),
            ).explode("host").filter(pl.col("host").is_not_null())
            pgs = dvp.select(
                "__row",
                scope=self.scope_expr(dvp), switch=self.col(dvp, "Switch"),
                network=V.name("Port") if "Port" in dvp.columns else pl.lit(None, pl.String),
                vlan=self.col(dvp, "VLAN"),
                has_uplink=self.col(dvp, "Active Uplink").is_not_null() | self.col(dvp, "Standby Uplink").is_not_null(),
            )
            pgs = self.keep("dvPort", pgs, pl.col("network").is_not_null(), "no port group name")
            dist = pgs.join(members, on=["scope", "switch"], how="inner").select(
                host_key=pl.concat_str("scope", pl.lit("/"), pl.col("host").str.strip_chars()),
                network="network", switch="switch", switch_kind=pl.lit("distributed"),
                has_uplink="has_uplink", vlan="vlan",
            )
            parts.append(dist)
            self.status("dvSwitch", dvs.height)
            self.status("dvPort", dvp.height)
        else:
            self.status("dvSwitch", 0 if dvs is None else dvs.height)
            self.status("dvPort", 0 if dvp is None else dvp.height)
        if not parts:
            return pl.DataFrame()
        frame = pl.concat(parts, how="diagonal_relaxed")
        frame = frame.filter(pl.int_range(pl.len()).over(["host_key", "network", "switch"]) == 0)
        return frame.with_columns(source_id=pl.lit(self.source_id, pl.Int32))

    def datastores(self) -> pl.DataFrame:
        f = self.tab("vDatastore")
        if f is None:
            self.status("vDatastore", 0)
            return pl.DataFrame()
        count = self.typed(f, "# Hosts", V.integer("# Hosts", pl.Int32()), pl.Int32())
        mha = self.typed(f, "MHA", V.boolean("MHA"), pl.Boolean())
        scope = self.scope_expr(f)
        frame = f.with_columns(
            datastore_key=pl.concat_str(scope, pl.lit("/"), self.col(f, "Name")),
            name=self.col(f, "Name"),
            type=self.col(f, "Type"),
            host_count=count,
            shared=pl.when(count.is_not_null()).then(count > 1).otherwise(mha),
            capacity_mib=self.typed(f, "Capacity MiB", V.integer("Capacity MiB"), pl.Int64()),
            source_id=pl.lit(self.source_id, pl.Int32),
        )
        frame = self.keep("vDatastore", frame, pl.col("name").is_not_null(), "the datastore has no name")
        members = frame.select(
            "datastore_key", scope=scope, host=self.col(f, "Hosts").str.split(",")
        ).explode("host").with_columns(pl.col("host").str.strip_chars()).filter(
            pl.col("host").is_not_null() & (pl.col("host") != "")
        ).group_by("datastore_key").agg(host_keys=pl.concat_str("scope", pl.lit("/"), "host"))
        frame = frame.join(members, on="datastore_key", how="left")
        self.status("vDatastore", frame.height)
        return frame

    def source(self) -> dict[str, object]:
        meta = self.tab("vMetaData")
        version = exported = server = None
        if meta is not None and meta.height:
            row = meta.with_columns(
                at=V.timestamp("xlsx creation datetime") if "xlsx creation datetime" in meta.columns
                else pl.lit(None, pl.Datetime("ms"))
            ).row(0, named=True)
            version, exported, server = row.get("RVTools version"), row.get("at"), row.get("Server")
            self.status("vMetaData", meta.height)
        else:
            self.status("vMetaData", 0)
        src = self.tab("vSource")
        server_version = None
        if src is not None and src.height:
            row = src.row(0, named=True)
            server_version = row.get("Fullname") or row.get("Version")
            server = server or row.get("VI SDK Server")
            self.status("vSource", src.height)
        else:
            self.status("vSource", 0)
        info = self.tab("vInfo")
        if server is None and info is not None and "VI SDK Server" in info.columns and info.height:
            server = info["VI SDK Server"].drop_nulls().mode().sort().first() if info["VI SDK Server"].drop_nulls().len() else None
        if version is None:
            version = "3.x (no vMetaData tab)" if any(s.startswith("tab") for s in
                                                      (t.sheet for t in self.raw.tabs.values())) else None
        return dict(
            source_id=self.source_id, file=self.raw.file, format=self.raw.format, platform="vsphere",
            tool="RVTools", tool_version=version, exported_at=exported, server=server,
            server_uuid=None if self.scope.startswith(("server:", "file:")) else self.scope,
            server_version=server_version,
        )


def _to_table(name: str, frame: pl.DataFrame) -> pa.Table:
    if frame.is_empty() and not frame.width:
        return schema.empty(name)
    wanted = [f.name for f in schema.SCHEMAS[name] if f.name in frame.columns]
    return schema.conform(name, frame.select(wanted).to_arrow())


def map_export(raw: RawExport, source_id: int, options: MapOptions) -> Estate:
    """Turn one RVTools export into an :class:`Estate` with a single source."""
    m = _Mapper(raw, source_id, options)
    guests = m.guests()
    hosts = m.hosts(guests)
    tables = {
        "guests": _to_table("guests", guests),
        "hosts": _to_table("hosts", hosts),
        "clusters": _to_table("clusters", m.clusters(hosts)),
        "disks": _to_table("disks", m.disks(guests)),
        "nics": _to_table("nics", m.nics(guests)),
        "devices": _to_table("devices", m.devices(guests)),
        "networks": _to_table("networks", m.networks()),
        "datastores": _to_table("datastores", m.datastores()),
    }
    source = m.source()
    skipped = sum(i.rows for i in m.issues if i.skipped)
    source.update(rows_read=m.rows_read, rows_used=m.rows_used, rows_skipped=skipped)
    tables["sources"] = schema.conform("sources", pa.Table.from_pylist([source]))
    custom = tuple(raw.tabs["vInfo"].custom) if "vInfo" in raw.tabs else ()
    if custom:
        m.issues.append(DataIssue(
            "info", raw.file, f"custom attribute / tag columns found: {', '.join(custom)}", sheet="vInfo"))
    return Estate(tables=tables, issues=tuple(m.issues), tabs=tuple(m.tabs), custom_columns={source_id: custom})
