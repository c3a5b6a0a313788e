"""One computer name in two Hyper-V exports: one host, or two hosts kept apart.

A Hyper-V host is keyed ``hyperv/<COMPUTERNAME>`` by its export. Two clusters of two domains (or two sites, or
a cluster and a standalone host) may each have an HV01: merged under one key, their guests, ties, waves and cost
would describe a host that does not exist. Here the exports that name the same computer are compared:

- both give the host's DNS name (Get-VMHost ``FullyQualifiedDomainName``): one host when it is the same name;
- else both give its cluster: one host when it is the same cluster;
- else a VM (VMId) listed on it by both makes it one host (the same host collected twice);
- else it cannot be told: the hosts are kept apart, and the data quality says so.

A cluster name (``hyperv/<CLUSTER>``) two exports give to clusters without a node in common (once the hosts
are told apart) is two clusters too, keyed ``hyperv/<scope>/<CLUSTER>`` (their nodes' domain, else their
export).

The same host collected twice stays one host (one row, the export that says most about it). Hosts told apart
are keyed ``hyperv/<scope>/<COMPUTERNAME>``, the scope being their cluster, else their domain, else their
export; labels (:mod:`reportgen.host_labels`) name them 'HV01 in <cluster>'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from .. import schema
from ..estate import DataIssue, Estate

_LISTS = {"guests": ("possible_owners", "preferred_owners"), "datastores": ("host_keys",)}
"""List columns of host keys, per table."""
_KEYED = ("hosts", "guests", "networks")
"""Tables with a ``host_key`` column."""
Row = dict[str, Any]
"""A hosts row (and ``__at``, its place in the hosts table)."""


def key_hosts_apart(estate: Estate) -> Estate:
    """``estate`` with each Hyper-V host key, then each cluster key, that several exports name kept for one host
    (one cluster) only."""
    return _key_clusters_apart(_key_hosts_apart(estate))


def _key_hosts_apart(estate: Estate) -> Estate:
    hosts = pl.from_arrow(estate.hosts)
    assert isinstance(hosts, pl.DataFrame)
    hosts = hosts.with_row_index("__at").filter(pl.col("platform") == "hyperv")
    shared = hosts.filter(pl.col("source_id").n_unique().over("host_key") > 1)
    if shared.is_empty():
        return estate
    guests = pl.from_arrow(estate.guests.select(["host_key", "source_id", "vm_id", "platform"]))
    assert isinstance(guests, pl.DataFrame)
    per_host = guests.filter(pl.col("platform") == "hyperv").group_by("host_key", "source_id").agg(
        pl.col("vm_id").drop_nulls())
    vms = {(str(k), int(s)): set(v) for k, s, v in per_host.select("host_key", "source_id", "vm_id").iter_rows()}
    files = {s["source_id"]: Path(str(s["file"])).name for s in estate.sources.to_pylist()}
    moved: dict[tuple[int, str], str] = {}
    dropped: list[int] = []
    issues = list(estate.issues)
    for (key,), rows in shared.sort("source_id").group_by(["host_key"], maintain_order=True):
        groups, unknown = _same_hosts(rows.to_dicts(), vms)
        dropped.extend(_extra_rows(groups))
        if len(groups) > 1:
            scopes = _scopes(groups, files)
            for group, scope in zip(groups, scopes, strict=True):
                for row in group:
                    moved[(int(row["source_id"]), str(key))] = f"hyperv/{scope}/{str(key).removeprefix('hyperv/')}"
        issues.extend(_said(a, b, files) for a, b in unknown)
        issues.extend(_merged(group, files) for group in groups if len(group) > 1)
    tables = dict(estate.tables)
    keep = pl.Series(dropped, dtype=pl.UInt32)
    frame = pl.from_arrow(estate.hosts)
    assert isinstance(frame, pl.DataFrame)
    tables["hosts"] = schema.conform("hosts", frame.with_row_index("__at").filter(
        ~pl.col("__at").is_in(keep.implode())).drop("__at").to_arrow())
    for name in _KEYED:
        tables[name] = _rekey(tables[name], name, moved)
    for name, columns in _LISTS.items():
        tables[name] = _rekey_lists(tables[name], name, columns, moved)
    tables["networks"] = _one_per_host(tables["networks"], moved, dropped, hosts)
    return Estate(tables=tables, issues=tuple(issues), tabs=estate.tabs, custom_columns=estate.custom_columns)


def _verdict(a: Row, b: Row, vms: dict[tuple[str, int], set[str]]) -> bool | None:
    """Whether two exports' rows of one computer name are one host; None when the exports cannot tell."""
    if a["fqdn"] and b["fqdn"]:
        return str(a["fqdn"]).lower() == str(b["fqdn"]).lower()
    if a["cluster"] and b["cluster"]:
        return str(a["cluster"]).lower() == str(b["cluster"]).lower()
    mine = vms.get((str(a["host_key"]), int(a["source_id"])), set())
    theirs = vms.get((str(b["host_key"]), int(b["source_id"])), set())
    return True if mine & theirs else None


def _same_hosts(rows: list[Row], vms: dict[tuple[str, int], set[str]]
                ) -> tuple[list[list[Row]], list[tuple[Row, Row]]]:
    """The rows grouped into hosts (in export order), and the pairs of rows that could not be told apart."""
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    unknown = []
    for i, a in enumerate(rows):
        for j in range(i + 1, len(rows)):
            verdict = _verdict(a, rows[j], vms)
            if verdict:
                parent[root(j)] = root(i)
            elif verdict is None:
                unknown.append((a, rows[j]))
    groups: dict[int, list[Row]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(root(i), []).append(row)
    together = list(groups.values())
    # A pair that could not be told apart but joined one host through a third export is one host.
    unknown = [(a, b) for a, b in unknown if not any(a in g and b in g for g in together)]
    return together, unknown


def _extra_rows(groups: list[list[Row]]) -> list[int]:
    """Rows of one host listed by several exports but the one that says most about it (first of equals)."""
    extra: list[int] = []
    for group in groups:
        told = [sum(v is not None for v in row.values()) for row in group]
        best = told.index(max(told))
        extra.extend(int(row["__at"]) for i, row in enumerate(group) if i != best)
    return extra


def _scopes(groups: list[list[Row]], files: dict[int, str]) -> list[str]:
    """A scope per host that tells it from the others: its cluster, else its domain, else its export."""
    def cluster(group: list[Row]) -> str | None:
        return next((str(r["cluster"]).upper() for r in group if r["cluster"]), None)

    def domain(group: list[Row]) -> str | None:
        return next((str(r["fqdn"]).upper().partition(".")[2] or None for r in group if r["fqdn"]), None)

    def export(group: list[Row]) -> str:
        first = int(group[0]["source_id"])
        return f"EXPORT{first + 1}-{files.get(first, '').upper()}"

    for way in (cluster, domain):
        scopes = [way(g) for g in groups]
        if all(scopes) and len({s for s in scopes}) == len(scopes):
            return [str(s).replace("/", "_") for s in scopes]
    return [export(g).replace("/", "_") for g in groups]


def _said(a: Row, b: Row, files: dict[int, str]) -> DataIssue:
    name = str(a["name"])
    first, second = files.get(int(a["source_id"]), "?"), files.get(int(b["source_id"]), "?")
    return DataIssue(
        "warning", first,
        f"the host {name} is in {first} and in {second}: whether they are one host or two hosts of the same name "
        "cannot be told (not both exports give its domain name or its cluster, and they list no VM in common); "
        "it is counted as two hosts, each with its own guests. Export Get-VMHost with FullyQualifiedDomainName "
        "(the reportgen collector does) to tell them apart", rows=2, quoted=(name, first, second))


def _merged(group: list[Row], files: dict[int, str]) -> DataIssue:
    names = [files.get(int(r["source_id"]), "?") for r in group]
    name = str(group[0]["name"])
    by = (f"the same DNS name {group[0]['fqdn']}" if all(r["fqdn"] for r in group)
          else f"the same cluster {group[0]['cluster']}" if all(r["cluster"] for r in group)
          else "VMs in common")
    return DataIssue("info", names[0], f"the host {name} is in {len(group)} exports ({', '.join(names)}): one host "
                     f"({by}), counted once", rows=len(group),
                     quoted=tuple(q for q in (name, str(group[0]["fqdn"] or ""), str(group[0]["cluster"] or ""),
                                              *names) if q))


def _mapping(moved: dict[tuple[int, str], str], column: str = "host_key") -> pl.DataFrame:
    return pl.DataFrame({"source_id": [s for s, _ in moved], column: [k for _, k in moved],
                         "__new": list(moved.values())},
                        schema={"source_id": pl.Int32, column: pl.String, "__new": pl.String})


def _rekey(table: pa.Table, name: str, moved: dict[tuple[int, str], str], column: str = "host_key") -> pa.Table:
    if not moved or not table.num_rows:
        return table
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.join(_mapping(moved, column), on=["source_id", column], how="left", maintain_order="left",
                       nulls_equal=False).with_columns(pl.coalesce("__new", column).alias(column)).drop("__new")
    return schema.conform(name, frame.to_arrow())


def _rekey_lists(table: pa.Table, name: str, columns: tuple[str, ...], moved: dict[tuple[int, str], str]) -> pa.Table:
    if not moved or not table.num_rows:
        return table
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    for source in sorted({s for s, _ in moved}):
        mapping = {k: v for (s, k), v in moved.items() if s == source}
        frame = frame.with_columns(**{c: pl.when(pl.col("source_id") == source).then(
            pl.col(c).list.eval(pl.element().replace(mapping))).otherwise(pl.col(c)) for c in columns})
    return schema.conform(name, frame.to_arrow())


def _one_per_host(table: pa.Table, moved: dict[tuple[int, str], str], dropped: list[int],
                  hosts: pl.DataFrame) -> pa.Table:
    """The switches of a host several exports list, from the export whose host row was kept."""
    if not dropped or not table.num_rows:
        return table
    gone = hosts.filter(pl.col("__at").is_in(pl.Series(dropped, dtype=pl.UInt32).implode()))
    gone = gone.select("source_id", "host_key", "__at")
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    if moved:
        gone = gone.join(_mapping(moved), on=["source_id", "host_key"], how="left").with_columns(
            host_key=pl.coalesce("__new", "host_key")).drop("__new")
    kept_sources = frame.join(gone.select("source_id", "host_key"), on=["source_id", "host_key"], how="anti",
                              maintain_order="left")
    return schema.conform("networks", kept_sources.to_arrow())


def _key_clusters_apart(estate: Estate) -> Estate:
    """Clusters of one name in several exports: one cluster where they have a node in common, else apart."""
    clusters = pl.from_arrow(estate.tables["clusters"])
    assert isinstance(clusters, pl.DataFrame)
    clusters = clusters.filter((pl.col("platform") == "hyperv")
                               & (pl.col("source_id").n_unique().over("cluster_key") > 1))
    if clusters.is_empty():
        return estate
    parts = [pl.from_arrow(estate.tables[t].select(["cluster_key", "source_id", "host_key", "platform"]))
             for t in ("hosts", "guests")]
    members = pl.concat([p for p in parts if isinstance(p, pl.DataFrame)]).filter(
        pl.col("platform") == "hyperv").drop_nulls()
    nodes = {(str(k), int(s)): set(h) for k, s, h in members.group_by("cluster_key", "source_id").agg(
        pl.col("host_key").unique()).iter_rows()}
    hosts = pl.from_arrow(estate.hosts.select(["cluster_key", "source_id", "fqdn"]))
    assert isinstance(hosts, pl.DataFrame)
    domains = {(str(k), int(s)): d for k, s, d in hosts.filter(pl.col("fqdn").is_not_null()).group_by(
        "cluster_key", "source_id").agg(pl.col("fqdn").first().str.split_exact(".", 1).struct.field("field_1")
                                        ).drop_nulls().iter_rows()}
    files = {s["source_id"]: Path(str(s["file"])).name for s in estate.sources.to_pylist()}
    moved: dict[tuple[int, str], str] = {}
    for (key,), rows in clusters.sort("source_id").group_by(["cluster_key"], maintain_order=True):
        groups: list[list[int]] = []
        for source in dict.fromkeys(int(s) for s in rows["source_id"].to_list()):
            mine = nodes.get((str(key), source), set())
            home = next((g for g in groups if not mine or any(mine & nodes.get((str(key), t), set()) for t in g)),
                        None)
            if home is None:
                groups.append([source])
            else:
                home.append(source)
        if len(groups) < 2:
            continue
        scopes = [next((domains[(str(key), t)] for t in g if (str(key), t) in domains), None) for g in groups]
        if not all(scopes) or len(set(scopes)) < len(scopes):
            scopes = [f"EXPORT{g[0] + 1}-{files.get(g[0], '')}" for g in groups]
        for group, scope in zip(groups, scopes, strict=True):
            for source in group:
                moved[(source, str(key))] = f"hyperv/{str(scope).upper().replace('/', '_')}/" \
                                            f"{str(key).removeprefix('hyperv/')}"
    tables = dict(estate.tables)
    for name in ("hosts", "guests", "clusters"):
        tables[name] = _rekey(tables[name], name, moved, column="cluster_key")
    once = pl.from_arrow(tables["clusters"])  # the same cluster collected twice is listed once
    assert isinstance(once, pl.DataFrame)
    once = once.filter((pl.col("platform") != "hyperv") | pl.col("cluster_key").is_first_distinct())
    tables["clusters"] = schema.conform("clusters", once.to_arrow())
    return Estate(tables=tables, issues=estate.issues, tabs=estate.tabs, custom_columns=estate.custom_columns)
