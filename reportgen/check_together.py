"""What working on several hosts at once would do that working on any one of them alone would not.

A guest cluster whose running nodes all sit on the hosts named stops (each host's own answer tells its
node to fail over to a node on another host that is going down too), and a vSphere or Hyper-V cluster
whose hosts are all named has nowhere left for their guests to go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Together:
    """One reason the hosts named cannot be emptied at the same time."""

    kind: str
    """'guest-cluster' (every running node is on the hosts named) or 'cluster' (every host of it is named)."""
    id: str
    """The guest cluster's id (GC-003, SC-001), or the cluster's name."""
    name: str
    hosts: tuple[str, ...]
    """The hosts named that it concerns (their labels)."""
    nodes: tuple[str, ...] = ()
    """For a guest cluster, its running nodes, each as 'node on host'."""
    suspected: bool = False


def together(hosts: Sequence[Mapping[str, Any]], labels: Sequence[str],
             clusters: Mapping[str, Mapping[str, Any]], rows: Sequence[int]) -> tuple[Together, ...]:
    """The reasons the hosts at ``rows`` (indexes into ``hosts``) cannot be emptied together; none for one host."""
    if len(rows) < 2:
        return ()
    return (*_guest_clusters(hosts, labels, clusters, rows), *_host_clusters(hosts, labels, rows))


def _label(labels: Sequence[str], hosts: Sequence[Mapping[str, Any]], row: int) -> str:
    return labels[row] if row < len(labels) else str(hosts[row]["name"])


def _guest_clusters(hosts: Sequence[Mapping[str, Any]], labels: Sequence[str],
                    clusters: Mapping[str, Mapping[str, Any]], rows: Sequence[int]) -> list[Together]:
    """Guest clusters with running nodes on two or more of the hosts named and on no other host."""
    named_labels = {_label(labels, hosts, r) for r in rows}
    named_names = {str(hosts[r]["name"]) for r in rows}
    found = []
    for cluster in clusters.values():
        nodes = [g for g in cluster.get("guests") or [] if isinstance(g, dict)
                 and g.get("power_state") in ("poweredOn", None)]
        where = [(str(g.get("name")), g.get("host_label") if "host_label" in g else g.get("host")) for g in nodes]
        named = named_labels if any("host_label" in g for g in nodes) else named_names
        on = {h for _, h in where}
        if len(on) < 2 or not on <= named:
            continue
        found.append(Together("guest-cluster", str(cluster["id"]), str(cluster.get("name") or cluster["id"]),
                              tuple(sorted(str(h) for h in on)), tuple(f"{n} on {h}" for n, h in where),
                              bool(cluster.get("suspected"))))
    return found


def _host_clusters(hosts: Sequence[Mapping[str, Any]], labels: Sequence[str], rows: Sequence[int]) -> list[Together]:
    """vSphere or Hyper-V clusters of two or more hosts, every one of which is named."""
    members: dict[tuple[str, object], list[int]] = {}
    for row, host in enumerate(hosts):
        name = host.get("cluster_label") or host.get("cluster")
        if isinstance(name, str) and name:
            members.setdefault((name, host.get("source")), []).append(row)
    chosen = set(rows)
    return [Together("cluster", name, str(hosts[all_rows[0]].get("cluster") or name),
                     tuple(_label(labels, hosts, r) for r in all_rows))
            for (name, _), all_rows in members.items() if len(all_rows) > 1 and chosen.issuperset(all_rows)]
