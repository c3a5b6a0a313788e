"""The data behind the HTML report's search and full lists: every host, guest, guest cluster and finding.

Compact on purpose (an estate of 40,000 guests must open in seconds): guests, hosts and guest
clusters are lists, and everything else refers to them by position. The page parses this once and
builds table rows and register cards from it on demand. Names are data here, never markup: the
page writes them with ``textContent`` only.

Layout (``h`` host index, ``g`` guest index, ``c`` guest-cluster index, -1 for none):

- ``guests``: ``[name, h, owner, power_state, c, template]``
- ``hosts``: ``{"name", "label", "cluster", "platform", "site", "evacuable", "not_run", "wave", "guests", "cost",
  "power_off": [[g, [rules]]], "at_power_on": [[g, [rules]]], "stranded": [[g, [rules]]],
  "clusters": [c]}``; ``not_run``: checks that could not run on the host's export (no tie found is then not free)
- ``clusters``: ``{"id", "name", "topology", "suspected", "nodes": [g], "hosts": [h], "rules"}``
- ``findings``: ``[rule, severity, g, h, timing, evidence]``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..analysis import Analysis, PinnedGuest
from ..cost import Costing
from ..host_labels import host_labels
from ..rules import CATALOGUE


def explorer_data(analysis: Analysis, costing: Costing) -> dict[str, Any]:
    """Everything the HTML report's search box and tables show, as plain JSON-ready data."""
    table = analysis.estate.guests
    keys: list[str] = table.column("guest_key").to_pylist()
    gi = {k: i for i, k in enumerate(keys)}
    hi = {h.key: i for i, h in enumerate(analysis.hosts)}
    ci: dict[str, int] = {}
    for i, c in enumerate(analysis.guest_clusters):
        ci[c.id] = i
    member: dict[str, int] = {g.key: ci[c.id] for c in analysis.guest_clusters for g in c.guests}
    guests = [
        [name or key, hi.get(host, -1) if host else -1, owner, power, member.get(key, -1), bool(template)]
        for key, name, host, owner, power, template in zip(
            keys, table.column("name").to_pylist(), table.column("host_key").to_pylist(),
            table.column("owner").to_pylist(), table.column("power_state").to_pylist(),
            table.column("template").to_pylist())
    ]

    def refs(items: tuple[PinnedGuest, ...]) -> list[list[Any]]:
        return [[gi.get(g.key, -1), list(g.rules)] for g in items]

    labels = host_labels(analysis.estate)  # same-named hosts told apart: 'esx01 in vc02'
    not_run = _not_run(analysis)
    hosts = []
    for h in analysis.hosts:
        involved = dict.fromkeys([*h.degraded, *(g.guest_cluster for g in (*h.blockers, *h.blockers_at_power_on)
                                                 if g.guest_cluster)])
        hosts.append({
            "name": h.name, "label": labels.get(h.key, h.name), "cluster": h.cluster, "platform": h.platform,
            "site": analysis.sites.host_site.get(h.key), "evacuable": h.evacuable,
            "not_run": not_run(h.key), "wave": h.wave + 1 if h.wave >= 0 else None, "guests": h.guests,
            "cost": costing.per_host_key.get(h.key, 0.0),
            "power_off": refs(h.blockers), "at_power_on": refs(h.blockers_at_power_on),
            "stranded": refs(h.stranded), "clusters": [ci[c] for c in involved if c in ci],
        })
    clusters = [
        {"id": c.id, "name": c.name, "topology": c.topology, "suspected": c.suspected,
         "nodes": [gi.get(g.key, -1) for g in c.guests], "hosts": [hi.get(k, -1) for k in c.host_keys],
         "rules": list(c.rules)}
        for c in analysis.guest_clusters
    ]
    findings = [
        [f.rule, f.severity.label, gi.get(f.guest_key, -1) if f.guest_key else -1,
         hi.get(f.host_key, -1) if f.host_key else -1, f.timing, f.evidence]
        for f in analysis.findings
    ]
    return {
        "currency": costing.currency, "waves": len(analysis.waves),
        "rules": {r: CATALOGUE[r].title for r in CATALOGUE},
        "guests": guests, "hosts": hosts, "clusters": clusters, "findings": findings,
    }


def _not_run(analysis: Analysis) -> Callable[[str], int]:
    """Checks that could not run on a host's export (every export's, for a rule no source could assess)."""
    source_of = dict(zip(analysis.estate.hosts.column("host_key").to_pylist(),
                         analysis.estate.hosts.column("source_id").to_pylist(), strict=True))
    missed: dict[int | None, set[str]] = {}
    for c in analysis.coverage:
        if c.status == "not-assessed":
            missed.setdefault(c.source_id, set()).add(c.rule)

    def count(key: str) -> int:
        return len(missed.get(None, set()) | missed.get(source_of.get(key), set()))
    return count
