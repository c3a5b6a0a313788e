"""How one accepted-exception entry's match keys are checked against a finding or a guest cluster.

Every key the entry gives must hold. A guest is named by a name or pattern; an entry that also gives
``ids`` names those VMs: a guest renamed since still matches (and is reported renamed), and another VM
that now carries the name does not (:mod:`reportgen.accept_unmatched` reports the entry as changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .accept import AcceptEntry, matches


@dataclass(frozen=True)
class Guest:
    key: str
    name: str
    ids: frozenset[str]
    host: str | None
    cluster: str | None
    place: int | None = None
    """Its export's source id: the vCenter or Hyper-V cluster it is in."""


@dataclass(frozen=True)
class Subject:
    """A finding or a guest cluster, by the names entries are written with."""

    guests: tuple[Guest, ...]
    members: tuple[Guest, ...] | None
    hosts: tuple[str, ...]
    clusters: tuple[str, ...]
    rules: tuple[str, ...]
    causes: tuple[str, ...]
    """The names of its one cause (any of them matches)."""
    places: tuple[int, ...] = ()
    """Source ids of the exports its guests and host come from (their vCenters)."""



def match(entry: AcceptEntry, s: Subject, renamed: dict[tuple[str, str], None]) -> bool:
    """Whether every match key ``entry`` gives holds for ``s``; notes renamed guests it matched."""
    names: list[tuple[str, str]] = []
    if entry.guests and (s.members is None or not _members(entry, s.members, names)):
        return False
    if entry.guest is not None:
        ident = entry.ids[0].casefold() if entry.ids else None
        if not s.guests:
            return False
        for g in s.guests:  # given ids, the guest must be that VM: a new one of the same name is not
            if ident is not None and ident not in g.ids or ident is None and not matches(entry.guest, g.name):
                return False
            if not matches(entry.guest, g.name):
                names.append((entry.guest, g.name))
    checks = ((entry.host, s.hosts, True), (entry.cluster, s.clusters, False), (entry.rule, s.rules, False))
    for pattern, values, short in checks:
        if pattern is not None and not _all(pattern, values, short):
            return False
    if entry.cause is not None and not any(matches(entry.cause, c) for c in s.causes):
        return False  # one cause by any of its names: a port group or its switch, a guest cluster's name
    renamed.update(dict.fromkeys(names))
    return True


def _all(pattern: str, values: Sequence[str], short: bool) -> bool:
    """Values given, and each matches (a host by its name as exported or its short name)."""
    if not values:
        return False
    return all(matches(pattern, v) or (short and matches(pattern, v.split(".")[0])) for v in values)


def _members(entry: AcceptEntry, members: Sequence[Guest], renamed: list[tuple[str, str]]) -> bool:
    """Whether the guest cluster's members are exactly the entry's guests (by identity when it gives ids, else by
    name)."""
    if len(members) != len(entry.guests):
        return False
    left = list(members)
    ids: list[str | None] = [i.casefold() for i in entry.ids] or [None] * len(entry.guests)
    pending = []
    for name, ident in zip(entry.guests, ids):
        found = next((g for g in left if ident is not None and ident in g.ids), None)
        if found is None and ident is not None:
            return False  # given ids, the members must be those VMs: a new one of the same name is not
        if found is None:
            pending.append(name)
            continue
        left.remove(found)
        if not matches(name, found.name):
            renamed.append((name, found.name))
    for name in pending:
        found = next((g for g in left if matches(name, g.name)), None)
        if found is None:
            return False
        left.remove(found)
    return True
