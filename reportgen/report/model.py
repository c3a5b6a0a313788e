"""Building the report model from an analysis: every figure the templates show.

Templates only lay out what is here; they compute nothing. The model is bounded in size
(the PDF summarises; full lists go to the data files).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..analysis import Analysis, FauxCluster, HostResult
from ..cost import Costing
from ..rules import CATALOGUE


@dataclass(frozen=True)
class Summary:
    hosts: int
    guests: int
    running_guests: int
    faux_clusters: int
    suspected_clusters: int
    pinned_hosts: int
    pinned_hosts_at_power_on: int
    pinned_guests: int
    stranded_guests: int
    annual_cost: float
    annual_low: float
    annual_high: float
    waves: int
    wave_lower_bound: int


@dataclass(frozen=True)
class ClusterPage:
    cluster: FauxCluster
    annual_cost: float
    reasons: tuple[tuple[str, str, str], ...]
    """(rule id, title, severity) of the findings on its members."""
    remediation: str
    references: tuple[str, ...]


@dataclass(frozen=True)
class ReportModel:
    title: str
    client: str
    author: str
    firm: str
    currency: str
    report_date: str
    sources: tuple[dict[str, object], ...]
    summary: Summary
    cluster_pages: tuple[ClusterPage, ...]
    clusters_not_shown: int
    register: tuple[HostResult, ...]
    register_not_shown: int
    coverage_gaps: tuple[tuple[str, str, str], ...]
    """(rule, source file, reason) of checks that could not run."""
    issues: tuple[tuple[str, str, str], ...]
    """(level, where, message) of data-quality problems."""


def build_report(analysis: Analysis, costing: Costing, today: date | None = None) -> ReportModel:
    settings = analysis.config.report
    guests = analysis.estate.guests
    running = sum(1 for p, t in zip(guests.column("power_state").to_pylist(), guests.column("template").to_pylist())
                  if p == "poweredOn" and not t)
    pinned = {g.key for h in analysis.hosts for g in h.blockers}
    stranded = {g.key for h in analysis.hosts for g in h.stranded}
    proven = [c for c in analysis.faux_clusters if not c.suspected]
    findings_by_guest: dict[str, list[str]] = {}
    for f in analysis.findings:
        if f.guest_key:
            findings_by_guest.setdefault(f.guest_key, []).append(f.rule)
    pages = []
    ranked = sorted(proven, key=lambda c: (-costing.per_faux_cluster.get(c.id, 0.0), -len(c.pinned_hosts), c.id))
    for c in ranked[: settings.max_cluster_pages]:
        rule_ids = sorted({r for g in c.guests for r in findings_by_guest.get(g.key, [])})
        reasons = tuple((r, CATALOGUE[r].title, CATALOGUE[r].severity.label) for r in rule_ids if r in CATALOGUE)
        worst = max((CATALOGUE[r] for r in rule_ids if r in CATALOGUE), key=lambda i: i.severity, default=None)
        pages.append(ClusterPage(
            cluster=c, annual_cost=costing.per_faux_cluster.get(c.id, 0.0), reasons=reasons,
            remediation=worst.remediation if worst else "",
            references=tuple(ref for r in rule_ids if r in CATALOGUE for ref in CATALOGUE[r].references),
        ))
    register = sorted(
        (h for h in analysis.hosts if h.blockers or h.blockers_at_power_on),
        key=lambda h: (h.evacuable, -len(h.blockers), h.name),
    )
    files = {s["source_id"]: s["file"] for s in analysis.estate.sources.to_pylist()}
    gaps = tuple((c.rule, files.get(c.source_id, "all exports") if c.source_id is not None else "all exports",
                  c.reason) for c in analysis.coverage if c.status == "not-assessed")
    issues = tuple((i.level, i.where(), i.message) for i in analysis.estate.issues)
    summary = Summary(
        hosts=analysis.estate.hosts.num_rows, guests=guests.num_rows, running_guests=running,
        faux_clusters=len(proven), suspected_clusters=len(analysis.faux_clusters) - len(proven),
        pinned_hosts=len(analysis.pinned_hosts),
        pinned_hosts_at_power_on=sum(1 for h in analysis.hosts if h.blockers_at_power_on),
        pinned_guests=len(pinned), stranded_guests=len(stranded),
        annual_cost=costing.annual_total, annual_low=costing.annual_low, annual_high=costing.annual_high,
        waves=len(analysis.waves), wave_lower_bound=analysis.wave_lower_bound,
    )
    return ReportModel(
        title=settings.title, client=settings.client, author=settings.author, firm=settings.firm,
        currency=settings.currency, report_date=(today or date.today()).isoformat(),
        sources=tuple(analysis.estate.sources.to_pylist()), summary=summary,
        cluster_pages=tuple(pages), clusters_not_shown=max(0, len(proven) - len(pages)),
        register=tuple(register[: settings.max_register_rows]),
        register_not_shown=max(0, len(register) - settings.max_register_rows),
        coverage_gaps=gaps, issues=issues,
    )
