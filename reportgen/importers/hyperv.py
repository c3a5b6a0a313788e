"""Hyper-V exports in, one canonical :class:`~reportgen.estate.Estate` out.

:func:`load_hyperv` reads a collector bundle (zip or folder, see ``reportgen collector
hyperv``) or loose CSVs from a user's own ``Export-Csv`` commands, recognised by headers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa

from .. import schema
from ..errors import InputError
from ..estate import DataIssue, Estate
from . import hyperv_values as H
from .hyperv_affinity import affinity_rules
from .hyperv_expected import diskless_nodes, vmless_nodes
from .hyperv_guardians import vm_security
from .hyperv_map import HyperVMapper
from .hyperv_map_devices import datastores as map_datastores
from .hyperv_map_devices import devices as map_devices
from .hyperv_map_devices import disks as map_disks
from .hyperv_map_devices import networks as map_networks
from .hyperv_map_devices import nics as map_nics
from .hyperv_map_devices import respelled
from .hyperv_map_hosts import hosts as map_hosts
from .hyperv_read import RawHyperV, read_hyperv
from .hyperv_status import WHOLE, Gap, empty_vm_gaps, read_status
from .rvtools_map import MapOptions

COLLECTOR = "reportgen Hyper-V collector"


def load_hyperv(path: Path, source_id: int, options: MapOptions) -> Estate:
    """Read one Hyper-V export (bundle or loose CSV) as source ``source_id``.

    Raises :class:`~reportgen.errors.InputError` when no file is a Hyper-V export or when
    no file holds Get-VM data.
    """
    raw = read_hyperv(Path(path))
    if "Get-VM" not in raw.objects:
        found = ", ".join(sorted(raw.objects)) or "nothing usable"
        raise InputError(
            f"has no Get-VM data (found {found})",
            where=str(path),
            hint="add the output of 'Get-VM | Export-Csv vms.csv -NoTypeInformation' to the folder, "
            "or run 'reportgen collector hyperv' on a Hyper-V host",
        )
    return map_hyperv(raw, source_id, options)


def map_hyperv(raw: RawHyperV, source_id: int, options: MapOptions) -> Estate:
    """Turn one read Hyper-V export into an :class:`Estate` with a single source."""
    m = HyperVMapper(raw, source_id, options)
    guests = m.guests()
    guests = m.processor_compat(guests)
    guests = m.possible_owners(guests)
    guests = m.anti_affinity(guests)
    guests = affinity_rules(m, guests)
    guests = vm_security(m, guests)
    hosts = map_hosts(m, guests)
    if hosts.height:
        guests = guests.join(hosts.select("host_key", "cluster_key", "cluster", host_name="name"),
                             on="host_key", how="left")
    else:
        guests = guests.with_columns(cluster_key=pl.lit(None, pl.String), cluster=pl.lit(None, pl.String),
                                     host_name=pl.lit(None, pl.String))
    guests = guests.with_columns(server=pl.coalesce("cluster", "host_name"))
    disks = map_disks(m, guests)
    devices = map_devices(m, guests)
    nics = map_nics(m, guests)  # before the gaps are gathered: rows naming no VM leave the adapters partly read
    status = read_status(raw.manifest, raw.file)
    m.issues.extend(status.issues)
    gaps = [*status.gaps, *_empty_vm_lists(m, guests, hosts), *diskless_nodes(m, guests, hosts, raw.manifest),
            *vmless_nodes(m, guests, hosts, raw.manifest), *m.gaps, *_unread_files(raw)]
    stores = map_datastores(m, hosts, guests, disks, devices)
    disks, devices = respelled(disks, "datastore", stores, hosts), respelled(devices, "datastore", stores, hosts)
    tables = {
        "guests": _to_table("guests", guests),
        "hosts": _to_table("hosts", hosts),
        "clusters": _to_table("clusters", m.clusters(hosts)),
        "disks": _to_table("disks", disks),
        "nics": _to_table("nics", nics),
        "devices": _to_table("devices", devices),
        "networks": _to_table("networks", map_networks(m)),
        "datastores": _to_table("datastores", stores),
    }
    tabs = m.tabs(gaps)
    rows_read = sum(t.rows_read for t in tabs)
    skipped = sum(i.rows for i in m.issues if i.skipped)
    tables["sources"] = schema.from_rows("sources", [_source(raw, m, source_id, hosts, rows_read, skipped)])
    return Estate(tables=tables, issues=tuple(m.issues), tabs=tuple(tabs), custom_columns={source_id: ()})


def _unread_files(raw: RawHyperV) -> list[Gap]:
    """Files meant to be an object that lack a column telling it, or cut short: the object is not (fully) read."""
    return [Gap(kind, WHOLE, "partial" if kind in raw.objects else "failed",
                f"{file} lacks its column(s) {', '.join(repr(c) for c in lacks)} and was not read")
            for kind, files in raw.near.items() for file, lacks in files] + \
        [Gap(kind, WHOLE, "partial", f"{file} ends inside the record on line {line} (cut short)")
         for kind, files in raw.cut.items() for file, line in files]


def _source(raw: RawHyperV, m: HyperVMapper, source_id: int, hosts: pl.DataFrame, rows_read: int,
            skipped: int) -> dict[str, object]:
    manifest = raw.manifest or {}
    clusters = sorted({c for c in (hosts["cluster"].to_list() if hosts.height else []) if c})
    server = m.cluster_name or (", ".join(clusters) if clusters else None)
    if server is None and hosts.height:
        names = sorted(hosts["name"].drop_nulls().to_list())
        server = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
    if manifest:
        tool, version = COLLECTOR, _str(manifest.get("collector_version"))
    else:
        tool, version = "Export-Csv", ("Windows PowerShell 5.1" if raw.type_lines else None)
    return dict(
        source_id=source_id, file=raw.file, format="hyperv-csv", platform="hyperv", tool=tool,
        tool_version=version, exported_at=_time(manifest.get("created")), server=server,
        server_uuid=None, server_version=None, rows_read=rows_read, rows_used=max(rows_read - skipped, 0),
        rows_skipped=skipped,
    )


def _empty_vm_lists(m: HyperVMapper, guests: pl.DataFrame, hosts: pl.DataFrame) -> list[Gap]:
    """An empty VM list is never "no ties": no elevation, or a failed read, gives the same empty file.

    The whole export without a VM, or a node without a VM while the cluster lists VM roles owned by it,
    is an error, and every check that needs the VMs is not assessed there.
    """
    if guests.is_empty():
        m.issues.append(DataIssue(
            "error", m.raw.file, "the export lists no VM at all: Get-VM returns nothing when it is not run elevated "
            "('Run as administrator') by a member of Administrators or Hyper-V Administrators, so an empty list "
            "cannot be told from a failed read. No check is assessed on this export; run the collector again "
            "elevated", sheet=", ".join(m.raw.files.get("Get-VM", ["Get-VM"]))))
        return empty_vm_gaps(WHOLE, "the export lists no VM")
    groups = m.obj("Get-ClusterGroup")
    if groups is None or "OwnerNode" not in groups.columns or "GroupType" not in groups.columns:
        return []
    owned = groups.filter(pl.col("GroupType").str.to_lowercase().str.replace_all(" ", "") == "virtualmachine")
    owned = owned.group_by(host_key=H.host_key(pl.col("OwnerNode"))).agg(roles=pl.len(),
                                                                         written=pl.col("OwnerNode").first())
    with_vms = set(guests["host_key"].drop_nulls().to_list())
    names = dict(zip(hosts["host_key"].to_list(), hosts["name"].to_list())) if hosts.height else {}
    gaps: list[Gap] = []
    for row in owned.filter(pl.col("host_key").is_not_null()).iter_rows(named=True):
        if row["host_key"] in with_vms:
            continue
        node = H.node_label(str(row["host_key"]), names, row["written"])
        m.issues.append(DataIssue(
            "error", m.raw.file, f"{node} lists no VM although the cluster says it owns {row['roles']} VM role(s): "
            "its VM list was not read (not elevated, or Get-VM failed); the checks that need its VMs are not "
            "assessed there. Run the collector again elevated on a cluster node",
            sheet=", ".join(m.raw.files.get("Get-VM", ["Get-VM"])), rows=int(row["roles"]), quoted=(node,)))
        gaps.extend(empty_vm_gaps(node, f"no VM listed although the cluster owns {row['roles']} VM role(s) there"))
    return gaps


def _to_table(name: str, frame: pl.DataFrame) -> pa.Table:
    if frame.is_empty() and not frame.width:
        return schema.empty(name)
    wanted = [f.name for f in schema.SCHEMAS[name] if f.name in frame.columns]
    return schema.conform(name, frame.select(wanted).to_arrow())


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
