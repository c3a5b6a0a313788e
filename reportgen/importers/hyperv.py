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
from .hyperv_map import HyperVMapper
from .hyperv_read import RawHyperV, read_hyperv
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
    hosts = m.hosts(guests)
    if hosts.height:
        guests = guests.join(hosts.select("host_key", "cluster_key", "cluster", host_name="name"),
                             on="host_key", how="left")
    else:
        guests = guests.with_columns(cluster_key=pl.lit(None, pl.String), cluster=pl.lit(None, pl.String),
                                     host_name=pl.lit(None, pl.String))
    guests = guests.with_columns(server=pl.coalesce("cluster", "host_name"))
    disks = m.disks(guests)
    devices = m.devices(guests)
    _report_unreached(m)
    tables = {
        "guests": _to_table("guests", guests),
        "hosts": _to_table("hosts", hosts),
        "clusters": _to_table("clusters", m.clusters(hosts)),
        "disks": _to_table("disks", disks),
        "nics": _to_table("nics", m.nics(guests)),
        "devices": _to_table("devices", devices),
        "networks": _to_table("networks", m.networks()),
        "datastores": _to_table("datastores", m.datastores(hosts, guests, disks, devices)),
    }
    tabs = m.tabs()
    rows_read = sum(t.rows_read for t in tabs)
    skipped = sum(i.rows for i in m.issues if i.skipped)
    tables["sources"] = schema.from_rows("sources", [_source(raw, m, source_id, hosts, rows_read, skipped)])
    return Estate(tables=tables, issues=tuple(m.issues), tabs=tuple(tabs), custom_columns={source_id: ()})


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


def _report_unreached(m: HyperVMapper) -> None:
    manifest = m.raw.manifest or {}
    missed = manifest.get("nodes_not_reached")
    if isinstance(missed, list) and missed:
        m.issues.append(DataIssue(
            "warning", m.raw.file,
            f"the collector could not reach node(s) {', '.join(str(n) for n in missed)}: their VMs, switches and "
            "devices are missing from this audit", sheet="manifest.json", rows=len(missed),
        ))
    errors = manifest.get("errors")
    if isinstance(errors, list):
        for error in errors[:20]:
            if isinstance(error, dict):
                text = f"{error.get('node') or ''} {error.get('cmdlet') or ''}: {error.get('message') or ''}".strip()
            else:
                text = str(error)
            m.issues.append(DataIssue("warning", m.raw.file, f"the collector reported an error: {text}",
                                      sheet="manifest.json"))


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
