"""The quarter-on-quarter compliance view (``--history DIR``).

Each successful audit run with ``--history DIR`` leaves a small snapshot in DIR, one per estate
and quarter: ``2026-Q1-3fa2c1d09b7e.json`` (the quarter of the newest export read, and an
identity of the estate: a hash of its vCenters' instance UUIDs and its Hyper-V clusters' names),
so several estates can share one folder. The next audit of the same estate compares itself with
its latest earlier quarter: hosts freed or newly tied, guest clusters fixed or new, the yearly cost
then and now, and a trend over the last quarters. Re-running a quarter replaces its snapshot.

A snapshot is written last, only when every output of the run has been written, and atomically
(:mod:`.staging`). A file in DIR that is not a readable snapshot is named and ignored; a damaged
snapshot that this run would replace is kept beside it as ``<name>.damaged``. Snapshots from
before estates were told apart (``2026-Q1.json``, no ``estate``) are compared as this estate's
while the folder holds no other estate's snapshots.

A snapshot's totals count VMs as the cover does (:mod:`.vm_counts`): ``guests`` neither templates nor
vCLS agents, ``templates``, ``agents`` and ``vms`` (all three). A snapshot written before they were counted
apart has no ``vms`` and its ``guests`` counted every VM: it is read as ``vms`` alone, since how many of them
were guests is unknown, and never shown as a count of guests.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .analysis import Analysis
from .compare import AuditView, ClusterChange, Comparison, Guest, GuestCluster, Renamed, acceptances_from, compare_views
from .cost import Costing
from .errors import InputError, RenderError
from .history_check import KIND as KIND
from .history_check import VERSION as VERSION
from .history_check import snapshot_problem
from .history_hosts import cluster_hosts, snapshot_hosts, view_fields
from .host_labels import host_labels
from .importers.bounded import read_regular
from .staging import Staging
from .vm_counts import counts_from_totals, vm_counts

MAX_SNAPSHOT_BYTES = 64 * 1024**2
"""A snapshot holds names and counts: a few MiB for the largest estates."""


@dataclass(frozen=True)
class Snapshot:
    period: str
    """Quarter label, e.g. '2026-Q1'."""
    generated_at: str
    totals: dict[str, float]
    """Counts and the yearly cost; ``guests``, ``templates``, ``agents`` and ``vms`` as :meth:`VmCounts.totals`
    writes them (``vms`` alone in a snapshot written before templates and vCLS agents were counted apart)."""
    guest_clusters: dict[str, list[str]]
    """Cluster name -> sorted member guest keys."""
    pinned_hosts: list[str]
    pinned_guests: list[str]
    findings_by_rule: dict[str, int]
    guests: dict[str, dict[str, str | None]] = field(default_factory=dict)
    """Guest key -> {name, uuid} of every guest in a guest cluster or tied: what tells a renamed
    guest from a new one (:mod:`.compare`). Empty in snapshots written before it was kept."""
    servers: list[str] = field(default_factory=list)
    """The estate's management servers, as :func:`estate_parts` names them."""
    currency: str | None = None
    acceptances: list[dict[str, Any]] | None = None
    """{what, status, matched} of each accepted exception, when the audit had any."""
    scope: str | None = None
    """The audit's scope in words (``only cluster Prod*``); None when it covered the whole estate."""
    not_assessed: list[str] | None = None
    """Checks not assessed on some export (coverage 'not-assessed'). None in snapshots written before it was
    kept: what the audit could not see is then unknown."""
    cluster_rules: dict[str, list[str]] | None = None
    """Guest cluster name -> the checks that found it; None in snapshots written before it was kept."""
    host_rules: dict[str, list[str]] | None = None
    """Tied host -> the checks that tie it; None in snapshots written before it was kept."""
    hosts: dict[str, dict[str, Any]] | None = None
    """Host label -> {name, server, server_forms, cluster, tied, cost} (:mod:`.history_hosts`); None in snapshots
    written before it was kept: a host gone since could then not be told from a freed one."""
    cluster_hosts: dict[str, list[str]] | None = None
    """Guest cluster name -> the labels of its hosts; None in snapshots written before it was kept."""


@dataclass(frozen=True)
class Change:
    previous: str
    current: str
    hosts_freed: tuple[str, ...]
    hosts_newly_tied: tuple[str, ...]
    clusters_fixed: tuple[str, ...]
    clusters_new: tuple[str, ...]
    cost_before: float
    cost_now: float
    clusters_changed: tuple[ClusterChange, ...] = ()
    renamed: tuple[Renamed, ...] = ()
    clusters_not_assessed: tuple[str, ...] = ()
    """Guest clusters of the earlier quarter not seen now while a check that found them is not assessed now:
    not fixed (whether they still exist is unknown)."""
    hosts_not_assessed: tuple[str, ...] = ()
    """Hosts tied then and not now while a check that tied them is not assessed now: not freed."""
    clusters_first_assessed: tuple[str, ...] = ()
    """Guest clusters seen now and not then while a check that finds them was not assessed then: not new."""
    hosts_first_assessed: tuple[str, ...] = ()
    """Hosts tied now and not then while a check that ties them was not assessed then: not newly tied."""
    hosts_removed: tuple[str, ...] = ()
    """Hosts tied then that are no longer in the estate (decommissioned): not freed."""
    clusters_removed: tuple[str, ...] = ()
    """Guest clusters of the earlier quarter whose hosts are all gone from the estate: not fixed."""
    notes: tuple[str, ...] = ()
    """What the reader should know about the comparison itself."""


@dataclass(frozen=True)
class History:
    trend: tuple[Snapshot, ...]
    """Up to eight quarters, oldest first, the current one last."""
    change: Change | None
    """Against the latest earlier quarter, when there is one."""
    skipped: tuple[str, ...]
    """Files in the folder that are not readable snapshots (named, not fatal)."""
    problems: tuple[tuple[str, str], ...] = ()
    """(file name, what is wrong with it) for each of ``skipped``."""
    folder: str = ""
    """Where the current quarter is recorded (:func:`record`)."""
    estate: str = ""
    """The estate's identity (:func:`estate_identity`)."""
    undated: bool = False
    """No export read has an export date: the quarter is the one of the day the audit ran."""
    replaces: str | None = None
    """When the snapshot of this estate and quarter that this run replaces was written; None when there is none."""

    @property
    def current(self) -> Snapshot:
        return self.trend[-1]


def _read_totals(totals: dict[str, float]) -> dict[str, float]:
    """Totals as read: an older snapshot's ``guests`` counted every VM, so it becomes ``vms`` (guests unknown)."""
    if "vms" in totals or "guests" not in totals:
        return totals
    return {("vms" if k == "guests" else k): v for k, v in totals.items()}


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def snapshot(analysis: Analysis, costing: Costing) -> Snapshot:
    exported = [d for d in analysis.estate.sources.column("exported_at").to_pylist() if d is not None]
    when = max(exported).date() if exported else datetime.now(UTC).date()
    pinned_guests = sorted({g.key for h in analysis.hosts for g in h.blockers})
    proven = [c for c in analysis.guest_clusters if not c.suspected]
    uuids = dict(zip(analysis.estate.guests.column("guest_key").to_pylist(),
                     analysis.estate.guests.column("vm_uuid").to_pylist()))
    named = {g.key: g.name for h in analysis.hosts for g in (*h.blockers, *h.stranded)}
    named.update({g.key: g.name for c in proven for g in c.guests})
    labels = host_labels(analysis.estate)
    not_assessed = sorted({c.rule for c in analysis.coverage if c.status == "not-assessed"})
    rules: dict[str, int] = {}
    for f in analysis.findings:
        if f.timing != "hygiene":
            rules[f.rule] = rules.get(f.rule, 0) + 1
    return Snapshot(
        period=quarter(when),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        totals={
            "hosts": len(analysis.hosts), **vm_counts(analysis.estate.guests).totals(),
            "pinned_hosts": len(analysis.pinned_hosts), "faux_clusters": len(proven),
            "pinned_guests": len(pinned_guests),
            "stranded_guests": len({g.key for h in analysis.hosts for g in h.stranded}),
            "annual_cost": costing.annual_total, "waves": len(analysis.waves),
        },
        guest_clusters={c.name: sorted(g.key for g in c.guests) for c in proven},
        pinned_hosts=sorted(labels.get(h.key, h.name) for h in analysis.pinned_hosts),  # two vCenters' esx01 are two
        pinned_guests=pinned_guests,
        findings_by_rule=dict(sorted(rules.items())),
        guests={key: {"name": name, "uuid": uuids.get(key)} for key, name in sorted(named.items())},
        servers=estate_parts(analysis.estate.sources.to_pylist()),
        currency=costing.currency,
        scope=analysis.estate.scope.text if analysis.estate.scope is not None else None,
        not_assessed=not_assessed,
        cluster_rules={c.name: sorted(c.rules) for c in proven},
        host_rules={labels.get(h.key, h.name): sorted({r for g in h.blockers for r in g.rules})
                    for h in analysis.pinned_hosts},
        hosts=snapshot_hosts(analysis, costing, labels), cluster_hosts=cluster_hosts(analysis, labels),
    )


FILE_KEYS = {"guest_clusters": "faux_clusters"}
"""Snapshot fields kept under another key in the file: version 1 stores the guest clusters as
'faux_clusters' (their common name), and snapshots of earlier quarters must still be read."""


def estate_parts(sources: list[dict[str, Any]]) -> list[str]:
    """The estate's management servers, ``platform:uuid-or-name``, from its sources (table rows or the
    findings JSON's ``estate.sources``); superseded exports do not count."""
    return sorted({
        f"{s.get('platform')}:{(s.get('server_uuid') or s.get('server') or '').strip().lower()}"
        for s in sources if s.get("superseded_by") is None and not s.get("superseded")
    })


def hash_parts(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:12]


def estate_identity(analysis: Analysis) -> str:
    """A short stable name for the estate: a hash of its vCenters' instance UUIDs (else their names)
    and its Hyper-V clusters' names (and the scope's rules, when the audit had one), so that two estates'
    snapshots never meet."""
    parts = estate_parts(analysis.estate.sources.to_pylist())
    scope = analysis.estate.scope
    if scope is not None:  # a part of the estate is a history of its own, never compared with the whole
        parts += [f"{way}:{rule.lower()}" for way, rules in (("include", scope.include), ("exclude", scope.exclude))
                  for rule in rules]
    return hash_parts(parts)


def snapshot_name(period: str, estate: str) -> str:
    return f"{period}-{estate}.json"


def read_snapshot(path: Path) -> tuple[Snapshot | None, str | None, str]:
    """(snapshot, its estate or None for an older snapshot, '') or (None, None, what is wrong)."""
    try:
        data = json.loads(read_regular(path, MAX_SNAPSHOT_BYTES, str(path)))
    except InputError as exc:
        return None, None, exc.message
    except (ValueError, RecursionError):
        return None, None, "damaged: not valid JSON"
    problem = snapshot_problem(data)
    if problem is not None:
        return None, None, problem
    stored = {field_name: FILE_KEYS.get(field_name, field_name) for field_name in Snapshot.__dataclass_fields__}
    found = Snapshot(**{k: data[key] for k, key in stored.items() if key in data})
    return replace(found, totals=_read_totals(found.totals)), data.get("estate"), ""


def load_history(folder: str | Path, estate: str = "") -> tuple[list[Snapshot], list[tuple[str, str]]]:
    """This estate's snapshots in ``folder`` (oldest first), and (name, problem) for files that are
    not readable snapshots. Other estates' snapshots are left alone."""
    folder = Path(folder)
    mine: list[Snapshot] = []
    older: list[Snapshot] = []
    others = False
    problems: list[tuple[str, str]] = []
    if not folder.is_dir():
        return mine, problems
    for path in sorted(folder.glob("*.json")):
        found, owner, problem = read_snapshot(path)
        if found is None:
            problems.append((path.name, problem))
        elif owner is None:
            older.append(found)
        elif owner == estate:
            mine.append(found)
        else:
            others = True
    snapshots = mine if others else mine + [s for s in older if s.period not in {m.period for m in mine}]
    snapshots.sort(key=lambda s: s.period)
    return snapshots, problems


def compare(current: Snapshot, earlier: list[Snapshot], skipped: list[str] | None = None,
            problems: tuple[tuple[str, str], ...] = (), folder: str = "", estate: str = "") -> History:
    """The trend up to ``current`` and its change against the latest earlier quarter."""
    before = [s for s in earlier if s.period < current.period]
    trend = tuple([*before[-7:], current])
    change = None
    if before:
        prev = before[-1]
        found = compare_views(snapshot_view(prev, estate), snapshot_view(current, estate))
        notes = [*found.notes, *(f"the yearly costs are not comparable: {r}" for r in found.cost_differs)]
        if (prev.cluster_rules is None or prev.host_rules is None) and (found.clusters_unseen or found.hosts_unseen):
            notes.append(f"the {prev.period} snapshot does not record which checks found its guest clusters and tied "
                         "its hosts: those not seen now while a check that found anything then is not assessed now are "
                         "listed as not assessed, as the comparison could not tell whether they were fixed or freed")
        change = Change(
            previous=prev.period, current=current.period,
            hosts_freed=found.hosts_freed, hosts_newly_tied=found.hosts_newly_tied,
            clusters_fixed=tuple(c.name for c in found.clusters_fixed),
            clusters_new=tuple(c.name for c in found.clusters_new),
            cost_before=found.cost_old, cost_now=found.cost_new,
            clusters_changed=found.clusters_changed, renamed=found.renamed,
            clusters_not_assessed=tuple(c.name for c in found.clusters_unseen), hosts_not_assessed=found.hosts_unseen,
            clusters_first_assessed=tuple(c.name for c in found.clusters_first_assessed),
            hosts_first_assessed=found.hosts_first_assessed, notes=tuple(notes + _removed_notes(found)),
            hosts_removed=found.hosts_removed, clusters_removed=tuple(c.name for c in found.clusters_removed),
        )
    return History(trend=trend, change=change, skipped=tuple(skipped or ()), problems=problems, folder=folder,
                   estate=estate)


def _removed_notes(found: Comparison) -> list[str]:
    """The quarter-on-quarter page shows its notes: what left the estate is said there, never counted as freed."""
    said = []
    if found.hosts_removed:
        said.append(f"tied host(s) no longer in the estate (removed, e.g. decommissioned), not counted as freed: "
                    f"{', '.join(found.hosts_removed)}")
    if found.clusters_removed:
        said.append(f"guest cluster(s) gone with their hosts, not counted as fixed: "
                    f"{', '.join(c.name for c in found.clusters_removed)}")
    return said


def snapshot_view(s: Snapshot, estate: str = "", source: str = "") -> AuditView:
    """What :func:`reportgen.compare.compare_views` needs of a snapshot. A snapshot written before the checks
    behind each guest cluster and tied host were kept counts every check that found anything in it as
    possibly one of them (so a check not assessed since can never make them 'fixed' or 'freed')."""
    def guest(key: str) -> Guest:
        known = s.guests.get(key) or {}
        return Guest(key, known.get("name") or key, known.get("uuid"))

    anything = sorted(s.findings_by_rule)
    cluster_rules = s.cluster_rules if s.cluster_rules is not None else dict.fromkeys(s.guest_clusters, anything)
    host_rules = s.host_rules if s.host_rules is not None else dict.fromkeys(s.pinned_hosts, anything)
    on = s.cluster_hosts or {}
    clusters = tuple(GuestCluster(name, name, tuple(guest(k) for k in keys), tuple(cluster_rules.get(name, ())),
                                  tuple(on.get(name, ()))) for name, keys in s.guest_clusters.items())
    return AuditView(
        source=source or s.period, label=s.period, clusters=clusters, tied_hosts=frozenset(s.pinned_hosts),
        guests=tuple(guest(k) for k in sorted({*s.guests, *s.pinned_guests})),
        cost=float(s.totals.get("annual_cost", 0.0)), currency=s.currency,
        acceptances=None if s.acceptances is None else acceptances_from(s.acceptances),
        servers=frozenset(s.servers), estate=estate, scope=s.scope or "", vms=counts_from_totals(s.totals),
        vm_total=int(s.totals["vms"]) if "vms" in s.totals else None,
        not_assessed=None if s.not_assessed is None else frozenset(s.not_assessed),
        host_rules={h: frozenset(rules) for h, rules in host_rules.items()}, **view_fields(s.hosts, s.scope),
    )


def record(history: History, staging: Staging | None = None) -> list[str]:
    """Write the current quarter's snapshot into the history folder, atomically.

    With ``staging``, the snapshot is written to a temporary now and put in place by its commit
    (after the outputs reserved before it). A damaged file of the same name is kept beside it as
    ``<name>.damaged``. Returns what was kept aside, for the user.
    """
    if staging is None:
        with Staging() as own:
            said = record(history, own)
            own.commit()
        return said
    folder = Path(history.folder)
    current = history.current
    target = folder / snapshot_name(current.period, history.estate)
    document: dict[str, Any] = {"kind": KIND, "version": VERSION, "estate": history.estate, **{FILE_KEYS.get(k, k): v for k, v in current.__dict__.items()}}
    said = []
    try:
        staging.make_folder(folder)
    except OSError as exc:
        raise RenderError(f"cannot make the history folder: {exc.strerror}", where=str(folder)) from exc
    if target.exists() and read_snapshot(target)[0] is None:
        aside = _aside(target)
        staging.move_aside(target, aside)
        said.append(f"{target} was not a readable snapshot; kept as {aside.name}")
    try:
        staging.write(target, lambda path: path.write_text(json.dumps(document, indent=2), encoding="utf-8"))
    except OSError as exc:
        raise RenderError(f"cannot write the history snapshot: {exc.strerror}", where=str(target)) from exc
    return said


def _aside(target: Path) -> Path:
    """A free name beside ``target`` for keeping a damaged file: ``<name>.damaged``, ``.damaged-2`` …"""
    aside = target.with_name(target.name + ".damaged")
    n = 1
    while aside.exists():
        n += 1
        aside = target.with_name(f"{target.name}.damaged-{n}")
    return aside


def compare_history(folder: str | Path, analysis: Analysis, costing: Costing) -> History:
    """Compare this audit with the same estate's snapshots in ``folder`` (nothing is written)."""
    current = snapshot(analysis, costing)
    estate = estate_identity(analysis)
    earlier, problems = load_history(folder, estate)
    found = compare(current, earlier, [name for name, _ in problems], tuple(problems), str(folder), estate)
    same = [s.generated_at for s in earlier if s.period == current.period]
    undated = all(d is None for d in analysis.estate.sources.column("exported_at").to_pylist())
    return replace(found, undated=undated, replaces=same[-1] if same else None)


def update_history(folder: str | Path, analysis: Analysis, costing: Costing) -> History:
    """Compare this audit with the snapshots in ``folder``, then record it there."""
    history = compare_history(folder, analysis, costing)
    record(history)
    return history
