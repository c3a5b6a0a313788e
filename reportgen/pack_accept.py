"""Accepted exceptions in the owner packs: each entry in its owner's pack, and what it accepts marked.

An entry belongs to the pack of the owner it names (``owner`` in the accept file, case ignored).
A guest is marked when an exception in force accepts every finding that ties it, a guest cluster
when an exception in force accepts it; an expired entry marks nothing, as it accepts nothing.
"""

from __future__ import annotations

from .accept import STATUSES
from .accept_match import Accepted, Judgement
from .report.pack_model import PackAcceptance


def pack_acceptances(judgement: Judgement) -> list[tuple[str, PackAcceptance]]:
    """(owner, acceptance) of every entry in :data:`~reportgen.accept.STATUSES` order (file order within)."""
    results = sorted(judgement.entries, key=lambda r: STATUSES.index(r.status))
    return [(r.entry.owner, PackAcceptance(r.entry.what, r.entry.expires.isoformat(), r.entry.reason, r.status,
                                           r.entry.approved_by, r.why))
            for r in results]


def _mark(accepted: Accepted) -> str:
    return f"accepted until {accepted.expires.isoformat()} (entry {accepted.entry}, {accepted.owner})"


def accepted_marks(judgement: Judgement) -> dict[str, str]:
    """Guest key or guest-cluster id -> how the pack marks it as accepted."""
    return {**{key: _mark(a) for key, a in judgement.guests.items()},
            **{cid: _mark(a) for cid, a in judgement.clusters.items()}}
