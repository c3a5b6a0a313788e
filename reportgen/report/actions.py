"""Actions a CIO can approve: a verb and its scope, an effort class, hosts freed and money.

Every cost unit (a guest cluster, or a tied guest outside any guest cluster) is reached by at
least one action: the actions are built from the units and the causes that tie them, not only
from the fixes that free a host on their own. An action that frees no host alone says why
(another cause keeps the host tied), and a guest on local storage of a standalone host is
offered the honest choice: accept, or add shared storage.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..analysis import Analysis, GuestClusterResult, PinnedGuest
from ..causes import RuleCause, guest_cause, guest_cluster_cause, named_cause
from ..cost import Costing, Crowded, PricedRemedy, UnitCost, cluster_sizes, crowded_guest_clusters
from ..host_labels import cluster_labels, host_labels
from ..rules import CATALOGUE
from ..rules.effort import EFFORT, INTRANET, STANDALONE, Effort, effort_of, phrase
from . import wsfc_view
from .cluster_rank import paged_guest_clusters
from .model import Action

LOCAL_STORAGE = frozenset({"VMW-13", "HYV-08"})
GUEST_CLUSTER_RULES = frozenset({"GEN-01", "GEN-02"})
CROWDED = "Add a host to cluster {cluster}, or replace the shared disks of {scope} by an application replica"
"""The action for a guest cluster whose host cluster is too small: no spread or DRS rule frees its hosts."""
CROWDED_FIXED = "Make {scope} movable, then add a host to cluster {cluster}, or replace it by an application replica"
"""The same for a guest cluster whose nodes cannot move live today: a host more frees nothing until they can."""
SPREAD_LAST = ("Make guest cluster {scope} movable first (its page lists the steps), then spread its nodes over "
               "different hosts (spread alone, it ties more hosts)")
"""The action for nodes on one host that could not move anyway (a network, disk or version gate is unmet); where
the steps are: its page, when it has one (:mod:`.cluster_rank`), else the data files."""
STEPS = "its page lists the steps"
ON_ITS_PAGE = "its page, {page}, lists the steps"
IN_THE_DATA = "the data files list the steps"
IN_THE_REPORT = "the audit report's page {page} lists the steps"

OTHER_OS = ("Rebuild {scope} on multi-writer VMDKs or as an application replica (vMotion on shared physical-mode "
            "RDMs is for WSFC only)")
"""The action for a guest cluster sharing physical-mode RDMs whose nodes are not Windows (VMware KB 313527:
multi-writer disks allow vMotion for Red Hat and SUSE HA clusters and Oracle RAC)."""


@dataclass
class _Row:
    cause: str
    scope: str
    kind: str
    rules: set[str] = field(default_factory=set)
    guests: set[str] = field(default_factory=set)
    off: set[str] = field(default_factory=set)
    """Guests off today that this cause would tie once started (counted beside ``guests``, never in it)."""
    units: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)
    """Host keys (two vCenters may each have a host of one name)."""
    causes: set[str] = field(default_factory=set)
    """The causes the core ranks that this action covers (several for a host alone)."""
    standalone_hosts: tuple[str, ...] = ()
    """The hosts alone whose local-storage ties this row merges, as a reader is told (see :func:`_alone_names`)."""


def _unit_id(g: PinnedGuest) -> str:
    return g.guest_cluster or g.key


def plan_actions(analysis: Analysis, costing: Costing) -> list[Action]:
    """One action per cause tying a cost unit, ranked by what it saves alone, then what it addresses."""
    later = not costing.units
    units: dict[str, UnitCost] = {u.unit: u for u in (costing.units_at_power_on if later else costing.units)}
    timings = {"now", "next-power-on"} if later else {"now"}
    named: dict[str, dict[str, list[RuleCause]]] = defaultdict(lambda: defaultdict(list))
    # guest key -> rule -> causes named by the rule (a guest may sit on two local datastores)
    for f in analysis.findings:
        if f.guest_key and f.cause and f.timing in timings and f.cause not in named[f.guest_key][f.rule]:
            named[f.guest_key][f.rule].append(f.cause)
    guest_cluster_index = {c.id: i for i, c in enumerate(analysis.guest_clusters)}
    guest_cluster_by_id = {c.id: c for c in analysis.guest_clusters}
    rows: dict[str, _Row] = {}
    guest_causes: dict[str, set[str]] = defaultdict(set)
    guest_names: dict[str, str] = {}
    for host in analysis.hosts:
        for g in (host.blockers_at_power_on if later else host.blockers):
            unit = _unit_id(g)
            if unit not in units:
                continue
            for cause, scope, kind, rules in _causes(g, named, guest_cluster_index, guest_cluster_by_id, analysis):
                guest_causes[g.key].add(cause)
                guest_names[g.key] = analysis.guest_label(g.key, g.name)
                row = rows.setdefault(cause, _Row(cause, scope, kind, causes={cause}))
                row.rules.update(rules)
                row.guests.add(g.key)
                row.units.add(unit)
                row.hosts.add(host.key)
    if not later:
        _add_off(rows, analysis, guest_cluster_index, guest_cluster_by_id)
    priced = {r.cause: r for r in costing.remedies}
    cluster_of, sizes = cluster_sizes(analysis)
    # host key -> its cluster's key; None for a host alone (no cluster, or the only host of its cluster)
    host_cluster = {k: c if sizes.get(c, 0) > 1 else None for k, c in cluster_of.items()}
    labels = {h.key: h.name for h in analysis.hosts} | host_labels(analysis.estate)
    alone = _alone_names(host_cluster, cluster_of, labels, cluster_labels(analysis.estate))
    rows, key_of = _merge_alone(rows, alone)
    unit_hosts = _units_by_host(analysis, later, units)
    plain = {analysis.guest_names.get(k) or k for k in guest_names}
    described = {c: _describe(rows[key_of[c]], plain) for c in key_of}
    host_annual = costing.per_host_key
    upgrades = _host_upgrades(analysis)
    crowded = crowded_guest_clusters(analysis)
    clusters = cluster_labels(analysis.estate)
    intranet = _intranet_causes(analysis)
    other_os = wsfc_view.not_windows(analysis)
    paged = frozenset(c.id for c in paged_guest_clusters(analysis, costing))
    actions = [_where_steps(_as_other_os(_as_intranet(_as_crowded(_as_project(_action(
        row, priced, units, host_cluster, unit_hosts, guest_cluster_by_id, later,
        sorted({described[c] for g in row.guests for c in guest_causes[g] if key_of[c] != row.cause}),
        host_annual, [guest_names[g] for g in sorted(row.guests)], labels),
        row, upgrades), row, crowded, clusters), row, intranet), row, other_os), row, paged)
        for row in rows.values()]
    seen = set(key_of)
    for r in costing.remedies:  # a fix the core ranked whose guests cost nothing (kept, never dropped)
        if r.cause not in seen:
            actions.append(Action(r.label, r.kind, len(r.hosts_freed), r.annual_saving, later,
                                  action=f"Fix {r.label}", effort="change", cause=r.cause,
                                  freed=r.host_labels_freed or r.hosts_freed))
    actions = _with_wsfc(actions, analysis, {label: key for key, label in labels.items()})
    return sorted(actions, key=lambda a: (-a.annual_saving, -(a.hosts_freed or 0), -a.annual_cost, a.label))


def _with_wsfc(actions: list[Action], analysis: Analysis, key_of: dict[str, str]) -> list[Action]:
    """Each action with the vMotion prerequisites of its WSFC guest clusters and the WSFC guest clusters on the
    hosts it frees."""
    prerequisites = wsfc_view.prerequisites(analysis)
    on_host = wsfc_view.wsfc_hosts(analysis)
    return [dataclasses.replace(
        a, prerequisites=" ".join(prerequisites[u] for u in a.unit_ids if u in prerequisites),
        wsfc=tuple(sorted({n for label in a.freed for n in on_host.get(key_of.get(label, label), ())})))
        for a in actions]


def _add_off(rows: dict[str, _Row], analysis: Analysis, guest_cluster_index: dict[str, int],
             guest_cluster_by_id: dict[str, GuestClusterResult]) -> None:
    """Guests off today that a cause of today's actions ties once started: the action counts them apart
    ('its 3 guests (1 running, 2 off)'), as the figure once started prices them."""
    named: dict[str, dict[str, list[RuleCause]]] = defaultdict(lambda: defaultdict(list))
    for f in analysis.findings:
        if f.guest_key and f.cause and f.timing == "next-power-on" and f.cause not in named[f.guest_key][f.rule]:
            named[f.guest_key][f.rule].append(f.cause)
    today = {g.key for h in analysis.hosts for g in h.blockers}
    for host in analysis.hosts:
        for g in host.blockers_at_power_on:
            if g.key in today:
                continue
            for cause, *_ in _causes(g, named, guest_cluster_index, guest_cluster_by_id, analysis):
                if cause in rows:
                    rows[cause].off.add(g.key)


def _host_upgrades(analysis: Analysis) -> set[tuple[str, str]]:
    """(guest key, rule) whose steps upgrade hosts across major ESXi versions (5.5 to 7.0 goes through 6.5/6.7,
    often on new hardware): a project, whatever the rule's usual effort."""
    return {(f.guest_key, f.rule) for f in analysis.findings
            if f.guest_key and any(step.kind == "upgrade" for step in f.plan)}


def _as_project(action: Action, row: _Row, upgrades: set[tuple[str, str]]) -> Action:
    """The action as a project when its steps include a host upgrade across major versions."""
    if action.effort == "project" or not any((g, r) in upgrades for g in row.guests | row.off for r in row.rules):
        return action
    return dataclasses.replace(action, effort="project")


def _intranet_causes(analysis: Analysis) -> set[str]:
    """Causes of VMW-10 findings whose port group is uplink-less on other hosts of the cluster too (their steps
    let vCenter migrate between the copies): a deliberate isolation, which uplinks would end."""
    return {named_cause(f.cause, analysis.guest_names).id for f in analysis.findings
            if f.rule == "VMW-10" and f.cause and any(step.kind == "intranet" for step in f.plan)}


def _as_intranet(action: Action, row: _Row, intranet: set[str]) -> Action:
    """A port group isolated on purpose: move its guests between the isolated copies first, uplinks last."""
    if row.cause not in intranet or row.rules != {"VMW-10"}:
        return action
    return dataclasses.replace(action, action=phrase(INTRANET, row.scope, len(row.guests), len(row.off - row.guests)))


def _as_crowded(action: Action, row: _Row, crowded: dict[str, Crowded], clusters: dict[str, str]) -> Action:
    """A guest cluster too big for its host cluster: only more hosts, or no shared disks, free a host (a project);
    spreading its nodes or DRS rules cannot, since two nodes never share a host."""
    found = next((crowded[u] for u in sorted(row.units) if u in crowded), None)
    if found is None or row.kind != "guest-cluster":
        return action
    name = clusters.get(found.cluster, found.cluster)
    text = (CROWDED_FIXED if row.rules - GUEST_CLUSTER_RULES else CROWDED).format(cluster=name, scope=row.scope)
    reason = f"{found.hosts} hosts cannot keep {found.nodes} nodes apart in maintenance"
    return dataclasses.replace(action, action=text, effort="project", reason=action.reason and reason)


def _where_steps(action: Action, row: _Row, paged: frozenset[str]) -> Action:
    """'its page lists the steps' only for a guest cluster that has a page (linked by its id); else the data files."""
    if STEPS not in action.action:
        return action
    page = next((u for u in sorted(row.units) if u in paged), "")
    return dataclasses.replace(action, action=action.action.replace(
        STEPS, ON_ITS_PAGE.format(page=page) if page else IN_THE_DATA), page=page)


def text_outside_report(action: Action) -> str:
    """The action's text where the report's pages are not at hand (an owner pack): its page is the report's."""
    text = action.action or action.label
    if not action.page:
        return text
    return text.replace(ON_ITS_PAGE.format(page=action.page), IN_THE_REPORT.format(page=action.page))


def _as_other_os(action: Action, row: _Row, other_os: frozenset[str]) -> Action:
    """A guest cluster sharing physical-mode RDMs whose nodes are not all Windows: VMware supports vMotion of such
    guests for Windows Server failover clusters only, so the way to move it is other shared disks (a project)."""
    if row.kind != "guest-cluster" or "VMW-02" not in row.rules or not row.units & other_os:
        return action
    if action.action == phrase(EFFORT["VMW-02"], row.scope, len(row.guests), len(row.off - row.guests)):
        return dataclasses.replace(action, action=OTHER_OS.format(scope=row.scope), effort="project")
    return dataclasses.replace(action, effort="project")


def _alone_names(host_cluster: dict[str, str | None], cluster_of: dict[str, str | None], labels: dict[str, str],
                 clusters: dict[str, str]) -> dict[str, str]:
    """Hosts alone, as a reader is told: 'standalone host esx09' (no cluster), or 'esx09, alone in cluster DMZ'."""
    named = {}
    for key, cluster in host_cluster.items():
        if cluster is None:
            of = cluster_of.get(key)
            name = labels.get(key, key)
            named[key] = f"{name}, alone in cluster {clusters.get(of, of)}" if of else f"standalone host {name}"
    return named


def _merge_alone(rows: dict[str, _Row], alone: dict[str, str]) -> tuple[dict[str, _Row], dict[str, str]]:
    """Local-storage ties of a host alone become one action per host: accept, or add shared storage."""
    merged: dict[str, _Row] = {}
    key_of: dict[str, str] = {}
    for cause, row in rows.items():
        merge = row.rules <= LOCAL_STORAGE and row.hosts and all(h in alone for h in row.hosts)
        hosts = tuple(sorted(row.hosts)) if merge else ()
        key = "alone:" + ",".join(hosts) if merge else cause
        key_of[cause] = key
        if key not in merged:
            merged[key] = _Row(key, row.scope, row.kind, causes=set(),
                               standalone_hosts=tuple(sorted(alone[h] for h in hosts)))
        target = merged[key]
        target.rules |= row.rules
        target.guests |= row.guests
        target.off |= row.off
        target.units |= row.units
        target.hosts |= row.hosts
        target.causes |= row.causes
    return merged, key_of


def _causes(g: PinnedGuest, named: dict[str, dict[str, list[RuleCause]]], guest_cluster_index: dict[str, int],
            guest_cluster_by_id: dict[str, GuestClusterResult], analysis: Analysis) -> list[tuple[str, str, str, set[str]]]:
    """(cause, scope, kind, rules) for one tied guest: its guest cluster, or the causes of its rules."""
    if g.guest_cluster and g.guest_cluster in guest_cluster_index:
        cluster = analysis.guest_clusters[guest_cluster_index[g.guest_cluster]]
        return [(guest_cluster_cause(guest_cluster_index[g.guest_cluster], cluster.name).id, cluster.name, "guest-cluster",
                 set(g.rules))]
    out: list[tuple[str, str, str, set[str]]] = []
    for rule in g.rules:
        rule_causes = named[g.key][rule] if g.key in named and rule in named[g.key] else []
        if not rule_causes:
            out.append((guest_cause(g.key, g.name, rule).id, g.name, "guest", {rule}))
        for rule_cause in rule_causes:
            cause = named_cause(rule_cause, analysis.guest_names)
            label = analysis.cause_labels.get(cause.id, cause.label)  # told apart from another vCenter's
            out.append((cause.id, g.name if cause.identity == g.key else label, cause.kind, {rule}))
    return out


def _units_by_host(analysis: Analysis, later: bool, units: dict[str, UnitCost]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = defaultdict(set)
    for h in analysis.hosts:
        for g in (h.blockers_at_power_on if later else h.blockers):
            if _unit_id(g) in units:
                result[h.key].add(_unit_id(g))
    return result


def _effort(row: _Row, host_cluster: dict[str, str | None], guest_cluster_by_id: dict[str, GuestClusterResult],
            labels: dict[str, str]) -> tuple[Effort, str]:
    """The effort and the scope to name: standalone hosts are named by host, guest clusters by topology."""
    if row.standalone_hosts:
        return STANDALONE, ", ".join(row.standalone_hosts)
    if row.kind == "guest-cluster":
        topology = next((guest_cluster_by_id[u].topology for u in row.units if u in guest_cluster_by_id), "")
        level = effort_of(row.rules).level
        verb = EFFORT["GEN-02"].verb if topology in ("in-a-box", "mixed") else effort_of(row.rules).verb
        if topology in ("in-a-box", "mixed") and row.rules - GUEST_CLUSTER_RULES:
            verb = SPREAD_LAST
        if topology not in ("in-a-box", "mixed") and not (row.rules & set(EFFORT)):
            verb = EFFORT["GEN-01"].verb
        return Effort(level, verb), row.scope
    return effort_of(row.rules), row.scope


def _action(row: _Row, priced: dict[str, PricedRemedy], units: dict[str, UnitCost],
            host_cluster: dict[str, str | None], unit_hosts: dict[str, set[str]], guest_cluster_by_id: dict[str, GuestClusterResult],
            later: bool, other_causes: list[str], host_annual: dict[str, float], names: list[str],
            labels: dict[str, str]) -> Action:
    effort, scope = _effort(row, host_cluster, guest_cluster_by_id, labels)
    left = _media_left([priced[c] for c in sorted(row.causes) if c in priced])
    freed_hosts = sorted(left)
    freed = len(freed_hosts)
    saving = round(sum(host_annual.get(h, 0.0) - left[h][1] for h in freed_hosts), 2)
    addressed = round(sum(units[u].annual for u in row.units), 2)
    alone = effort is STANDALONE or bool(row.hosts) and all(host_cluster.get(h) is None for h in row.hosts)
    reason = "" if freed else _reason(row, unit_hosts, units, other_causes, alone, later, names, labels)
    return Action(row.scope, row.kind, freed, saving, later, action=phrase(effort, scope, len(row.guests), len(row.off - row.guests)),
                  effort=effort.level, reason=reason, units=len(row.units), annual_cost=addressed,
                  rules=tuple(sorted(row.rules)), cause=row.cause, freed=_labelled(freed_hosts, labels),
                  unit_ids=tuple(sorted(row.units)), standalone_hosts=row.standalone_hosts,
                  hosts=_labelled(row.hosts, labels),
                  media_first=tuple(sorted((labels.get(h, h), m, a) for h, (m, a) in left.items() if m)))


def _media_left(remedies: list[PricedRemedy]) -> dict[str, tuple[tuple[str, ...], float]]:
    """Host key -> the media-only guests left on it and their yearly cost, for every host the fixes free (the least
    left where several free it)."""
    left: dict[str, tuple[tuple[str, ...], float]] = {}
    for r in remedies:
        media = r.media_left or ((),) * len(r.host_keys_freed)
        annual = r.annual_left or (0.0,) * len(r.host_keys_freed)
        for host, guests, cost in zip(r.host_keys_freed, media, annual, strict=True):
            if host not in left or cost < left[host][1]:
                left[host] = (guests, cost)
    return left


def _labelled(keys: Iterable[str], labels: dict[str, str]) -> tuple[str, ...]:
    """Host keys as the hosts' labels (their names, told apart where two vCenters share one), sorted."""
    return tuple(sorted(labels.get(k, k) for k in keys))


def _reason(row: _Row, unit_hosts: dict[str, set[str]], units: dict[str, UnitCost],
            other_causes: list[str], standalone: bool, later: bool, names: list[str], labels: dict[str, str]) -> str:
    """Why fixing this alone frees no host."""
    if standalone:
        return "a host alone in its cluster has no other host to move to"
    if other_causes:
        shown = ", ".join(other_causes[:2]) + (f" and {len(other_causes) - 2} more" if len(other_causes) > 2 else "")
        who = names[0] if len(names) == 1 else f"the same {len(names)} guests"
        return f"{who} {'is' if len(names) == 1 else 'are'} also tied by {shown}"
    others = sorted({units[u].label for h in row.hosts for u in unit_hosts.get(h, ()) if u not in row.units})
    if others:
        shown = ", ".join(others[:2]) + (f" and {len(others) - 2} more" if len(others) > 2 else "")
        return f"{_hosts({labels.get(h, h) for h in row.hosts})} also tied by {shown}"
    if later:  # nothing else ties its hosts once started: it frees them then, but nothing is tied today
        return "its guests are off today, so nothing is tied yet"
    return "another cause ties the same hosts"


def _describe(row: _Row, guest_names: set[str]) -> str:
    """Another cause of the same guests for a reader: by its scope and rules, or by what the rule says when
    the cause is named by the guest itself (never 'LOCALAPP01 … also tied by LOCALAPP01')."""
    rules = sorted(r for r in row.rules if r in CATALOGUE)
    if row.scope in guest_names or row.kind == "guest":
        return "; ".join(f"{r} ({_lower(CATALOGUE[r].title)})" for r in rules) or row.scope
    return f"{row.scope} ({', '.join(rules)})" if rules else row.scope


def _hosts(hosts: set[str]) -> str:
    names = sorted(hosts)
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more host{'s' if len(names) > 2 else ''}"


def costliest_causes(plan: list[Action]) -> tuple[tuple[str, ...], float]:
    """The causes addressing the largest yearly cost (all of them when several tie), named for a reader."""
    top = max((a.annual_cost for a in plan), default=0.0)
    if top <= 0:
        return (), 0.0
    return tuple(_cause_text(a) for a in plan if a.annual_cost == top), top


def costliest_overlap(plan: list[Action]) -> str:
    """Whether the costliest causes address the same cost: 'same' (the same guests), 'partly', or '' (apart)."""
    top = max((a.annual_cost for a in plan), default=0.0)
    units = [set(a.unit_ids) for a in plan if a.annual_cost == top and top > 0]
    if len(units) < 2:
        return ""
    if all(u == units[0] for u in units):
        return "same"
    return "partly" if any(a & b for i, a in enumerate(units) for b in units[i + 1:]) else ""


def shared_cost(plan: list[Action]) -> list[tuple[int, ...]]:
    """Per action, the numbers (1-based) of the other actions whose cost is partly or wholly the same: they work
    on a guest or guest cluster in common, which both rows count."""
    by_unit: dict[str, list[int]] = defaultdict(list)  # one pass, not every pair: thousands of actions at 200k
    for i, action in enumerate(plan):
        for unit in action.unit_ids:
            by_unit[unit].append(i)
    return [tuple(sorted({j + 1 for u in a.unit_ids for j in by_unit[u] if j != i})) for i, a in enumerate(plan)]


def _cause_text(action: Action) -> str:
    if action.kind == "guest-cluster":
        return f"guest cluster {action.label}, whose nodes share disks and so cannot move freely"
    label = action.label
    if action.standalone_hosts:
        hosts = action.standalone_hosts
        label = f"the local storage of {', '.join(hosts)}"
    rules = ", ".join(f"{r} {_lower(CATALOGUE[r].title)}" for r in action.rules if r in CATALOGUE)
    return f"{label} ({rules})" if rules else label


def _lower(title: str) -> str:
    """'Guest files …' -> 'guest files …'; 'VM on …' stays as it is."""
    return title if title[1:2].isupper() else title[:1].lower() + title[1:]
