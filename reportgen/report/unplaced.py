"""Running guests whose host the exports do not give (a 'Host' cell emptied, an orphaned VM).

They tie no host the report can name, yet they run somewhere: whatever ties them is not known, so the summary
and the wave plan count them, by cluster where the export gives one, rather than let them vanish.
"""

from __future__ import annotations

from collections import Counter

from ..analysis import Analysis
from ..host_labels import cluster_labels


def unplaced_running(analysis: Analysis) -> tuple[tuple[str, int], ...]:
    """(cluster label, running guests) of the running guests with no known host, most first; '' stands for no
    known cluster and comes last. Templates and vCLS agent VMs are left out, as from every guest count."""
    guests = analysis.estate.guests
    labels = cluster_labels(analysis.estate)
    columns = ("host_key", "cluster_key", "cluster", "power_state", "template", "agent")
    counts: Counter[str] = Counter()
    for host, key, cluster, power, template, agent in zip(*(guests.column(c).to_pylist() for c in columns), strict=True):
        if host is None and power == "poweredOn" and not template and agent is None:
            counts[labels.get(key) or cluster or ""] += 1
    return tuple(sorted(counts.items(), key=lambda kv: (not kv[0], -kv[1], kv[0].lower())))
