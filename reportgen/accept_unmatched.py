"""Why an accepted exception matches nothing: gone (*stale*), changed, or not assessed.

An entry that matches nothing is *stale* (it can be removed) only when what it names is gone and every check
that could match it ran. When the guest cluster it names is still there with other members, or the guest it
names is another VM now (its identity is not among the entry's ``ids``), it is *changed*: it accepts nothing
until it is reviewed and signed off again. When a check that could match it was not run on this audit's
exports (a tab missing), it is *not-assessed*: the tie may well still be there, so the entry is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .accept import AcceptEntry, Status, matches

if TYPE_CHECKING:
    from .analysis import Analysis


@dataclass(frozen=True)
class Known:
    """A guest of the audit, by the name and identities an entry can name it with."""

    name: str
    ids: frozenset[str]


@dataclass(frozen=True)
class KnownCluster:
    name: str
    members: tuple[Known, ...]


@dataclass(frozen=True)
class Present:
    """What an entry may name in the audit."""

    guests: tuple[Known, ...]
    clusters: tuple[KnownCluster, ...]
    names: Mapping[str, frozenset[str]]
    """'host', 'cluster' and 'cause' -> the names of that kind in the audit (a cause: datastores, port groups,
    switches, guest clusters, vSphere and Hyper-V clusters)."""


def unmatched_status(entry: AcceptEntry, present: Present,
                     not_assessed: Mapping[str, str]) -> tuple[Status, tuple[str, ...]]:
    """(status, why) of an entry that matches nothing. ``not_assessed``: rule -> why it was not run, for the
    rules some export of the audit could have shown but did not (a tab or column missing)."""
    guests = present.guests
    changed = _replaced(entry, guests) + _cluster_changes(entry, present.clusters)
    if changed:
        return "changed", changed
    named = _named(entry)
    if named and not any(_found(name, ident, guests) for name, ident in named) or _gone(entry, present.names):
        return "stale", ()  # what it names is gone from the export
    rules = {r: why for r, why in not_assessed.items() if entry.rule is None or matches(entry.rule, r)}
    if rules:
        return "not-assessed", tuple(f"{rule} was not assessed ({why})" for rule, why in sorted(rules.items()))
    return "stale", ()


def _gone(entry: AcceptEntry, names: Mapping[str, frozenset[str]]) -> bool:
    """Whether a host, cluster or cause the entry names is in the audit under no name that fits."""
    for key in ("host", "cluster", "cause"):
        pattern = getattr(entry, key)
        if pattern is not None and not any(matches(pattern, v) or key == "host" and matches(pattern, v.split(".")[0])
                                           for v in names.get(key, ())):
            return True
    return False


def _named(entry: AcceptEntry) -> list[tuple[str, str | None]]:
    """(name, identity or None) of each guest the entry names."""
    names = entry.guests or ((entry.guest,) if entry.guest is not None else ())
    ids: Sequence[str | None] = [i.casefold() for i in entry.ids] or [None] * len(names)
    return list(zip(names, ids, strict=False))


def _found(name: str, ident: str | None, guests: Sequence[Known]) -> bool:
    return any((ident is not None and ident in g.ids) or matches(name, g.name) for g in guests)


def _replaced(entry: AcceptEntry, guests: Sequence[Known]) -> tuple[str, ...]:
    """'hqweb10 is another VM now …' for each guest named with an identity whose name is now another VM's."""
    said = []
    for name, ident in _named(entry):
        if ident is None or any(ident in g.ids for g in guests):
            continue
        others = [g for g in guests if matches(name, g.name)]
        if others:
            said.append(f"{others[0].name} is another VM now: its identity is not the entry's {ident}, so the "
                        "VM signed off for was replaced or rebuilt; review and sign off the new one")
    return tuple(said)


def _cluster_changes(entry: AcceptEntry, clusters: Sequence[KnownCluster]) -> tuple[str, ...]:
    """'guest cluster X now also has a, no longer has b' for each guest cluster holding a guest the entry names."""
    if not entry.guests:
        return ()
    said = []
    named = _named(entry)
    for cluster in clusters:
        mine = [g for g in cluster.members if any(_is(g, name, ident) for name, ident in named)]
        if not mine:
            continue
        joined = [g.name for g in cluster.members if g not in mine]
        left = [name for name, ident in named if not any(_is(g, name, ident) for g in cluster.members)]
        parts = [f"now also has {', '.join(joined)}"] * bool(joined) + [f"no longer has {', '.join(left)}"] * bool(left)
        if parts:
            said.append(f"guest cluster {cluster.name} {' and '.join(parts)}: review it and sign it off again as it is")
    return tuple(said)


def _is(guest: Known, name: str, ident: str | None) -> bool:
    """Whether ``guest`` is the one named: by its identity when the entry gives one, else by its name."""
    return ident in guest.ids if ident is not None else matches(name, guest.name)


def what_is_present(analysis: Analysis, guests: Mapping[str, tuple[str, frozenset[str]]],
                    reveal: Callable[[str], str]) -> Present:
    """The guests (key -> real name, identities), guest clusters, hosts, clusters and causes of the audit."""
    known = {k: Known(name, ids) for k, (name, ids) in guests.items()}
    clusters = tuple(KnownCluster(reveal(c.name), tuple(known[g.key] for g in c.guests if g.key in known))
                     for c in analysis.guest_clusters)
    estate = analysis.estate

    def column(table: str, name: str) -> set[str]:
        return {reveal(v) for v in estate.table(table).column(name).to_pylist() if v}

    host_clusters = column("hosts", "cluster")
    causes = column("datastores", "name") | column("networks", "network") | column("networks", "switch")
    return Present(tuple(known.values()), clusters, {
        "host": frozenset(reveal(n) for n in analysis.host_names.values()), "cluster": frozenset(host_clusters),
        "cause": frozenset(causes | host_clusters | {c.name for c in clusters})})
