"""From estate to answers: run the rules, hand their edges to the core, name the results.

:func:`analyze` is the whole audit minus the rendering. Its result, :class:`Analysis`, is
plain data (frozen dataclasses keyed by the names users see), which the report model, the
JSON and the XLSX writers all read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import polars as pl

from . import graph
from .causes import Cause, RuleCause, guest_cause, guest_cluster_cause, named_cause
from .config import Config
from .disk_order import DiskOrder, order_disks
from .estate import Estate
from .host_labels import guest_labels, host_labels
from .host_labels import told_apart as labels_told_apart
from .media import MEDIA_RULES
from .progress import Progress, silent
from .rules import CATALOGUE, Coverage, Finding, GuestEdge, HostEdge, RuleContext, RuleOutput, evaluate
from .sites import Sites, site_failures


@dataclass(frozen=True)
class GuestRef:
    key: str
    name: str
    host: str | None = None
    owner: str | None = None
    power_state: str | None = None
    host_label: str | None = None
    """The host told apart from same-named hosts of other vCenters ('esx01 in vc02.example.test')."""


@dataclass(frozen=True)
class PinnedGuest:
    key: str
    name: str
    rules: tuple[str, ...]
    owner: str | None = None
    guest_cluster: str | None = None


@dataclass(frozen=True)
class GuestClusterResult:
    id: str
    name: str
    topology: str
    suspected: bool
    guests: tuple[GuestRef, ...]
    hosts: tuple[str, ...]
    host_keys: tuple[str, ...]
    clusters: tuple[str, ...]
    rules: tuple[str, ...]
    running: int
    """Members powered on now."""
    pinned_hosts: tuple[str, ...] = ()
    """Hosts this cluster makes non-evacuable (today or at next power-on)."""
    host_labels: tuple[str, ...] = ()
    """``hosts`` told apart where two vCenters have a host of one name."""
    pinned_host_labels: tuple[str, ...] = ()
    """``pinned_hosts`` told apart the same way."""


@dataclass(frozen=True)
class HostResult:
    key: str
    name: str
    cluster: str | None
    platform: str
    evacuable: bool
    blockers: tuple[PinnedGuest, ...]
    """Running guests that must be powered off to empty the host today."""
    blockers_at_power_on: tuple[PinnedGuest, ...]
    """Also counting guests that are off now but would be tied when started."""
    stranded: tuple[PinnedGuest, ...]
    """Running guests that would not restart elsewhere if the host failed."""
    degraded: tuple[str, ...]
    owners: tuple[str, ...]
    unknown_owner: bool
    wave: int
    domain: int
    guests: int


@dataclass(frozen=True)
class Remedy:
    """What fixing one cause (a guest cluster, a datastore, a port group) or one rule would free."""

    cause: str
    label: str
    kind: str
    hosts_freed: tuple[str, ...]
    """Host names, as the findings JSON gives them (same-named hosts of two vCenters appear twice)."""
    host_keys_freed: tuple[str, ...] = ()
    """The same hosts by key: what figures per host are summed by."""
    media_left: tuple[tuple[str, ...], ...] = ()
    """Per freed host (as ``hosts_freed``), the keys of the guests tied only by connected media that still hold it
    once the fix is done: their media is disconnected while they run, so the host empties with no power-off. Empty
    rows for the hosts the fix frees wholly; empty when no host is held by media."""


@dataclass(frozen=True)
class Analysis:
    estate: Estate
    config: Config
    findings: tuple[Finding, ...]
    coverage: tuple[Coverage, ...]
    guest_clusters: tuple[GuestClusterResult, ...]
    hosts: tuple[HostResult, ...]
    waves: tuple[tuple[str, ...], ...]
    wave_lower_bound: int
    conflicts: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    """Colocation groups pinned to two or more hosts: (guest names, host names)."""
    remedies_by_cause: tuple[Remedy, ...]
    remedies_by_rule: tuple[Remedy, ...]
    containment_k: int
    containment_hosts_freed: int
    guest_names: dict[str, str] = field(default_factory=dict)
    host_names: dict[str, str] = field(default_factory=dict)
    sites: Sites = field(default_factory=Sites)
    """The hosts' sites and, with two or more, what each site's failure stops."""
    disk_orders: dict[str, DiskOrder] = field(default_factory=dict)
    """Per guest cluster id with shared disks: who owns each disk file and the order its nodes go in."""
    cause_labels: dict[str, str] = field(default_factory=dict)
    """Cause id -> its label, told apart by vCenter where causes of two vCenters read alike ('datastore1')."""
    guest_labels: dict[str, str] = field(default_factory=dict)
    """Guest key -> its name, or 'hb01 in vc02.example.test' where a guest of another vCenter has the name."""

    def guest_label(self, key: str, name: str | None = None) -> str:
        return self.guest_labels.get(key) or name or self.guest_names.get(key) or key

    @property
    def pinned_hosts(self) -> tuple[HostResult, ...]:
        return tuple(h for h in self.hosts if not h.evacuable)


def analyze(estate: Estate, config: Config | None = None, progress: Progress = silent) -> Analysis:
    """Run the rules and the core over ``estate``."""
    config = config or Config()
    progress("checking rules", 0, 3)
    output = evaluate(estate, RuleContext())
    progress("computing closures", 1, 3)
    analysis = _close(estate, config, output)
    sites = site_failures(estate, analysis.hosts, analysis.guest_clusters, config.sites)
    analysis = replace(analysis, sites=sites) if sites.host_site else analysis
    return replace(analysis, disk_orders=order_disks(estate, analysis.guest_clusters))


def _close(estate: Estate, config: Config, out: RuleOutput) -> Analysis:
    """The core's answers for the rules' output, named: the steps below, in order."""
    ix = _index_estate(estate, config)
    clusters = _bonded(ix, out)
    names = [cluster_name([ix.guest_name(int(g)) for g in clusters.members.row(c)]) for c in range(clusters.count)]
    names = told_apart(names, [[ix.guest_keys[int(g)] for g in clusters.members.row(c)] for c in range(clusters.count)],
                       estate)
    ties = _edges_with_causes(ix, out, clusters, names)
    media = _media_only(ix, clusters, ties)
    today = _pinning(ix, clusters, ties, ix.running, media)
    later = _pinning(ix, clusters, ties, ix.evacuate)
    guest_cluster_ids = [f"GC-{i + 1:03d}" for i in range(clusters.count)]
    hosts = _host_results(ix, clusters, ties, today, later, guest_cluster_ids)
    guest_clusters = _named_clusters(ix, out, clusters, later, guest_cluster_ids, names) + _suspected_clusters(ix, out, clusters)
    waves: list[list[str]] = [[] for _ in range(today.wave_count)]
    for h, w in enumerate(today.wave.tolist()):
        if w >= 0:
            waves[w].append(ix.host_names[ix.host_keys[h]])
    by_cause, by_rule = _remedies(ix, ties, today, media)
    return Analysis(
        estate=estate, config=config, findings=tuple(out.findings), coverage=tuple(out.coverage),
        guest_clusters=tuple(guest_clusters), hosts=hosts, waves=tuple(tuple(w) for w in waves),
        wave_lower_bound=today.wave_lower_bound,
        conflicts=tuple(
            (tuple(ix.guest_name(int(g)) for g in later.conflict_guests.row(i)),
             tuple(ix.host_name(int(h)) for h in later.conflict_hosts.row(i)))
            for i in range(len(later.conflict_groups))
        ),
        remedies_by_cause=by_cause, remedies_by_rule=by_rule,
        containment_k=today.containment_k, containment_hosts_freed=today.containment_hosts_freed,
        guest_names=ix.guest_names, host_names=ix.host_names,
        cause_labels={c.id: c.label for c in ties.causes if c.kind != "guest-cluster"},
        guest_labels=guest_labels(estate),
    )


@dataclass(frozen=True)
class _Index:
    """The estate as the core sees it (index arrays), and the keys and names to map results back."""

    guest_keys: list[str]
    host_keys: list[str]
    gi: dict[str, int]
    hi: dict[str, int]
    guest_names: dict[str, str]
    host_names: dict[str, str]
    host_cluster_keys: list[str | None]
    """Per host: its vSphere / Hyper-V cluster key or None."""
    cluster_names: dict[str | None, str | None]
    platforms: list[str | None]
    n_clusters: int
    host_cluster: npt.NDArray[np.int32]
    capacity: npt.NDArray[np.int32]
    host_cluster_unknown: npt.NDArray[np.bool_]
    """Per host: whether it is in a cluster is unknown (the wave plan keeps it apart)."""
    unknown_capacity: int
    """Such hosts in one wave at most: the lowest hosts-down limit the configuration has."""
    guest_host: npt.NDArray[np.int32]
    owners: list[str | None]
    owner_names: list[str]
    guest_owner: npt.NDArray[np.int32]
    power: list[str | None]
    running: npt.NDArray[np.bool_]
    """Powered on (or unknown), not a template nor a vCLS agent: must be evacuated today."""
    evacuate: npt.NDArray[np.bool_]
    """Would have to be evacuated once powered on: not a template, nor an agent vSphere moves itself (vCLS)."""
    guest_memory: npt.NDArray[np.int64]
    host_memory: npt.NDArray[np.int64]
    rule_ids: list[str]
    ri: dict[str, int]
    guest_places: dict[str, str] = field(default_factory=dict)
    """Guest key -> its vCenter (or export file), to tell apart what two vCenters name alike."""
    host_labels: dict[str, str] = field(default_factory=dict)
    """Host key -> its name, told apart from same-named hosts of other vCenters."""

    def guest_name(self, g: int) -> str:
        """What a reader calls guest g (its key when it has no name)."""
        return self.guest_names[self.guest_keys[g]] or self.guest_keys[g]

    def host_name(self, h: int) -> str:
        return self.host_names[self.host_keys[h]]

    def host_label(self, h: int) -> str:
        return self.host_labels.get(self.host_keys[h], self.host_name(h))


def _index_estate(estate: Estate, config: Config) -> _Index:
    """Step 1: number guests, hosts, clusters, owners and rules."""
    guests = pl.from_arrow(estate.guests)
    hosts = pl.from_arrow(estate.hosts)
    assert isinstance(guests, pl.DataFrame) and isinstance(hosts, pl.DataFrame)
    guest_keys: list[str] = guests["guest_key"].to_list()
    host_keys: list[str] = hosts["host_key"].to_list()
    hi = {k: i for i, k in enumerate(host_keys)}
    host_cluster_keys: list[str | None] = hosts["cluster_key"].to_list()
    cluster_keys = sorted({c for c in host_cluster_keys if c is not None})
    ci = {c: i for i, c in enumerate(cluster_keys)}
    cluster_names = dict(zip(host_cluster_keys, hosts["cluster"].to_list()))
    waves = config.waves
    owners: list[str | None] = guests["owner"].to_list()
    owner_names = sorted({o for o in owners if o})
    oi = {o: i for i, o in enumerate(owner_names)}
    power: list[str | None] = guests["power_state"].to_list()
    not_template = np.array([not t for t in guests["template"].to_list()], dtype=bool)
    # vSphere moves or powers off its own vCLS agents when a host enters maintenance mode: they tie no host.
    evacuate = not_template & guests["agent"].is_null().to_numpy()
    rule_ids = list(CATALOGUE)
    return _Index(
        guest_keys=guest_keys, host_keys=host_keys, gi={k: i for i, k in enumerate(guest_keys)}, hi=hi,
        guest_names=dict(zip(guest_keys, guests["name"].to_list())),
        host_names=dict(zip(host_keys, hosts["name"].to_list())),
        host_cluster_keys=host_cluster_keys, cluster_names=cluster_names,
        platforms=hosts["platform"].to_list(), n_clusters=len(cluster_keys),
        host_cluster=np.array([ci.get(c, -1) if c else -1 for c in host_cluster_keys], dtype=np.int32),
        capacity=np.array([waves.cluster_capacity.get(str(cluster_names.get(c)), waves.hosts_down_per_cluster)
                           for c in cluster_keys], dtype=np.int32),
        host_cluster_unknown=hosts["cluster_unknown"].fill_null(False).to_numpy().astype(bool),
        unknown_capacity=waves.lowest_limit,
        guest_host=np.array([hi.get(h, -1) if h else -1 for h in guests["host_key"].to_list()], dtype=np.int32),
        owners=owners, owner_names=owner_names,
        guest_owner=np.array([oi.get(o, -1) if o else -1 for o in owners], dtype=np.int32),
        power=power, running=np.array([p in ("poweredOn", None) for p in power], dtype=bool) & evacuate,
        evacuate=evacuate,
        guest_memory=guests["memory_mib"].fill_null(0).to_numpy().astype(np.int64),
        host_memory=hosts["memory_mib"].fill_null(0).to_numpy().astype(np.int64),
        rule_ids=rule_ids, ri={r: i for i, r in enumerate(rule_ids)}, guest_places=_guest_places(estate),
        host_labels=host_labels(estate),
    )


def _guest_places(estate: Estate) -> dict[str, str]:
    """Guest key -> its vCenter, Hyper-V cluster or export file."""
    place = {s["source_id"]: s["server"] or s["file"] for s in estate.sources.to_pylist()}
    keys = estate.guests.column("guest_key").to_pylist()
    return {k: str(place.get(s)) for k, s in zip(keys, estate.guests.column("source_id").to_pylist(), strict=True)}


def _edge_ends(ix: _Index, items: Sequence[GuestEdge | HostEdge],
               to_host: bool) -> tuple[list[int], list[int], list[int], list[RuleCause | None]]:
    """(guest, guest or host, rule, named cause) of the edges whose ends are both in the estate."""
    src, dst, rules, causes = [], [], [], []
    index_b = ix.hi if to_host else ix.gi
    for e in items:
        a, b = (e.guest, e.host) if isinstance(e, HostEdge) else (e.a, e.b)
        x, y = ix.gi.get(a), index_b.get(b)
        if x is None or y is None:
            continue
        src.append(x)
        dst.append(y)
        rules.append(ix.ri[e.rule])
        causes.append(e.cause)
    return src, dst, rules, causes


def _bonded(ix: _Index, out: RuleOutput) -> graph.GuestClusters:
    """Step 2: guest clusters, the components over the bond edges."""
    src, dst, rules, _ = _edge_ends(ix, out.bonds, to_host=False)
    bonds = graph.Edges(*(np.asarray(x, dtype=np.int32) for x in (src, dst, rules, [-1] * len(src))))
    return graph.guest_clusters(len(ix.guest_keys), bonds, ix.guest_host, ix.host_cluster)


@dataclass(frozen=True)
class _Ties:
    """The rules' colocations, pins and strands as core edges, and the causes their ids stand for."""

    colocations: graph.Edges
    pins: graph.Edges
    strands: graph.Edges
    causes: tuple[Cause, ...]
    """``causes[i]`` is cause id i: guest clusters first, then in order of first use."""


def _edges_with_causes(ix: _Index, out: RuleOutput, clusters: graph.GuestClusters, names: list[str]) -> _Ties:
    """Step 3: every tie gets a cause: the one its rule named, else its guest cluster, else its guest and rule."""
    causes = [guest_cluster_cause(c, names[c]) for c in range(clusters.count)]
    index = {c.id: i for i, c in enumerate(causes)}
    guests_of: dict[int, set[str]] = defaultdict(set)

    def cause_of(named: RuleCause | None, guest: int, rule: str) -> int:
        guest_cluster = int(clusters.guest_cluster[guest])
        if named is not None:
            cause = named_cause(named, ix.guest_names)
        elif guest_cluster >= 0:
            return guest_cluster
        else:
            cause = guest_cause(ix.guest_keys[guest], ix.guest_names[ix.guest_keys[guest]], rule)
        if cause.id not in index:
            index[cause.id] = len(causes)
            causes.append(cause)
        guests_of[index[cause.id]].add(ix.guest_keys[guest])
        return index[cause.id]

    def with_causes(items: Sequence[GuestEdge | HostEdge], to_host: bool) -> graph.Edges:
        src, dst, rules, named = _edge_ends(ix, items, to_host)
        cause = [cause_of(n, s, ix.rule_ids[r]) for s, r, n in zip(src, rules, named)]
        return graph.Edges(*(np.asarray(x, dtype=np.int32) for x in (src, dst, rules, cause)))

    colocations = with_causes(out.colocations, to_host=False)
    pins = with_causes(out.pins, to_host=True)
    strands = with_causes(out.strands, to_host=True)
    return _Ties(colocations, pins, strands, _causes_told_apart(ix, causes, guests_of))


def _causes_told_apart(ix: _Index, causes: list[Cause], guests_of: dict[int, set[str]]) -> tuple[Cause, ...]:
    """The causes, each label that another cause's label reads alike (each vCenter has a 'datastore1', an
    'esx03-local', a 'VM Network on esx01') followed by the vCenter (or export) of the guests it ties.
    Guest clusters keep their names, already told apart."""
    named = {i: c.label for i, c in enumerate(causes) if c.kind != "guest-cluster"}
    where = {i: ", ".join(sorted({str(ix.guest_places.get(g)) for g in guests_of.get(i, ())})) for i in named}
    told = labels_told_apart({str(i): n for i, n in named.items()}, {str(i): w for i, w in where.items()})
    return tuple(replace(c, label=told.get(str(i), c.label)) for i, c in enumerate(causes))


def _media_only(ix: _Index, clusters: graph.GuestClusters, ties: _Ties) -> npt.NDArray[np.bool_]:
    """Per guest: pinned by connected media alone, in no guest cluster and colocated with none (as
    :func:`reportgen.media.media_only` reads a tied guest's rules)."""
    media_rule = np.array([r in MEDIA_RULES for r in ix.rule_ids] + [False], dtype=bool)  # -1: no rule
    n = len(ix.guest_keys)
    pinned = np.zeros(n, dtype=bool)
    pinned[ties.pins.src] = True
    other = np.zeros(n, dtype=bool)
    other[ties.pins.src[~media_rule[ties.pins.rule]]] = True
    other[ties.colocations.src] = True
    other[ties.colocations.dst] = True
    return pinned & ~other & (clusters.guest_cluster < 0)


def _pinning(ix: _Index, clusters: graph.GuestClusters, ties: _Ties, active: npt.NDArray[np.bool_],
             media: npt.NDArray[np.bool_] | None = None) -> graph.Pinning:
    """Steps 4-8 in the core, for the guests that count as ``active`` (running today, or ever); with ``media``,
    also what each fix frees once the media-only blockers are disconnected."""
    return graph.pinning(graph.PinningInputs(
        n_guests=len(ix.guest_keys), n_hosts=len(ix.host_keys), n_clusters=ix.n_clusters,
        n_rules=len(ix.rule_ids), n_causes=len(ties.causes),
        guest_host=ix.guest_host, guest_active=active, guest_owner=ix.guest_owner,
        guest_cluster=clusters.guest_cluster, n_guest_clusters=clusters.count,
        host_cluster=ix.host_cluster, cluster_capacity=ix.capacity,
        guest_memory_mib=ix.guest_memory, host_memory_mib=ix.host_memory,
        colocations=ties.colocations, pins=ties.pins, strands=ties.strands,
        guest_cluster_cause=np.arange(clusters.count, dtype=np.int32), waves_tied_only=True,
        host_cluster_unknown=ix.host_cluster_unknown, unknown_capacity=ix.unknown_capacity,
        guest_media_only=media,
    ))


def _host_results(ix: _Index, clusters: graph.GuestClusters, ties: _Ties, today: graph.Pinning,
                  later: graph.Pinning, guest_cluster_ids: list[str]) -> tuple[HostResult, ...]:
    """Step 9: per host, what must be powered off to empty it, what it strands, its wave."""
    # Which rules tie each guest: its own pins and colocations (or, when it is tied only
    # through its colocation group, the group's pins); and the rules that strand it.
    pin_rules: dict[int, set[str]] = defaultdict(set)
    group_rules: dict[int, set[str]] = defaultdict(set)
    for g, r in zip(ties.pins.src.tolist(), ties.pins.rule.tolist()):
        pin_rules[g].add(ix.rule_ids[r])
        group_rules[int(later.group[g])].add(ix.rule_ids[r])
    c = ties.colocations
    for a, b, r in zip(c.src.tolist(), c.dst.tolist(), c.rule.tolist()):
        pin_rules[a].add(ix.rule_ids[r])
        pin_rules[b].add(ix.rule_ids[r])
    strand_rules: dict[int, set[str]] = defaultdict(set)
    group_strand_rules: dict[int, set[str]] = defaultdict(set)
    for g, r in zip(ties.strands.src.tolist(), ties.strands.rule.tolist()):
        strand_rules[g].add(ix.rule_ids[r])
        group_strand_rules[int(today.group[g])].add(ix.rule_ids[r])

    def pinned_guest(g: int, stranded: bool = False) -> PinnedGuest:
        guest_cluster = int(clusters.guest_cluster[g])
        if stranded:
            rules = strand_rules.get(g) or group_strand_rules[int(today.group[g])]
        else:
            rules = pin_rules.get(g) or group_rules[int(later.group[g])]
        return PinnedGuest(key=ix.guest_keys[g], name=ix.guest_name(g), rules=tuple(sorted(rules)),
                           owner=ix.owners[g], guest_cluster=guest_cluster_ids[guest_cluster] if guest_cluster >= 0 else None)

    # A template is registered on a host but cannot run there, and vSphere runs its own vCLS agents:
    # neither is one of the host's guests.
    placed = (ix.guest_host >= 0) & ix.evacuate
    guests_per_host = np.bincount(ix.guest_host[placed], minlength=len(ix.host_keys))
    return tuple(
        HostResult(
            key=key, name=ix.host_names[key], cluster=ix.cluster_names.get(ix.host_cluster_keys[h]),
            platform=str(ix.platforms[h]), evacuable=bool(today.evacuable[h]),
            blockers=tuple(pinned_guest(int(g)) for g in today.blockers.row(h)),
            blockers_at_power_on=tuple(pinned_guest(int(g)) for g in later.blockers.row(h)),
            stranded=tuple(pinned_guest(int(g), stranded=True) for g in today.stranded.row(h)),
            degraded=tuple(guest_cluster_ids[int(c)] for c in later.degraded.row(h)),
            owners=tuple(ix.owner_names[int(o)] for o in later.owners.row(h)),
            unknown_owner=bool(later.unknown_owner[h]),
            wave=int(today.wave[h]), domain=int(today.domain[h]), guests=int(guests_per_host[h]),
        )
        for h, key in enumerate(ix.host_keys)
    )


def _guest_ref(ix: _Index, g: int, name: str) -> GuestRef:
    h = int(ix.guest_host[g])
    return GuestRef(ix.guest_keys[g], name, ix.host_name(h) if h >= 0 else None, ix.owners[g], ix.power[g],
                    ix.host_label(h) if h >= 0 else None)


def _rules_by_guest(out: RuleOutput) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for f in out.findings:
        if f.guest_key:
            found[f.guest_key].add(f.rule)
    return found


def _named_clusters(ix: _Index, out: RuleOutput, clusters: graph.GuestClusters, later: graph.Pinning,
                    guest_cluster_ids: list[str], names: list[str]) -> list[GuestClusterResult]:
    """Step 10: the guest clusters, named and described."""
    findings_by_guest = _rules_by_guest(out)
    tied_hosts: dict[int, list[int]] = defaultdict(list)  # by index: two vCenters' esx01 are two hosts
    for h in range(len(ix.host_keys)):
        for c in later.degraded.row(h):
            tied_hosts[int(c)].append(h)
    guest_cluster: list[GuestClusterResult] = []
    for c in range(clusters.count):
        members = [int(g) for g in clusters.members.row(c)]
        refs = tuple(_guest_ref(ix, g, ix.guest_name(g)) for g in members)
        member_hosts = [ix.host_keys[int(h)] for h in clusters.hosts.row(c)]
        guest_cluster.append(GuestClusterResult(
            id=guest_cluster_ids[c], name=names[c],
            topology=graph.TOPOLOGY_NAMES[int(clusters.topology[c])], suspected=False, guests=refs,
            hosts=tuple(ix.host_names[h] for h in member_hosts), host_keys=tuple(member_hosts),
            clusters=tuple(sorted({str(ix.cluster_names.get(ix.host_cluster_keys[ix.hi[h]])) for h in member_hosts
                                   if ix.host_cluster_keys[ix.hi[h]] is not None})),
            rules=tuple(sorted(set().union(*(findings_by_guest[r.key] for r in refs)))),
            running=sum(1 for g in members if ix.running[g]),
            **_tied(ix, tied_hosts.get(c, [])), host_labels=tuple(ix.host_labels.get(h, ix.host_names[h]) for h in member_hosts),
        ))
    return guest_cluster


def _tied(ix: _Index, hosts: list[int]) -> dict[str, tuple[str, ...]]:
    """The hosts a guest cluster ties, by name and by label, in the order of their labels."""
    ordered = sorted(set(hosts), key=lambda h: (ix.host_name(h), ix.host_label(h)))
    return {"pinned_hosts": tuple(ix.host_name(h) for h in ordered),
            "pinned_host_labels": tuple(ix.host_label(h) for h in ordered)}


def _suspected_clusters(ix: _Index, out: RuleOutput, clusters: graph.GuestClusters) -> list[GuestClusterResult]:
    """Step 10, continued: groups the rules only suspect of being guest clusters."""
    findings_by_guest = _rules_by_guest(out)
    found: list[GuestClusterResult] = []
    for n, group in enumerate(out.suspected):
        keys = [k for k in group if k in ix.gi and clusters.guest_cluster[ix.gi[k]] < 0]
        if len(keys) < 2:
            continue
        idx = [ix.gi[k] for k in keys]
        hs = sorted({int(ix.guest_host[g]) for g in idx if ix.guest_host[g] >= 0})
        topology = graph.UNKNOWN if any(ix.guest_host[g] < 0 for g in idx) else (
            graph.IN_A_BOX if len(hs) == 1 else graph.ACROSS_BOXES)
        found.append(GuestClusterResult(
            id=f"SC-{n + 1:03d}", name=cluster_name([ix.guest_names[k] for k in keys]),
            topology=graph.TOPOLOGY_NAMES[topology], suspected=True,
            guests=tuple(_guest_ref(ix, ix.gi[k], ix.guest_names[k]) for k in keys),
            hosts=tuple(ix.host_name(h) for h in hs), host_keys=tuple(ix.host_keys[h] for h in hs),
            host_labels=tuple(ix.host_label(h) for h in hs),
            clusters=tuple(sorted({str(ix.cluster_names.get(ix.host_cluster_keys[h])) for h in hs
                                   if ix.host_cluster_keys[h] is not None})),
            rules=tuple(sorted(set().union(*(findings_by_guest[k] for k in keys)))),
            running=sum(1 for g in idx if ix.running[g]),
        ))
    return found


def _remedies(ix: _Index, ties: _Ties, today: graph.Pinning,
              media: npt.NDArray[np.bool_]) -> tuple[tuple[Remedy, ...], tuple[Remedy, ...]]:
    """Step 11: what fixing each cause, and each rule, would free; most hosts first. A host left held only by
    guests whose media is disconnected live counts as freed, with those guests named (:attr:`Remedy.media_left`)."""
    left = _MediaLeft(ix, ties, today, media)
    by_cause = []
    for c, cause in enumerate(ties.causes):
        freed, media_left = left.freed(today.freed_by_cause, today.freed_but_media_by_cause, c, cause=c)
        if freed:
            by_cause.append(Remedy(cause.id, cause.label, cause.kind, tuple(ix.host_name(h) for h in freed),
                                   tuple(ix.host_keys[h] for h in freed), media_left))
    by_cause.sort(key=lambda r: -len(r.hosts_freed))
    by_rule = []
    for r, rid in enumerate(ix.rule_ids):
        freed, media_left = left.freed(today.freed_by_rule, today.freed_but_media_by_rule, r, rule=r)
        if freed:
            by_rule.append(Remedy(rid, CATALOGUE[rid].title, "rule", tuple(ix.host_name(h) for h in freed),
                                  tuple(ix.host_keys[h] for h in freed), media_left))
    by_rule.sort(key=lambda r: -len(r.hosts_freed))
    return tuple(by_cause), tuple(by_rule)


class _MediaLeft:
    """Which media-only blockers of a host a fix leaves: those with a pin to the host it does not remove."""

    def __init__(self, ix: _Index, ties: _Ties, today: graph.Pinning, media: npt.NDArray[np.bool_]) -> None:
        self.ix = ix
        self.blockers = {h: [int(g) for g in today.blockers.row(h) if media[int(g)]] for h in range(len(ix.host_keys))
                         if len(today.blockers.row(h))}
        self.pins: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)  # (guest, host) -> (cause, rule)
        p = ties.pins
        for g, h, cause, rule in zip(p.src.tolist(), p.dst.tolist(), p.cause.tolist(), p.rule.tolist()):
            if media[g]:
                self.pins[(g, h)].append((cause, rule))

    def freed(self, full: graph.CSR, but_media: graph.CSR | None, row: int, cause: int = -1,
              rule: int = -1) -> tuple[list[int], tuple[tuple[str, ...], ...]]:
        """The hosts a fix frees (wholly, or but for media) ascending, and per host the media-only guests left."""
        wholly = {int(h) for h in full.row(row)} if row < len(full) else set()
        partly = {int(h) for h in but_media.row(row)} if but_media is not None and row < len(but_media) else set()
        hosts = sorted(wholly | partly)
        left = tuple(() if h in wholly else tuple(sorted(
            self.ix.guest_keys[g] for g in self.blockers.get(h, ())
            if not all((cause >= 0 and c == cause) or (rule >= 0 and r == rule) for c, r in self.pins[(g, h)])))
            for h in hosts)
        return hosts, left if any(left) else ()


_NODE_SUFFIX = re.compile(r"(?i)([-_ ]?(node|n|nd)?[-_ ]?\d{1,2}|[-_ ]?[a-d])$")


def told_apart(names: list[str], members: list[list[str]], estate: Estate) -> list[str]:
    """Guest-cluster names that several clusters share (same-named guests in two vCenters), each followed by
    the vCenter (or export) its guests are in, so that no two read alike."""
    shared = {n for n in names if names.count(n) > 1}
    if not shared:
        return names
    source_of = dict(zip(estate.guests.column("guest_key").to_pylist(), estate.guests.column("source_id").to_pylist()))
    place = {s["source_id"]: s["server"] or s["file"] for s in estate.sources.to_pylist()}
    told = []
    for name, keys in zip(names, members, strict=True):
        where = sorted({str(place.get(source_of.get(k))) for k in keys})
        told.append(f"{name} in {', '.join(where)}" if name in shared else name)
    return told


def cluster_name(names: list[str]) -> str:
    """A readable name for a guest cluster: the members' common stem, else the first names."""
    names = sorted(n for n in names if n)
    if not names:
        return "unnamed guest cluster"
    stems = {_NODE_SUFFIX.sub("", n) for n in names}
    if len(stems) == 1:
        stem = stems.pop()
        if len(stem) >= 3:
            return f"{stem} ({len(names)} nodes)"
    if len(names) <= 3:
        return " + ".join(names)
    return f"{names[0]} + {len(names) - 1} more"
