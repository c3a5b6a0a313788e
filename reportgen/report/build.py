"""Building the report model from an analysis and its costing: every figure the templates show."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from ..accept_match import Judgement
from ..analysis import Analysis, GuestClusterResult, HostResult
from ..cost import UNKNOWN_OWNER, Costing, alone_host_keys, only_media
from ..ha_only import NO_HA, ha_only, only_no_ha
from ..history import History
from ..host_labels import cluster_unknown_keys, host_cluster_labels, host_labels
from ..logo import read_logo
from ..media import MEDIA_RULES
from ..restart_unknown import restart_unknown
from ..rules import CATALOGUE, Finding
from ..rules.advice import GroupFacts, Node, shared_hosts, topology_plan, with_network
from ..rules.records import Step
from ..sites import SiteGuest
from ..vm_counts import vm_counts
from . import charts, wsfc_view
from .accepted import acceptance_view, mark_accepted
from .actions import costliest_causes, costliest_overlap, plan_actions, shared_cost
from .bundles import plan_bundles, plan_total
from .cluster_rank import cut_between_equal_costs, paged_guest_clusters
from .coverage_advice import coverage_advice
from .disks import with_disk_plan
from .events import event_rates
from .formats import money, number, plural
from .glance_map import map_chart
from .method import assumption_rows, check_rows
from .model import (
    Action,
    Chart,
    ClusterPage,
    CostRow,
    FailureRow,
    HistoryView,
    Member,
    Reason,
    RegisterRow,
    ReportModel,
    RestartUnknownRow,
    RestartUnknownView,
    SiteRow,
    Summary,
    TrendRow,
)
from .other_findings import other_findings, places_by_rule, shown_places
from .plain import plain_label
from .quality import coverage_gaps, export_dates, issue_groups, source_rows
from .references import titled_links
from .scope_view import scope_view
from .settings import loose_findings, settings_view, unknown_settings, unknown_what
from .unplaced import unplaced_running
from .waves import binding_constraint, guest_clusters_unknown, limiting_cluster, media_only_hosts, plan_waves

T = TypeVar("T")

MAX_NAMES = 8
"""Guest names printed in one register or failure-impact cell."""
MAX_MEMBERS = 16
MAX_SOURCES = 30
MAX_BARS = 10
MAX_COST_ROWS = 15

TOPOLOGY_TEXT = {
    "in-a-box": "All nodes run on one host. The guest cluster protects against a failed guest, not a failed "
                "host: every maintenance of that host stops the whole service.",
    "across-boxes": "The nodes run on different hosts. Each maintenance of one of these hosts needs a "
                    "failover of the guest cluster, and the nodes must never meet on one host.",
    "mixed": "Some nodes share a host while others run elsewhere: both the in-a-box and the across-boxes "
             "constraints apply.",
    "unknown": "Where some of the nodes run could not be read from the exports.",
}
UNSUPPORTED_SHARED_HOST = " VMware does not support nodes sharing a host on physical-mode RDMs (VMW-02)."
"""VMware's WSFC shared-storage table: cluster in a box supports VMDK and vRDM, not pRDM (rules.md VMW-01)."""


def build_report(analysis: Analysis, costing: Costing, today: date | None = None,
                 history: History | None = None, acceptance: Judgement | None = None) -> ReportModel:
    """Everything the PDF and HTML show, cut to the configured lengths."""
    settings = analysis.config.report
    findings_by_guest: dict[str, list[Finding]] = defaultdict(list)
    for f in (f for f in analysis.findings if f.guest_key):
        findings_by_guest[str(f.guest_key)].append(f)
    summary = _summary(analysis, costing)
    plan = plan_actions(analysis, costing)
    plan = [replace(a, shares_cost=s) if s else a for a, s in zip(plan, shared_cost(plan), strict=True)]
    actions, freed, saving = _actions(plan, costing)
    shown_plan = _cut(plan, MAX_PLAN_ROWS)
    all_pages = _cluster_pages(analysis, costing, findings_by_guest)
    pages = [p for p in all_pages if p.annual_cost or p.annual_at_power_on]
    quiet = [p for p in all_pages if not (p.annual_cost or p.annual_at_power_on)]
    proven = sum(1 for c in analysis.guest_clusters if not c.suspected)
    register = _register(analysis, costing)
    accepted = None if acceptance is None else acceptance_view(acceptance, analysis, costing)
    if accepted is not None:
        register = mark_accepted(register, accepted)
    failure = _failure(analysis)
    gaps, issues, sources = coverage_gaps(analysis), issue_groups(analysis), source_rows(analysis)
    owners = [CostRow(o, "", v) for o, v in costing.per_owner.items()]
    later = not costing.units
    units = [CostRow(u.label, f"{'guest cluster ' + u.unit if u.kind == 'guest-cluster' else 'guest'} · "
                     f"{len(u.hosts)} host{'s' if len(u.hosts) != 1 else ''}", u.annual)
             for u in (costing.units_at_power_on if later else costing.units)]
    containment = costing.containment if summary.unit_clusters else None  # only when a guest cluster ties a host
    limit = limiting_cluster(analysis)
    main_causes, main_cost = costliest_causes(plan)
    loose, loose_rules = loose_findings(analysis)
    setting_view, shown_register = settings_view(analysis, acceptance), _bounded(register, settings.max_register_rows)
    places = shown_places(analysis, shown_register, [*pages[: settings.max_cluster_pages], *quiet], setting_view)
    unbounded = shown_places(analysis, register, all_pages, setting_view)
    return ReportModel(
        title=settings.title, client=settings.client, author=settings.author, firm=settings.firm,
        logo=_logo(settings.logo), currency=settings.currency, report_date=(today or date.today()).isoformat(),
        sources=_bounded(sources, MAX_SOURCES), sources_not_shown=_hidden(sources, MAX_SOURCES),
        summary=summary, actions=actions, actions_hosts_freed=freed, actions_saving=saving,
        remedies=tuple(shown_plan), remedies_not_shown=len(plan) - len(shown_plan),
        vmotion_unseen=wsfc_view.unseen(shown_plan, wsfc_view.prerequisites(analysis)),
        actions_left=round(max(0.0, (costing.annual_total or costing.annual_at_power_on) - saving), 2),
        rule_remedies=tuple(Action(plain_label(r.cause), "rule", len(r.hosts_freed), r.annual_saving)
                            for r in costing.rule_remedies[:MAX_BARS]),
        containment_hosts=containment.dedicated_hosts if containment else 0,
        containment_hosts_freed=containment.hosts_freed if containment else 0,
        containment_saving=containment.annual_saving if containment else 0.0,
        charts=_charts(analysis, costing),
        owner_costs=_bounded(owners, MAX_COST_ROWS), owner_costs_not_shown=_hidden(owners, MAX_COST_ROWS),
        unit_costs=_bounded(units, MAX_COST_ROWS), unit_costs_not_shown=_hidden(units, MAX_COST_ROWS),
        unit_costs_later=later and bool(units),
        cluster_pages=tuple(pages[: settings.max_cluster_pages]),
        quiet_clusters=tuple(quiet), pages_cut_by_name=cut_between_equal_costs(analysis, costing),
        clusters_not_shown=max(0, proven - min(len(pages), settings.max_cluster_pages) - len(quiet)),
        register=shown_register, register_not_shown=_hidden(register, settings.max_register_rows),
        failure=_bounded(failure, settings.max_failure_rows), failure_not_shown=_hidden(failure, settings.max_failure_rows),
        coverage_gaps=_bounded(gaps, settings.max_issue_rows),
        coverage_gaps_not_shown=_hidden(gaps, settings.max_issue_rows),
        issues=_bounded(issues, settings.max_issue_rows), issues_not_shown=_hidden(issues, settings.max_issue_rows),
        assumptions=assumption_rows(analysis, costing),
        roles=tuple((name.replace("_", " "), r.hours, r.rate) for name, r in analysis.config.cost.roles.items()),
        checks=tuple(c for c in check_rows(analysis, places_by_rule(analysis, places)) if c.status != "not applicable"),
        checks_not_applicable=tuple(c.rule for c in check_rows(analysis) if c.status == "not applicable"),
        conflicts=_bounded(analysis.conflicts, MAX_CONFLICTS),
        conflicts_not_shown=_hidden(analysis.conflicts, MAX_CONFLICTS),
        wave_plan=tuple(plan_waves(analysis)), wave_limit=analysis.config.waves.hosts_down_per_cluster,
        wave_limit_cluster=limit[0] if limit else None, wave_limit_hosts=limit[1] if limit else 0,
        wave_limit_allowed=limit[2] if limit else 1, wave_bound=binding_constraint(analysis),
        wave_unknown_limit=analysis.config.waves.lowest_limit, restart_unknown=_restart_unknown(analysis),
        history=_history(history), acceptances=accepted, cluster_unknown_hosts=_unknown_hosts(analysis),
        sites=tuple(_sites(analysis)), sites_origin=analysis.sites.origin if analysis.sites.failures else "",
        unsited_hosts=analysis.sites.unsited if analysis.sites.failures else (),
        scope=scope_view(analysis), main_causes=main_causes, main_cause_cost=main_cost, main_causes_overlap=costliest_overlap(plan),
        remedies_addressed=round(sum(a.annual_cost for a in plan), 2),
        export_dates=export_dates(analysis, today or date.today()),
        bundles=tuple(plan_bundles(analysis, costing, plan)), plan_total=plan_total(analysis, costing, plan),
        event_rates=event_rates(analysis.config.cost, {c.platform for c in costing.hosts}),
        settings=setting_view, loose_findings=loose, loose_rules=loose_rules,
        other_findings=other_findings(analysis, places, unbounded), coverage_advice=coverage_advice(analysis),
    )


def _unknown_hosts(analysis: Analysis) -> int:
    """Hosts whose cluster membership the export does not show."""
    return len(cluster_unknown_keys(analysis.estate))


def _bounded(rows: Sequence[T], limit: int) -> tuple[T, ...]:
    """The first ``limit`` rows, or all of them when only one more would be hidden."""
    return tuple(rows) if len(rows) <= limit + 1 else tuple(rows[:limit])


def _hidden(rows: Sequence[object], limit: int) -> int:
    """How many rows :func:`_bounded` leaves out (never exactly one)."""
    return 0 if len(rows) <= limit + 1 else len(rows) - limit


MAX_TREND = 8
MAX_CONFLICTS = 12


def _history(history: History | None) -> HistoryView | None:
    if history is None:
        return None
    trend = tuple(
        TrendRow(s.period, int(s.totals.get("pinned_hosts", 0)), int(s.totals.get("faux_clusters", 0)),
                 int(s.totals.get("pinned_guests", 0)), float(s.totals.get("annual_cost", 0.0)))
        for s in history.trend[-MAX_TREND:]
    )
    change = history.change
    if change is None:
        return HistoryView(trend, None, (), (), (), (), 0.0)
    return HistoryView(
        trend=trend, previous=change.previous,
        hosts_freed=change.hosts_freed, hosts_newly_tied=change.hosts_newly_tied,
        clusters_fixed=change.clusters_fixed, clusters_new=change.clusters_new,
        cost_change=change.cost_now - change.cost_before,
        clusters_changed=tuple(
            f"{c.new.name}: " + "; ".join(part for part in (f"added {', '.join(c.added)}" if c.added else "",
                                                            f"removed {', '.join(c.removed)}" if c.removed else "")
                                          if part)
            for c in change.clusters_changed),
        renamed=tuple(f"{r.old} → {r.new}" for r in change.renamed),
        clusters_not_assessed=change.clusters_not_assessed, hosts_not_assessed=change.hosts_not_assessed,
        clusters_first_assessed=change.clusters_first_assessed, hosts_first_assessed=change.hosts_first_assessed,
        notes=change.notes,
    )


def _summary(analysis: Analysis, costing: Costing) -> Summary:
    vms = vm_counts(analysis.estate.guests)
    proven = [c for c in analysis.guest_clusters if not c.suspected]
    pinned = {g.key for h in analysis.hosts for g in h.blockers}
    media = {g.key for h in analysis.hosts for g in h.blockers if only_media(g)}
    pinned_later = {g.key for h in analysis.hosts for g in h.blockers_at_power_on}
    off_tied = {g.key: g.name for h in analysis.hosts for g in h.blockers_at_power_on if g.key not in pinned}
    stranded_hosts = [h for h in analysis.hosts if h.stranded]
    not_assessed = {c.rule for c in analysis.coverage if c.status == "not-assessed"}
    assessed = {c.rule for c in analysis.coverage if c.status == "assessed"}
    sources, unknown = analysis.estate.sources, unknown_settings(analysis)
    return Summary(
        hosts=analysis.estate.hosts.num_rows, guests=vms.guests,
        templates=vms.templates, agents=vms.agents, running_guests=vms.running,
        guest_clusters=len(proven), suspected_clusters=len(analysis.guest_clusters) - len(proven),
        clusters_in_a_box=sum(1 for c in proven if c.topology == "in-a-box"),
        clusters_across_boxes=sum(1 for c in proven if c.topology == "across-boxes"),
        clusters_sharing_a_host=sum(1 for c in proven if c.pinned_hosts and _nodes_share_a_host(c, running=True)),
        pinned_hosts=sum(1 for h in analysis.hosts if not h.evacuable),
        pinned_hosts_at_power_on=sum(1 for h in analysis.hosts if h.blockers or h.blockers_at_power_on),
        pinned_guests=len(pinned), pinned_guests_at_power_on=len(pinned | pinned_later),
        stranded_guests=len({g.key for h in stranded_hosts for g in h.stranded}), stranded_hosts=len(stranded_hosts),
        annual_cost=costing.annual_total, annual_low=costing.annual_low, annual_high=costing.annual_high,
        annual_at_power_on=costing.annual_at_power_on, units=len(costing.units),
        waves=len(analysis.waves), wave_lower_bound=analysis.wave_lower_bound,
        checks_not_assessed=len(not_assessed), checks_assessed=len(assessed),
        checks_total=len(assessed | not_assessed),
        data_issues=len(analysis.estate.issues),
        rows_skipped=int(sum(v or 0 for v in sources.column("rows_skipped").to_pylist())),
        unit_clusters=sum(1 for u in costing.units if u.kind == "guest-cluster"),
        unit_guests=sum(1 for u in costing.units if u.kind != "guest-cluster"),
        outage_priced=bool(analysis.config.cost.outage_cost_per_minute
                           or analysis.config.cost.service_outage_cost_per_minute),
        media_guests=len(media), media_hosts=media_only_hosts(analysis),
        off_tied=tuple(sorted(off_tied.values())) if len(off_tied) <= 2 else (),
        stranded_worst=max((len(h.stranded) for h in stranded_hosts), default=0),
        no_ha_guests=len({g.key for h in stranded_hosts for g in h.stranded if NO_HA in g.rules}),
        no_ha_hosts=sum(1 for h in stranded_hosts if any(NO_HA in g.rules for g in h.stranded)),
        ha_only_guests=len({g.key for h in stranded_hosts for g in h.stranded if only_no_ha(g)}),
        ha_only_hosts=sum(1 for h in stranded_hosts if any(only_no_ha(g) for g in h.stranded)),
        ha_only_alone_guests=_ha_only_alone(analysis, stranded_hosts),
        ha_only_standalone_guests=_ha_only_standalone(analysis, stranded_hosts),
        **_ha_only_unknown(analysis),
        guest_clusters_unknown=guest_clusters_unknown(analysis),
        settings_unknown=tuple(u.cluster for u in unknown), settings_unknown_hosts=sum(u.hosts for u in unknown),
        settings_unknown_what=unknown_what(unknown),
        unplaced=unplaced_running(analysis),
        mostly_unknown=_mostly_unknown(analysis, len(assessed), len(not_assessed), len(assessed | not_assessed)),
    )


def _nodes_share_a_host(cluster: GuestClusterResult, running: bool = False) -> bool:
    """Two nodes (two running ones with ``running``) on one host: that host's maintenance takes both down."""
    return bool(shared_hosts(g.host_label or g.host for g in cluster.guests
                             if not running or g.power_state in ("poweredOn", None)))


def _mostly_unknown(analysis: Analysis, assessed: int, not_assessed: int, total: int) -> bool:
    """Some checks ran, more than half could not, and nothing was found: no tie today or once started, no guest
    cluster proven by shared disks (a suspected one, by its names alone, ties nothing and shows in no figure)."""
    found = any(not c.suspected for c in analysis.guest_clusters) or any(
        h.blockers or h.blockers_at_power_on for h in analysis.hosts)
    return bool(assessed and not_assessed * 2 > total and not found)


def _ha_only_unknown(analysis: Analysis) -> dict[str, Any]:
    """The guests stranded only for want of HA whose other ties their exports could not show (reportgen.ha_only)."""
    found = ha_only(analysis)
    return {"ha_only_unknown_guests": len(found.unknown), "ha_only_unknown_hosts": len(found.unknown_hosts),
            "ha_only_unknown_what": " and ".join(dict.fromkeys(found.unknown.values()))}


def _ha_only_alone(analysis: Analysis, stranded_hosts: list[HostResult]) -> int:
    """Guests stranded only for want of HA on a host alone (no cluster, or the only host of its own)."""
    alone = alone_host_keys(analysis)
    return len({g.key for h in stranded_hosts if h.key in alone for g in h.stranded if only_no_ha(g)})


def _ha_only_standalone(analysis: Analysis, stranded_hosts: list[HostResult]) -> int:
    """Guests stranded only for want of HA on a standalone host: in no cluster, so none to restart them in."""
    hosts = analysis.estate.hosts.select(["host_key", "cluster_key"]).to_pylist()
    alone = {h["host_key"] for h in hosts if not h["cluster_key"]} - cluster_unknown_keys(analysis.estate)
    return len({g.key for h in stranded_hosts if h.key in alone for g in h.stranded if only_no_ha(g)})


MAX_PLAN_ROWS = 30
"""Actions listed in the remedy table (one more is shown rather than hidden alone)."""


def _cut(rows: list[Action], limit: int) -> list[Action]:
    """At most ``limit`` rows, but never hide a single row."""
    return rows if len(rows) <= limit + 1 else rows[:limit]


def _actions(plan: list[Action], costing: Costing) -> tuple[tuple[Action, ...], int | None, float]:
    """Up to three actions that save most: those that free hosts wholly (the summary calls them freely
    maintainable; one that leaves media to disconnect is in the remedy table), else those addressing the most cost."""
    freeing = [a for a in plan if a.hosts_freed and not a.media_first]
    if freeing:
        top = freeing[:3]
        hosts = {h for a in top for h in a.freed}
        annual = {c.label: c.annual for c in costing.hosts}
        return tuple(top), len(hosts), round(sum(annual.get(h, 0.0) for h in hosts), 2)
    top = sorted(plan, key=lambda a: (-a.annual_cost, a.label))[:3]
    return tuple(top), None, round(sum(a.annual_cost for a in top), 2)


def _cluster_pages(analysis: Analysis, costing: Costing,
                   findings_by_guest: dict[str, list[Finding]]) -> list[ClusterPage]:
    units = {u.unit: u for u in costing.units if u.kind == "guest-cluster"}
    later = {u.unit: u for u in costing.units_at_power_on if u.kind == "guest-cluster"}
    files = _guest_files(analysis)
    pages = []
    for c in paged_guest_clusters(analysis, costing):
        page = _cluster_page(c, costing.per_guest_cluster.get(c.id, 0.0),
                             later[c.id].annual if c.id in later else 0.0,
                             units[c.id].events_per_year if c.id in units else 0.0, findings_by_guest, files)
        # a guest cluster whose nodes are all off ties no host today: its hosts are tied once they start
        page = dataclasses.replace(page, ties_today=c.id in units)
        pages.append(with_disk_plan(page, c, analysis.disk_orders.get(c.id)))
    return pages


def _guest_files(analysis: Analysis) -> dict[str, str]:
    """The export file of each guest, when more than one export was read (else evidence needs no file)."""
    sources = analysis.estate.sources
    if sources.num_rows < 2:
        return {}
    names = {i: Path(f).name for i, f in zip(sources.column("source_id").to_pylist(),
                                             sources.column("file").to_pylist())}
    guests = analysis.estate.guests
    return {k: names.get(s, "") for k, s in zip(guests.column("guest_key").to_pylist(),
                                               guests.column("source_id").to_pylist())}


def _cluster_page(c: GuestClusterResult, annual: float, annual_later: float, events: float,
                  findings_by_guest: dict[str, list[Finding]], files: dict[str, str] | None = None) -> ClusterPage:
    evidence: dict[str, Finding] = {}
    for g in c.guests:
        for f in findings_by_guest.get(g.key, ()):
            evidence.setdefault(f.rule, f)
    rules = sorted(evidence, key=lambda r: (-evidence[r].severity, r))
    files = files or {}

    def seen(f: Finding) -> str:
        file = files.get(f.guest_key or "")
        return f"{file}, {f.evidence}" if file else f.evidence

    reasons = tuple(
        Reason(r, CATALOGUE[r].title if r in CATALOGUE else r, evidence[r].severity.label, seen(evidence[r]))
        for r in rules
    )
    infos = [CATALOGUE[r] for r in rules if r in CATALOGUE]
    worst = max(infos, key=lambda i: i.severity, default=None)
    references = tuple(dict.fromkeys(ref for info in infos for ref in info.references))
    members = tuple(Member(g.name, g.host_label or g.host, g.power_state, g.owner) for g in c.guests)
    steps = _steps(c, rules, evidence, worst.remediation if worst else "")
    unsupported = "VMW-02" in rules and (c.topology == "in-a-box" or _nodes_share_a_host(c))  # pRDM on one host
    return ClusterPage(
        id=c.id, name=c.name, topology=c.topology, unsupported=unsupported,
        topology_text=TOPOLOGY_TEXT.get(c.topology, "") + (UNSUPPORTED_SHARED_HOST if unsupported else ""),
        members=_bounded(members, MAX_MEMBERS), members_not_shown=_hidden(members, MAX_MEMBERS),
        hosts=c.host_labels or c.hosts, hosts_tied=c.pinned_host_labels or c.pinned_hosts, clusters=c.clusters,
        owners=tuple(sorted({g.owner for g in c.guests if g.owner})),
        reasons=reasons, annual_cost=annual, annual_at_power_on=annual_later, events_per_year=events,
        per_event=round(annual / events, 2) if events else 0.0,
        remediation=" ".join(steps), steps=steps,
        references=references[:3], links=titled_links(references[:3]),
    )


def _steps(c: GuestClusterResult, rules: list[str], evidence: dict[str, Finding], catalogue: str) -> tuple[str, ...]:
    """What to do: the steps the rules chose from the facts, else the topology step and the catalogue's text."""
    return tuple(s.text for s in with_network(_plan(c, rules, evidence, catalogue), c.topology, rules))


def _plan(c: GuestClusterResult, rules: list[str], evidence: dict[str, Finding], catalogue: str) -> tuple[Step, ...]:
    for rule in ("GEN-02", *rules):
        if rule in evidence and evidence[rule].plan:
            return evidence[rule].plan
    platform = "hyperv" if any(r in CATALOGUE and "vsphere" not in CATALOGUE[r].platforms for r in rules) else "vsphere"
    facts = GroupFacts(c.topology, frozenset(rules),
                       tuple(Node(g.name, g.host_label or g.host, None, None, None) for g in c.guests))
    text = catalogue or next((evidence[r].remediation for r in rules if evidence[r].remediation), "")
    first = (topology_plan(facts, platform),) if c.topology in ("in-a-box", "mixed", "unknown") else ()
    return (*first, *((Step("catalogue", text),) if text else ()))


def _names(guests: list[str]) -> tuple[tuple[str, ...], int]:
    return _bounded(guests, MAX_NAMES), _hidden(guests, MAX_NAMES)


def _register(analysis: Analysis, costing: Costing) -> list[RegisterRow]:
    """The tied hosts, costliest first: by yearly cost, then the most guests to power off (today, then once
    started), then the host's label."""
    labels = host_labels(analysis.estate)  # same-named hosts of two vCenters told apart
    clusters = host_cluster_labels(analysis.estate)  # and same-named clusters of two datacenters
    hosts = sorted(
        (h for h in analysis.hosts if h.blockers or h.blockers_at_power_on),
        key=lambda h: (-costing.per_host_key.get(h.key, 0.0), -len(h.blockers), -len(h.blockers_at_power_on),
                       labels.get(h.key, h.name)),
    )
    rows = []
    for h in hosts:
        label = analysis.guest_label  # same-named guests of two vCenters told apart
        now = [label(g.key, g.name) for g in h.blockers if not only_media(g)]
        keys = {g.key for g in h.blockers}
        later = [label(g.key, g.name) for g in h.blockers_at_power_on if g.key not in keys and not only_media(g)]
        power_off, more = _names(now)
        at_power_on, later_more = _names(later)
        media_later, media_more = _names(sorted(label(g.key, g.name) for g in h.blockers_at_power_on
                                                if g.key not in keys and only_media(g)))
        rows.append(RegisterRow(
            host=labels.get(h.key, h.name), cluster=clusters.get(h.key, h.cluster), power_off=power_off, power_off_not_shown=more,
            at_power_on=at_power_on, at_power_on_not_shown=later_more, owners=h.owners,
            unknown_owner=h.unknown_owner, wave=h.wave + 1 if h.wave >= 0 else None,
            annual_cost=costing.per_host_key.get(h.key, 0.0),
            rules=tuple(sorted({r for g in (*h.blockers, *h.blockers_at_power_on) for r in g.rules})),
            media=tuple(sorted(label(g.key, g.name) for g in h.blockers if only_media(g))),
            media_at_power_on=media_later, media_at_power_on_not_shown=media_more, key=h.key,
        ))
    return rows


def _failure(analysis: Analysis) -> list[FailureRow]:
    rows = []
    labels, clusters = host_labels(analysis.estate), host_cluster_labels(analysis.estate)
    for h in sorted((h for h in analysis.hosts if h.stranded), key=lambda h: (-len(h.stranded), h.name)):
        names, more = _names([analysis.guest_label(g.key, g.name) for g in h.stranded])
        owners = tuple(sorted({g.owner or UNKNOWN_OWNER for g in h.stranded}))
        rows.append(FailureRow(labels.get(h.key, h.name), clusters.get(h.key, h.cluster), names, more, len(h.stranded), owners))
    return rows


def _restart_unknown(analysis: Analysis) -> RestartUnknownView | None:
    """The running guests whose restart elsewhere after a failure of their host is not known, by host label."""
    labels = host_labels(analysis.estate)
    found = restart_unknown(analysis)
    rows = [RestartUnknownRow(labels.get(host, host), analysis.guest_label(r.guest.key, r.guest.name), r.why)
            for host, guests in found.items() for r in guests]
    if not rows:
        return None
    rows.sort(key=lambda r: (r.host, r.guest))
    limit = analysis.config.report.max_failure_rows
    return RestartUnknownView(_bounded(rows, limit), _hidden(rows, limit), len(rows), len(found))


def _sites(analysis: Analysis) -> list[SiteRow]:
    names = {c.id: c.name for c in analysis.guest_clusters}
    rows = []
    for s in analysis.sites.failures:
        shown, more = _names([analysis.guest_label(g.key, g.name) for g in s.stranded])

        def count(*kinds: str, guests: tuple[SiteGuest, ...] = s.stranded) -> int:
            return sum(1 for g in guests if any(r.kind in kinds for r in g.reasons))

        rows.append(SiteRow(
            site=s.name, hosts=len(s.hosts), running=s.running, guests=shown, guests_not_shown=more,
            stranded=len(s.stranded), by_host=count("pinned", "stranded"), by_storage=count("datastore"),
            by_network=count("network"), owners=tuple(sorted({g.owner or UNKNOWN_OWNER for g in s.stranded})),
            whole_clusters=tuple(f"{c} {names.get(c, '')}".strip() for c in s.whole_clusters),
        ))
    return rows


def _charts(analysis: Analysis, costing: Costing) -> dict[str, Chart]:
    currency = analysis.config.report.currency
    causes: dict[str, set[str]] = defaultdict(set)
    for h in analysis.hosts:
        for g in (*h.blockers, *h.blockers_at_power_on):
            for rule in g.rules:
                causes[rule].add(g.key)
    ranked = sorted(causes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    cause_bars = [charts.Bar(plain_label(r), len(keys), number(len(keys)), charts.LIGHT if r in MEDIA_RULES else "")
                  for r, keys in ranked[:MAX_BARS]]
    lighter = " Lighter bars: connected CD/DVD or ISO, disconnected while the guest runs (no power-off)." \
        if any(b.colour for b in cause_bars) else ""
    result = {"causes": Chart(
        "Guests tied to a host, by cause", charts.bar_chart("Guests tied to a host, by cause", cause_bars),
        "Guests tied to their host for its maintenance, today or once started: each must be powered off, unless "
        "only its media tie it; a guest with several causes counts under each." + lighter
        + (f" {plural(len(ranked) - MAX_BARS, 'more cause', 'more causes')} in the data files."
           if len(ranked) > MAX_BARS else ""),
        empty=not cause_bars,
    )}

    known_owners = [o for o in costing.per_owner if o != UNKNOWN_OWNER]
    if known_owners:
        items = list(costing.per_owner.items())
        title, caption = "Yearly cost by owner", "Each guest cluster's or tied guest's cost, split over its owners."
    elif costing.units or not costing.units_at_power_on:
        items = [(u.label, u.annual) for u in costing.units]
        title, caption = "Yearly cost by guest cluster or tied guest", "No owner column was configured or filled."
    else:
        items = [(u.label, u.annual) for u in costing.units_at_power_on]
        title = "Yearly cost once the guests that are off run again"
        caption = "Nothing costs money today: the guests concerned are off. These are the costs once they run."
    bars = [charts.Bar(label, value, money(value, currency)) for label, value in items[:MAX_BARS]]
    rest = sum(v for _, v in items[MAX_BARS:])
    if len(items) > MAX_BARS:
        others = len(items) - MAX_BARS
        caption += (f" The {plural(others, 'other')} not drawn "
                    f"{'comes' if others == 1 else 'come'} to {money(rest, currency)} a year.")
    result["cost"] = Chart(title, charts.bar_chart(title, bars, colour=charts.BAD), caption, empty=not bars)

    result["map"] = map_chart(analysis)

    power_off = Counter(h.wave for h in analysis.hosts  # by host, not name: two vCenters may share one
                        if any(not only_media(g) for g in h.blockers))  # media: no power-off
    tied = Counter(h.wave for h in analysis.hosts if h.blockers)
    waves = [(len(w), power_off[i]) for i, w in enumerate(analysis.waves)]
    media = [tied[i] - power_off[i] for i in range(len(analysis.waves))]
    started = Counter(h.wave for h in analysis.hosts if not h.blockers and h.blockers_at_power_on)
    later = [started[i] for i in range(len(analysis.waves))]
    result["waves"] = Chart(
        "Maintenance waves",
        charts.wave_chart("Maintenance waves", waves, analysis.wave_lower_bound, media=media, later=later),
        "Hosts in one wave can be in maintenance at the same time: "
        + ("no cluster loses more hosts than allowed; guest clusters could not be detected, so a wave may take "
           "two nodes of one down together." if guest_clusters_unknown(analysis)
           else "no guest cluster loses nodes on two of its hosts at once and no cluster more hosts than allowed."),
    )
    return result


def _logo(path: str) -> str | None:
    """The logo as a data: URI (checked again: it may have changed since the configuration was read)."""
    return read_logo(path).data_uri() if path else None
