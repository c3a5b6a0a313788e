"""The findings JSON's accepted exceptions: ``accepted`` on findings and guest clusters, and ``acceptances``."""

from __future__ import annotations

from typing import Any

from ..accept_match import Accepted, EntryResult, Judgement
from ..cost import Costing


def accepted_document(accepted: Accepted | None) -> dict[str, Any] | None:
    """A finding's or guest cluster's ``accepted``: null, or who accepted it, why and until when."""
    if accepted is None:
        return None
    return {"entry": accepted.entry, "owner": accepted.owner, "approved_by": accepted.approved_by,
            "reason": accepted.reason, "ticket": accepted.ticket, "expires": accepted.expires.isoformat(),
            "matched_by": list(accepted.matched_by)}


def _entry(result: EntryResult) -> dict[str, Any]:
    e = result.entry
    return {
        "entry": e.position, "line": e.line, "what": e.what,
        "guests": list(e.guests), "guest": e.guest, "host": e.host, "cluster": e.cluster, "rule": e.rule,
        "cause": e.cause, "vcenter": e.vcenter, "ids": list(e.ids),
        "owner": e.owner, "approved_by": e.approved_by, "reason": e.reason, "ticket": e.ticket,
        "expires": e.expires.isoformat(), "status": result.status, "matched": result.matched,
        "matched_findings": result.findings, "matched_guest_clusters": result.guest_clusters,
        "annual_cost": result.annual_cost,
        "accepted_first_by": list(result.accepted_first_by),
        "renamed": [{"old": old, "new": new} for old, new in result.renamed],
        "held_open": [{"guest_cluster": h.cluster, "open_findings": [{"guest": g, "rule": r} for g, r in h.open_findings]}
                      for h in result.held_open],
        "ambiguous": list(result.ambiguous),
        "why": list(result.why),
    }


def acceptances_document(judgement: Judgement | None, costing: Costing) -> dict[str, Any]:
    """The top-level ``acceptances`` (each entry, its status and matched count), ``acceptances_as_of`` and
    ``acceptances_cost`` (the yearly cost open and accepted, as the report's summary splits it)."""
    if judgement is None:
        return {"acceptances": [], "acceptances_as_of": None, "acceptances_cost": None}
    open_cost, accepted_cost = judgement.split_cost(costing)
    return {"acceptances": [_entry(r) for r in judgement.entries],
            "acceptances_as_of": judgement.as_of.isoformat(),
            "acceptances_cost": {"open": open_cost, "accepted": accepted_cost}}


def finding_accepted(judgement: Judgement | None, index: int) -> dict[str, Any] | None:
    return None if judgement is None else accepted_document(judgement.findings[index])


def cluster_accepted(judgement: Judgement | None, cluster_id: str) -> dict[str, Any] | None:
    return None if judgement is None else accepted_document(judgement.clusters.get(cluster_id))
