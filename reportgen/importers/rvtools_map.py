"""Mapping RVTools tabs (as text) onto the canonical estate tables.

Guests are keyed by vCenter instance UUID + VM ID, hosts and datastores by vCenter + name.
Every row read ends up in a table or in a :class:`DataIssue` that says why it was skipped.
The guests and their disks, NICs and devices are mapped here; the infrastructure tabs in
:mod:`.rvtools_infra`; the shared helpers and the columns read in :mod:`.rvtools_base`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import polars as pl

from ..errors import InputError
from ..estate import DataIssue
from . import values as V
from .agents import agent_expr, agents_issue
from .rvtools_base import NEEDED, MapOptions, needed_columns
from .rvtools_counts import describe as describe_shortfall
from .rvtools_counts import shortfall
from .rvtools_identity import Identity, guest_keys, identities, join_keys, offered
from .rvtools_infra import InfraMapping
from .rvtools_producer import describe, hyperv_objects

__all__ = ["NEEDED", "MapOptions", "Mapper", "needed_columns"]

DISK_FILE = V.DISK_FILE
EARLIEST_EXPORT_YEAR = 2000
"""An export time before this year is no RVTools export's (RVTools dates from 2008): a date cell that holds 0,
a negative number or text reads as 1899 or 1900, and would file the audit under that quarter."""
_OWNER = re.compile(r"(?i)^(vm[ _-]?)?(owner|owned by|application owner|app owner|service owner|contact|"
                    r"responsible|besitzer|verantwortlich|propri[ée]taire|responsable)$")


def _owner_attribute(custom: tuple[str, ...]) -> str | None:
    """A custom attribute that names guest owners ('Owner', 'Application Owner' ...), if there is one."""
    return next((c for c in custom if _OWNER.match(c.strip())), None)


class Mapper(InfraMapping):
    """The mapping steps of an RVTools export (see :mod:`.rvtools_stages` for their order)."""

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
                    "configuration to use another column)", sheet=raw.sheet, column=owner, quoted=(owner,)))
        if owner and owner not in f.columns:
            self.issues.append(
                DataIssue("warning", self.raw.file,
                          f"the owner column '{owner}' is not in vInfo; owners are unknown for this export",
                          sheet=raw.sheet, column=owner, quoted=(owner,))
            )
        ids = identities(f, self.scope_expr(f))
        identity = offered(ids)
        frame = f.with_columns(
            guest_key=guest_keys(ids, identity),
            name=ids["vm_name"],
            vcenter_scope=ids["scope"],
            id_uuid=ids["vm_uuid"],
            id_host=ids["host"],
            host_key=self.host_key(f, "vInfo"),
            cluster_key=self.cluster_key(f),
            cluster=self.col(f, "Cluster"),
            datacenter=self.col(f, "Datacenter"),
            platform=self.platform,
            power_state=self.typed(f, "Powerstate", V.enum("Powerstate", V.POWER_STATES), pl.String()),
            # 3.x exports have no Template column; a template's configuration file is a .vmtx.
            template=pl.coalesce(
                self.typed(f, "Template", V.boolean("Template"), pl.Boolean()),
                pl.when(self.col(f, "Path").is_null()).then(None)
                .otherwise(self.col(f, "Path").str.to_lowercase().str.ends_with(".vmtx")),
            ),
            owner=self.col(f, owner) if owner else pl.lit(None, pl.String),
            folder=self.col(f, "Folder"),
            os=pl.coalesce(self.col(f, "OS according to the VMware Tools"),
                           self.col(f, "OS according to the configuration file")),
            vcpus=self.typed(f, "CPUs", V.integer("CPUs", pl.Int32()), pl.Int32()),
            memory_mib=self.typed(f, "Memory", V.memory(V.integer("Memory")), pl.Int64()),
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
            "Memory": V.memory(V.integer("Memory")),
            "Disks": V.integer("Disks"),
            "NICs": V.integer("NICs"),
        })
        frame = self._agents(self._identified(frame, identity))
        self._unplaced(frame)
        if frame.is_empty() and not f.is_empty():
            raise InputError(
                f"none of the {f.height:,} rows of the {raw.sheet} tab names or identifies a VM (the columns VM, "
                "VM ID and VM UUID are empty)", where=self.raw.file,
                hint="export vInfo again from RVTools; without VM names or IDs there is nothing to audit")
        self.status("vInfo", frame.height, frame["row"])
        return self.snapshots(frame)

    def _agents(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Mark vSphere's own vCLS agent VMs (they tie no host) and say in the data quality how many there are."""
        frame = frame.with_columns(agent=agent_expr(pl.col("name"), pl.col("template")))
        issue = agents_issue(int(frame["agent"].is_not_null().sum()), self.raw.file, self.raw.tabs["vInfo"].sheet)
        if issue is not None:
            self.issues.append(issue)
        return frame

    def _unplaced(self, frame: pl.DataFrame) -> None:
        """Name the guests vInfo gives no 'Host' (a cell emptied or merged in Excel; an orphaned VM): where they
        run is unknown, so the column counts as unreadable and the checks that need each guest's host say so.
        A column empty on every row is said once as "present but empty"."""
        raw = self.raw.tabs["vInfo"]
        if "Host" not in raw.frame.columns:
            return
        lost = frame.filter(pl.col("host_key").is_null())
        if lost.is_empty() or lost.height == frame.height:
            return
        self.unreadable.setdefault("vInfo", set()).add("Host")
        names = tuple(str(n) for n in lost["name"].drop_nulls().head(3).to_list())
        more = " …" if lost.height > len(names) else ""
        unnamed = lost.filter(pl.col("name") == pl.col("vm_id")).height if "vm_id" in lost.columns else 0
        nameless = (f"; {'all' if unnamed == lost.height else f'{unnamed:,} of them'} without a name either ('VM' "
                    "empty, shown by their VM ID: probably edited out of the workbook)") if unnamed else ""
        self.issues.append(DataIssue(
            "warning", self.raw.file, f"{lost.height:,} guest(s) have no 'Host' (e.g. {', '.join(names)}{more}"
            f"{nameless}): where "
            "they run is unknown, so the checks that need each guest's host are not assessed; export vInfo again "
            "(a VM orphaned or inaccessible in vCenter has no host)", sheet=raw.sheet, row=int(lost["row"][0]),
            column="Host", rows=lost.height, quoted=names))

    def _identified(self, frame: pl.DataFrame, identity: Identity) -> pl.DataFrame:
        """vInfo rows that identify a guest, once each; the others skipped and counted."""
        if identity.by_name:
            frame = self.keep("vInfo", frame, pl.col("name").is_not_null(),
                              "no VM name, 'VM ID' or 'VM UUID' to identify the guest")
            self.issues.append(DataIssue(
                "info", self.raw.file, "vInfo has no 'VM ID' or 'VM UUID': guests are told apart by name (within "
                "their datacenter, cluster and host where names repeat) and other tabs join them by name",
                sheet=self.raw.tabs["vInfo"].sheet))
            return self.unique("vInfo", frame, ["guest_key"], "a guest of the same name on the same host is listed "
                               "earlier, and there is no 'VM ID' or 'VM UUID' to tell them apart; the first row is used")
        frame = self.keep("vInfo", frame, pl.col("guest_key").is_not_null(),
                          "no 'VM ID' or 'VM UUID' to identify the guest (add the column to the export)")
        frame = frame.with_columns(pl.col("name").fill_null(pl.coalesce("vm_id", "vm_uuid")))
        return self.unique("vInfo", frame, ["guest_key"], "the same 'VM ID' appears twice in vInfo; the first row is used")

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
        if guests.is_empty() and f.height:
            raise InputError(
                f"the vInfo tab has no rows, but {raw.sheet} lists {f.height:,} row(s) of VMs: vInfo was emptied or "
                "cut short", where=self.raw.file, hint="export vInfo again from RVTools, with the other tabs")
        known = guests.select("guest_key", "vm_id", "datacenter", "cluster", scope="vcenter_scope", vm_uuid="id_uuid",
                              vm_name="name", host="id_host")
        keys = join_keys(identities(f, self.scope_expr(f)), known, offered(known))
        frame = f.with_columns(guest_key=keys["guest_key"])
        if keys["reason"].null_count() < frame.height:
            for reason, rows in frame.with_columns(keys["reason"]).filter(pl.col("reason").is_not_null()).group_by(
                    "reason", maintain_order=True):
                self.skip(raw, rows, str(reason[0]))
            frame = frame.filter(pl.col("guest_key").is_not_null())
        frame = frame.with_columns(source_id=pl.lit(self.source_id, pl.Int32), row=pl.col("__row"), **columns)
        self.status(tab, frame.height, frame["__row"])
        return frame

    def _counted(self, tab: str, guests: pl.DataFrame, columns: dict[str, pl.Expr]) -> pl.DataFrame:
        """:meth:`_child`, and a gap on the tab when it lists fewer rows than vInfo counts."""
        frame = self._child(tab, guests, columns)
        lack = shortfall(tab, guests, frame)
        if lack is not None:
            gap, message = describe_shortfall(tab, lack)
            self.tabs[-1] = dataclasses.replace(self.tabs[-1], gaps=(*self.tabs[-1].gaps, gap))
            self.issues.append(DataIssue("warning", self.raw.file, message, sheet=self.raw.tabs[tab].sheet,
                                         rows=lack.rows, quoted=lack.examples))
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
            "Unit #": V.integer("Unit #"),
            "Capacity MiB": V.integer("Capacity MiB"),
        })
        return self._counted("vDisk", guests, dict(
            label=self.col(f, "Disk"),
            controller=self.col(f, "Label"),
            controller_type=self.col(f, "Controller"),
            unit=self.typed(f, "Unit #", V.integer("Unit #", pl.Int32()), pl.Int32()),
            bus_sharing=self.typed(f, "Shared Bus", V.enum("Shared Bus", V.BUS_SHARING), pl.String()),
            sharing_mode=self.typed(f, "Sharing mode", V.enum("Sharing mode", V.SHARING_MODES), pl.String()),
            raw=self.typed(f, "Raw", V.boolean("Raw"), pl.Boolean()),
            raw_mode=self.typed(f, "Raw Comp. Mode", V.enum("Raw Comp. Mode", V.RAW_MODES), pl.String()),
            lun_id=self.col(f, "Raw LUN ID"),
            disk_mode=self.col(f, "Disk Mode"),
            path=self.disk_file(f),
            datastore=self.typed(f, "Path", V.datastore("Path"), pl.String()),
            capacity_mib=self.typed(f, "Capacity MiB", V.integer("Capacity MiB"), pl.Int64()),
            vhd_set=pl.when(self.disk_file(f).is_null() | (self.platform != "hyperv")).then(None)
            .otherwise(self.disk_file(f).str.to_lowercase().str.ends_with(".vhds")),
        ))

    def disk_file(self, f: pl.DataFrame) -> pl.Expr:
        """The virtual disk file: ``Path``, else ``Disk Path`` where it names a disk file.

        RVTools writes the guest's mount points (``C:\\``) in ``Disk Path``; other exporters put the
        .vhdx there and leave ``Path`` empty.
        """
        named = self.col(f, "Disk Path")
        return pl.coalesce(self.col(f, "Path"), pl.when(named.str.contains(DISK_FILE)).then(named))

    def nics(self, guests: pl.DataFrame) -> pl.DataFrame:
        f = self.tab("vNetwork")
        if f is None:
            self.status("vNetwork", 0)
            return pl.DataFrame()
        self.report_unparsed("vNetwork", f, {c: V.boolean(c) for c in ("Connected", "Starts Connected", "Direct Path IO")})
        return self._counted("vNetwork", guests, dict(
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
            self.report_unparsed("vCD", f, {c: V.boolean(c) for c in ("Connected", "Starts Connected")})
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
            self.report_unparsed("vUSB", f, {c: V.boolean(c) for c in ("Connected", "Auto connect")})
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

    def source(self) -> dict[str, object]:
        meta = self.tab("vMetaData")
        version = exported = server = None
        if meta is not None and meta.height:
            row = meta.with_columns(
                at=V.timestamp("xlsx creation datetime") if "xlsx creation datetime" in meta.columns
                else pl.lit(None, pl.Datetime("ms"))
            ).row(0, named=True)
            version, exported, server = row.get("RVTools version"), row.get("at"), row.get("Server")
            written = row.get("xlsx creation datetime")
            why = V.unreadable_date_why(str(written))
            if exported is not None and exported.year < EARLIEST_EXPORT_YEAR:  # a date cell holding 0, text …
                exported, why = None, f" (it is before {EARLIEST_EXPORT_YEAR}, older than any RVTools export)"
            elif exported is not None and exported > dt.datetime.now() + dt.timedelta(days=2):
                exported, why = None, " (it is in the future)"
            unknown = "xlsx creation datetime" in self.raw.tabs["vMetaData"].errors  # an error value, a date of 1e20
            if exported is None and (written or unknown):
                what = f"the export time '{written}' is" if written else "the export time's cell holds a value that is"
                self.issues.append(DataIssue(
                    "warning", self.raw.file, f"{what} not a date and time reportgen can read, "
                    "so it is unknown: two exports of this vCenter cannot be told apart by date, and --history files "
                    f"this audit under today's quarter{why}. Export again from "
                    "RVTools, or write it as YYYY-MM-DD HH:MM:SS",
                    sheet=self.raw.tabs["vMetaData"].sheet, row=row.get("__row"), column="xlsx creation datetime",
                    quoted=(str(written),) if written else ()))
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
        said = describe(self.producer, self.raw.tabs)
        if said is not None:
            self.issues.append(DataIssue(said[0], self.raw.file, said[1], sheet="vSource" if src is not None else
                                         "vMetaData"))
        if self.producer.platform == "hyperv":
            self.tabs += hyperv_objects(self.source_id, {t: r.headers for t, r in self.raw.tabs.items()})
        return dict(
            source_id=self.source_id, file=self.raw.file, format=self.raw.format, platform=self.producer.platform,
            tool=self.producer.tool, tool_version=version, exported_at=exported, server=server,
            producer_recognised=self.producer.recognised,
            server_uuid=self.scope.uuid,
            server_version=server_version,
        )
