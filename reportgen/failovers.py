"""Which guest clusters with a node on a host need a failover before that host's maintenance.

One rule for the wave plan (its failovers per wave) and for ``reportgen check`` (the failover it prints per host):
a guest cluster is failed over when its node on the host cannot leave it by live migration -- the host is
*degraded* by it: a node there is tied to the host (shared disks on a physical-sharing bus, a raw device mapping,
…) -- and it runs across hosts. A guest cluster whose nodes move live (Oracle RAC on multi-writer disks, rules.md
VMW-07) needs none; one in a box stops with its host.
"""

from __future__ import annotations

from collections.abc import Collection


def moves_live(cluster_id: str, degraded: Collection[str]) -> bool:
    """Whether the guest cluster's nodes on a host leave it by live migration (no tie holds them there)."""
    return cluster_id not in degraded


def needs_failover(cluster_id: str, degraded: Collection[str], topology: str | None) -> bool:
    """Whether the guest cluster is failed over before the host goes down: its nodes there cannot move live
    (``degraded``: the guest clusters of the host's tied guests) and it runs across hosts (not in a box)."""
    return not moves_live(cluster_id, degraded) and topology != "in-a-box"
