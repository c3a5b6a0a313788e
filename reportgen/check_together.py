"""What working on several hosts at once would do that working on any one of them alone would not.

A guest cluster whose running nodes all sit on the hosts named stops (each host's own answer tells its
node to fail over to a node on another host that is going down too); a vSphere or Hyper-V cluster
whose hosts are all named has nowhere left for their guests to go; more hosts of one cluster than the
audit's wave limit (``waves.hosts_down_per_cluster``) would be down at once; and a guest that can move
only to some hosts of its cluster (a switch or CPU model the others lack: the findings' ``targets``)
has nowhere to go when those hosts are named too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_LIMIT = 1
"""Hosts of one cluster down at once when the findings JSON does not record the audit's limit (the default of
``waves.hosts_down_per_cluster``)."""


@dataclass(frozen=True)
class Together:
    """One reason the hosts named cannot be emptied at the same time."""

    kind: str
    """'guest-cluster' (every running node is on the hosts named), 'cluster' (every host of it is named),
    'cluster-limit' (more of its hosts than may be down at once) or 'no-target' (a guest can move only to
    hosts named too)."""
    id: str
    """The guest cluster's id (GC-003, SC-001), the cluster's name, or the guest's key."""
    name: str
    hosts: tuple[str, ...]
    """The hosts named that it concerns (their labels)."""
    nodes: tuple[str, ...] = ()
    """For a guest cluster, its running nodes, each as 'node on host'."""
    suspected: bool = False
    targets: tuple[str, ...] = ()
    """For a guest ('no-target'), the only hosts it can be moved to, all named."""
    rules: tuple[str, ...] = ()
    """For a guest, the rules that limit where it can go."""
    owner: str | None = None
    """For a guest, its owner where recorded."""
    limit: int | None = None
    """For 'cluster-limit', the hosts of the cluster that may be down at once."""
    limit_recorded: bool = True
    """False when the findings JSON does not record the audit's limit and the default was assumed."""


def together(hosts: Sequence[Mapping[str, Any]], labels: Sequence[str],
             clusters: Mapping[str, Mapping[str, Any]], rows: Sequence[int],
             findings: Sequence[Mapping[str, Any]] = ()) -> tuple[Together, ...]:
    """The reasons the hosts at ``rows`` (indexes into ``hosts``) cannot be emptied together; none for one host.
    ``findings`` are those that limit where a guest can go (with ``targets``)."""
    if len(rows) < 2:
        return ()
    return (*_guest_clusters(hosts, labels, clusters, rows), *_host_clusters(hosts, labels, rows),
            *_no_target(hosts, labels, findings, rows))


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
    """vSphere or Hyper-V clusters of two or more hosts, every one of which is named; else with more hosts named
    than may be down at once (the findings' ``hosts[].cluster_down_limit``, else the default)."""
    members: dict[tuple[str, object], list[int]] = {}
    for row, host in enumerate(hosts):
        name = host.get("cluster_label") or host.get("cluster")
        if isinstance(name, str) and name:
            members.setdefault((name, host.get("source")), []).append(row)
    chosen = set(rows)
    found = []
    for (name, _), all_rows in members.items():
        shown = str(hosts[all_rows[0]].get("cluster") or name)
        named = [r for r in all_rows if r in chosen]
        if len(all_rows) > 1 and len(named) == len(all_rows):
            found.append(Together("cluster", name, shown, tuple(_label(labels, hosts, r) for r in all_rows)))
            continue
        recorded = [hosts[r]["cluster_down_limit"] for r in all_rows if _is_limit(hosts[r].get("cluster_down_limit"))]
        limit = min(recorded, default=DEFAULT_LIMIT)
        if len(named) > limit:
            found.append(Together("cluster-limit", name, shown, tuple(_label(labels, hosts, r) for r in named),
                                  limit=limit, limit_recorded=bool(recorded)))
    return found


def _is_limit(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _no_target(hosts: Sequence[Mapping[str, Any]], labels: Sequence[str], findings: Sequence[Mapping[str, Any]],
               rows: Sequence[int]) -> list[Together]:
    """Running guests on a host named that can be moved only to hosts named too (the intersection of their
    findings' targets), and that are not already to be powered off (pinned to their host)."""
    named = {_label(labels, hosts, r) for r in rows}
    pinned = {str(g.get("key")) for r in rows for g in hosts[r].get("pinned_guests") or () if isinstance(g, dict)}
    limits: dict[str, tuple[Mapping[str, Any], set[str], list[str]]] = {}
    for f in findings:
        guest, host, targets = f.get("guest"), _where(f), _targets(f)
        if not isinstance(guest, dict) or host not in named or targets is None or f.get("timing") != "now":
            continue
        key = str(guest.get("key"))
        if key in pinned:
            continue
        seen = limits.setdefault(key, (f, set(targets), []))
        seen[1].intersection_update(targets)
        seen[2].append(str(f.get("rule")))
    found = []
    for key, (first, left, rules) in limits.items():
        if left <= named:
            guest = first["guest"]
            ordered = tuple(sorted(left))
            found.append(Together("no-target", key, str(guest.get("name") or key), (str(_where(first)), *ordered),
                                  targets=ordered, rules=tuple(dict.fromkeys(rules)),
                                  owner=first.get("owner") if isinstance(first.get("owner"), str) else None))
    return found


def _where(finding: Mapping[str, Any]) -> object:
    """The finding's host as hosts are told apart (its label; its name in a findings JSON without labels)."""
    return finding.get("host_label") or finding.get("host")


def _targets(finding: Mapping[str, Any]) -> list[str] | None:
    """The hosts the finding leaves the guest, by label where the findings JSON has them; None: no limit."""
    targets = finding.get("target_labels") if isinstance(finding.get("target_labels"), list) else finding.get("targets")
    return [str(t) for t in targets] if isinstance(targets, list) else None
