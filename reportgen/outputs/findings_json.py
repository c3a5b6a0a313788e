"""The findings JSON (``--json``), schema_version 1: a contract users' scripts rely on.

Keys of DESIGN.md's contract are never removed or changed in meaning within version 1;
extra keys (``pinned_at_next_power_on``, ``data_quality`` …) may be added.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..accept_match import Judgement
from ..analysis import Analysis, PinnedGuest
from ..cost import Costing, PricedRemedy
from ..errors import RenderError
from ..estate import Estate
from ..ha_only import HaOnly, ha_only
from ..history import History
from ..host_labels import cluster_homes, cluster_labels, cluster_unknown_keys, host_labels
from ..owners import Ownership, owner_summaries, unowned_guests
from ..restart_unknown import restart_unknown
from ..rules import finding_title
from ..rules.records import Finding, Location
from ..scope import scope_document
from ..vm_counts import vm_counts
from .acceptances_json import acceptances_document, cluster_accepted, finding_accepted
from .disk_json import disk_order_document

SCHEMA_VERSION = 1


def _guest(g: PinnedGuest, uuids: dict[str, str | None]) -> dict[str, Any]:
    return {"key": g.key, "name": g.name, "uuid": uuids.get(g.key), "rules": list(g.rules), "owner": g.owner,
            "faux_cluster": g.guest_cluster}


def _stranded(g: PinnedGuest, uuids: dict[str, str | None], only: HaOnly) -> dict[str, Any]:
    """A guest a failure of its host strands; ``ha_only``: true when only the want of HA does (someone can start it
    elsewhere by hand), false when something ties it, null when nothing else was found but the checks that would find
    it could not run (``ha_only_unknown`` says what was not exported)."""
    unknown = only.note(g.key)
    return {**_guest(g, uuids), "ha_only": None if unknown else g.key in only.guests,
            "ha_only_unknown": unknown or None}


def guest_uuids(analysis: Analysis) -> dict[str, str | None]:
    """Each guest's VM UUID by key: with the key, what tells a renamed guest from a new one (compare)."""
    guests = analysis.estate.guests
    return dict(zip(guests.column("guest_key").to_pylist(), guests.column("vm_uuid").to_pylist()))


def _guest_context(analysis: Analysis, files: dict[int, str]) -> dict[str, dict[str, Any]]:
    """Owner, cluster, guest-cluster id and export file of every guest, by key."""
    guests = analysis.estate.guests
    guest_cluster_of = {g.key: c.id for c in analysis.guest_clusters if not c.suspected for g in c.guests}
    rows = zip(guests.column("guest_key").to_pylist(), guests.column("owner").to_pylist(),
               guests.column("cluster").to_pylist(), guests.column("source_id").to_pylist(),
               guests.column("owner_source").to_pylist())
    return {key: {"owner": owner, "cluster": cluster, "faux_cluster": guest_cluster_of.get(key), "file": files.get(source),
                  "owner_source": owner_source}
            for key, owner, cluster, source, owner_source in rows}


def _where(source: Location | None, guest: dict[str, Any], host_cluster: str | None,
           host_file: str | None) -> dict[str, Any]:
    """A finding's owner, cluster, guest-cluster id and source (export file, tab, rows)."""
    return {
        "owner": guest.get("owner"), "owner_source": guest.get("owner_source"),
        "cluster": guest.get("cluster") or host_cluster,
        "faux_cluster": guest.get("faux_cluster"),
        "source": {"file": guest.get("file") or host_file, "tab": source.tab if source else None,
                   "rows": source.rows if source else None},
    }


def history_document(history: History) -> dict[str, Any]:
    change = history.change
    return {
        "trend": [{"period": s.period, **s.totals} for s in history.trend],
        "change": None if change is None else {
            "previous": change.previous, "current": change.current,
            "hosts_freed": list(change.hosts_freed), "hosts_newly_tied": list(change.hosts_newly_tied),
            "faux_clusters_fixed": list(change.clusters_fixed), "faux_clusters_new": list(change.clusters_new),
            "annual_cost_before": change.cost_before, "annual_cost_now": change.cost_now,
            "faux_clusters_changed": [{"name": c.new.name, "added": list(c.added), "removed": list(c.removed)}
                                      for c in change.clusters_changed],
            "guests_renamed": [{"old": r.old, "new": r.new} for r in change.renamed],
            "guest_clusters_not_assessed": list(change.clusters_not_assessed),
            "hosts_not_assessed": list(change.hosts_not_assessed),
            "guest_clusters_first_assessed": list(change.clusters_first_assessed),
            "hosts_first_assessed": list(change.hosts_first_assessed),
            "hosts_removed": list(change.hosts_removed),
            "guest_clusters_removed": list(change.clusters_removed),
            "notes": list(change.notes),
        },
        "unreadable_files": list(history.skipped),
    }


def sites_document(analysis: Analysis) -> list[dict[str, Any]]:
    """What each site's failure stops; empty with fewer than two sites."""
    return [
        {"name": s.name, "origin": analysis.sites.origin, "hosts": list(s.hosts), "host_labels": list(s.host_labels),
         "running_guests": s.running,
         "stranded": [{"key": g.key, "name": g.name, "host": g.host, "host_label": g.host_label, "owner": g.owner,
                       "reasons": [{"kind": r.kind, "what": r.what, "label": r.label or r.what, "rules": list(r.rules),
                                    "text": r.text} for r in g.reasons]}
                      for g in s.stranded],
         "faux_clusters_in_site": list(s.whole_clusters)}
        for s in analysis.sites.failures
    ]


def owners_document(analysis: Analysis, ownership: Ownership) -> dict[str, Any]:
    """Where the owners came from, each owner with contact and guests, what of the owners file matched
    nothing, and the guests that tie a host without an owner."""
    return {
        "file": ownership.file, "file_rows": ownership.rows, "guests_from_file": ownership.guests_from_file,
        "guests_from_export": ownership.guests_from_export, "guests_without": ownership.guests_without,
        "owners": [{"owner": o.owner, "email": o.email, "team": o.team, "cost_centre": o.cost_centre,
                    "sources": list(o.sources), "guests": o.guests} for o in owner_summaries(analysis.estate)],
        "rows_out_of_scope": ownership.rows_out_of_scope,
        "unmatched_rows": [{"row": u.row, "column": u.column, "value": u.value, "owner": u.owner}
                           for u in ownership.unmatched],
        "unowned_guests": [{"key": g.key, "name": g.name, "hosts": list(g.hosts), "faux_cluster": g.guest_cluster,
                            "label": g.label or g.name, "host_labels": list(g.host_labels or g.hosts)}
                           for g in unowned_guests(analysis)],
    }


def _estate_document(analysis: Analysis) -> dict[str, Any]:
    """``estate``: 'guests' keeps its schema-1 meaning, every VM the exports list; 'templates' and 'agents' say
    how many of them are templates and vCLS agents (the cover's guests are the rest). 'guest_clusters' counts
    the guest clusters as the cover and the terminal do (proven by shared disks), 'suspected_guest_clusters' the
    groups of ``faux_clusters`` that are only suspected."""
    estate = analysis.estate
    vms = vm_counts(estate.guests)
    suspected = sum(1 for c in analysis.guest_clusters if c.suspected)
    return {"sources": _sources_document(estate), "hosts": estate.hosts.num_rows, "guests": vms.vms,
            "templates": vms.templates, "agents": vms.agents,
            "guest_clusters": len(analysis.guest_clusters) - suspected, "suspected_guest_clusters": suspected,
            "unplaced_guests": _unplaced_document(estate)}


def _unplaced_document(estate: Estate) -> list[dict[str, Any]]:
    """Guests (not templates, not vCLS agents) whose host the export does not give, per export and cluster:
    any host of that cluster (or of that export, with no cluster) may be running them."""
    files = {s["source_id"]: Path(s["file"]).name for s in estate.sources.to_pylist()}
    counts: dict[tuple[str | None, str | None], list[int]] = {}
    columns = ("source_id", "host_key", "cluster", "power_state", "template", "agent")
    for source, host, cluster, power, template, agent in zip(*(estate.guests.column(c).to_pylist() for c in columns)):
        if host is None and not template and agent is None:
            count = counts.setdefault((files.get(source), cluster), [0, 0])
            count[0] += 1
            count[1] += power == "poweredOn"
    return [{"source": source, "cluster": cluster, "guests": n, "running": running}
            for (source, cluster), (n, running) in sorted(counts.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))]


def _sources_document(estate: Estate) -> list[dict[str, Any]]:
    """Each export read: what it is, how many rows were read, used and skipped, and per tab."""
    sources = []
    for s in estate.sources.to_pylist():
        tabs = [t for t in estate.tabs if t.source_id == s["source_id"]]
        sources.append({
            "file": Path(s["file"]).name, "format": s["format"], "platform": s["platform"], "tool": s["tool"],
            "tool_version": s["tool_version"],
            "exported_at": s["exported_at"].isoformat() if s["exported_at"] else None,
            "server": s["server"], "server_uuid": s["server_uuid"],
            "rows_read": s["rows_read"], "rows_used": s["rows_used"], "rows_skipped": s["rows_skipped"],
            "superseded": s["superseded_by"] is not None,
            "tabs": [{"tab": t.tab, "present": t.present, "rows_read": t.rows_read, "rows_used": t.rows_used,
                      "missing_columns": list(t.missing), "empty_columns": sorted(t.empty)} for t in tabs],
        })
    return sources


def _clusters_document(analysis: Analysis, uuids: dict[str, str | None],
                       acceptance: Judgement | None) -> list[dict[str, Any]]:
    """The guest clusters (the contract's ``faux_clusters``)."""
    estate = analysis.estate
    boundary = set(estate.scope.boundary) if estate.scope is not None else set()
    return [
        {
            "id": c.id, "name": c.name, "topology": c.topology, "suspected": c.suspected,
            "guests": [{"key": g.key, "name": g.name, "uuid": uuids.get(g.key), "host": g.host,
                        "host_label": g.host_label or g.host, "power_state": g.power_state}
                       for g in c.guests],
            "hosts": list(c.hosts), "host_labels": list(c.host_labels or c.hosts), "clusters": list(c.clusters),
            "rules": list(c.rules),
            "running_members": c.running, "accepted": cluster_accepted(acceptance, c.id),
            **disk_order_document(analysis.disk_orders.get(c.id)),
            "out_of_scope_guests": [g.key for g in c.guests if g.key in boundary],
        }
        for c in analysis.guest_clusters
    ]


def _hosts_document(analysis: Analysis, costing: Costing, uuids: dict[str, str | None],
                    host_files: dict[str, str | None], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Each host: whether it can be emptied, what pins it, its wave, domain and site."""
    clusters = cluster_labels(analysis.estate)  # two datacenters may each have a 'Common'
    waves = analysis.config.waves  # the wave plan's limit, read as the plan reads it (by cluster name)
    cluster_of = dict(zip(analysis.estate.hosts.column("host_key").to_pylist(),
                          analysis.estate.hosts.column("cluster_key").to_pylist(), strict=True))
    unknown = cluster_unknown_keys(analysis.estate)
    restart = restart_unknown(analysis)  # neither stranded nor known to restart elsewhere
    only = ha_only(analysis)  # stranded only for want of HA, where the other ties are known
    return [
        {
            "name": h.name, "cluster": h.cluster, "platform": h.platform, "evacuable": h.evacuable,
            "cluster_label": clusters.get(str(cluster_of.get(h.key)), h.cluster) if h.cluster else None,
            "cluster_known": h.key not in unknown,
            "pinned_guests": [_guest(g, uuids) for g in h.blockers],
            "pinned_at_next_power_on": [_guest(g, uuids) for g in h.blockers_at_power_on],
            "stranded_on_failure": [_stranded(g, uuids, only) for g in h.stranded],
            "restart_unknown_on_failure": [{**_guest(r.guest, uuids), "why": r.why} for r in restart.get(h.key, ())],
            "degraded_faux_clusters": list(h.degraded),
            "owners_to_ask": list(h.owners), "owner_unknown": h.unknown_owner,
            "wave": h.wave, "wave_number": h.wave + 1 if h.wave >= 0 else None, "maintenance_domain": h.domain,
            "guests": h.guests, "source": host_files.get(h.key), "site": analysis.sites.host_site.get(h.key),
            "label": labels[h.key], "annual_cost": costing.per_host_key.get(h.key, 0.0),
            "cluster_down_limit": waves.cluster_capacity.get(h.cluster, waves.hosts_down_per_cluster)
            if h.cluster else None,
        }
        for h in analysis.hosts
    ]


def _wave_labels(analysis: Analysis, labels: dict[str, str]) -> list[list[str]]:
    """``waves`` with each host as its label (same-named hosts of two vCenters told apart)."""
    waves: list[list[str]] = [[] for _ in analysis.waves]
    for h in analysis.hosts:
        if 0 <= h.wave < len(waves):
            waves[h.wave].append(labels[h.key])
    return waves


def _unknown_waves(analysis: Analysis) -> list[int]:
    """The 0-based waves of the hosts whose cluster membership is unknown: planned apart from every cluster's."""
    unknown = cluster_unknown_keys(analysis.estate)
    return sorted({h.wave for h in analysis.hosts if h.key in unknown and h.wave >= 0})


def _findings_list(analysis: Analysis, files: dict[int, str], host_files: dict[str, str | None],
                   uuids: dict[str, str | None], acceptance: Judgement | None) -> list[dict[str, Any]]:
    """Each finding with its guest, host, evidence, steps and where it was read."""
    estate = analysis.estate
    context = _guest_context(analysis, files)
    host_names, guest_names = analysis.host_names, analysis.guest_names
    labels = host_labels(estate)  # same-named hosts of two vCenters told apart
    host_cluster = dict(zip(estate.hosts.column("host_key").to_pylist(), estate.hosts.column("cluster").to_pylist()))
    homes = cluster_homes(estate)
    return [
        {
            "rule": f.rule, "title": finding_title(f.rule, f.suspected),
            "severity": f.severity.label,
            "guest": {"key": f.guest_key, "name": guest_names.get(f.guest_key, f.guest_key),
                      "uuid": uuids.get(f.guest_key)} if f.guest_key else None,
            "host": host_names.get(f.host_key, f.host_key) if f.host_key else None,
            "host_label": labels.get(f.host_key, host_names.get(f.host_key, f.host_key)) if f.host_key else None,
            "targets": None if f.targets is None else [host_names.get(k, k) for k in f.targets],
            "target_labels": None if f.targets is None else [labels.get(k, host_names.get(k, k)) for k in f.targets],
            "timing": f.timing, "effects": sorted(e.value for e in f.effects),
            "evidence": f.evidence, "remediation": f.remediation, "suspected": f.suspected,
            "steps": list(f.steps), "accepted": finding_accepted(acceptance, i),
            **_where(f.source, context.get(f.guest_key or "", {}), *_place(f, host_cluster, host_files, homes, files)),
        }
        for i, f in enumerate(analysis.findings)
    ]


def _place(f: Finding, host_cluster: dict[str, str | None], host_files: dict[str, str | None],
           homes: dict[str, tuple[str, int]], files: dict[int, str]) -> tuple[str | None, str | None]:
    """(cluster, export file) of a finding's host, else of the cluster whose settings it is on (VMW-24, VMW-25)."""
    if f.host_key:
        return host_cluster.get(f.host_key), host_files.get(f.host_key)
    if f.cause is None or f.cause.kind != "cluster" or f.cause.identity not in homes:
        return None, None
    name, source = homes[f.cause.identity]
    return name, files.get(source)


def _cost_document(costing: Costing) -> dict[str, Any]:
    return {
        "currency": costing.currency, "annual_total": costing.annual_total,
        "annual_range": [costing.annual_low, costing.annual_high],
        "per_faux_cluster": costing.per_guest_cluster, "per_pinned_guest": costing.per_guest,
        "per_owner": costing.per_owner, "per_host": costing.per_host,
        "annual_at_power_on": costing.annual_at_power_on,
        "per_faux_cluster_at_power_on": {u.unit: u.annual for u in costing.units_at_power_on
                                         if u.kind == "guest-cluster"},
        "assumptions": costing.assumptions,
    }


def _media_left(r: PricedRemedy) -> list[dict[str, Any]]:
    """The freed hosts still holding guests tied only by media (disconnected live): host label, guests, yearly cost."""
    hosts = r.host_labels_freed or r.hosts_freed
    return [{"host": h, "guests": list(m), "annual": a}
            for h, m, a in zip(hosts, r.media_left, r.annual_left, strict=False) if m]


def _remediation_document(analysis: Analysis, costing: Costing) -> dict[str, Any]:
    return {
        "by_cause": [{"cause": r.cause, "label": r.label, "kind": r.kind, "hosts_freed": list(r.hosts_freed),
                      "host_labels_freed": list(r.host_labels_freed), "annual_saving": r.annual_saving,
                      "media_left": _media_left(r)}
                     for r in costing.remedies],
        "by_rule": [{"rule": r.cause, "title": r.label, "hosts_freed": list(r.hosts_freed),
                     "host_labels_freed": list(r.host_labels_freed), "annual_saving": r.annual_saving,
                     "media_left": _media_left(r)}
                    for r in costing.rule_remedies],
        "containment": {"dedicated_hosts": analysis.containment_k,
                        "hosts_freed": analysis.containment_hosts_freed,
                        "annual_saving": costing.containment.annual_saving if costing.containment else 0.0},
    }


def findings_document(analysis: Analysis, costing: Costing, generated_at: datetime | None = None,
                      history: History | None = None, ownership: Ownership | None = None,
                      acceptance: Judgement | None = None) -> dict[str, Any]:
    """The findings JSON as a Python object."""
    estate = analysis.estate
    generated = (generated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    files = {s["source_id"]: Path(s["file"]).name for s in estate.sources.to_pylist()}
    host_files = dict(zip(estate.hosts.column("host_key").to_pylist(),
                          (files.get(i) for i in estate.hosts.column("source_id").to_pylist())))
    uuids = guest_uuids(analysis)
    labels = host_labels(estate)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated,
        "redacted": estate.redacted,
        "estate": _estate_document(analysis),
        "faux_clusters": _clusters_document(analysis, uuids, acceptance),
        "hosts": _hosts_document(analysis, costing, uuids, host_files, labels),
        "waves": [list(w) for w in analysis.waves],
        "wave_labels": _wave_labels(analysis, labels),
        "pin_conflicts": [{"guests": list(guests), "hosts": list(hosts)} for guests, hosts in analysis.conflicts],
        "wave_lower_bound": analysis.wave_lower_bound,
        "waves_cluster_unknown": _unknown_waves(analysis),
        "findings": _findings_list(analysis, files, host_files, uuids, acceptance),
        "cost": _cost_document(costing),
        "remediation": _remediation_document(analysis, costing),
        "coverage": [
            {"rule": c.rule, "status": c.status, "reason": c.reason or None,
             "source": files.get(c.source_id) if c.source_id is not None else None}
            for c in analysis.coverage
        ],
        "history": history_document(history) if history is not None else None,
        "scope": scope_document(estate.scope, analysis.guest_names),
        "sites": sites_document(analysis),
        "owners": owners_document(analysis, ownership or Ownership()),
        "data_quality": [
            {"level": i.level, "file": Path(i.file).name, "sheet": i.sheet, "row": i.row, "column": i.column,
             "rows": i.rows, "skipped": i.skipped, "message": i.message}
            for i in estate.issues
        ],
        **acceptances_document(acceptance, costing),
    }


def write_findings_json(analysis: Analysis, costing: Costing, path: str | Path,
                        history: History | None = None, ownership: Ownership | None = None,
                        acceptance: Judgement | None = None) -> None:
    """Write the findings JSON; raises RenderError when the file cannot be written."""
    document = findings_document(analysis, costing, history=history, ownership=ownership, acceptance=acceptance)
    try:
        Path(path).write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"cannot write the findings JSON: {exc.strerror}", where=str(path)) from exc

