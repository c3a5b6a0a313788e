"""Mapping Hyper-V objects (as text) onto the canonical estate tables.

Guests are keyed by VMId (lower case), hosts by ``hyperv/<COMPUTERNAME>``, clusters by
``hyperv/<CLUSTER>``. A Hyper-V Replica copy keeps its primary's VMId, so a copy is keyed
``<VMId>/replica/<COMPUTERNAME>``: the primary and its copy stay two guests in one audit. Child objects (disks, NICs, drives, devices) join their VM by VMId, or
by host and VM name when a user's ``Select-Object`` left VMId out. Every row read ends up in a
table or in a :class:`DataIssue` that says why it was skipped.
"""

from __future__ import annotations

import polars as pl

from ..estate import DataIssue, TabStatus
from . import hyperv_values as H
from . import values as V
from .filled import empty_columns
from .hyperv_read import OBJECTS, RawHyperV
from .hyperv_status import WHOLE, Gap, derive
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
        self.gaps: list[Gap] = []
        self.unreadable: dict[str, set[str]] = {}
        """Per object, the columns with values :meth:`unparsed` could not read."""
        """Objects the mapping found incomplete (rows it could not use that others depend on)."""
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
        if row is not None and rows is not None and "__file" in rows.columns:
            sheet = str(rows["__file"][0])  # the row number is the first row's, in its own file
        count = rows.height if rows is not None else 1
        self.issues.append(DataIssue(level, self.raw.file, message, sheet=sheet, row=row, column=column,  # type: ignore[arg-type]
                                     rows=count, skipped=skipped, quoted=quoted))

    def keep(self, name: str, frame: pl.DataFrame, condition: pl.Expr, reason: str,
             level: str = "warning", column: str | None = None) -> pl.DataFrame:
        """Rows meeting ``condition``; the others (unknown counts as not met) are skipped and counted."""
        kept = frame.select(condition.fill_null(False)).to_series()
        if kept.all():
            return frame
        dropped = frame.filter(~kept)
        self.issue(level, f"{dropped.height} row(s) skipped: {reason}", name, dropped, column=column, skipped=True)
        return frame.filter(kept)

    def unparsed(self, name: str, frame: pl.DataFrame, checks: dict[str, pl.Expr]) -> None:
        for column, parsed in checks.items():
            bad = V.unparsed(frame, column, parsed)
            if bad.height:
                self.unreadable.setdefault(name, set()).add(column)
                sample = str(bad[column][0])
                self.issue("warning", f"{bad.height} value(s) not understood (e.g. '{sample}'); "
                           f"read as unknown{V.unreadable_why(sample)}", name, bad, column=column, quoted=(sample,))

    def attach(self, name: str, frame: pl.DataFrame, guests: pl.DataFrame) -> pl.DataFrame:
        """Give each row of a per-VM object its guest key; rows of unknown VMs are skipped."""
        direct = H.guid(pl.col("VMId")) if "VMId" in frame.columns else pl.lit(None, pl.String)
        frame = frame.with_columns(
            guest_key=direct,
            __host=H.host_key(pl.col("ComputerName")) if "ComputerName" in frame.columns else pl.lit(None, pl.String),
            __vm=H.text(frame, "VMName"),
        )
        copies = guests.filter(pl.col("guest_key") != pl.col("vm_id")).select(
            __copy_id="vm_id", __host="host_key", __copy="guest_key")
        if copies.height:  # a Replica copy's rows: its VMId on the copy's host
            frame = frame.join(copies, left_on=["guest_key", "__host"], right_on=["__copy_id", "__host"],
                               how="left", nulls_equal=False)
            frame = frame.with_columns(guest_key=pl.coalesce("__copy", "guest_key")).drop("__copy")
        by_name = guests.select(__host="host_key", __vm="name", __by_name="guest_key").unique(
            subset=["__host", "__vm"], keep="first")
        frame = frame.join(by_name, on=["__host", "__vm"], how="left", nulls_equal=False)
        frame = frame.with_columns(guest_key=pl.coalesce("guest_key", "__by_name")).drop("__by_name")
        frame = self.identified(name, frame)
        known = guests.select("guest_key")
        frame = self.keep(name, frame, pl.col("guest_key").is_in(known["guest_key"].implode()),
                          "the VM is not in the Get-VM export (exports taken at different times, or from "
                          "another host?)")
        return frame.with_columns(source_id=pl.lit(self.source_id, pl.Int32), row=pl.col("__row"))

    def identified(self, name: str, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows that name their VM (a VMId, or a VMName on a ComputerName); the others are skipped, and unless they
        are notes (one cell) the object is partly read: which VMs those rows are of is unknown."""
        anonymous = pl.col("guest_key").is_null() & (pl.col("__vm").is_null() | pl.col("__host").is_null())
        cells = pl.sum_horizontal([pl.col(c).is_not_null() for c in frame.columns
                                   if not c.startswith("__") and c not in ("guest_key", "source_id", "row")])
        lost = frame.filter(anonymous & (cells > 1)).height
        if lost:
            self.gaps.append(Gap(name, WHOLE, "partial", f"{lost} row(s) name no VM (no VMId, nor VMName and "
                                 "ComputerName): which VMs they belong to is unknown"))
        return self.keep(name, frame, ~anonymous, "no VMId, nor VMName and ComputerName, to say which VM the row "
                         "belongs to (add them to the export)")

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
            memory_mib=pl.coalesce(H.memory_mib(f, "MemoryStartup"), H.memory_mib(f, "MemoryAssigned")),
            hw_version=H.text(f, "Version").str.replace(r"^(\d+),(\d+)$", "$1.$2"),  # '9,0': a decimal comma
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
            "ProcessorCount": V.decimal("ProcessorCount"), "MemoryStartup": H.memory_mib(f, "MemoryStartup"),
            "MemoryAssigned": H.memory_mib(f, "MemoryAssigned"),
            # '9.1' re-saved by a de-DE Excel becomes the date '09. Jan': not a version, so HYV-14 cannot compare it
            "Version": pl.when(V.text("Version").str.contains(r"^\d+(\.\d+)*$|^\d+,\d+$")).then(True),
        })
        frame = self.keep("Get-VM", self._unkeyed(frame), pl.col("guest_key").is_not_null(),
                          "no VMId (or Id) that can be read to identify the VM (add VMId to the export, or export "
                          "it again where a spreadsheet left an error value or a number in exponent form)")
        copy = pl.col("replication_mode").is_in(list(H.COPY_MODES)).fill_null(False)
        frame = frame.with_columns(guest_key=pl.when(copy).then(_copy_key(pl.col("guest_key"), pl.col("host_key")))
                                   .otherwise(pl.col("guest_key")))
        frame = self._named(frame)
        # Without ReplicationMode a Replica copy cannot be told from its primary: the running row is the guest.
        running = (pl.col("power_state") == "poweredOn").fill_null(False)
        first_running = running & (running.cast(pl.Int32).cum_sum().over("guest_key") == 1)
        first = pl.when(running.any().over("guest_key")).then(first_running) \
            .otherwise(pl.int_range(pl.len()).over("guest_key") == 0)
        frame = self.keep("Get-VM", frame, first, "the same VMId is listed twice (a Hyper-V Replica copy, or the "
                          "same VM exported twice); the row where it runs is used, else the first", "info")
        self.used["Get-VM"] = frame.height
        return frame

    def _unkeyed(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Note VMs listed without a VMId that can be read while others have one (a cell Excel damaged): a VM
        is missing from the estate, so the checks that need the VMs are not assessed rather than clean."""
        lost = frame.filter(pl.col("guest_key").is_null() & pl.col("name").is_not_null())
        if lost.is_empty() or lost.height == frame.height:
            return frame
        nodes = lost["ComputerName"].to_list() if "ComputerName" in lost.columns else [None]
        for node in sorted({str(n) if n else WHOLE for n in nodes}):
            count = sum(1 for n in nodes if (str(n) if n else WHOLE) == node)
            self.gaps.extend(derive([Gap("Get-VM", node, "partial", f"{count} VM(s) listed without a VMId that "
                                         "can be read: they and their disks and adapters are left out")]))
        return frame

    def _named(self, frame: pl.DataFrame) -> pl.DataFrame:
        """VMs without a Name shown by their VMId, as Hyper-V Manager can find them (a Replica copy's with the node
        it is on, so that it and its primary do not read as one VM), and said: never by a key reportgen made."""
        nameless = frame.filter(pl.col("name").is_null())
        if nameless.is_empty():
            return frame
        self.issue("warning", f"{nameless.height} VM(s) have no Name (nor VMName): each is shown by its VMId "
                   f"(e.g. '{nameless['vm_id'][0]}'); export Get-VM again with the Name column", "Get-VM", nameless,
                   column="Name", quoted=(str(nameless["vm_id"][0]),))
        node = pl.coalesce(H.text(frame, "ComputerName"), pl.lit("a node not named"))
        copy = pl.concat_str(pl.col("vm_id"), pl.lit(" (Replica copy on "), node, pl.lit(")"))
        shown = pl.when(pl.col("guest_key") != pl.col("vm_id")).then(copy).otherwise(pl.col("vm_id"))
        return frame.with_columns(name=pl.coalesce(pl.col("name"), shown))

    def processor_compat(self, guests: pl.DataFrame) -> pl.DataFrame:
        f = self.obj("Get-VMProcessor")
        if f is None:
            return guests.with_columns(processor_compat=pl.lit(None, pl.Boolean))
        if "CompatibilityForMigrationEnabled" in f.columns:
            self.unparsed("Get-VMProcessor", f, {"CompatibilityForMigrationEnabled":
                                                 V.boolean("CompatibilityForMigrationEnabled")})
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
            return guests.with_columns(possible_owners=unknown, preferred_owners=unknown,
                                       possible_owner_names=unknown, preferred_owner_names=unknown)
        preferred = H.text(f, "PreferredOwners")  # an empty cell: none set; no column: unknown
        rows = f.select(guest_key=H.guid(H.text(f, "VMId")), possible=H.text(f, "PossibleOwners"),
                        preferred=preferred.fill_null("") if "PreferredOwners" in f.columns else preferred)
        rows = rows.filter(pl.col("guest_key").is_not_null() & pl.col("possible").is_not_null())
        rows = self.owner_rows(rows.with_columns(possible_owners=_hosts(pl.col("possible"))), guests)
        rows = rows.unique(subset=["guest_key"], keep="first", maintain_order=True).select(
            "guest_key", "possible_owners", preferred_owners=_hosts(pl.col("preferred")),
            possible_owner_names=_host_names(pl.col("possible")), preferred_owner_names=_host_names(pl.col("preferred")))
        self.used["Get-ClusterOwnerNode"] = rows.height
        return guests.join(rows, on="guest_key", how="left")

    def group_links(self, guests: pl.DataFrame) -> pl.DataFrame:
        """Each VM's cluster group name (lower case): Get-ClusterOwnerNode's Group by VMId, else the VM's name."""
        link = guests.select("guest_key", group=pl.col("name").str.to_lowercase())
        owners = self.obj("Get-ClusterOwnerNode")
        if owners is not None and {"Group", "VMId"} <= set(owners.columns):
            possible = _hosts(H.text(owners, "PossibleOwners")) if "PossibleOwners" in owners.columns \
                else pl.lit(None, pl.List(pl.String))
            by_id = owners.select(guest_key=H.guid(H.text(owners, "VMId")), possible_owners=possible,
                                  group=H.text(owners, "Group").str.to_lowercase())
            by_id = self.owner_rows(by_id.filter(pl.col("guest_key").is_not_null() & pl.col("group").is_not_null()),
                                    guests).select("guest_key", "group")
            link = pl.concat([by_id, link]).unique(subset=["guest_key"], keep="first", maintain_order=True)
        return link

    @staticmethod
    def owner_rows(rows: pl.DataFrame, guests: pl.DataFrame) -> pl.DataFrame:
        """Cluster rows keyed by VMId given to a clustered Replica copy whose host is among their possible owners.

        A primary and its copy share the VMId; each cluster lists only its own nodes as possible owners
        (Hyper-V Replica does not replicate within one cluster). Otherwise the row is the primary's.
        """
        copies = guests.filter((pl.col("guest_key") != pl.col("vm_id")) & pl.col("is_clustered").fill_null(True))
        copies = copies.select(__copy_id="vm_id", __copy_host="host_key", __copy="guest_key")
        if copies.is_empty():
            return rows
        rows = rows.with_row_index("__owner_row").join(copies, left_on="guest_key", right_on="__copy_id", how="left",
                                                       maintain_order="left")
        mine = pl.col("possible_owners").list.contains(pl.col("__copy_host")).fill_null(False)
        rows = rows.with_columns(__mine=mine, guest_key=pl.when(mine).then(pl.col("__copy")).otherwise("guest_key"))
        # One row each: to the copy it names, else (a primary and copies elsewhere) to the primary.
        first = pl.col("__mine").cast(pl.Int8).rank("ordinal", descending=True).over("__owner_row") == 1
        return rows.filter(first).drop("__copy", "__copy_host", "__mine", "__owner_row")

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

    def clusters(self, hosts: pl.DataFrame) -> pl.DataFrame:
        if hosts.is_empty() or "cluster_key" not in hosts.columns:
            return pl.DataFrame()
        return hosts.filter(pl.col("cluster_key").is_not_null()).group_by("cluster_key", maintain_order=True).agg(
            name=pl.col("cluster").first(), host_count=pl.len().cast(pl.Int32),
        ).with_columns(platform=pl.lit("hyperv"), ha_enabled=pl.lit(True),
                       source_id=pl.lit(self.source_id, pl.Int32))

    def empty_columns(self, name: str, frame: pl.DataFrame, columns: list[str]) -> frozenset[str]:
        """Columns without a value in some file of the object (the loose export has a Get-VM file per host): unknown
        for that file's VMs, so as good as missing for the object; data quality names the file."""
        if "__file" not in frame.columns or frame["__file"].n_unique() < 2:
            return frozenset(empty_columns(name, frame, columns))
        found: set[str] = set()
        for (file,), rows in frame.group_by("__file", maintain_order=True):
            empty = empty_columns(name, rows, columns)
            for column, count in sorted(empty.items()):
                self.issues.append(DataIssue(
                    "warning", self.raw.file, "the column is present but empty on every row of this file; read as "
                    "unknown for its rows, so the checks that need it are not assessed",
                    sheet=str(file), column=column, rows=count))
            found |= set(empty)
        return frozenset(found)

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
                every = self.raw.common.get(name)  # a column one file of the object lacks is not there
                columns = [c for c in frame.columns if not c.startswith("__") and (every is None or c in every)]
                statuses.append(TabStatus(self.source_id, name, True, frame.height, self.used.get(name, frame.height),
                                          frozenset(columns), gaps=found,
                                          empty=self.empty_columns(name, frame, columns),
                                          errors=self.raw.errors.get(name, frozenset()),
                                          unreadable=frozenset(self.unreadable.get(name, ()))
                                          | self.raw.garbled.get(name, frozenset()),
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


def _host_names(names: pl.Expr) -> pl.Expr:
    """'HV01; hv02.corp' -> the names as written, in the order and number of :func:`_hosts`' keys."""
    return names.str.split(";").list.eval(pl.element().str.strip_chars().filter(pl.element().str.strip_chars() != ""))



def _copy_key(vm_id: pl.Expr, host_key: pl.Expr) -> pl.Expr:
    """``<VMId>/replica/<COMPUTERNAME>`` (``<VMId>/replica`` when the host is not known)."""
    host = pl.concat_str(pl.lit("/"), host_key.str.strip_prefix("hyperv/"))
    return pl.concat_str(vm_id, pl.lit("/replica"), host, ignore_nulls=True)


def _text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None
