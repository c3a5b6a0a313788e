"""Cluster settings that make host maintenance manual (VMW-24, VMW-25), as the report shows them.

These are not ties: no guest is powered off for them and they are not priced. They still decide
whether a host can be emptied without someone at the console: with DRS off maintenance mode waits for
every guest to be moved by hand, with DRS partially automated or manual for someone to apply DRS's
migration recommendations; with HA off the guests of a failed host
stay down; without EVC over mixed CPU generations the newer hosts empty only onto their own kind;
a standalone host has no cluster to do any of it. Clusters are named by their label ('Common in
BBT' where two datacenters each have a 'Common'), hosts by theirs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..accept_match import Accepted, Judgement
from ..analysis import Analysis
from ..ha_only import host_ties_unknown
from ..host_labels import cluster_labels, host_labels

SETTING_RULES = ("VMW-24", "VMW-25")
MAX_SETTING_ROWS = 15
"""Clusters listed in the PDF (one more is shown rather than hidden alone)."""

_DRS_MODES = {"partiallyautomated": "partially automated", "manual": "manual"}
_DRS_MEANS = {
    "off": "its hosts are not emptied automatically: every guest is moved by hand",
    "partiallyautomated": ("DRS places guests at power-on but only recommends migrations: maintenance mode waits "
                           "until someone applies them, so patching cannot run unattended"),
    "manual": ("DRS only recommends placements and migrations: maintenance mode waits until someone applies "
               "them, so patching cannot run unattended"),
}
"""What DRS off, partially automated or manual does to maintenance mode: with DRS on in either mode DRS itself
recommends the migrations of a host entering maintenance mode; someone applies them, no guest is moved one by one."""


@dataclass(frozen=True)
class SettingRow:
    """A vSphere cluster, or a standalone host, whose settings make its hosts' maintenance manual."""

    cluster: str
    """The cluster's label, or the standalone host's label."""
    hosts: int | None
    """Hosts of the cluster in the exports (the export's own count when none is read); 1 for a standalone host."""
    settings: tuple[str, ...]
    """What is set, in a reader's words: 'DRS off', 'DRS partially automated', 'HA off', 'no EVC …'."""
    means: tuple[str, ...]
    """What each setting does to maintenance or to a host failure."""
    fix: str
    rules: tuple[str, ...]
    manual: bool
    """True when the hosts are not emptied automatically for maintenance (DRS, or no cluster); never for a
    cluster of one host, which has no other host to empty it onto whatever its settings."""
    standalone: bool = False
    single: bool = False
    """A cluster of one host: DRS and HA take effect only once a second host is added."""
    key: str = ""
    """The cluster's key, or the standalone host's."""
    drs: str | None = None
    """DRS when it is not fully automated, in a reader's words: 'off', 'partially automated', 'manual'."""
    ha_off: bool = False
    accepted: str = ""
    """'accepted until 2027-06-30 (CAB)' when an exception in force accepts every finding of the row."""
    members: tuple[str, ...] = ()
    """A row standing for several standalone hosts (the PDF lists them in one row): their labels."""
    ties_unknown: str = ""
    """A standalone host whose export could not show what ties its guests to it ('storage' without vDatastore): a
    cluster alone may not restart them elsewhere, so the fix says shared storage too (:mod:`reportgen.ha_only`)."""


@dataclass
class _Facts:
    settings: list[str] = field(default_factory=list)
    means: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    rules: set[str] = field(default_factory=set)
    drs: str | None = None
    ha_off: bool = False
    accepted: list[Accepted | None] = field(default_factory=list)


def setting_rows(analysis: Analysis, acceptance: Judgement | None = None) -> list[SettingRow]:
    """One row per cluster (or standalone host) with a VMW-24 or VMW-25 finding: most hosts first."""
    estate = analysis.estate
    clusters = {c["cluster_key"]: c for c in estate.table("clusters").to_pylist()}
    members: dict[str, list[dict[str, object]]] = defaultdict(list)
    for h in estate.hosts.select(["host_key", "cluster_key", "cpu_model", "evc_max"]).to_pylist():
        if h["cluster_key"]:
            members[h["cluster_key"]].append(h)
    counted = {k: len(v) for k, v in members.items()}
    labels, hosts, unknown = cluster_labels(estate), host_labels(estate), host_ties_unknown(analysis)
    facts: dict[tuple[str, bool], _Facts] = {}
    for i, f in enumerate(analysis.findings):
        if f.rule not in SETTING_RULES or f.guest_key:
            continue
        if f.cause is not None and f.cause.kind == "cluster":
            key, alone = f.cause.identity, False
        elif f.host_key and f.rule == "VMW-24":
            key, alone = f.host_key, True
        else:
            continue
        seen = facts.setdefault((key, alone), _Facts())
        seen.rules.add(f.rule)
        seen.accepted.append(acceptance.findings[i] if acceptance else None)
        if alone:
            _standalone(seen, unknown.get(key, ""))
        elif f.rule == "VMW-24":
            _automation(seen, clusters.get(key, {}), single=_count(key, counted, clusters) == 1)
        else:
            _evc(seen, members.get(key, []))
    rows = []
    for (key, alone), seen in facts.items():
        if not seen.settings:
            continue
        count = 1 if alone else _count(key, counted, clusters)
        single = not alone and count == 1
        rows.append(SettingRow(
            cluster=hosts.get(key, key) if alone else labels.get(key) or _name(analysis, key, clusters),
            hosts=count, settings=tuple(seen.settings), means=tuple(seen.means), fix="; ".join(seen.fixes),
            rules=tuple(sorted(seen.rules)), standalone=alone, single=single, key=key, drs=seen.drs,
            ha_off=seen.ha_off, manual=alone or (not single and seen.drs is not None), accepted=_accepted(seen.accepted),
            ties_unknown=unknown.get(key, "") if alone else ""))
    return sorted(rows, key=lambda r: (r.standalone, not r.manual, -(r.hosts or 0), r.cluster.lower()))


def _accepted(records: list[Accepted | None]) -> str:
    """'accepted until <first expiry> (<approvers>)' when every record is an acceptance in force, else ''."""
    if not records or any(r is None for r in records):
        return ""
    held = [r for r in records if r is not None]
    by = ", ".join(dict.fromkeys(r.approved_by for r in held))
    return f"accepted until {min(r.expires for r in held).isoformat()} ({by})"


def _name(analysis: Analysis, key: str, clusters: dict[str, dict[str, object]]) -> str:
    """A cluster no vCluster row describes (EVC is read from vHost): the name its hosts give it."""
    if key in clusters:
        return str(clusters[key]["name"])
    named = {h["cluster_key"]: h["cluster"] for h in analysis.estate.hosts.select(["cluster_key", "cluster"]).to_pylist()}
    return str(named.get(key) or key)


def _count(key: str, counted: dict[str, int], clusters: dict[str, dict[str, object]]) -> int | None:
    """Hosts of the cluster in the exports, else the export's own count (None when neither is known)."""
    n = counted.get(key) or clusters.get(key, {}).get("host_count")
    return int(n) if isinstance(n, int) else None


def _automation(seen: _Facts, cluster: dict[str, object], *, single: bool = False) -> None:
    """DRS off or not fully automated, HA off: as the rule found them on the cluster's vCluster row.

    A cluster of one host has no other host to move guests to or restart them on: DRS and HA would do
    nothing there until a second host is added, so that is what it is told."""
    drs, mode, ha = cluster.get("drs_enabled"), str(cluster.get("drs_behavior") or ""), cluster.get("ha_enabled")
    drs_off = drs is False or (drs is True and bool(mode) and mode != "fullyAutomated")
    if drs_off:
        seen.drs = "off" if drs is False else _DRS_MODES.get(mode.lower(), mode)
        seen.settings.append(f"DRS {seen.drs}")
    if ha is False:
        seen.ha_off = True
        seen.settings.append("HA off")
    if single and (drs_off or ha is False):
        which = " and ".join(w for w, off in (("DRS", drs_off), ("HA", ha is False)) if off)
        seen.means.append(f"1 host: no other host to move or restart guests on; {which} take"
                          f"{'' if ' and ' in which else 's'} effect only once a second host is added")
        then = " and ".join(t for t, off in (("set DRS to fully automated", drs_off), ("enable HA", ha is False)) if off)
        seen.fixes.append(f"accept, or add a second host (and shared storage), then {then}")
        return
    if drs_off:
        seen.means.append(_DRS_MEANS.get(mode.lower() if drs is True else "off", _DRS_MEANS["off"]))
        seen.fixes.append("set DRS to fully automated")
    if ha is False:
        seen.means.append("a failed host's guests are not restarted elsewhere")
        seen.fixes.append("enable HA")


def _evc(seen: _Facts, hosts: list[dict[str, object]]) -> None:
    generations = len({h["evc_max"] or h["cpu_model"] for h in hosts if h["evc_max"] or h["cpu_model"]})
    seen.settings.append(f"{generations} CPU generations without EVC" if generations > 1
                         else "CPU generations mixed without EVC")
    seen.means.append("guests started on the newer hosts cannot move to older ones")
    seen.fixes.append("enable EVC at the oldest generation's baseline")


def _standalone(seen: _Facts, ties_unknown: str) -> None:
    seen.settings.append("no cluster (standalone host)")
    seen.means.append("its guests are moved by hand and not restarted elsewhere if it fails")
    seen.fixes.append(standalone_fix("the host", ties_unknown))


def standalone_fix(who: str, ties_unknown: str = "") -> str:
    """What a standalone host (or several: ``who`` names them) is told to do: 'put the host into a cluster …'. Where
    its export could not show whether its guests' disks are on storage only it sees (``ties_unknown``), a cluster
    alone is not promised to restart them: shared storage comes with it, or the host is accepted as it is."""
    if ties_unknown:
        return f"accept, or add shared storage and put {who} into a cluster with DRS and HA"
    return f"put {who} into a cluster with DRS and HA"


@dataclass(frozen=True)
class SettingsView:
    """The cluster settings the PDF lists, cut to :data:`MAX_SETTING_ROWS`, and the figures the summary quotes."""

    rows: tuple[SettingRow, ...]
    not_shown: int
    manual: tuple[str, ...]
    """The clusters and standalone hosts whose hosts are emptied by hand, most hosts first (every one)."""
    manual_hosts: int
    """Their hosts."""
    manual_what: str
    """What they are: 'cluster', '6 clusters', '2 clusters and 1 standalone host', 'standalone host'."""
    manual_why: str
    """Why, as a clause: 'DRS is partially automated', 'DRS is off or not fully automated', 'it has no cluster'."""
    manual_verb: str
    """How they are emptied: 'emptied only by hand' (DRS off, no cluster) or 'not emptied unattended' (DRS on but
    not fully automated: someone applies its recommendations)."""
    manual_wait: str
    """What maintenance mode waits for, as a clause: 'maintenance mode waits for someone to move every guest'."""
    fix_first: str
    """The first row's first fix and where: 'set DRS to fully automated on cluster Cluster1 (5 hosts)'."""
    ha_off: tuple[str, ...] = ()
    """The clusters whose HA is off, most hosts first (every one)."""
    ha_off_hosts: int = 0
    """Their hosts."""
    ha_off_single: int = 0
    """Of those, the hosts alone in their cluster (HA has no other host to restart their guests on anyway)."""
    not_shown_what: str = ""
    """The rows left to the data files, counted by what they are: '7 standalone hosts', '2 clusters'."""
    how_emptied: tuple[tuple[str, str], ...] = ()
    """(host label, how it is emptied) for every host that is emptied by hand or by applying DRS's
    recommendations: 'by hand while DRS is off on MDC-ENT-Cluster1'."""

    def emptied_how(self, hosts: tuple[str, ...] | list[str]) -> str:
        """How ``hosts`` (labels) are emptied once nothing ties them, where not unattended; '' when they are."""
        how = dict(self.how_emptied)
        return "; ".join(dict.fromkeys(how[h] for h in hosts if h in how))


def settings_view(analysis: Analysis, acceptance: Judgement | None = None) -> SettingsView | None:
    """None when no cluster setting makes maintenance manual, strands guests or restricts moves."""
    rows = setting_rows(analysis, acceptance)
    if not rows:
        return None
    listed = _grouped(rows)
    shown = listed if len(listed) <= MAX_SETTING_ROWS + 1 else listed[:MAX_SETTING_ROWS]
    manual = [r for r in rows if r.manual]
    ha = [r for r in rows if r.ha_off]
    first = rows[0]
    fix_first = (standalone_fix(f"standalone host {first.cluster}", first.ties_unknown) if first.standalone
                 else f"{first.fix.split('; ')[0]} on cluster {first.cluster}{_hosts(first.hosts)}")
    return SettingsView(
        rows=tuple(shown), not_shown=len(listed) - len(shown), not_shown_what=_counted(listed[len(shown):]),
        manual=tuple(r.cluster for r in manual),
        manual_hosts=sum(r.hosts or 0 for r in manual), manual_what=_what(manual), manual_why=_why(manual),
        manual_verb=_verb(manual), manual_wait=_wait(manual),
        ha_off=tuple(r.cluster for r in ha), ha_off_hosts=sum(r.hosts or 0 for r in ha),
        ha_off_single=sum(r.hosts or 0 for r in ha if r.single), how_emptied=_how_emptied(analysis, manual),
        fix_first=fix_first,
    )


def _grouped(rows: list[SettingRow]) -> list[SettingRow]:
    """The rows the PDF lists: the standalone hosts in one row (one per acceptance they share), as each has the
    same setting, meaning and fix; a single standalone host keeps its own row."""
    alone: dict[tuple[str, str], list[SettingRow]] = defaultdict(list)
    for r in rows:
        if r.standalone:
            alone[r.accepted, r.ties_unknown].append(r)
    out = [r for r in rows if not r.standalone]
    for (accepted, ties_unknown), group in alone.items():
        if len(group) == 1:
            out += group
            continue
        out.append(SettingRow(
            cluster=f"{len(group):,} standalone hosts", hosts=len(group), settings=("no cluster: DRS and HA do not apply",),
            means=("their guests are moved by hand, and not restarted elsewhere when their host fails",),
            fix=standalone_fix("the hosts", ties_unknown), rules=("VMW-24",), manual=True, standalone=True,
            key="", accepted=accepted, ties_unknown=ties_unknown, members=tuple(sorted((r.cluster for r in group), key=str.lower))))
    return out


def _how_emptied(analysis: Analysis, manual: list[SettingRow]) -> tuple[tuple[str, str], ...]:
    labels = {h.key: h.name for h in analysis.hosts} | host_labels(analysis.estate)
    members: dict[str, list[str]] = defaultdict(list)
    for h in analysis.estate.hosts.select(["host_key", "cluster_key"]).to_pylist():
        members[h["cluster_key"]].append(h["host_key"])
    out: list[tuple[str, str]] = []
    for r in manual:
        if r.standalone:
            out.append((labels.get(r.key, r.cluster), "by hand: it has no cluster"))
            continue
        how = ("by hand while DRS is off" if r.drs == "off"
               else "by applying DRS's recommendations until DRS is fully automated")
        out += [(labels.get(k, k), f"{how} on {r.cluster}") for k in members.get(r.key, [])]
    return tuple(out)


def _hosts(n: int | None) -> str:
    return "" if n is None else f" ({n:,} host{'' if n == 1 else 's'})"


def _what(manual: list[SettingRow]) -> str:
    if len(manual) == 1:
        return "standalone host" if manual[0].standalone else "cluster"
    return _counted(manual)


def _counted(rows: Sequence[SettingRow]) -> str:
    """'6 clusters', '1 cluster and 7 standalone hosts'."""
    clusters, alone = sum(1 for r in rows if not r.standalone), sum(r.hosts or 1 for r in rows if r.standalone)
    parts = [f"{n:,} {word}{'' if n == 1 else 's'}" for n, word in ((clusters, "cluster"), (alone, "standalone host"))
             if n]
    return " and ".join(parts)


def _recommends(manual: list[SettingRow]) -> tuple[bool, bool]:
    """Whether some hosts are emptied by hand (DRS off, no cluster), and whether some by applying DRS's
    recommendations (DRS partially automated or manual)."""
    by_hand = any(r.standalone or r.drs == "off" for r in manual)
    return by_hand, any(r.drs not in (None, "off") for r in manual)


def _verb(manual: list[SettingRow]) -> str:
    return "not emptied unattended" if _recommends(manual)[1] else "emptied only by hand"


def _wait(manual: list[SettingRow]) -> str:
    by_hand, recommended = _recommends(manual)
    if by_hand and recommended:
        return "maintenance mode waits for someone to move the guests or to apply DRS's migration recommendations"
    if recommended:
        return "maintenance mode waits until someone applies DRS's migration recommendations"
    return "maintenance mode waits for someone to move every guest"


def _why(manual: list[SettingRow]) -> str:
    modes = {r.drs for r in manual if r.drs}
    drs = ("" if not modes else f"DRS is {next(iter(modes))}" if len(modes) == 1
           else "DRS is off or not fully automated")
    alone = any(r.standalone for r in manual)
    if drs and alone:
        return f"{drs} on the clusters, and the standalone hosts have no cluster"
    return drs or ("they have no cluster" if len(manual) > 1 else "it has no cluster")


@dataclass(frozen=True)
class UnknownSetting:
    """A vSphere cluster whose DRS or HA the exports do not show (no vCluster row for it, or the columns missing or
    empty): whether its hosts are emptied unattended, and whether a failed host's guests restart, is not known."""

    cluster: str
    """The cluster's label."""
    hosts: int
    """Its hosts in the exports (else the export's own count; 0 when neither is known)."""
    drs: bool
    """True when DRS is not shown."""
    ha: bool
    """True when HA is not shown."""


def unknown_settings(analysis: Analysis) -> tuple[UnknownSetting, ...]:
    """The vSphere clusters whose DRS or HA the exports do not show, most hosts first: never read as on."""
    estate = analysis.estate
    rows = {c["cluster_key"]: c for c in estate.table("clusters").to_pylist() if c["platform"] == "vsphere"}
    counted: dict[str, int] = defaultdict(int)
    for h in estate.hosts.select(["cluster_key", "platform"]).to_pylist():
        if h["cluster_key"] and h["platform"] == "vsphere":
            counted[h["cluster_key"]] += 1
    labels = cluster_labels(estate)
    out = []
    for key in dict.fromkeys([*counted, *rows]):
        row = rows.get(key, {})
        drs, ha = row.get("drs_enabled") is None, row.get("ha_enabled") is None
        if drs or ha:
            name = labels.get(key) or _name(analysis, key, rows)
            out.append(UnknownSetting(name, _count(key, counted, rows) or 0, drs, ha))
    return tuple(sorted(out, key=lambda u: (-u.hosts, u.cluster.lower())))


def unknown_what(unknown: Sequence[UnknownSetting]) -> str:
    """What the exports do not show of those clusters: 'DRS and HA', 'HA' or 'DRS' ('' when nothing)."""
    return " and ".join(w for w, hidden in (("DRS", any(u.drs for u in unknown)), ("HA", any(u.ha for u in unknown)))
                        if hidden)


def loose_findings(analysis: Analysis) -> tuple[int, tuple[str, ...]]:
    """Findings above info that tie no guest to a host and are not cluster settings: how many, and their rules."""
    tied = {g.key for h in analysis.hosts for g in (*h.blockers, *h.blockers_at_power_on)}
    loose = [f for f in analysis.findings if f.severity > 0 and f.rule not in SETTING_RULES
             and not (f.guest_key and f.guest_key in tied)]
    return len(loose), tuple(sorted({f.rule for f in loose}))
