"""What every RVTools mapping step shares: the columns read, and helpers over one export's tabs.

:class:`MapperBase` holds one raw export and the bookkeeping of the mapping: issues, rows
read, used and skipped per tab, and the key expressions (guest, host, cluster) scoped per
vCenter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..estate import DataIssue, IssueLevel, TabStatus
from . import values as V
from .filled import empty_columns
from .host_names import HostSpellings, respelled_note
from .rvtools_producer import Producer
from .rvtools_tabs import RawExport, RawTab

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
            "OS according to the configuration file", "OS according to the VMware Tools", "Disks", "NICs", "Folder",
        )
    ),
    "vDisk": frozenset(
        _ID
        + (
            "Disk", "Capacity MiB", "Raw", "Disk Mode", "Sharing mode", "Controller", "Label", "Unit #", "Shared Bus",
            "Path", "Disk Path", "Raw LUN ID", "Raw Comp. Mode",
        )
    ),
    "vNetwork": frozenset(
        _ID + ("NIC label", "Adapter", "Network", "Switch", "Connected", "Starts Connected", "Mac Address",
               "Direct Path IO")
    ),
    "vCD": frozenset(_ID + ("Device Node", "Connected", "Starts Connected", "Device Type")),
    "vUSB": frozenset(_ID + ("Device Node", "Device Type", "Connected", "Family", "Auto connect")),
    "vSnapshot": frozenset(_ID + ("Name", "Date / time")),
    "vSource": frozenset(("Name", "OS type", "API type", "Version", "Build", "Fullname", "Product name",
                          "Product line", "Vendor", "VI SDK Server", "VI SDK UUID")),
    "vCluster": frozenset(
        ("Name", "NumHosts", "HA enabled", "AdmissionControlEnabled", "DRS enabled", "DRS default VM behavior",
         "DPM enabled", "VI SDK Server", "VI SDK UUID")
    ),
    "vHost": frozenset(
        ("Host", "Datacenter", "Cluster", "in Maintenance Mode", "CPU Model", "# Cores", "# Memory",
         "VMotion support", "Current EVC", "Max EVC", "ESX Version", "vSAN Fault Domain Name", "VI SDK Server",
         "VI SDK UUID")
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
_OPTIONAL = frozenset({"VI SDK Server", "SRM Placeholder", "Datacenter", "Cluster", "Disk Path", "OS type",
                       "Product name", "Product line", "Vendor", "Disks", "NICs", "Unit #"})


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


@dataclass(frozen=True)
class ExportScope:
    """The vCenter an export's rows belong to when they do not name their own: ``key`` prefixes the keys;
    ``uuid`` is its VI SDK UUID, None when only the server or the export itself stands for it."""

    key: str
    uuid: str | None = None


def export_scope(file: str) -> str:
    """The keys' prefix for an export that names no vCenter (a trimmed or old export without VI SDK UUID or
    server): a digest of where it lies, so two such exports read together, even of one vCenter, never share a
    key (their guests are never merged; one export given twice is refused, see :mod:`.dedupe`), while the keys,
    which the JSON, the workbook and the history show, never show the file's path."""
    return f"export-{hashlib.sha256(_real(file).encode('utf-8', 'surrogateescape')).hexdigest()[:12]}"


def same_file(a: str, b: str) -> bool:
    """Whether two exports as named on the command line are one file (however spelled)."""
    return _real(a) == _real(b)


def _real(file: str) -> str:
    return str(Path(file).resolve())


class MapperBase:
    """One mapping step over some tabs of an export; collects its own issues and tab statuses."""

    def __init__(self, raw: RawExport, source_id: int, options: MapOptions, scope: ExportScope | None = None,
                 producer: Producer | None = None, spellings: HostSpellings | None = None) -> None:
        self.raw = raw
        self.producer = producer or Producer("RVTools", None, "vsphere")
        self.platform = pl.lit(self.producer.platform)
        self.source_id = source_id
        self.options = options
        self.issues: list[DataIssue] = []
        self.rows_read = 0
        self.rows_used = 0
        self.tabs: list[TabStatus] = []
        self.scope = scope if scope is not None else self.default_scope()
        self.spellings = spellings or HostSpellings()
        self.unreadable: dict[str, set[str]] = {}
        """Per tab, the columns with values :meth:`report_unparsed` could not read."""

    # -- helpers ---------------------------------------------------------------------------
    def tab(self, name: str) -> pl.DataFrame | None:
        raw = self.raw.tabs.get(name)
        return None if raw is None else raw.frame

    def col(self, frame: pl.DataFrame, name: str) -> pl.Expr:
        """A text column (already trimmed by the reader), or a typed null when the export lacks it."""
        return pl.col(name) if name in frame.columns else pl.lit(None, dtype=pl.String)

    def typed(self, frame: pl.DataFrame, name: str, expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
        return expr if name in frame.columns else pl.lit(None, dtype=dtype)

    def scope_expr(self, frame: pl.DataFrame) -> pl.Expr:
        """The vCenter a row belongs to: its VI SDK UUID, else the export's."""
        own = V.text("VI SDK UUID").str.to_uppercase() if "VI SDK UUID" in frame.columns else pl.lit(None, pl.String)
        return pl.coalesce(own, pl.lit(self.scope.key))

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
        """Rows of ``frame`` meeting ``condition``; the others (unknown counts as not met) are skipped and counted."""
        kept = frame.select(condition.fill_null(False)).to_series()
        if kept.all():  # the usual case: no copy
            return frame
        if tab in self.raw.tabs:
            self.skip(self.raw.tabs[tab], frame.filter(~kept), reason, level)
        return frame.filter(kept)

    def unique(self, tab: str, frame: pl.DataFrame, key: list[str], reason: str) -> pl.DataFrame:
        """First row per ``key``; later duplicates are skipped and counted."""
        first = pl.col(key[0]).is_first_distinct() if len(key) == 1 else pl.struct(key).is_first_distinct()
        return self.keep(tab, frame, first, reason, level="info")

    def status(self, name: str, used: int, rows: pl.Series | None = None) -> None:
        """Record a tab's counts and columns; ``rows`` (spreadsheet rows used) narrows the emptiness check."""
        raw = self.raw.tabs.get(name)
        if raw is None:
            self.tabs.append(TabStatus(self.source_id, name, False))
            return
        self.rows_read += raw.frame.height + raw.blank_rows
        self.rows_used += used
        needed = NEEDED.get(name, frozenset())
        missing = tuple(sorted(needed - raw.headers - _OPTIONAL))
        frame = raw.frame if rows is None else raw.frame.filter(pl.col("__row").is_in(rows.implode()))
        empty = empty_columns(name, frame, sorted(needed & raw.headers))
        for column, count in sorted(empty.items()):
            self.issues.append(DataIssue(
                "warning", self.raw.file, "the column is present but empty on every row; read as unknown, so "
                "the checks that need it are not assessed", sheet=raw.sheet, column=column, rows=count))
        self.tabs.append(TabStatus(self.source_id, name, True, raw.frame.height + raw.blank_rows, used, raw.headers,
                                   missing, empty=frozenset(empty), errors=raw.errors & needed,
                                   unreadable=(frozenset(self.unreadable.get(name, ())) | raw.garbled) & needed))

    def report_unparsed(self, name: str, frame: pl.DataFrame, checks: dict[str, pl.Expr]) -> None:
        raw = self.raw.tabs[name]
        present = {c: p for c, p in checks.items() if c in frame.columns}
        if not present:
            return
        counts = frame.select(
            [(pl.col(c).is_not_null() & p.is_null()).sum().alias(c) for c, p in present.items()]
        ).row(0, named=True)
        for column, parsed in present.items():
            if not counts[column]:
                continue
            bad = V.unparsed(frame, column, parsed)
            if bad.height:
                self.unreadable.setdefault(name, set()).add(column)
                sample = bad[column][0]
                self.issues.append(
                    DataIssue("warning", self.raw.file,
                              f"{bad.height} value(s) not understood (e.g. '{sample}'); read as unknown"
                              f"{V.unreadable_why(str(sample))}",
                              sheet=raw.sheet, row=int(bad["__row"][0]), column=column, rows=bad.height,
                              quoted=(str(sample),))
                )

    def default_scope(self) -> ExportScope:
        """The vCenter of the export: the commonest VI SDK UUID, else the server, else the export itself
        (:func:`export_scope`)."""
        for tab in ("vInfo", "vSource", "vHost"):
            frame = self.tab(tab)
            if frame is not None and "VI SDK UUID" in frame.columns:
                values = frame.select(V.text("VI SDK UUID").str.to_uppercase().drop_nulls().mode())
                if values.height:
                    uuid = str(sorted(values.to_series().to_list())[0])
                    return ExportScope(uuid, uuid)
        meta = self.tab("vMetaData")
        if meta is not None and "Server" in meta.columns and meta.height:
            server = meta["Server"][0]
            if server:
                return ExportScope(f"server:{server}")
        return ExportScope(export_scope(self.raw.file))

    def host_key(self, frame: pl.DataFrame, tab: str, column: str = "Host") -> pl.Expr:
        """``<scope>/<host>``, the host as vHost spells it (see :mod:`.host_names`)."""
        host = self.host_name(frame.get_column(column) if column in frame.columns else None, tab)
        return pl.when(host.is_null()).then(None).otherwise(
            pl.concat_str(self.scope_expr(frame), pl.lit("/"), host)
        )

    def host_name(self, names: pl.Series | None, tab: str, column: str = "Host") -> pl.Expr:
        """The host names ``names`` (a column of ``tab``) as vHost spells them; a name matched to another
        spelling is said once per tab in the data quality."""
        if names is None:
            return pl.lit(None, dtype=pl.String)
        moved = self.spellings.respelled(names.drop_nulls().unique().to_list())
        expr = pl.col(names.name) if names.name else pl.lit(None, dtype=pl.String)
        if not moved:
            return expr
        sheet = self.raw.tabs[tab].sheet if tab in self.raw.tabs else tab
        self.issues.append(DataIssue("info", self.raw.file, respelled_note(moved), sheet=sheet, column=column,
                                     quoted=tuple(dict.fromkeys([*moved, *moved.values()]))))
        return expr.replace(moved)

    def cluster_key(self, frame: pl.DataFrame) -> pl.Expr:
        cluster = self.col(frame, "Cluster")
        dc = self.col(frame, "Datacenter").fill_null("")
        return pl.when(cluster.is_null()).then(None).otherwise(
            pl.concat_str(self.scope_expr(frame), pl.lit("/"), dc, pl.lit("/"), cluster)
        )

    # -- tables ----------------------------------------------------------------------------
