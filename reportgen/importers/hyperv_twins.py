"""One VMId in two Hyper-V exports: never two guests under one key.

A Hyper-V Replica copy keeps its primary's VMId. An export that says ``ReplicationMode`` keys the copy
apart already (:mod:`.hyperv_map`); two exports without it -- the primary site's and the replica site's,
made by hand -- list both under the VMId, and the one key made the rules and the core see one guest: the
primary's tie to its host was lost to the copy's row. Here the running one keeps the VMId and each other
one is keyed as a copy on its host (``<VMId>/replica/<COMPUTERNAME>``), with a warning that says so, or,
where neither or both run, that which one is the VM cannot be told.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa

from .. import schema
from ..estate import DataIssue, Estate

_KEYED = ("guests", "disks", "nics", "devices")
"""Tables whose rows belong to a guest by ``guest_key``."""


def key_twins_apart(estate: Estate) -> Estate:
    """``estate`` with each Hyper-V VMId listed by several exports keyed once per export."""
    guests = pl.from_arrow(estate.guests.select(["guest_key", "source_id", "host_key", "name", "power_state",
                                                 "platform"]))
    assert isinstance(guests, pl.DataFrame)
    twins = guests.filter((pl.col("platform") == "hyperv")
                          & (pl.col("source_id").n_unique().over("guest_key") > 1))
    if twins.is_empty():
        return estate
    files = dict(zip(estate.sources.column("source_id").to_pylist(),
                     (Path(f).name for f in estate.sources.column("file").to_pylist()), strict=True))
    hosts = dict(zip(estate.hosts.column("host_key").to_pylist(), estate.hosts.column("name").to_pylist(),
                     strict=True))
    moved: dict[tuple[str, int], str] = {}
    issues = list(estate.issues)
    for (key,), rows in twins.sort("source_id").group_by(["guest_key"], maintain_order=True):
        running = rows.filter(pl.col("power_state") == "poweredOn")
        keeper = int(running["source_id"][0]) if running.height == 1 else int(rows["source_id"][0])
        for row in rows.filter(pl.col("source_id") != keeper).iter_rows(named=True):
            host = str(row["host_key"] or "").removeprefix("hyperv/")
            moved[(str(key), int(row["source_id"]))] = f"{key}/replica/{host}" if host else f"{key}/replica"
        issues.append(_said(rows, keeper, running.height == 1, files, hosts))
    tables = dict(estate.tables)
    for name in _KEYED:
        tables[name] = _rekey(tables[name], name, moved)
    return Estate(tables=tables, issues=tuple(issues), tabs=estate.tabs, custom_columns=estate.custom_columns)


def _said(rows: pl.DataFrame, keeper: int, told: bool, files: dict[int, str], hosts: dict[str, str]) -> DataIssue:
    """The warning; each host as its export names it (a key of hosts told apart is no name to show)."""
    where = "; ".join(f"{r['power_state'] or 'state unknown'} on "
                      f"{hosts.get(r['host_key']) or str(r['host_key'] or '?').removeprefix('hyperv/')} "
                      f"({files.get(r['source_id'], '?')})" for r in rows.iter_rows(named=True))
    name, key = str(rows["name"][0]), str(rows["guest_key"][0])
    if told:
        what = ("read as a Hyper-V Replica primary (the running one) and its copy, as their exports do not say "
                "ReplicationMode; export Get-VM with ReplicationMode to be sure")
    else:
        what = ("which one is the VM and which a Replica copy (or an older export of it) cannot be told: each is "
                "kept as a guest of its own host, so the VM may be counted twice; export Get-VM with "
                "ReplicationMode, or audit each VM in one export only")
    return DataIssue("warning", files.get(keeper, "?"),
                     f"the VM {name} (VMId {key}) is in {rows.height} exports: {where}; {what}",
                     rows=rows.height, quoted=(name, *(files.get(s, "") for s in rows["source_id"].to_list())))


def _rekey(table: pa.Table, name: str, moved: dict[tuple[str, int], str]) -> pa.Table:
    if not table.num_rows:
        return table
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    change = pl.DataFrame({"guest_key": [k for k, _ in moved], "source_id": [s for _, s in moved],
                           "__new": list(moved.values())},
                          schema={"guest_key": pl.String, "source_id": frame.schema["source_id"], "__new": pl.String})
    frame = frame.join(change, on=["guest_key", "source_id"], how="left").with_columns(
        guest_key=pl.coalesce("__new", "guest_key")).drop("__new")
    return schema.conform(name, frame.to_arrow())
