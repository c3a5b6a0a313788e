"""Ties by connected media: a CD/DVD drive or ISO image that can be disconnected while the guest runs.

A guest tied by nothing else is not powered off for its host's maintenance: the media is
disconnected (and 'Connect at power on' cleared), then the guest moves by live migration.
Kept apart from the cost model so that ``reportgen check`` reads it without loading the analysis.
"""

from __future__ import annotations

from collections.abc import Iterable

MEDIA_RULES = frozenset({"VMW-18", "VMW-19", "HYV-12"})
"""Ties by a connected CD/DVD drive or ISO image: the media can be disconnected while the guest runs."""


def media_only(rules: Iterable[str], guest_cluster: str | None) -> bool:
    """True when a guest outside any guest cluster is tied by connected media alone (no power-off needed)."""
    tied_by = set(rules)
    return not guest_cluster and bool(tied_by) and tied_by <= MEDIA_RULES
