"""What a findings JSON says of its hosts, servers, scope and export dates, for :mod:`reportgen.compare_scope`."""

from __future__ import annotations

import math
from typing import Any

from .compare_scope import Host, Scope


def _part(source: dict[str, Any]) -> str:
    """A source's management server as :func:`reportgen.history.estate_parts` names it."""
    return f"{source.get('platform')}:{str(source.get('server_uuid') or source.get('server') or '').strip().lower()}"


def _sources(document: dict[str, Any]) -> list[dict[str, Any]]:
    estate = document.get("estate")
    sources = estate.get("sources") if isinstance(estate, dict) else None
    return [s for s in sources or () if isinstance(s, dict) and s.get("superseded_by") is None
            and not s.get("superseded")]


def _scope(document: dict[str, Any]) -> Scope:
    """The scope rules; not known when the file has no ``scope`` (an older findings JSON) or withheld them."""
    if "scope" not in document:
        return Scope(known=False)
    scope = document["scope"]
    if scope is None:
        return Scope()
    if not isinstance(scope, dict) or scope.get("patterns_withheld") is True:
        return Scope(known=False)
    rules = {way: tuple(sorted(str(r).lower() for r in scope.get(way) or () if isinstance(r, str)))
             for way in ("include", "exclude")}
    return Scope(rules["include"], rules["exclude"])


def _cost(value: Any) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else 0.0


def hosts_of(document: dict[str, Any]) -> dict[str, Any]:
    """The AuditView fields of hosts and servers: ``hosts``, ``server_names``, ``scope_rules``, ``exported``."""
    sources = _sources(document)
    by_file = {str(s.get("file")): s for s in sources}
    hosts = []
    for h in document.get("hosts") or ():
        if not isinstance(h, dict) or not isinstance(h.get("name"), str):
            continue
        source = by_file.get(str(h.get("source")))
        label = h["label"] if isinstance(h.get("label"), str) and h["label"] else h["name"]
        forms = tuple(str(source[k]) for k in ("server", "server_uuid") if source and source.get(k))
        hosts.append(Host(label=label, name=h["name"], server=_part(source) if source else "", server_forms=forms,
                          cluster=h["cluster"] if isinstance(h.get("cluster"), str) else None,
                          tied=h.get("evacuable") is False, cost=_cost(h.get("annual_cost"))))
    exported: dict[str, str] = {}
    for s in sources:
        if isinstance(s.get("exported_at"), str):
            exported[_part(s)] = max(exported.get(_part(s), ""), s["exported_at"])
    return {"hosts": tuple(hosts), "server_names": {_part(s): str(s.get("server") or "") for s in sources},
            "scope_rules": _scope(document), "exported": exported}


def when_of(document: dict[str, Any]) -> dict[str, Any]:
    generated = document.get("generated_at")
    cost = document.get("cost")
    assumptions = cost.get("assumptions") if isinstance(cost, dict) else None
    per_guest = cost.get("per_pinned_guest") if isinstance(cost, dict) else None
    return {"generated_at": generated if isinstance(generated, str) else None,
            "assumptions": assumptions if isinstance(assumptions, dict) else None,
            "guest_costs": {str(k): _cost(v) for k, v in per_guest.items()} if isinstance(per_guest, dict) else {}}
