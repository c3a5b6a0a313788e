"""The yearly cost of hosts that cannot be emptied automatically.

The model (every input comes from the config, every step is reproducible by hand):

- A host with at least one pinned running guest cannot be patched by automation: each of
  its maintenance events becomes a normal change, costing ``change_cost`` once per event.
- Each *unit* on that host (one guest cluster, or one pinned guest outside any guest
  cluster) adds the people in the window: the sum over roles of hours x rate x the
  out-of-hours multiplier, plus ``outage_minutes`` x ``outage_cost_per_minute``.
- per event = change_cost + units x (labour + outage); per year = events_per_year of the
  host's platform x per event.
- A unit's share of a host: events x (change_cost / units on the host + labour + outage).
  A guest cluster's cost is the sum of its shares over the hosts it pins; an owner's cost
  is the sum of the shares of the units they own (split evenly between co-owners).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .analysis import Analysis, HostResult
from .config import CostSettings


@dataclass(frozen=True)
class HostCost:
    host: str
    cluster: str | None
    events_per_year: float
    units: int
    per_event: float
    annual: float


@dataclass(frozen=True)
class Costing:
    currency: str
    annual_total: float
    annual_low: float
    annual_high: float
    per_event_labour: float
    """Hours x rate x out-of-hours multiplier of all roles, per unit and event."""
    per_event_outage: float
    hosts: tuple[HostCost, ...]
    per_faux_cluster: dict[str, float]
    per_guest: dict[str, float]
    """Pinned guests outside any guest cluster, by guest key."""
    per_owner: dict[str, float]
    assumptions: dict[str, object]


def unit_labour(cost: CostSettings) -> float:
    return sum(r.hours * r.rate for r in cost.roles.values()) * cost.out_of_hours_multiplier


def _units(host: HostResult) -> dict[str, tuple[str | None, ...]]:
    """Units on a host: 'faux:GC-001' or 'guest:<key>' -> owners of the unit's blockers."""
    units: dict[str, set[str | None]] = defaultdict(set)
    for g in host.blockers:
        unit = f"faux:{g.faux_cluster}" if g.faux_cluster else f"guest:{g.key}"
        units[unit].add(g.owner)
    return {u: tuple(sorted(o, key=lambda x: x or "")) for u, o in units.items()}


def cost_analysis(analysis: Analysis) -> Costing:
    settings = analysis.config.cost
    labour = unit_labour(settings)
    outage = settings.outage_minutes * settings.outage_cost_per_minute
    per_faux: dict[str, float] = defaultdict(float)
    per_guest: dict[str, float] = defaultdict(float)
    per_owner: dict[str, float] = defaultdict(float)
    host_costs = []
    totals = {"mid": 0.0, "low": 0.0, "high": 0.0}
    for host in analysis.hosts:
        if host.evacuable:
            continue
        units = _units(host)
        events = settings.events_per_year.get(host.platform, 0.0)
        n = len(units)
        for name, change in (("mid", settings.change_cost), ("low", settings.change_cost_low),
                             ("high", settings.change_cost_high)):
            totals[name] += events * (change + n * (labour + outage))
        per_event = settings.change_cost + n * (labour + outage)
        host_costs.append(HostCost(host.name, host.cluster, events, n, per_event, events * per_event))
        for unit, owners in units.items():
            share = events * (settings.change_cost / n + labour + outage)
            kind, _, ident = unit.partition(":")
            if kind == "faux":
                per_faux[ident] += share
            else:
                per_guest[ident] += share
            for owner in owners:
                per_owner[owner or "(owner unknown)"] += share / len(owners)
    return Costing(
        currency=analysis.config.report.currency,
        annual_total=round(totals["mid"], 2), annual_low=round(totals["low"], 2),
        annual_high=round(totals["high"], 2),
        per_event_labour=labour, per_event_outage=outage,
        hosts=tuple(sorted(host_costs, key=lambda c: -c.annual)),
        per_faux_cluster={k: round(v, 2) for k, v in sorted(per_faux.items())},
        per_guest={k: round(v, 2) for k, v in sorted(per_guest.items())},
        per_owner={k: round(v, 2) for k, v in sorted(per_owner.items(), key=lambda kv: -kv[1])},
        assumptions={
            "change_cost": settings.change_cost,
            "change_cost_range": [settings.change_cost_low, settings.change_cost_high],
            "out_of_hours_multiplier": settings.out_of_hours_multiplier,
            "roles": {name: {"hours": r.hours, "rate": r.rate} for name, r in settings.roles.items()},
            "labour_per_unit_and_event": round(labour, 2),
            "outage_minutes": settings.outage_minutes,
            "outage_cost_per_minute": settings.outage_cost_per_minute,
            "events_per_year": dict(settings.events_per_year),
            "model": "per host and year: events x (change_cost + units x (labour + outage)); a unit is one "
                     "guest cluster or one pinned guest outside any guest cluster",
        },
    )
