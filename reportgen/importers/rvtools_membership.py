"""Whether an RVTools export shows that a host with no cluster is standalone, or leaves its cluster unknown.

RVTools writes a host's cluster in vHost 'Cluster' and, for each guest, in vInfo 'Cluster'. A host with no
cluster is standalone where the export shows it:

- vHost lists the host with an empty 'Cluster' while other vHost rows name theirs (the column is written); or
- vHost cannot tell (tab missing, rows without names, column blank), but vInfo names a cluster on some guests,
  on none of this host's, and vCluster's 'NumHosts' add up to exactly the hosts shown in clusters: every member
  of every cluster is then accounted for, so a host outside them is in none.

Anything else (a workbook with the cluster columns blanked, a vCluster tab missing or counting hosts that no tab
shows) leaves the host's cluster membership unknown: ``cluster_unknown`` is true, and it is never reported as
standalone (nor as in no cluster) but as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ..estate import DataIssue
from . import values as V


@dataclass(frozen=True)
class Membership:
    """Per host key: whether its cluster membership is unknown; and how the standalone hosts were told."""

    unknown: frozenset[str]
    proven_by_counts: frozenset[str]
    """Hosts shown standalone by vInfo and vCluster's host counts (vHost could not tell)."""
    counted: int
    """The hosts vCluster's 'NumHosts' add up to (0 when not used)."""


def membership(hosts: pl.DataFrame, guests: pl.DataFrame, vhost: pl.DataFrame | None,
               vcluster: pl.DataFrame | None) -> Membership:
    """Which hosts without a cluster are standalone by the export, and which are of unknown membership."""
    if hosts.is_empty():
        return Membership(frozenset(), frozenset(), 0)
    none = hosts.filter(pl.col("cluster_key").is_null())
    if none.is_empty():
        return Membership(frozenset(), frozenset(), 0)
    told = _vhost_tells(vhost)
    in_vhost = set(hosts.filter(pl.col("from_vhost").fill_null(False))["host_key"].to_list()) if told else set()
    rest = [k for k in none["host_key"].to_list() if k not in in_vhost]
    if not rest:
        return Membership(frozenset(), frozenset(), 0)
    counted = _counted(vcluster)
    clustered = hosts.filter(pl.col("cluster_key").is_not_null())["host_key"].n_unique()
    written = "cluster" in guests.columns and guests["cluster"].is_not_null().any()
    if not written or counted is None or counted != clustered:
        return Membership(frozenset(rest), frozenset(), 0)
    with_cluster = set(guests.filter(pl.col("cluster").is_not_null())["host_key"].drop_nulls().to_list())
    unknown = frozenset(k for k in rest if k in with_cluster)  # guests disagree: some name a cluster
    return Membership(unknown, frozenset(k for k in rest if k not in unknown), counted)


def _vhost_tells(vhost: pl.DataFrame | None) -> bool:
    """Whether vHost shows each listed host's cluster: rows with names and a 'Cluster' column filled somewhere."""
    if vhost is None or "Cluster" not in vhost.columns or "Host" not in vhost.columns:
        return False
    named = vhost.filter(pl.col("Host").is_not_null())
    return bool(named.height) and named["Cluster"].is_not_null().any()


def _counted(vcluster: pl.DataFrame | None) -> int | None:
    """The sum of vCluster 'NumHosts', when every row has one that reads as a number; else None."""
    if vcluster is None or "NumHosts" not in vcluster.columns or vcluster.is_empty():
        return None
    counts = vcluster.select(V.integer("NumHosts").alias("n"))["n"]
    if counts.null_count():
        return None
    return int(counts.sum())


def membership_issues(file: str, known: Membership, hosts: pl.DataFrame) -> list[DataIssue]:
    """What the data quality says: the hosts whose cluster is unknown (a warning), and how hosts that vHost could not
    place were shown standalone (a note)."""
    names = dict(zip(hosts["host_key"].to_list(), hosts["name"].to_list(), strict=True))
    issues = []
    if known.unknown:
        shown = sorted(str(names.get(k) or k) for k in known.unknown)
        issues.append(DataIssue(
            "warning", file,
            f"{len(shown)} host(s) have no cluster in the export and vHost does not show theirs "
            f"({_some(shown)}): whether they are in a cluster is unknown, so they are not reported as standalone "
            "and the cluster check (VMW-24) does not cover them; export vHost and vCluster again with their "
            "'Host', 'Cluster' and 'Name' columns",
            sheet="vInfo", column="Cluster", rows=len(shown), quoted=tuple(shown)))
    if known.proven_by_counts:
        shown = sorted(str(names.get(k) or k) for k in known.proven_by_counts)
        issues.append(DataIssue(
            "info", file,
            f"{len(shown)} host(s) that vHost does not place have no cluster on any of their guests in vInfo "
            f"({_some(shown)}): read as standalone hosts, because vCluster's NumHosts add up to {known.counted:,}, "
            "exactly the hosts vInfo shows in clusters",
            sheet="vCluster", column="NumHosts", rows=len(shown), quoted=tuple(shown)))
    return issues


def _some(names: list[str]) -> str:
    return "e.g. " + ", ".join(names[:3]) + (" …" if len(names) > 3 else "") if names else ""
