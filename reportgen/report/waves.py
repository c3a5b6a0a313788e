"""The wave plan: which hosts go into maintenance together, what that stops and whom to ask.

A wave is a set of hosts that can be in maintenance at the same time: no guest cluster that cannot move
live loses more than one node (the nodes of the others leave their hosts by live migration) and no
vSphere or Hyper-V cluster more hosts than the configuration allows (``waves.hosts_down_per_cluster``,
per cluster ``waves.cluster_capacity``). Every host is in the
plan, tied or free, so the admin can follow it wave by wave.
"""

from __future__ import annotations

from collections import Counter

from ..analysis import Analysis, HostResult
from ..cost import UNKNOWN_OWNER, only_media
from ..failovers import needs_failover
from ..host_labels import cluster_labels, cluster_unknown_keys, host_labels
from .model import WaveBound, WaveRow

GUEST_CLUSTER_RULES = frozenset({"GEN-01", "HYV-01", "HYV-02"})
"""The checks that find guest clusters (nodes sharing a disk): when one could not run, guest clusters are unknown."""
MAX_WAVE_HOSTS = 12
"""Host names printed in one wave's cell (the rest are counted)."""
MAX_WAVE_GUESTS = 10


def _cut(names: list[str], limit: int) -> tuple[tuple[str, ...], int]:
    if len(names) <= limit + 1:
        return tuple(names), 0
    return tuple(names[:limit]), len(names) - limit


def media_only_hosts(analysis: Analysis) -> tuple[str, ...]:
    """Hosts that cannot be emptied today only because of connected media: no guest of theirs is powered off."""
    labels = host_labels(analysis.estate)  # same-named hosts of two vCenters told apart
    return tuple(sorted(labels.get(h.key, h.name) for h in analysis.hosts
                        if h.blockers and all(only_media(g) for g in h.blockers)))


def guest_clusters_unknown(analysis: Analysis) -> bool:
    """True when a check that finds guest clusters could not run on some export: the wave plan then cannot
    keep two nodes of one guest cluster out of one wave."""
    return any(c.status == "not-assessed" and c.rule in GUEST_CLUSTER_RULES for c in analysis.coverage)


def plan_waves(analysis: Analysis) -> list[WaveRow]:
    """One row per wave (and one for hosts the plan could not place), every host listed."""
    by_wave: dict[int, list[HostResult]] = {}
    for h in analysis.hosts:
        by_wave.setdefault(h.wave, []).append(h)
    topology = {c.id: c.topology for c in analysis.guest_clusters}
    labels = host_labels(analysis.estate)  # same-named hosts of two vCenters told apart
    unknown = cluster_unknown_keys(analysis.estate)
    rows = []
    for wave in sorted(by_wave, key=lambda w: (w < 0, w)):
        hosts = sorted(by_wave[wave], key=lambda h: (h.evacuable, h.name))
        names, more = _cut([labels.get(h.key, h.name) for h in hosts], MAX_WAVE_HOSTS)
        label = analysis.guest_label  # two vCenters' hb01 are two guests, each named with its vCenter
        guests = sorted({label(g.key, g.name) for h in hosts for g in h.blockers if not only_media(g)})
        media = sorted({label(g.key, g.name) for h in hosts for g in h.blockers if only_media(g)})
        shown, guests_more = _cut(guests, MAX_WAVE_GUESTS)
        listed = {*guests, *media}
        off = {label(g.key, g.name): only_media(g) for h in hosts for g in h.blockers_at_power_on
               if label(g.key, g.name) not in listed}
        later, later_more = _cut(sorted(n for n, by_media in off.items() if not by_media), MAX_WAVE_GUESTS)
        media_later, media_later_more = _cut(sorted(n for n, by_media in off.items() if by_media), MAX_WAVE_GUESTS)
        owners = sorted({g.owner or UNKNOWN_OWNER for h in hosts for g in (*h.blockers, *h.blockers_at_power_on)})
        failovers = sum(1 for h in hosts for c in h.degraded if needs_failover(c, h.degraded, topology.get(c)))
        rows.append(WaveRow(
            number=wave + 1 if wave >= 0 else None, hosts=names, hosts_not_shown=more, host_count=len(hosts),
            tied=sum(1 for h in hosts if h.blockers),
            media_hosts=sum(1 for h in hosts if h.blockers and all(only_media(g) for g in h.blockers)), power_off=shown, power_off_not_shown=guests_more,
            power_off_count=len(guests), owners=tuple(owners), failovers=failovers, media=tuple(media),
            at_power_on=later, at_power_on_not_shown=later_more,
            media_at_power_on=media_later, media_at_power_on_not_shown=media_later_more,
            cluster_unknown=sum(1 for h in hosts if h.key in unknown),
        ))
    return rows


def _cluster_sizes(analysis: Analysis) -> tuple[Counter[str], dict[str, str]]:
    """Hosts per vSphere / Hyper-V cluster, by the cluster's label -- its name, told apart by where it is when two
    datacenters or vCenters each have a 'Prod' -- and each such label's configuration name
    (``waves.cluster_capacity`` is keyed by name, as the wave plan reads it)."""
    estate = analysis.estate
    hosts = estate.hosts
    cluster_of = dict(zip(hosts.column("host_key").to_pylist(), hosts.column("cluster_key").to_pylist(), strict=True))
    keys = {cluster_of.get(h.key) or h.cluster: h.cluster for h in analysis.hosts if h.cluster}
    known = cluster_labels(estate)
    labels = {k: known.get(k, str(n)) for k, n in keys.items()}
    sizes = Counter(labels[cluster_of.get(h.key) or h.cluster] for h in analysis.hosts if h.cluster)
    return sizes, {labels[k]: str(n) for k, n in keys.items()}


def limiting_cluster(analysis: Analysis) -> tuple[str, int, int] | None:
    """The vSphere / Hyper-V cluster that forces the most waves: (name, hosts, allowed down at once)."""
    sizes, names = _cluster_sizes(analysis)
    if not sizes:
        return None
    waves = analysis.config.waves

    def allowed(name: str) -> int:
        return waves.cluster_capacity.get(names[name], waves.hosts_down_per_cluster)

    name = max(sizes, key=lambda c: (-(-sizes[c] // allowed(c)), sizes[c], c))
    return name, sizes[name], allowed(name)


def _ceil(a: int, b: int) -> int:
    return -(-a // max(b, 1))


def binding_constraint(analysis: Analysis) -> WaveBound | None:
    """The constraint that needs the most waves by itself: a guest cluster that cannot move live spanning N hosts
    (N waves, whatever the limits) or a cluster's per-cluster limit; a higher limit is suggested only when it
    lowers that bound and still keeps one host of the cluster up."""
    spans = [(len(c.hosts), f"{c.id} {c.name}") for c in analysis.guest_clusters  # nodes moving live: no bound
             if not c.suspected and c.hosts and c.pinned_hosts]
    span, spanning = max(spans, key=lambda s: (s[0], s[1]), default=(0, ""))
    sizes, names = _cluster_sizes(analysis)
    waves = analysis.config.waves

    def allowed(name: str) -> int:
        return waves.cluster_capacity.get(names[name], waves.hosts_down_per_cluster)

    need = {c: _ceil(n, allowed(c)) for c, n in sizes.items()}
    cluster = max(need, key=lambda c: (need[c], sizes[c], c), default=None)
    if cluster is None or need[cluster] <= span:
        return WaveBound("guest-cluster", spanning, span, span) if span > 1 else None
    if need[cluster] <= 1:
        return None
    others = max([span] + [need[c] for c in need if c != cluster])
    raise_to, lowered = 0, 0
    for limit in range(allowed(cluster) + 1, sizes[cluster]):  # keep at least one host of the cluster up
        if max(others, _ceil(sizes[cluster], limit)) < need[cluster]:
            raise_to, lowered = limit, max(others, _ceil(sizes[cluster], limit))
            break
    alike = [c for c in need if need[c] == need[cluster]]  # one of nine 2-host clusters is not singled out
    same = all(sizes[c] == sizes[cluster] and allowed(c) == allowed(cluster) for c in alike)
    return WaveBound("cluster", cluster, sizes[cluster], need[cluster], allowed(cluster), raise_to, lowered,
                     also=spanning if span == need[cluster] else "", alike=len(alike), same_size=same)
