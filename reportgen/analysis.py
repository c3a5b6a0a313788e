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
import polars as pl

from . import graph
from .config import Config
from .disk_order import DiskOrder, order_disks
from .estate import Estate
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


@dataclass(frozen=True)
class PinnedGuest:
    key: str
    name: str
    rules: tuple[str, ...]
    owner: str | None = None
    faux_cluster: str | None = None


@dataclass(frozen=True)
class FauxCluster:
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
    """What fixing one cause (a faux cluster, a datastore, a port group) or one rule would free."""

    cause: str
    label: str
    kind: str
    hosts_freed: tuple[str, ...]


@dataclass(frozen=True)
class Analysis:
    estate: Estate
    config: Config
    findings: tuple[Finding, ...]
    coverage: tuple[Coverage, ...]
    faux_clusters: tuple[FauxCluster, ...]
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
    sites = site_failures(estate, analysis.hosts, analysis.faux_clusters, config.sites)
    analysis = replace(analysis, sites=sites) if sites.host_site else analysis
    return replace(analysis, disk_orders=order_disks(estate, analysis.faux_clusters))


def _close(estate: Estate, config: Config, out: RuleOutput) -> Analysis:
    guests = pl.from_arrow(estate.guests)
    hosts = pl.from_arrow(estate.hosts)
    assert isinstance(guests, pl.DataFrame) and isinstance(hosts, pl.DataFrame)
    guest_keys: list[str] = guests["guest_key"].to_list()
    host_keys: list[str] = hosts["host_key"].to_list()
    gi = {k: i for i, k in enumerate(guest_keys)}
    hi = {k: i for i, k in enumerate(host_keys)}
    host_names = dict(zip(host_keys, hosts["name"].to_list()))
    guest_names = dict(zip(guest_keys, guests["name"].to_list()))

    cluster_keys = sorted({c for c in hosts["cluster_key"].to_list() if c is not None})
    ci = {c: i for i, c in enumerate(cluster_keys)}
    cluster_names = dict(zip(hosts["cluster_key"].to_list(), hosts["cluster"].to_list()))
    host_cluster = np.array([ci.get(c, -1) if c else -1 for c in hosts["cluster_key"].to_list()], dtype=np.int32)
    capacity = np.array(
        [config.waves.cluster_capacity.get(str(cluster_names.get(c)), config.waves.hosts_down_per_cluster)
         for c in cluster_keys], dtype=np.int32,
    )
    guest_host = np.array([hi.get(h, -1) if h else -1 for h in guests["host_key"].to_list()], dtype=np.int32)

    rule_ids = list(CATALOGUE)
    ri = {r: i for i, r in enumerate(rule_ids)}

    def edges(items: Sequence[GuestEdge | HostEdge], a: str, b: str,
              index_b: dict[str, int]) -> tuple[list[int], list[int], list[int], list[str | None]]:
        src, dst, rules, causes = [], [], [], []
        for e in items:
            x, y = gi.get(getattr(e, a)), index_b.get(getattr(e, b))
            if x is None or y is None:
                continue
            src.append(x)
            dst.append(y)
            rules.append(ri[e.rule])
            causes.append(e.cause)
        return src, dst, rules, causes

    bs, bd, br, _ = edges(out.bonds, "a", "b", gi)
    bonds = graph.Edges(*(np.asarray(x, dtype=np.int32) for x in (bs, bd, br, [-1] * len(bs))))
    clusters = graph.guest_clusters(len(guest_keys), bonds, guest_host, host_cluster)

    # Causes: faux clusters first, then the causes rules named, then one per unnamed pin.
    causes: list[str] = [f"faux:{c}" for c in range(clusters.count)]
    cause_index: dict[str, int] = {c: i for i, c in enumerate(causes)}

    def cause_of(name: str | None, guest: int, rule: str) -> int:
        if name is None:
            faux = int(clusters.guest_cluster[guest])
            name = f"faux:{faux}" if faux >= 0 else f"guest:{guest_keys[guest]}:{rule}"
        if name not in cause_index:
            cause_index[name] = len(causes)
            causes.append(name)
        return cause_index[name]

    def with_causes(items: Sequence[GuestEdge | HostEdge], a: str, b: str, index_b: dict[str, int]) -> graph.Edges:
        src, dst, rules, names = edges(items, a, b, index_b)
        cause = [cause_of(n, s, rule_ids[r]) for s, r, n in zip(src, rules, names)]
        return graph.Edges(*(np.asarray(x, dtype=np.int32) for x in (src, dst, rules, cause)))

    colocations = with_causes(out.colocations, "a", "b", gi)
    pins = with_causes(out.pins, "guest", "host", hi)
    strands = with_causes(out.strands, "guest", "host", hi)

    owners_list = guests["owner"].to_list()
    owner_names = sorted({o for o in owners_list if o})
    oi = {o: i for i, o in enumerate(owner_names)}
    guest_owner = np.array([oi.get(o, -1) if o else -1 for o in owners_list], dtype=np.int32)
    power = guests["power_state"].to_list()
    template = guests["template"].to_list()
    not_template = np.array([not t for t in template], dtype=bool)
    running = np.array([p in ("poweredOn", None) for p in power], dtype=bool) & not_template

    def run(active: np.ndarray) -> graph.Pinning:
        return graph.pinning(graph.PinningInputs(
            n_guests=len(guest_keys), n_hosts=len(host_keys), n_clusters=len(cluster_keys),
            n_rules=len(rule_ids), n_causes=len(causes),
            guest_host=guest_host, guest_active=active, guest_owner=guest_owner,
            guest_cluster=clusters.guest_cluster, n_faux=clusters.count,
            host_cluster=host_cluster, cluster_capacity=capacity,
            guest_memory_mib=guests["memory_mib"].fill_null(0).to_numpy().astype(np.int64),
            host_memory_mib=hosts["memory_mib"].fill_null(0).to_numpy().astype(np.int64),
            colocations=colocations, pins=pins, strands=strands,
            faux_cause=np.arange(clusters.count, dtype=np.int32),
        ))

    today = run(running)
    later = run(not_template)

    # Which rules tie each guest: its own pins and colocations (or, when it is tied only
    # through its colocation group, the group's pins); and the rules that strand it.
    pin_rules: dict[int, set[str]] = defaultdict(set)
    group_rules: dict[int, set[str]] = defaultdict(set)
    for g, r in zip(pins.src.tolist(), pins.rule.tolist()):
        pin_rules[g].add(rule_ids[r])
        group_rules[int(later.group[g])].add(rule_ids[r])
    for a, b, r in zip(colocations.src.tolist(), colocations.dst.tolist(), colocations.rule.tolist()):
        pin_rules[a].add(rule_ids[r])
        pin_rules[b].add(rule_ids[r])
    strand_rules: dict[int, set[str]] = defaultdict(set)
    group_strand_rules: dict[int, set[str]] = defaultdict(set)
    for g, r in zip(strands.src.tolist(), strands.rule.tolist()):
        strand_rules[g].add(rule_ids[r])
        group_strand_rules[int(today.group[g])].add(rule_ids[r])

    faux_ids = [f"GC-{i + 1:03d}" for i in range(clusters.count)]

    def pinned_guest(g: int, stranded: bool = False) -> PinnedGuest:
        faux = int(clusters.guest_cluster[g])
        if stranded:
            rules = strand_rules.get(g) or group_strand_rules[int(today.group[g])]
        else:
            rules = pin_rules.get(g) or group_rules[int(later.group[g])]
        return PinnedGuest(
            key=guest_keys[g], name=guest_names[guest_keys[g]] or guest_keys[g],
            rules=tuple(sorted(rules)), owner=owners_list[g],
            faux_cluster=faux_ids[faux] if faux >= 0 else None,
        )

    guests_per_host = np.bincount(guest_host[guest_host >= 0], minlength=len(host_keys))
    host_results = []
    for h, key in enumerate(host_keys):
        host_results.append(HostResult(
            key=key, name=host_names[key], cluster=cluster_names.get(hosts["cluster_key"][h]),
            platform=str(hosts["platform"][h]), evacuable=bool(today.evacuable[h]),
            blockers=tuple(pinned_guest(int(g)) for g in today.blockers.row(h)),
            blockers_at_power_on=tuple(pinned_guest(int(g)) for g in later.blockers.row(h)),
            stranded=tuple(pinned_guest(int(g), stranded=True) for g in today.stranded.row(h)),
            degraded=tuple(faux_ids[int(c)] for c in later.degraded.row(h)),
            owners=tuple(owner_names[int(o)] for o in later.owners.row(h)),
            unknown_owner=bool(later.unknown_owner[h]),
            wave=int(today.wave[h]), domain=int(today.domain[h]), guests=int(guests_per_host[h]),
        ))

    # Faux clusters, named and described.
    findings_by_guest: dict[str, set[str]] = defaultdict(set)
    for f in out.findings:
        if f.guest_key:
            findings_by_guest[f.guest_key].add(f.rule)
    tied_hosts: dict[int, set[str]] = defaultdict(set)
    for h in range(len(host_keys)):
        for c in later.degraded.row(h):
            tied_hosts[int(c)].add(host_names[host_keys[h]])
    faux: list[FauxCluster] = []
    for c in range(clusters.count):
        members = [int(g) for g in clusters.members.row(c)]
        refs = tuple(
            GuestRef(guest_keys[g], guest_names[guest_keys[g]] or guest_keys[g],
                     host_names.get(host_keys[guest_host[g]]) if guest_host[g] >= 0 else None,
                     owners_list[g], power[g])
            for g in members
        )
        member_hosts = [host_keys[int(h)] for h in clusters.hosts.row(c)]
        faux.append(FauxCluster(
            id=faux_ids[c], name=cluster_name([r.name for r in refs]),
            topology=graph.TOPOLOGY_NAMES[int(clusters.topology[c])], suspected=False, guests=refs,
            hosts=tuple(host_names[h] for h in member_hosts), host_keys=tuple(member_hosts),
            clusters=tuple(sorted({str(cluster_names.get(hosts["cluster_key"][hi[h]])) for h in member_hosts
                                   if hosts["cluster_key"][hi[h]] is not None})),
            rules=tuple(sorted(set().union(*(findings_by_guest[r.key] for r in refs)))),
            running=sum(1 for g in members if running[g]),
            pinned_hosts=tuple(sorted(tied_hosts.get(c, ()))),
        ))
    for n, group in enumerate(out.suspected):
        keys = [k for k in group if k in gi and clusters.guest_cluster[gi[k]] < 0]
        if len(keys) < 2:
            continue
        idx = [gi[k] for k in keys]
        hs = sorted({int(guest_host[g]) for g in idx if guest_host[g] >= 0})
        topology = "unknown" if any(guest_host[g] < 0 for g in idx) else ("in-a-box" if len(hs) == 1 else "across-boxes")
        faux.append(FauxCluster(
            id=f"SC-{n + 1:03d}", name=cluster_name([guest_names[k] for k in keys]), topology=topology,
            suspected=True,
            guests=tuple(GuestRef(k, guest_names[k], host_names.get(host_keys[guest_host[gi[k]]])
                                  if guest_host[gi[k]] >= 0 else None, owners_list[gi[k]], power[gi[k]]) for k in keys),
            hosts=tuple(host_names[host_keys[h]] for h in hs), host_keys=tuple(host_keys[h] for h in hs),
            clusters=(), rules=tuple(sorted(set().union(*(findings_by_guest[k] for k in keys)))),
            running=sum(1 for g in idx if running[g]),
        ))

    waves: list[list[str]] = [[] for _ in range(today.wave_count)]
    for h, w in enumerate(today.wave.tolist()):
        if w >= 0:
            waves[w].append(host_names[host_keys[h]])

    def label(cause: str) -> tuple[str, str]:
        if cause.startswith("faux:"):
            i = int(cause[5:])
            return faux[i].name, "guest-cluster"
        kind, _, rest = cause.partition(":")
        if kind == "guest":  # guest:<guest key>:<rule>, one pinned guest outside any guest cluster
            key, _, rule = rest.rpartition(":")
            return f"{guest_names.get(key) or key} ({rule})", kind
        return cause_label(kind, rest, host_names, guest_names), kind

    remedies = []
    for c in range(len(causes)):
        freed = today.freed_by_cause.row(c).tolist() if c < len(today.freed_by_cause) else []
        if len(freed):
            text, kind = label(causes[c])
            remedies.append(Remedy(causes[c], text, kind, tuple(host_names[host_keys[int(h)]] for h in freed)))
    remedies.sort(key=lambda r: -len(r.hosts_freed))
    by_rule = []
    for r, rid in enumerate(rule_ids):
        freed_rule = today.freed_by_rule.row(r).tolist() if r < len(today.freed_by_rule) else []
        if len(freed_rule):
            by_rule.append(Remedy(rid, CATALOGUE[rid].title, "rule",
                                  tuple(host_names[host_keys[int(h)]] for h in freed_rule)))
    by_rule.sort(key=lambda r: -len(r.hosts_freed))

    return Analysis(
        estate=estate, config=config, findings=tuple(out.findings), coverage=tuple(out.coverage),
        faux_clusters=tuple(faux), hosts=tuple(host_results), waves=tuple(tuple(w) for w in waves),
        wave_lower_bound=today.wave_lower_bound,
        conflicts=tuple(
            (tuple(guest_names[guest_keys[int(g)]] or guest_keys[int(g)] for g in later.conflict_guests.row(i)),
             tuple(host_names[host_keys[int(h)]] for h in later.conflict_hosts.row(i)))
            for i in range(len(later.conflict_groups))
        ),
        remedies_by_cause=tuple(remedies), remedies_by_rule=tuple(by_rule),
        containment_k=today.containment_k, containment_hosts_freed=today.containment_hosts_freed,
        guest_names=guest_names, host_names=host_names,
    )


_NODE_SUFFIX = re.compile(r"(?i)([-_ ]?(node|n|nd)?[-_ ]?\d{1,2}|[-_ ]?[a-d])$")


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


_DEVICE_WORDS = {"usb": "host USB device", "cd": "host CD/DVD drive", "sriov": "SR-IOV adapter"}


def cause_label(kind: str, ident: str, host_names: dict[str, str], guest_names: dict[str, str]) -> str:
    """A readable name for a cause id written by the rules (keys are '<scope>/<name>' paths)."""
    if ident in guest_names:  # a device of one guest (usb:, cd:, sriov:)
        return f"{guest_names[ident] or ident}'s {_DEVICE_WORDS.get(kind, kind)}"
    if kind == "switch":  # Hyper-V <host or cluster>/<switch>
        where, _, switch = ident.partition("/")
        return f"{switch} on {where}" if switch else ident
    if kind == "datastore":
        return ident.split("/", 1)[-1]
    if kind == "portgroup":  # <host key>/<port group>
        for i, ch in enumerate(ident):
            if ch == "/" and ident[:i] in host_names:
                return f"{ident[i + 1:]} on {host_names[ident[:i]]}"
        return ident
    if kind == "network":  # <cluster key>/<network>; cluster key = <scope>/<datacenter>/<cluster>
        parts = ident.split("/", 3)
        return f"{parts[3]} in cluster {parts[2]}" if len(parts) == 4 else ident
    if kind == "dvportgroup":  # <scope>/<switch>/<port group>
        parts = ident.split("/", 2)
        return f"{parts[2]} on {parts[1]}" if len(parts) == 3 else ident
    return ident
