"""Which guest clusters get a page of their own, in the order the cost table lists them.

The costliest come first: by yearly cost today, then (for those costing nothing today) by yearly cost once their
nodes run, and equal costs by name, as the table of the costliest guest clusters and tied guests orders them;
those that cost nothing either way come last, the most hosts tied and nodes first. The
remedy table and the guest-cluster pages both read this one order, so an action says 'its page lists the steps'
only for a guest cluster that has one.
"""

from __future__ import annotations

from ..analysis import Analysis, GuestClusterResult
from ..cost import Costing


def ranked_guest_clusters(analysis: Analysis, costing: Costing) -> list[GuestClusterResult]:
    """Every proven guest cluster, costliest first (equal costs by name, then id)."""
    today = costing.per_guest_cluster
    later = {u.unit: u.annual for u in costing.units_at_power_on if u.kind == "guest-cluster"}

    def key(c: GuestClusterResult) -> tuple[float, float, str, int, int, str]:
        cost, once = today.get(c.id, 0.0), later.get(c.id, 0.0)
        if not cost and not once:  # in no cost table: the most hosts tied, then the most nodes
            return 0.0, 0.0, "", -len(c.pinned_hosts), -len(c.guests), c.id
        return -cost, 0.0 if cost else -once, c.name, 0, 0, c.id

    return sorted((c for c in analysis.guest_clusters if not c.suspected), key=key)


def paged_guest_clusters(analysis: Analysis, costing: Costing) -> list[GuestClusterResult]:
    """The guest clusters that get a page (report.max_cluster_pages of them), in page order."""
    return ranked_guest_clusters(analysis, costing)[: analysis.config.report.max_cluster_pages]


def cut_between_equal_costs(analysis: Analysis, costing: Costing) -> bool:
    """True when the last guest cluster with a page costs as much as the first without one: names decided."""
    ranked = ranked_guest_clusters(analysis, costing)
    limit = analysis.config.report.max_cluster_pages
    if limit <= 0 or len(ranked) <= limit:
        return False
    later = {u.unit: u.annual for u in costing.units_at_power_on if u.kind == "guest-cluster"}

    def cost(c: GuestClusterResult) -> tuple[float, float]:
        return costing.per_guest_cluster.get(c.id, 0.0), later.get(c.id, 0.0)

    last, first = cost(ranked[limit - 1]), cost(ranked[limit])
    return last[0] == first[0] and (last[0] > 0 or last[1] == first[1]) and (last[0] > 0 or last[1] > 0)
