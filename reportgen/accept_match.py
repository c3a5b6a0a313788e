"""Which findings and guest clusters each accepted exception covers, and each exception's status.

Entries match by the names users know (guest, host, vSphere / Hyper-V cluster, rule, the datastore or
network named as the cause) and, for guests, by identity: an entry written with ``ids`` keeps
matching a guest renamed since, and says so. With ``--redact`` the analysis holds pseudonyms;
``reveal`` turns each back into the real name so that entries match as they were written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .accept import AcceptEntry, AcceptFile, Status, is_literal, matches
from .accept_cost import HeldOpen, find_held_open, split_cost
from .accept_keys import Guest, Subject, match
from .analysis import Analysis, GuestClusterResult
from .causes import RuleCause
from .cost import Costing
from .estate import Estate
from .host_labels import cluster_homes
from .rules import Finding


@dataclass(frozen=True)
class Accepted:
    """What an open-looking finding or guest cluster carries when an exception in force covers it."""

    entry: int
    owner: str
    approved_by: str
    reason: str
    ticket: str | None
    expires: dt.date
    matched_by: tuple[int, ...] = ()
    """Every entry that matches it, in file order, expired ones too: a renewal after an expiry keeps the
    first acceptance on record, and a later entry that also matches is named."""


@dataclass(frozen=True)
class EntryResult:
    entry: AcceptEntry
    status: Status
    findings: int
    """Findings the entry matches (also when it has expired)."""
    guest_clusters: int
    annual_cost: float
    """Yearly cost of the guest clusters and pinned guests it matches: still paid while accepted."""
    renamed: tuple[tuple[str, str], ...] = ()
    """(name in the entry, name in the export) of guests matched by identity under a new name."""
    accepted_first_by: tuple[int, ...] = ()
    """Earlier entries in force that already accept some of what this one matches: the first in the file
    that matches a finding or guest cluster is the one it is shown as accepted by."""
    held_open: tuple[HeldOpen, ...] = ()
    """Guest clusters it accepts whose cost stays open because a finding on a member is open."""
    ambiguous: tuple[str, ...] = ()
    """The same-named things of different vCenters its names fit ('esx01 in vc01…', 'esx01 in vc02…') when it
    gives no ``vcenter`` to say which it was signed off for: it accepts none of them."""
    ambiguous_kind: str = ""
    """What those things are: 'hosts', 'guests', 'guest clusters', 'clusters' or 'causes'."""
    why: tuple[str, ...] = ()
    """Why an entry that matches nothing is *changed* or *not-assessed* (see :mod:`~reportgen.accept_unmatched`)."""

    @property
    def matched(self) -> int:
        return self.findings + self.guest_clusters

    @property
    def ambiguity(self) -> str:
        """'names 2 hosts of different vCenters (esx01 in vc01…, esx01 in vc02…)'; empty when not ambiguous."""
        if not self.ambiguous:
            return ""
        return f"names {len(self.ambiguous)} {self.ambiguous_kind} of different vCenters ({', '.join(self.ambiguous)})"


@dataclass(frozen=True)
class Judgement:
    """The accept file applied to one audit on one day."""

    path: str
    as_of: dt.date
    entries: tuple[EntryResult, ...]
    findings: tuple[Accepted | None, ...]
    """Parallel to ``analysis.findings``: the exception in force that accepts each, if any."""
    clusters: dict[str, Accepted]
    """Guest cluster id -> the exception that accepts it (none while a finding on a member is open)."""
    guests: dict[str, Accepted]
    """Guest key -> the exception that accepts every finding tying the guest (the register's mark)."""

    def is_open(self, index: int) -> bool:
        return self.findings[index] is None

    def split_cost(self, costing: Costing) -> tuple[float, float]:
        """(open, accepted) yearly cost in whole units (see :mod:`~reportgen.accept_cost`)."""
        return split_cost(self.clusters, self.guests, costing)


def _same(text: str) -> str:
    return text


def audit_day(estate: Estate) -> dt.date:
    """The audit's day: when its newest export was taken; the day it runs only if no export says."""
    exported = [d for d in estate.sources.column("exported_at").to_pylist() if d is not None]
    return max(exported).date() if exported else dt.datetime.now(dt.UTC).date()


def judge(accept: AcceptFile, analysis: Analysis, costing: Costing, as_of: dt.date,
          reveal: Callable[[str], str] | None = None) -> Judgement:
    """Match every entry against the audit's findings and guest clusters; statuses as of ``as_of``.

    ``reveal`` gives the real name behind a pseudonym when the analysis is redacted.
    """
    reveal = reveal or _same
    places = _places(analysis.estate, reveal)
    guests = _guests(analysis, reveal)
    membership = _membership(analysis.guest_clusters)
    host_names = {k: reveal(v) for k, v in analysis.host_names.items()}
    hosts = analysis.estate.hosts
    host_keys = hosts.column("host_key").to_pylist()
    host_cluster = dict(zip(host_keys, (reveal(c) if c else None for c in hosts.column("cluster").to_pylist())))
    host_place = dict(zip(host_keys, hosts.column("source_id").to_pylist()))
    clusters = {c.id: c for c in analysis.guest_clusters}
    homes = {k: (reveal(name), source) for k, (name, source) in cluster_homes(analysis.estate).items()}
    finding_subjects = [_finding_subject(f, guests, membership, clusters, host_names, host_cluster, reveal,
                                         host_place.get(f.host_key) if f.host_key else None)
                        for f in analysis.findings]
    finding_subjects = [_of_cluster(s, f.cause, homes) for s, f in zip(finding_subjects, analysis.findings, strict=True)]
    cluster_subjects = [_cluster_subject(c, guests, reveal) for c in analysis.guest_clusters]

    results = []
    finding_accepted: list[Accepted | None] = [None] * len(finding_subjects)
    cluster_accepted: dict[str, Accepted] = {}
    entry_clusters: list[list[str]] = []
    finding_hits: list[list[int]] = [[] for _ in finding_subjects]
    cluster_hits: dict[str, list[int]] = {}
    for entry in accept.entries:
        renamed: dict[tuple[str, str], None] = {}
        scope = _entry_places(entry, places, guests)
        hit_findings = [i for i, s in enumerate(finding_subjects)
                        if _within(s, scope) and match(entry, s, renamed)]
        hit_clusters = [c.id for c, s in zip(analysis.guest_clusters, cluster_subjects)
                        if _within(s, scope) and match(entry, s, renamed)]
        kind, ambiguous = _ambiguity(entry, [*(finding_subjects[i] for i in hit_findings),
                                            *(s for c, s in zip(analysis.guest_clusters, cluster_subjects)
                                              if c.id in hit_clusters)], places) if scope is None else ("", ())
        for i in hit_findings:
            finding_hits[i].append(entry.position)
        for cid in hit_clusters:
            cluster_hits.setdefault(cid, []).append(entry.position)
        status = entry.status(len(hit_findings) + len(hit_clusters), as_of)
        first = sorted({a.entry for a in (*(finding_accepted[i] for i in hit_findings),
                                            *(cluster_accepted.get(c) for c in hit_clusters)) if a is not None})
        if status != "expired" and not ambiguous:
            record = Accepted(entry.position, entry.owner, entry.approved_by, entry.reason, entry.ticket,
                              entry.expires)
            for i in hit_findings:
                finding_accepted[i] = finding_accepted[i] or record
            for cid in hit_clusters:
                cluster_accepted.setdefault(cid, record)
        entry_clusters.append(hit_clusters if status != "expired" and not ambiguous else [])
        results.append(EntryResult(entry, status, len(hit_findings), len(hit_clusters),
                                   _cost(costing, hit_clusters, [analysis.findings[i] for i in hit_findings]),
                                   tuple(renamed), tuple(first), ambiguous=ambiguous, ambiguous_kind=kind))
    finding_accepted = _with_matched_by(finding_accepted, finding_hits)
    cluster_accepted = {c: _with_matched_by([a], [cluster_hits[c]])[0] or a for c, a in cluster_accepted.items()}
    held = find_held_open(analysis.guest_clusters, analysis.findings, finding_accepted, cluster_accepted,
                          analysis.guest_names)
    results = [replace(r, held_open=tuple(held[c] for c in hits if c in held))
               for r, hits in zip(results, entry_clusters, strict=True)]
    results = _explain(results, analysis, guests, reveal)
    held_members = {g.key for c in analysis.guest_clusters if c.id in held for g in c.guests}
    guests_accepted = {k: v for k, v in _accepted_guests(analysis.findings, finding_accepted).items()
                       if k not in held_members}
    return Judgement(accept.path, as_of, tuple(results), tuple(finding_accepted),
                     {c: a for c, a in cluster_accepted.items() if c not in held}, guests_accepted)


def _explain(results: list[EntryResult], analysis: Analysis, guests: dict[str, Guest],
             reveal: Callable[[str], str]) -> list[EntryResult]:
    """Each entry that matches nothing told apart: stale, changed or not assessed."""
    from .accept_unmatched import unmatched_status, what_is_present
    from .rules import CATALOGUE

    present = what_is_present(analysis, {k: (g.name, g.ids) for k, g in guests.items()}, reveal)
    missing = {c.rule: c.reason for c in analysis.coverage if c.status == "not-assessed"
               and not (c.rule in CATALOGUE and CATALOGUE[c.rule].cannot_assess)}
    explained = []
    for r in results:
        if not r.matched:
            status, why = unmatched_status(r.entry, present, missing)
            r = replace(r, status=status, why=why)
        explained.append(r)
    return explained


@dataclass(frozen=True)
class _Place:
    """An export's vCenter or Hyper-V cluster: its label, and the names an entry's ``vcenter`` may give it by."""

    label: str
    forms: tuple[str, ...]
    identity: str


def _places(estate: Estate, reveal: Callable[[str], str]) -> dict[int, _Place]:
    """Source id -> its place (two exports of one vCenter are one place)."""
    result = {}
    for s in estate.sources.to_pylist():
        server, uuid, file = (reveal(s[k]) if s[k] else None for k in ("server", "server_uuid", "file"))
        label = server or file or "an export without a name"
        forms = tuple(f for f in (server, uuid) if f) or tuple(f for f in (file,) if f)
        result[int(s["source_id"])] = _Place(label, forms, (uuid or server or file or str(s["source_id"])).casefold())
    return result


def _entry_places(entry: AcceptEntry, places: dict[int, _Place], guests: dict[str, Guest]) -> frozenset[int] | None:
    """The exports an entry is kept to: those its ``vcenter`` names, else those holding the guests its ``ids``
    identify (an entry drafted before it had a ``vcenter``); None when nothing keeps it to any."""
    if entry.vcenter is not None:
        return frozenset(k for k, p in places.items() if any(matches(entry.vcenter, f) for f in p.forms))
    ids = {i.casefold() for i in entry.ids}
    found = frozenset(g.place for g in guests.values() if g.place is not None and g.ids & ids) if ids else frozenset()
    return found or None


def _within(s: Subject, scope: frozenset[int] | None) -> bool:
    return scope is None or (bool(s.places) and all(p in scope for p in s.places))


_KINDS = (("host", "hosts"), ("guest", "guests"), ("guests", "guest clusters"), ("cluster", "clusters"),
          ("cause", "causes"))


def _ambiguity(entry: AcceptEntry, hits: Sequence[Subject], places: dict[int, _Place]) -> tuple[str, tuple[str, ...]]:
    """(kind, labels) of the same-named things of several vCenters that an entry naming one thing by its name
    (no ``*`` or ``?``) fits; ('', ()) when it fits things of one vCenter only, or names things by a pattern."""
    if len({places[p].identity for s in hits for p in s.places if p in places}) < 2:
        return "", ()
    for key, kind in _KINDS:
        value = getattr(entry, key)
        patterns = value if isinstance(value, tuple) else (value,) if value is not None else ()
        if not patterns or not all(is_literal(p) for p in patterns):
            continue
        labels = sorted({f"{_named(key, s, patterns)} in {places[p].label}" for s in hits for p in s.places
                         if p in places})
        return kind, tuple(labels)
    return "", ()


def _named(key: str, s: Subject, patterns: Sequence[str]) -> str:
    """The name of what a subject's ``key`` is (the first that fits the entry's pattern)."""
    values: Sequence[str] = {"host": s.hosts, "guest": [g.name for g in s.guests], "cluster": s.clusters,
                             "cause": s.causes[:1], "guests": [", ".join(g.name for g in s.members or ())]}[key]
    fits = [v for v in values if key == "guests" or any(matches(p, v) or matches(p, v.split(".")[0]) for p in patterns)]
    return (fits or list(values) or ["?"])[0]


def _with_matched_by(records: Sequence[Accepted | None], hits: Sequence[list[int]]) -> list[Accepted | None]:
    """Each record with the entries that match its finding (one record per entry and set of entries)."""
    made: dict[tuple[int, tuple[int, ...]], Accepted] = {}
    result: list[Accepted | None] = []
    for record, entries in zip(records, hits, strict=True):
        if record is not None:
            key = (record.entry, tuple(entries))
            record = made.setdefault(key, replace(record, matched_by=key[1]))
        result.append(record)
    return result


def _cost(costing: Costing, clusters: Sequence[str], findings: Sequence[Finding]) -> float:
    guests = {f.guest_key for f in findings if f.guest_key in costing.per_guest}
    return sum((costing.per_guest_cluster.get(c, 0.0) for c in clusters), 0.0) + \
        sum((costing.per_guest[g] for g in guests), 0.0)


def _accepted_guests(findings: Sequence[Finding], accepted: Sequence[Accepted | None]) -> dict[str, Accepted]:
    """Guests every tying finding of which is accepted."""
    result: dict[str, Accepted] = {}
    open_guests: set[str] = set()
    for finding, record in zip(findings, accepted):
        if finding.guest_key is None or finding.timing == "hygiene":
            continue
        if record is None:
            open_guests.add(finding.guest_key)
        else:
            result.setdefault(finding.guest_key, record)
    return {k: v for k, v in result.items() if k not in open_guests}


def _guests(analysis: Analysis, reveal: Callable[[str], str]) -> dict[str, Guest]:
    table = analysis.estate.guests
    columns = [table.column(c).to_pylist() for c in ("guest_key", "name", "host_key", "cluster", "vm_uuid", "source_id")]
    result = {}
    for key, name, host, cluster, uuid, source in zip(*columns):
        real_key = reveal(key)
        ids = {real_key.casefold()}
        if uuid:
            ids.add(f"uuid:{reveal(uuid)}".casefold())
        result[key] = Guest(key, reveal(name or key), frozenset(ids),
                             reveal(analysis.host_names[host]) if host in analysis.host_names else None,
                             reveal(cluster) if cluster else None, source)
    return result


def _membership(clusters: Sequence[GuestClusterResult]) -> dict[str, GuestClusterResult]:
    """Guest key -> its guest cluster (a proven one before a suspected one)."""
    result: dict[str, GuestClusterResult] = {}
    for cluster in sorted(clusters, key=lambda c: c.suspected):
        for g in cluster.guests:
            result.setdefault(g.key, cluster)
    return result


def _cause_names(cause: RuleCause | None, reveal: Callable[[str], str]) -> tuple[str, ...]:
    """The names a cause carries: a datastore, a port group and its distributed switch, a Hyper-V switch."""
    if not cause or not cause.name:
        return ()
    if cause.kind in ("datastore", "portgroup", "network", "switch"):
        return (reveal(cause.name),)
    if cause.kind == "dvportgroup":
        return (reveal(cause.where), reveal(cause.name))
    return ()


def _finding_subject(f: Finding, guests: dict[str, Guest], membership: dict[str, GuestClusterResult],
                     clusters: dict[str, GuestClusterResult], host_names: dict[str, str],
                     host_cluster: dict[str, str | None], reveal: Callable[[str], str],
                     host_place: int | None = None) -> Subject:
    guest = guests.get(f.guest_key) if f.guest_key else None
    guest_cluster = membership.get(f.guest_key) if f.guest_key else None
    host = host_names.get(f.host_key) if f.host_key else (guest.host if guest else None)
    cluster = host_cluster.get(f.host_key) if f.host_key else None
    cluster = cluster or (guest.cluster if guest else None)
    causes = _cause_names(f.cause, reveal)
    if guest_cluster is not None and f.cause is None:
        causes = (reveal(guest_cluster.name),)  # never its id: ids are numbered afresh by each audit
    members = tuple(guests[g.key] for g in guest_cluster.guests if g.key in guests) if guest_cluster else None
    places = {p for p in (guest.place if guest else None, host_place) if p is not None}
    return Subject((guest,) if guest else (), members, (host,) if host else (), (cluster,) if cluster else (),
                    (f.rule,), causes, tuple(sorted(places)))


def _of_cluster(s: Subject, cause: RuleCause | None, homes: dict[str, tuple[str, int]]) -> Subject:
    """A finding on a vSphere cluster's settings (VMW-24, VMW-25: no guest, no host) is matched by that cluster's
    name and kept to its vCenter, like a finding on one of its hosts."""
    if cause is None or cause.kind != "cluster" or cause.identity not in homes or s.guests or s.hosts:
        return s
    name, source = homes[cause.identity]
    return replace(s, clusters=(name,), places=(source,))


def _cluster_subject(c: GuestClusterResult, guests: dict[str, Guest], reveal: Callable[[str], str]) -> Subject:
    members = tuple(guests[g.key] for g in c.guests if g.key in guests)
    places = {g.place for g in members if g.place is not None}
    return Subject(members, members, tuple(reveal(h) for h in c.hosts), tuple(reveal(x) for x in c.clusters),
                    c.rules, (reveal(c.name),), tuple(sorted(places)))
