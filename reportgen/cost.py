"""The yearly cost of hosts that cannot be emptied automatically, and what fixes would save.

The model (rules.md §4.4), per host that cannot be emptied and per year::

    events x (change_cost + units x (labour + outage))

``events`` is the host's maintenance events a year (config, per platform); a *unit* is one
guest cluster, or one pinned guest outside any guest cluster, that must be handled by hand
on that host; ``labour`` is the hours x rate of every role times the out-of-hours
multiplier; ``outage`` is the planned outage minutes times the unit's cost per minute. The
change cost of a host is shared equally by the units on it that need a power-off; a guest tied
only by connected media costs the admin's minutes to disconnect it, live, and takes no share
(a host held by such guests alone takes no change cost). A fix frees a host when what is left
on it is such media alone. Every figure is reproducible
by hand from the config and the findings: :attr:`Costing.assumptions` says how.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .analysis import Analysis, PinnedGuest, Remedy
from .config import CostSettings
from .host_labels import host_labels
from .media import media_only

UNKNOWN_OWNER = "(owner unknown)"
MEDIA_ROLE = "virtualisation_admin"
BUS_SHARING = frozenset({"VMW-01", "VMW-02", "VMW-03", "VMW-05"})
"""Shared disks on a shared SCSI bus: the nodes of such a guest cluster never run on one host once spread."""


def only_media(guest: PinnedGuest) -> bool:
    """True when nothing but connected media ties the guest: disconnect it live, then migrate (no power-off)."""
    return media_only(guest.rules, guest.guest_cluster)


def media_labour(cost: CostSettings) -> float:
    """The virtualisation admin's minutes, in hours, to disconnect one guest's media (the cheapest role if unnamed)."""
    rates = [r.rate for r in cost.roles.values()]
    rate = cost.roles[MEDIA_ROLE].rate if MEDIA_ROLE in cost.roles else min(rates, default=0.0)
    return cost.media_minutes / 60 * rate


@dataclass(frozen=True)
class HostCost:
    host: str
    cluster: str | None
    platform: str
    events_per_year: float
    units: int
    per_event: float
    annual: float
    key: str = ""
    """The host's key: two vCenters may each have a host of this name."""
    label: str = ""
    """The host's name, told apart from same-named hosts ('esx01 in vc02.example.test')."""


@dataclass(frozen=True)
class UnitCost:
    """One guest cluster, or one pinned guest outside any guest cluster, and its yearly cost."""

    unit: str
    """Guest cluster id (GC-001) or guest key."""
    kind: str
    """'guest-cluster' or 'guest'."""
    label: str
    hosts: tuple[str, ...]
    """The hosts it ties, by label (their names, told apart where two vCenters share one)."""
    events_per_year: float
    """Maintenance events a year summed over the hosts it ties."""
    outage_cost_per_minute: float
    annual: float


@dataclass(frozen=True)
class PricedRemedy:
    """A fix (one cause or one rule) with the hosts it frees and the yearly cost it saves. A host left held only by
    guests whose media is disconnected live counts as freed: it needs no normal change any more, and what it saves
    is its yearly cost less the admin's minutes for those media (``media_left``, ``annual_left``)."""

    cause: str
    label: str
    kind: str
    hosts_freed: tuple[str, ...]
    annual_saving: float
    host_keys_freed: tuple[str, ...] = ()
    """The same hosts by key (``hosts_freed`` are names, which two vCenters may share)."""
    host_labels_freed: tuple[str, ...] = ()
    """The same hosts by label: their names, told apart where several hosts share one."""
    media_left: tuple[tuple[str, ...], ...] = ()
    """Per freed host, the guests (by label) whose media is still to disconnect, live; empty when none is."""
    annual_left: tuple[float, ...] = ()
    """Per freed host, the yearly cost left on it: the admin's minutes for those media (0 for a host freed wholly)."""


@dataclass(frozen=True)
class Containment:
    """What-if: every guest cluster moved onto ``dedicated_hosts`` hosts of its own."""

    dedicated_hosts: int
    hosts_freed: int
    annual_saving: float


@dataclass(frozen=True)
class Costing:
    currency: str
    annual_total: float
    annual_low: float
    annual_high: float
    annual_at_power_on: float
    """The yearly cost once the guests that are off today are started again."""
    per_event_labour: float
    """Hours x rate x out-of-hours multiplier of all roles, per unit and event."""
    per_event_outage: float
    """Default outage cost per unit and event (services may override it)."""
    hosts: tuple[HostCost, ...]
    units: tuple[UnitCost, ...]
    """Units tied today, costliest first."""
    units_at_power_on: tuple[UnitCost, ...]
    """Units as they will cost once the guests that are off today are started."""
    per_guest_cluster: dict[str, float]
    per_guest: dict[str, float]
    """Pinned guests outside any guest cluster, by guest key."""
    per_owner: dict[str, float]
    per_host: dict[str, float]
    """Host label -> yearly cost (the label is the name, told apart where two vCenters share it)."""
    remedies: tuple[PricedRemedy, ...]
    """Fixes of one cause, most yearly saving first."""
    rule_remedies: tuple[PricedRemedy, ...]
    containment: Containment | None
    assumptions: dict[str, object]
    per_host_key: dict[str, float] = field(default_factory=dict)
    """Host key -> yearly cost: what per-host figures are looked up and summed by."""


def unit_labour(cost: CostSettings) -> float:
    """Labour of one unit in one host maintenance: sum of hours x rate, times out-of-hours."""
    return sum(r.hours * r.rate for r in cost.roles.values()) * cost.out_of_hours_multiplier


def service_rate(settings: CostSettings, names: Iterable[str]) -> float:
    """Outage cost per minute of a unit: the highest service pattern matching one of its names."""
    rates = [
        rate for pattern, rate in settings.service_outage_cost_per_minute.items()
        for name in names if name and fnmatch.fnmatchcase(name.lower(), pattern.lower())
    ]
    return max(rates) if rates else settings.outage_cost_per_minute


@dataclass(frozen=True)
class Unit:
    """What is handled by hand in a host maintenance: a guest cluster, or a pinned guest outside any."""

    kind: str
    """'guest-cluster' or 'guest' (as :attr:`UnitCost.kind`)."""
    identity: str
    """The guest cluster's id (GC-001) or the guest's key."""


def _units(guests: tuple[PinnedGuest, ...]) -> dict[Unit, list[PinnedGuest]]:
    """Units among a host's blockers, each with its guests there."""
    units: dict[Unit, list[PinnedGuest]] = defaultdict(list)
    for g in guests:
        units[Unit("guest-cluster", g.guest_cluster) if g.guest_cluster else Unit("guest", g.key)].append(g)
    return units


@dataclass(frozen=True)
class _Priced:
    hosts: list[HostCost]
    units: tuple[UnitCost, ...]
    per_owner: dict[str, float]


def _price(analysis: Analysis, later: bool, change: float, rate_of: dict[Unit, float]) -> _Priced:
    """Cost of every host with blockers (today's, or also those at next power-on when ``later``)."""
    settings = analysis.config.cost
    labour = unit_labour(settings)
    guest_cluster_labels = {c.id: c.name for c in analysis.guest_clusters}
    per_unit: dict[Unit, float] = defaultdict(float)
    unit_hosts: dict[Unit, list[str]] = defaultdict(list)
    unit_events: dict[Unit, float] = defaultdict(float)
    unit_label: dict[Unit, str] = {}
    per_owner: dict[str, float] = defaultdict(float)
    host_costs = []
    labels = host_labels(analysis.estate)
    for host in analysis.hosts:
        units = _units(host.blockers_at_power_on if later else host.blockers)
        if not units:
            continue
        events = settings.events_per_year.get(host.platform, 0.0)
        media = {u for u, guests in units.items() if all(only_media(g) for g in guests)}

        def handling(unit: Unit, media: set[Unit] = media) -> float:
            """Labour and outage of one unit and event: media is disconnected live, in hours, without outage."""
            return media_labour(settings) if unit in media else labour + settings.outage_minutes * rate_of[unit]

        fee = 0.0 if len(media) == len(units) else change  # media alone: disconnected live, a standard change
        per_event = fee + sum(handling(u) for u in units)
        host_costs.append(HostCost(host.name, host.cluster, host.platform, events, len(units), per_event,
                                   events * per_event, host.key, labels.get(host.key, host.name)))
        power_off = len(units) - len(media)  # the units that take the change fee: media is disconnected live
        for unit, guests in units.items():
            share = events * ((0.0 if unit in media else fee / power_off) + handling(unit))
            per_unit[unit] += share
            unit_hosts[unit].append(labels.get(host.key, host.name))
            unit_events[unit] += events
            unit_label[unit] = (guest_cluster_labels.get(unit.identity, unit.identity) if unit.kind == "guest-cluster"
                                else analysis.guest_label(unit.identity, guests[0].name))
            owners = sorted({g.owner or UNKNOWN_OWNER for g in guests})
            for owner in owners:
                per_owner[owner] += share / len(owners)
    units_out = tuple(sorted(
        (UnitCost(unit.identity, unit.kind, unit_label[unit], tuple(unit_hosts[unit]), unit_events[unit],
                  rate_of[unit], round(v, 2))
         for unit, v in per_unit.items()),
        key=lambda u: (-u.annual, u.label),
    ))
    return _Priced(host_costs, units_out, dict(per_owner))


def _rates(analysis: Analysis) -> dict[Unit, float]:
    """Outage cost per minute of every unit on any host (service patterns or the default)."""
    settings = analysis.config.cost
    guest_cluster_names = {c.id: (c.name, *(g.name for g in c.guests)) for c in analysis.guest_clusters}
    rate_of: dict[Unit, float] = {}
    for host in analysis.hosts:
        for unit, guests in {**_units(host.blockers), **_units(host.blockers_at_power_on)}.items():
            if unit not in rate_of:
                names = (guest_cluster_names.get(unit.identity, (unit.identity,)) if unit.kind == "guest-cluster"
                         else tuple(g.name for g in guests))
                rate_of[unit] = service_rate(settings, names)
    return rate_of


def cost_analysis(analysis: Analysis) -> Costing:
    """Price every host that cannot be emptied today; split it over units and owners."""
    settings = analysis.config.cost
    labour = unit_labour(settings)
    rate_of = _rates(analysis)
    today = _price(analysis, False, settings.change_cost, rate_of)
    later = _price(analysis, True, settings.change_cost, rate_of)
    low = _price(analysis, False, settings.change_cost_low, rate_of)
    high = _price(analysis, False, settings.change_cost_high, rate_of)
    host_costs = today.hosts
    unit_costs = today.units
    host_annual = {c.key: c.annual for c in host_costs}
    alone = never_freed_host_keys(analysis)
    by_id = sorted(unit_costs, key=lambda u: u.unit)
    return Costing(
        currency=analysis.config.report.currency,
        annual_total=round(sum(c.annual for c in host_costs), 2),
        annual_low=round(sum(c.annual for c in low.hosts), 2),
        annual_high=round(sum(c.annual for c in high.hosts), 2),
        annual_at_power_on=round(sum(c.annual for c in later.hosts), 2),
        per_event_labour=labour, per_event_outage=settings.outage_minutes * settings.outage_cost_per_minute,
        hosts=tuple(sorted(host_costs, key=lambda c: (-c.annual, c.host))),
        units=unit_costs, units_at_power_on=later.units,
        per_guest_cluster={u.unit: u.annual for u in by_id if u.kind == "guest-cluster"},
        per_guest={u.unit: u.annual for u in by_id if u.kind == "guest"},
        per_owner={k: round(v, 2) for k, v in sorted(today.per_owner.items(), key=lambda kv: (-kv[1], kv[0]))},
        per_host={c.label: round(c.annual, 2) for c in sorted(host_costs, key=lambda c: (-c.annual, c.label))},
        per_host_key={c.key: round(c.annual, 2) for c in sorted(host_costs, key=lambda c: (-c.annual, c.label))},
        remedies=price_remedies(analysis.remedies_by_cause, host_annual, alone, host_labels(analysis.estate),
                                media_left_cost(analysis)),
        rule_remedies=price_remedies(analysis.remedies_by_rule, host_annual, alone, host_labels(analysis.estate),
                                     media_left_cost(analysis)),
        containment=_containment(analysis, host_costs, settings),
        assumptions=_assumptions(settings, labour),
    )


def price_hosts_at_power_on(analysis: Analysis) -> dict[str, float]:
    """Each host's yearly cost once the guests that are off today are started again, by host label."""
    priced = _price(analysis, True, analysis.config.cost.change_cost, _rates(analysis))
    return {c.label: c.annual for c in priced.hosts}


def cluster_sizes(analysis: Analysis) -> tuple[dict[str, str | None], dict[str | None, int]]:
    """Host key -> its cluster's key, and hosts per cluster key: two vCenters' clusters named 'Prod' are two."""
    hosts = analysis.estate.hosts
    cluster_key = dict(zip(hosts.column("host_key").to_pylist(), hosts.column("cluster_key").to_pylist(), strict=True))
    of = {h.key: (cluster_key.get(h.key) or h.cluster) if h.cluster else None for h in analysis.hosts}
    sizes: dict[str | None, int] = defaultdict(int)
    for c in of.values():
        if c:
            sizes[c] += 1
    return of, sizes


def alone_host_keys(analysis: Analysis) -> frozenset[str]:
    """Keys of the hosts in no cluster, or the only host of theirs."""
    of, sizes = cluster_sizes(analysis)
    return frozenset(k for k, c in of.items() if sizes.get(c, 0) <= 1)


@dataclass(frozen=True)
class Crowded:
    """A vSphere guest cluster whose host cluster has fewer hosts than its nodes + 1: its nodes cannot share a
    host, so emptying a node's host needs a host without a node; with none free, every maintenance of the hosts
    it ties needs a failover and a node shut down, however the nodes are spread (rules.md VMW-02, VMW-23)."""

    guest_cluster: str
    cluster: str
    """The host cluster's key."""
    hosts: int
    nodes: int
    host_keys: frozenset[str]
    """The hosts it ties, today or once its nodes start."""


def crowded_guest_clusters(analysis: Analysis) -> dict[str, Crowded]:
    """By guest-cluster id: the guest clusters whose host cluster is too small to keep their nodes apart."""
    of, sizes = cluster_sizes(analysis)
    vsphere = {h.key for h in analysis.hosts if h.platform == "vsphere"}
    tied: dict[str, set[str]] = defaultdict(set)
    for h in analysis.hosts:
        for g in (*h.blockers, *h.blockers_at_power_on):
            if g.guest_cluster:
                tied[g.guest_cluster].add(h.key)
    found = {}
    for c in analysis.guest_clusters:
        clusters = {of.get(k) for k in c.host_keys}
        key = clusters.pop() if len(clusters) == 1 else None
        if (c.suspected or c.id not in tied or key is None or not set(c.host_keys) <= vsphere
                or not set(c.rules) & BUS_SHARING):
            continue
        if sizes[key] < len(c.guests) + 1:
            found[c.id] = Crowded(c.id, key, sizes[key], len(c.guests), frozenset(tied[c.id]))
    return found


def never_freed_host_keys(analysis: Analysis) -> frozenset[str]:
    """Hosts no action of the remedy table frees: alone in their cluster, or tied by a guest cluster whose host
    cluster is too small for its nodes (only a project adding hosts, or removing the shared disks, would)."""
    crowded = crowded_guest_clusters(analysis).values()
    return alone_host_keys(analysis) | frozenset(k for c in crowded for k in c.host_keys)


def never_freed_hosts(analysis: Analysis) -> frozenset[str]:
    """:func:`never_freed_host_keys` by label (two vCenters' esx01 told apart)."""
    labels = host_labels(analysis.estate)
    names = {h.key: h.name for h in analysis.hosts}
    return frozenset(labels.get(k, names[k]) for k in never_freed_host_keys(analysis))


def find_hosts_alone(analysis: Analysis) -> frozenset[str]:
    """Hosts (by label) in no cluster, or the only host of theirs: their guests have no other host to move to."""
    labels = host_labels(analysis.estate)
    names = {h.key: h.name for h in analysis.hosts}
    return frozenset(labels.get(k, names[k]) for k in alone_host_keys(analysis))


@dataclass(frozen=True)
class MediaCost:
    """What a media-only guest left on a host costs a year there, and how a reader names a guest."""

    per_guest: dict[str, float]
    """Host key -> events a year x the admin's minutes for one guest's media."""
    labels: dict[str, str] = field(default_factory=dict)
    """Guest key -> its label."""


def media_left_cost(analysis: Analysis) -> MediaCost:
    """The yearly cost of one media-only guest on each host, and the guests' labels."""
    settings = analysis.config.cost
    each = media_labour(settings)
    guests = {g.key: analysis.guest_label(g.key, g.name) for h in analysis.hosts for g in h.blockers if only_media(g)}
    return MediaCost({h.key: settings.events_per_year.get(h.platform, 0.0) * each for h in analysis.hosts}, guests)


def price_remedies(remedies: Iterable[Remedy], host_annual: dict[str, float],
                   alone: frozenset[str] = frozenset(), labels: dict[str, str] | None = None,
                   media: MediaCost | None = None) -> tuple[PricedRemedy, ...]:
    """A freed host needs no normal change any more: the saving is its whole yearly cost, less the admin's minutes
    for the media still to disconnect on it (a host the fix leaves held by media alone).

    ``host_annual`` and ``alone`` are by host key (by name for remedies that carry no keys). A host
    alone is never freed (nothing can take its guests), so it is left out of every fix.
    """
    priced = []
    media = media or MediaCost({})
    for r in remedies:
        keys = r.host_keys_freed or r.hosts_freed
        lefts = r.media_left or ((),) * len(keys)
        freed = [(k, n, m) for k, n, m in zip(keys, r.hosts_freed, lefts, strict=True) if k not in alone]
        if freed:
            left = tuple(round(len(m) * media.per_guest.get(k, 0.0), 2) for k, _, m in freed)
            priced.append(PricedRemedy(
                r.cause, r.label, r.kind, tuple(n for _, n, _ in freed),
                round(sum(host_annual.get(k, 0.0) for k, _, _ in freed) - sum(left), 2),
                tuple(k for k, _, _ in freed), tuple((labels or {}).get(k, n) for k, n, _ in freed),
                tuple(tuple(media.labels.get(g, g) for g in m) for _, _, m in freed), left))
    return tuple(sorted(priced, key=lambda r: (-r.annual_saving, -len(r.hosts_freed), r.label)))


def combined_saving(remedies: Iterable[PricedRemedy], host_annual: dict[str, float]) -> tuple[int, float]:
    """Hosts freed and yearly saving of applying several fixes (each host counted once; by host key)."""
    hosts = {h for r in remedies for h in (r.host_keys_freed or r.hosts_freed)}
    return len(hosts), round(sum(host_annual.get(h, 0.0) for h in hosts), 2)


def _containment(analysis: Analysis, host_costs: list[HostCost], settings: CostSettings) -> Containment | None:
    """Dedicated hosts keep every unit's labour; the change overhead of the net freed hosts is saved."""
    k, freed = analysis.containment_k, analysis.containment_hosts_freed
    if k <= 0 or not host_costs:
        return None
    overhead = [c.events_per_year * settings.change_cost for c in host_costs]
    saving = max(0, freed - k) * sum(overhead) / len(overhead)
    return Containment(k, freed, round(saving, 2))


def _assumptions(settings: CostSettings, labour: float) -> dict[str, object]:
    return {
        "change_cost": settings.change_cost,
        "change_cost_range": [settings.change_cost_low, settings.change_cost_high],
        "out_of_hours_multiplier": settings.out_of_hours_multiplier,
        "roles": {name: {"hours": r.hours, "rate": r.rate} for name, r in settings.roles.items()},
        "labour_per_unit_and_event": round(labour, 2),
        "outage_minutes": settings.outage_minutes,
        "media_minutes": settings.media_minutes,
        "media_labour_per_guest_and_event": round(media_labour(settings), 2),
        "outage_cost_per_minute": settings.outage_cost_per_minute,
        "service_outage_cost_per_minute": dict(settings.service_outage_cost_per_minute),
        "events_per_year": dict(settings.events_per_year),
        "model": "per host and year: events x (change_cost + units x (labour + outage)); a unit is one "
                 "guest cluster or one pinned guest outside any guest cluster; a guest tied only by connected "
                 "media (VMW-18, VMW-19, HYV-12) costs media_minutes of the virtualisation admin instead of "
                 "labour and outage and takes no share of change_cost, which the host's other units share "
                 "equally; a host tied by such guests alone takes no change_cost (a standard change); a fix "
                 "frees a host when only such guests are left on it, and saves the host's yearly cost less "
                 "their media_minutes",
    }
