"""The audit's scope as the report states it (cover, summary, method)."""

from __future__ import annotations

from ..analysis import Analysis
from ..scope import counted
from .model import Crossing, ScopeView


def scope_view(analysis: Analysis) -> ScopeView | None:
    """None when the whole estate was audited."""
    note = analysis.estate.scope
    if note is None:
        return None
    hosts = dict(note.boundary_hosts)
    crossings = tuple(
        Crossing(c.name, g.name, hosts.get(g.key, ""))
        for c in analysis.guest_clusters for g in c.guests if g.key in hosts
    )
    return ScopeView(note.text, note.hosts_in, note.hosts_in + note.hosts_out, note.guests_in,
                     note.guests_in + note.guests_out, crossings, note.withheld, counted(note))
