"""What two audits do not both cover: a management server (vCenter, Hyper-V cluster) in one audit only, or a
part of the estate inside one audit's scope only (``--include`` / ``--exclude`` differ).

Nothing of such a part is fixed, freed, new or newly tied: its hosts, tied hosts, guest clusters and yearly cost
are listed apart (:class:`Apart`), and the cost then and now is compared on what both audits cover. A host in
one audit only that the other audit covers (same server, inside its scope) was removed from (or added to) the
estate: it is not freed (or newly tied) either.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compare import AuditView

SERVER_MISSING = "server_missing"
OUT_OF_SCOPE = "out_of_scope"
PLATFORM_WORDS = {"vsphere": "vCenter", "hyperv": "Hyper-V cluster"}


@dataclass(frozen=True)
class Host:
    """One host of an audit, as a comparison needs it."""

    label: str
    name: str
    server: str = ""
    """The management server (``platform:uuid-or-name``, as :func:`reportgen.history.estate_parts`); '' unknown."""
    server_forms: tuple[str, ...] = ()
    """The server's name and instance UUID (what a ``vcenter=`` scope rule matches)."""
    cluster: str | None = None
    tied: bool = False
    cost: float = 0.0

    @property
    def key(self) -> str:
        """The same host in two audits: its server and name (a label depends on which other servers were read)."""
        return f"{self.server}|{self.name.lower()}" if self.server else self.label


@dataclass(frozen=True)
class Scope:
    """An audit's scope rules (``field=pattern``); ``known`` False when the audit did not record them."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    known: bool = True


@dataclass(frozen=True)
class Apart:
    """Hosts of one audit that the other does not cover, for one reason and one server."""

    side: str
    """``old`` or ``new``: the audit they are in."""
    reason: str
    """:data:`SERVER_MISSING` (the other audit has no export of their server) or :data:`OUT_OF_SCOPE`."""
    server: str
    """The server in words: ``Hyper-V cluster HVCL01``."""
    hosts: tuple[str, ...]
    tied_hosts: tuple[str, ...]
    clusters: tuple[str, ...]
    """Names of the guest clusters with a node on these hosts."""
    cost: float

    def text(self, old: str, new: str) -> str:
        """``Hyper-V cluster HVCL01 is not in the new audit (export missing?)`` and what it held."""
        where = new if self.side == "old" else old
        other = "new" if self.side == "old" else "old"
        hosts = f"{len(self.hosts)} host(s)"
        if self.reason == SERVER_MISSING:
            head = f"{self.server} is not in the {other} audit ({where}; export missing?): its {hosts}"
        else:
            head = f"{hosts} of {self.server} are outside the {other} audit's scope ({where})"
        tied = f", {len(self.tied_hosts)} tied: {', '.join(self.tied_hosts)}" if self.tied_hosts else ", none tied"
        clusters = f"; guest clusters {', '.join(self.clusters)}" if self.clusters else ""
        return (f"{head}{tied}{clusters}: listed apart, never as fixed, freed, new or newly tied, and their yearly "
                "cost is left out of the comparison")


def server_words(part: str, names: Mapping[str, str]) -> str:
    platform, _, ident = part.partition(":")
    return f"{PLATFORM_WORDS.get(platform, platform or 'server')} {names.get(part) or ident or '(unknown)'}"


def _matches(rule: str, host: Host) -> bool | None:
    """Whether a ``field=pattern`` rule matches the host; None when the host does not say (datacenter)."""
    field, _, pattern = rule.partition("=")
    if field == "vcenter":
        values: tuple[str, ...] = host.server_forms
    elif field == "cluster":
        values = (host.cluster,) if host.cluster else ()
    elif field == "host":
        values = (host.name, host.name.split(".", 1)[0])
    else:
        return None
    return any(fnmatch.fnmatchcase(v.lower(), pattern.lower()) for v in values if v)


def in_scope(host: Host, scope: Scope) -> bool | None:
    """Whether ``scope`` takes in ``host`` (None: cannot tell), as ``reportgen.scope`` applies the rules."""
    if not scope.known:
        return None
    found = {rule: _matches(rule, host) for rule in (*scope.include, *scope.exclude)}
    if None in found.values():
        return None
    fields = {r.partition("=")[0] for r in scope.include}
    if any(not any(found[r] for r in scope.include if r.startswith(f + "=")) for f in fields):
        return False
    return not any(found[r] for r in scope.exclude)


def uncovered(host: Host, key: str, keys: set[str], servers: frozenset[str], scope: Scope, same_scope: bool,
              ) -> str | None:
    """Why the other audit (its host keys, servers and scope) does not cover ``host``; None when it does."""
    if host.server and servers and host.server not in servers:
        return SERVER_MISSING
    if key in keys or same_scope or in_scope(host, scope):
        return None
    return OUT_OF_SCOPE


def aparts(side: str, hosts: Iterable[Host], reasons: Mapping[str, str], cluster_hosts: Mapping[str, tuple[str, ...]],
           names: Mapping[str, str]) -> tuple[Apart, ...]:
    """The hosts of ``side`` with a reason (label -> reason), grouped by reason and server."""
    groups: dict[tuple[str, str], list[Host]] = {}
    for h in hosts:
        if h.label in reasons:
            groups.setdefault((reasons[h.label], h.server), []).append(h)
    found = []
    for (reason, server), members in sorted(groups.items()):
        labels = {h.label for h in members}
        found.append(Apart(
            side=side, reason=reason, server=server_words(server, names),
            hosts=tuple(sorted(labels)), tied_hosts=tuple(sorted(h.label for h in members if h.tied)),
            clusters=tuple(sorted(c for c, on in cluster_hosts.items() if set(on) & labels)),
            cost=sum(h.cost for h in members)))
    return tuple(found)


@dataclass(frozen=True)
class Split:
    """What of two audits each does not cover, and the hosts in one audit only that the other does cover."""

    apart: tuple[Apart, ...]
    old_out: Mapping[str, str]
    """Old host label -> why the new audit does not cover it."""
    new_out: Mapping[str, str]
    old_keys: Mapping[str, str]
    """Old host label -> its key (:attr:`Host.key`)."""
    new_keys: Mapping[str, str]


def split_views(old: AuditView, new: AuditView) -> Split | None:
    """None when either audit does not list its hosts (a history snapshot): what it covers is unknown."""
    if old.hosts is None or new.hosts is None:
        return None
    same = old.scope_rules == new.scope_rules and old.scope_rules.known
    by_label = not all(h.server for h in (*old.hosts, *new.hosts))  # an older file does not say each host's server
    old_keys = {h.label: h.label if by_label else h.key for h in old.hosts}
    new_keys = {h.label: h.label if by_label else h.key for h in new.hosts}
    old_out = {h.label: r for h in old.hosts if (r := uncovered(
        h, old_keys[h.label], set(new_keys.values()), new.servers, new.scope_rules, same)) is not None}
    new_out = {h.label: r for h in new.hosts if (r := uncovered(
        h, new_keys[h.label], set(old_keys.values()), old.servers, old.scope_rules, same)) is not None}
    names = {**old.server_names, **new.server_names}
    apart = (*aparts("old", old.hosts, old_out, {c.name: c.hosts for c in old.clusters}, names),
             *aparts("new", new.hosts, new_out, {c.name: c.hosts for c in new.clusters}, names))
    return Split(apart, old_out, new_out, old_keys, new_keys)


def host_changes(old: AuditView, new: AuditView, split: Split | None) -> tuple[set[str], ...]:
    """(freed, newly tied, removed, added) tied hosts, by their label in their own audit. Freed and newly tied
    only for hosts in both audits; a tied host gone from what the other audit covers is removed (or added); one
    outside it is in neither (it is listed apart)."""
    if split is None:  # hosts not recorded: by label, and a host not in the other audit is freed or tied
        return set(old.tied_hosts - new.tied_hosts), set(new.tied_hosts - old.tied_hosts), set(), set()
    then = {split.old_keys.get(h, h): h for h in old.tied_hosts}
    now = {split.new_keys.get(h, h): h for h in new.tied_hosts}
    in_old, in_new = set(split.old_keys.values()), set(split.new_keys.values())
    gone = [then[k] for k in then.keys() - now.keys()]
    came = [now[k] for k in now.keys() - then.keys()]
    return ({h for h in gone if split.old_keys.get(h, h) in in_new},
            {h for h in came if split.new_keys.get(h, h) in in_old},
            {h for h in gone if split.old_keys.get(h, h) not in in_new and h not in split.old_out},
            {h for h in came if split.new_keys.get(h, h) not in in_old and h not in split.new_out})


def cover_notes(old: AuditView, new: AuditView, split: Split | None) -> list[str]:
    """What the reader should know of what the two audits cover (servers, scope)."""
    notes = []
    if split is None:  # hosts not recorded (a history snapshot): only the difference can be said
        if old.servers and new.servers and old.servers != new.servers:
            notes.append(f"{len(old.servers - new.servers)} management server(s) only in the old audit and "
                         f"{len(new.servers - old.servers)} only in the new one: the comparison could not tell "
                         "their hosts apart, so their guests and hosts may appear as fixed, freed, new or tied")
        if old.scope != new.scope:
            notes.append(f"the audits cover different parts of the estate ({old.scope or 'all of it'}; "
                         f"{new.scope or 'all of it'}): hosts and guest clusters in one scope only appear as freed, "
                         "tied, fixed or new")
        return notes
    if not old.scope_rules.known or not new.scope_rules.known:
        which = old.source if not old.scope_rules.known else new.source
        notes.append(f"{which} does not record its scope (an older findings JSON): hosts of the other audit "
                     "that it does not list are listed apart, as the comparison could not tell whether they were "
                     "outside its scope")
    elif old.scope != new.scope:
        notes.append(f"the audits cover different parts of the estate ({old.scope or 'all of it'}; "
                     f"{new.scope or 'all of it'}): what only one of them covers is listed apart, and the yearly "
                     "cost is compared on what both cover")
    return notes


def cost_differs(old: AuditView, new: AuditView) -> tuple[str, ...]:
    """Why the two yearly costs cannot be compared: other currencies, other cost assumptions."""
    reasons = []
    if old.currency and new.currency and old.currency != new.currency:
        reasons.append(f"they are in different currencies ({old.currency} then, {new.currency} now)")
    if old.assumptions is not None and new.assumptions is not None and old.assumptions != new.assumptions:
        keys = sorted(k for k in {*old.assumptions, *new.assumptions}
                      if old.assumptions.get(k) != new.assumptions.get(k))
        said = [f"{k} {old.assumptions.get(k)} then, {new.assumptions.get(k)} now"
                if isinstance(old.assumptions.get(k), int | float | str | None) and k != "model"
                and isinstance(new.assumptions.get(k), int | float | str | None) else k for k in keys]
        reasons.append(f"they were priced on different cost assumptions ({'; '.join(said)})")
    return tuple(reasons)
