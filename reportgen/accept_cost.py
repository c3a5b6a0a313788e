"""Open versus accepted cost: one rule for every output.

A guest cluster's yearly cost counts as accepted only when an exception in force accepts the guest
cluster *and* no finding that ties one of its members is open; a pinned guest's only when every
finding that ties it is accepted. An accepted guest cluster with a member's own finding still open
(another cause, say a local datastore) is *held open*: it is reported as matched by its entry, but
neither it nor its members are shown as accepted, and its cost counts as open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .analysis import GuestClusterResult
from .cost import Costing
from .rules import Finding


@dataclass(frozen=True)
class HeldOpen:
    """A guest cluster an entry accepts whose cost stays open, and the open findings on its members."""

    cluster: str
    """Guest cluster id (GC-001)."""
    name: str
    open_findings: tuple[tuple[str, str], ...]
    """(guest name, rule) of each open finding that ties a member."""


def find_held_open(guest_clusters: Sequence[GuestClusterResult], findings: Sequence[Finding],
                   accepted: Sequence[object | None], accepted_clusters: Mapping[str, object],
                   guest_names: Mapping[str, str]) -> dict[str, HeldOpen]:
    """Accepted guest clusters a member of which has an open finding that ties it, by id."""
    open_on: dict[str, list[Finding]] = defaultdict(list)
    for finding, record in zip(findings, accepted, strict=True):
        if record is None and finding.guest_key and finding.timing != "hygiene":
            open_on[finding.guest_key].append(finding)
    held = {}
    for cluster in guest_clusters:
        if cluster.id not in accepted_clusters:
            continue
        still = tuple(dict.fromkeys((guest_names.get(g.key, g.key), f.rule)
                                    for g in cluster.guests for f in open_on.get(g.key, ())))
        if still:
            held[cluster.id] = HeldOpen(cluster.id, cluster.name, still)
    return held


def split_cost(accepted_clusters: Iterable[str], accepted_guests: Iterable[str], costing: Costing) -> tuple[float, float]:
    """(open, accepted) yearly cost in whole units, so that the two add up to the total as shown."""
    accepted = round(sum((costing.per_guest_cluster.get(c, 0.0) for c in accepted_clusters), 0.0)
                     + sum((costing.per_guest.get(g, 0.0) for g in accepted_guests), 0.0))
    return round(costing.annual_total) - accepted, accepted
