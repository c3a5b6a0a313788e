"""The pinning rule catalogue and :func:`evaluate`, which runs it over an estate."""

from __future__ import annotations

from ..estate import Estate
from .coverage import assess
from .devices import DETECTORS as _DEVICES
from .guest_clusters import DETECTORS as _GUEST_CLUSTERS
from .hyperv import DETECTORS as _HYPERV
from .hyperv_hosting import DETECTORS as _HYPERV_HOSTING
from .hyperv_placement import DETECTORS as _HYPERV_PLACEMENT
from .hyperv_san import DETECTORS as _HYPERV_SAN
from .hyperv_vtpm import DETECTORS as _HYPERV_VTPM
from .networks import DETECTORS as _NETWORKS
from .placement import DETECTORS as _PLACEMENT
from .records import (
    Coverage,
    Detector,
    Effect,
    Finding,
    GuestEdge,
    HostEdge,
    RuleContext,
    RuleInfo,
    RuleOutput,
    Severity,
)
from .standalone import SPECIAL
from .storage import DETECTORS as _STORAGE
from .tables import memo_frames

DETECTORS: tuple[Detector, ...] = (
    *_GUEST_CLUSTERS, *_NETWORKS, *_STORAGE, *_DEVICES, *_PLACEMENT, *_HYPERV, *_HYPERV_PLACEMENT,
    *_HYPERV_HOSTING, *_HYPERV_SAN, *_HYPERV_VTPM,
)
CATALOGUE: dict[str, RuleInfo] = {info.id: info for d in DETECTORS for info in d.rules}

__all__ = [
    "CATALOGUE", "DETECTORS", "SUSPECTED_TITLE", "Coverage", "Effect", "Finding", "GuestEdge", "HostEdge",
    "RuleContext", "RuleInfo", "RuleOutput", "Severity", "evaluate", "finding_title",
]

SUSPECTED_TITLE = "Suspected guest cluster (no shared disk proves it)"
"""The title of a GEN-01 finding found by names or networks only: the rule's own title says shared disks."""


def finding_title(rule: str, suspected: bool) -> str:
    """A finding's title: its rule's, except that a suspected guest cluster does not read as one on shared disks."""
    if suspected and rule == "GEN-01":
        return SUSPECTED_TITLE
    return CATALOGUE[rule].title if rule in CATALOGUE else rule


def evaluate(estate: Estate, ctx: RuleContext | None = None) -> RuleOutput:
    """Run every detector; findings of rules that could not be assessed are impossible by
    construction (a detector sees no rows), and coverage says which ones those are."""
    ctx = ctx or RuleContext()
    out = RuleOutput()
    with memo_frames():
        for detector in DETECTORS:
            out.extend(detector.run(estate, ctx))
    _drop_proven_suspects(out)
    _sort(out)
    for info in CATALOGUE.values():
        out.coverage.extend(SPECIAL.get(info.id, assess)(info, estate))
    return out


def _drop_proven_suspects(out: RuleOutput) -> None:
    """A guest that shared disks prove to be in a guest cluster (on any platform) is not a suspect."""
    proven = {g for edge in out.bonds for g in (edge.a, edge.b) if edge.a != edge.b}
    if not proven:
        return
    out.suspected = [group for group in out.suspected if not proven.intersection(group)]
    out.findings = [f for f in out.findings if not (f.suspected and f.guest_key in proven)]


def _sort(out: RuleOutput) -> None:
    """Findings and edges in a fixed order, whatever order the detectors' joins produced."""
    out.findings.sort(key=lambda f: (f.rule, f.guest_key or "", f.host_key or "", f.timing, f.evidence))
    for edges in (out.bonds, out.colocations):
        edges.sort(key=lambda e: (e.a, e.b, e.rule, e.cause.id if e.cause else ""))
    for host_edges in (out.pins, out.strands):
        host_edges.sort(key=lambda e: (e.guest, e.host, e.rule, e.cause.id if e.cause else ""))
    # one group per member set: two heuristics (a private switch, similar names) may find the same guests
    out.suspected = sorted({tuple(sorted(set(group))) for group in out.suspected})
