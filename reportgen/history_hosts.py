"""The hosts a history snapshot records (added in 0.1), so that the quarter-on-quarter change tells a host
removed from the estate from a freed one, as ``reportgen compare`` does (:mod:`.compare_scope`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .analysis import Analysis
from .compare_scope import Host, Scope
from .cost import Costing


def _part(source: Mapping[str, Any]) -> str:
    return f"{source.get('platform')}:{str(source.get('server_uuid') or source.get('server') or '').strip().lower()}"


def snapshot_hosts(analysis: Analysis, costing: Costing, labels: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Host label -> {name, server, server_forms, cluster, tied, cost} of every host the audit covered."""
    sources = {s["source_id"]: s for s in analysis.estate.sources.to_pylist()}
    source_of = dict(zip(analysis.estate.hosts.column("host_key").to_pylist(),
                         analysis.estate.hosts.column("source_id").to_pylist(), strict=True))
    found = {}
    for h in analysis.hosts:
        source = sources.get(source_of.get(h.key))
        found[labels.get(h.key, h.name)] = {
            "name": h.name, "server": _part(source) if source else "",
            "server_forms": [str(source[k]) for k in ("server", "server_uuid") if source and source.get(k)],
            "cluster": h.cluster, "tied": not h.evacuable, "cost": costing.per_host_key.get(h.key, 0.0)}
    return found


def cluster_hosts(analysis: Analysis, labels: Mapping[str, str]) -> dict[str, list[str]]:
    """Proven guest cluster name -> the labels of the hosts its nodes run on."""
    return {c.name: sorted({labels.get(k, n) for k, n in zip(c.host_keys, c.hosts, strict=False)})
            for c in analysis.guest_clusters if not c.suspected}


def valid(value: Any) -> bool:
    """Whether a snapshot's ``hosts`` has the shape :func:`snapshot_hosts` writes."""
    def host(x: Any) -> bool:
        return (isinstance(x, dict) and isinstance(x.get("name"), str) and isinstance(x.get("server"), str)
                and isinstance(x.get("tied"), bool) and isinstance(x.get("cost"), int | float)
                and not isinstance(x.get("cost"), bool) and math.isfinite(x["cost"]) and isinstance(x.get("cluster"), str | None)
                and isinstance(x.get("server_forms"), list) and all(isinstance(f, str) for f in x["server_forms"]))

    return value is None or (isinstance(value, dict) and all(isinstance(k, str) and host(x) for k, x in value.items()))


def view_fields(hosts: Mapping[str, Mapping[str, Any]] | None, scope: str | None) -> dict[str, Any]:
    """The :class:`~reportgen.compare.AuditView` fields of a snapshot's hosts. Snapshots of one history share
    their scope (the estate identity holds it), so the scope is known by its words."""
    if hosts is None:
        return {}
    return {"hosts": tuple(Host(label, str(h["name"]), str(h["server"]), tuple(h["server_forms"]), h["cluster"],
                                bool(h["tied"]), float(h["cost"])) for label, h in hosts.items()),
            "scope_rules": Scope(include=(f"scope:{scope}",) if scope else ())}
