"""The parts of a findings JSON that ``reportgen check`` reads beside its hosts, each read once.

Owners' contacts, running guests with no known host, the cluster settings that keep maintenance
mode from emptying a host, the guest clusters with a node on each host, and the findings that
limit where a guest can be moved. Each reader skips what a hand-edited file has of the wrong type
(:mod:`.check_shape` has refused the rest).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Contact:
    """How to reach an owner, from the owners file the audit read (``audit --owners``)."""

    owner: str
    email: str | None
    team: str | None


def limiting(document: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The findings of a guest that limit where it can be moved (a list of ``targets``)."""
    findings = document.get("findings")
    return tuple(f for f in findings if isinstance(f, dict) and isinstance(f.get("guest"), dict)
                 and isinstance(f.get("targets"), list)) if isinstance(findings, list) else ()


def nodes_on(clusters: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Host (as the nodes name it) -> guest clusters with a node on it: read once, not once per host checked."""
    on: dict[str, dict[str, None]] = {}
    for cid, cluster in clusters.items():
        for g in cluster.get("guests") or []:
            host = g.get("host_label", g.get("host")) if isinstance(g, dict) else None
            if isinstance(host, str):
                on.setdefault(host, {})[cid] = None
    return {host: tuple(ids) for host, ids in on.items()}


def unplaced(document: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    estate = document.get("estate")
    rows = estate.get("unplaced_guests") if isinstance(estate, dict) else None
    return tuple(r for r in rows if isinstance(r, dict) and isinstance(r.get("running"), int)
                 and not isinstance(r.get("running"), bool)) if isinstance(rows, list) else ()


def unplaced_running(unplaced: tuple[Mapping[str, Any], ...], host: Mapping[str, Any]) -> tuple[tuple[str | None, int], ...]:
    """Running guests with no known host that may run on this one: of its cluster, or of no known cluster, in its
    export; by cluster."""
    counts: dict[str | None, int] = {}
    for r in unplaced:
        same_export = None in (r.get("source"), host.get("source")) or r.get("source") == host.get("source")
        cluster = r.get("cluster") if isinstance(r.get("cluster"), str) else None
        if same_export and r["running"] > 0 and cluster in (None, host.get("cluster")):
            counts[cluster] = counts.get(cluster, 0) + r["running"]
    return tuple(sorted(counts.items(), key=lambda kv: kv[0] is None))


def contacts(document: Mapping[str, Any]) -> Mapping[str, Contact]:
    """The owners file's e-mail and team per owner (``owners.owners[]``), where it gave either."""
    owners = document.get("owners")
    rows = owners.get("owners") if isinstance(owners, dict) else None
    found = {}
    for row in rows if isinstance(rows, list) else ():
        if isinstance(row, dict) and isinstance(row.get("owner"), str):
            email, team = (row.get(k) if isinstance(row.get(k), str) and row.get(k) else None for k in ("email", "team"))
            if email or team:
                found[row["owner"]] = Contact(row["owner"], email, team)
    return found


def settings(document: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The findings of a cluster or host, not of a guest, that block evacuation (VMW-24 DRS off, standalone …)."""
    findings = document.get("findings")
    return tuple(f for f in findings if isinstance(f, dict) and not f.get("guest")
                 and "blocks-evacuation" in (f.get("effects") or ()) and (f.get("cluster") or f.get("host"))
                 ) if isinstance(findings, list) else ()


def setting_lines(settings: tuple[Mapping[str, Any], ...], host: Mapping[str, Any], label: str) -> tuple[str, ...]:
    """What the audit found about the host's cluster (or the host alone) that keeps maintenance mode from
    emptying it by itself; a cluster's finding counts for the hosts of that cluster in the same export."""
    def concerns(f: Mapping[str, Any]) -> bool:
        if f.get("host"):
            return f.get("host") in (host.get("name"), label) or f.get("host_label") == label
        source = f.get("source")
        file = source.get("file") if isinstance(source, dict) else None
        same_export = host.get("source") is None or file in (None, host.get("source"))
        return f.get("cluster") == host.get("cluster") and host.get("cluster") is not None and same_export

    return tuple(dict.fromkeys(f"{f.get('rule')}: {f.get('evidence') or f.get('title') or ''}".rstrip(": ")
                               for f in settings if concerns(f)))
