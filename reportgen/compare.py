"""Comparing two audits of one estate: what changed between them (``reportgen compare``, ``--history``).

Both sides are reduced to an :class:`AuditView` (from a findings JSON or a history snapshot,
see :mod:`.compare_read`), so the command and the quarter-on-quarter view follow the same rules:

- A guest is the same guest when it has the same VM UUID (the vCenter instance UUID; Hyper-V:
  the VMId), else the same key (vCenter + VM ID). A guest whose name changed is *renamed*, never
  a removal plus an addition.
- A guest cluster of the new audit that shares a member with one of the old audit is the same
  cluster (the one it shares most members with); it has *changed* when members were added or
  removed. An old cluster that shares no member with any new one is *fixed*; a new cluster that
  shares none with any old one is *new*. Only proven guest clusters count (not suspected ones).
- A host is *newly tied* when it cannot be emptied now and could before (or was not there), and
  *freed* the other way round.
- What one audit did not assess proves nothing: an old guest cluster (or tied host) missing from the
  new audit while a check that found it was not assessed there is *not assessed*, not fixed (freed);
  a new one whose checks the old audit did not assess is *first assessed*, not new (newly tied).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from .compare_scope import Apart, Host, Scope, cost_differs, cover_notes, host_changes, split_views
from .vm_counts import VmCounts, guests_text

MATCH_KEYS = ("guests", "guest", "host", "cluster", "rule", "cause")
"""The keys of an acceptance that say what it accepts (its identity from one audit to the next)."""


@dataclass(frozen=True)
class Guest:
    key: str
    name: str
    uuid: str | None = None


@dataclass(frozen=True)
class GuestCluster:
    id: str
    name: str
    members: tuple[Guest, ...]
    rules: tuple[str, ...] = ()
    """The checks that found it (empty when the audit does not say)."""
    hosts: tuple[str, ...] = ()
    """The labels of the hosts its nodes run on (empty when the audit does not say)."""


@dataclass(frozen=True)
class Acceptance:
    what: str
    """What the entry accepts, e.g. ``guest=sql*, rule=VMW-02`` (its identity across audits)."""
    status: str
    matched: int | None = None


@dataclass(frozen=True)
class AuditView:
    """What a comparison needs of one audit."""

    source: str
    """The file it was read from."""
    label: str
    """When it was taken: the quarter of a snapshot, the time a findings JSON was written."""
    clusters: tuple[GuestCluster, ...]
    tied_hosts: frozenset[str]
    guests: tuple[Guest, ...]
    """Every guest the audit names (members, tied and stranded guests, guests of findings)."""
    cost: float
    currency: str | None = None
    acceptances: tuple[Acceptance, ...] | None = None
    """None when the audit carries no acceptances."""
    servers: frozenset[str] = frozenset()
    """The estate's management servers (``platform:uuid-or-name``); empty when unknown."""
    estate: str = ""
    """The estate's identity hash (:func:`reportgen.history.estate_identity`); empty when unknown."""
    scope: str = ""
    """The audit's scope in words (``only cluster Prod*``); empty when it covered the whole estate."""
    not_assessed: frozenset[str] | None = None
    """Checks the audit did not assess on some export (what they would find is unknown); None: not said."""
    host_rules: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Tied host -> the checks that tie it."""
    vms: VmCounts | None = None
    """Its VMs by kind (guests as the cover counts them); None when the audit did not count them apart."""
    vm_total: int | None = None
    """Every VM it listed; None when not recorded."""
    hosts: tuple[Host, ...] | None = None
    """Every host it audited; None when not recorded (a history snapshot): what it covered is then unknown."""
    server_names: Mapping[str, str] = field(default_factory=dict)
    """Management server (as in ``servers``) -> its name."""
    scope_rules: Scope = Scope(known=False)
    exported: Mapping[str, str] = field(default_factory=dict)
    """Management server -> when its export was taken (ISO 8601)."""
    generated_at: str | None = None
    """When the audit was written (ISO 8601); None when not recorded."""
    assumptions: Mapping[str, object] | None = None
    """The cost assumptions (rates, change cost, events a year); None when not recorded."""
    tied_guests: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Guest key of each guest that ties a host -> the checks that tie it (empty when not recorded)."""
    guest_costs: Mapping[str, float] = field(default_factory=dict)
    """Guest key -> the yearly cost of the tie (findings ``cost.per_pinned_guest``)."""


@dataclass(frozen=True)
class ClusterChange:
    old: GuestCluster
    new: GuestCluster
    added: tuple[str, ...]
    """Names (as now) of members that joined."""
    removed: tuple[str, ...]
    """Names (as then) of members that left."""


@dataclass(frozen=True)
class Renamed:
    key: str
    old: str
    new: str


@dataclass(frozen=True)
class AcceptanceChange:
    what: str
    old: str | None
    """The status then; None when the entry was not there."""
    new: str | None
    """The status now; None when the entry is gone."""


@dataclass(frozen=True)
class Comparison:
    old: AuditView
    new: AuditView
    clusters_new: tuple[GuestCluster, ...]
    clusters_fixed: tuple[GuestCluster, ...]
    clusters_changed: tuple[ClusterChange, ...]
    hosts_newly_tied: tuple[str, ...]
    hosts_freed: tuple[str, ...]
    renamed: tuple[Renamed, ...]
    acceptances: tuple[AcceptanceChange, ...]
    notes: tuple[str, ...] = field(default=())
    """What the reader should know about the comparison itself (e.g. a vCenter in one audit only)."""
    clusters_unseen: tuple[GuestCluster, ...] = ()
    """Old guest clusters the new audit does not show, but whose checks it did not assess: not 'fixed'."""
    hosts_unseen: tuple[str, ...] = ()
    """Hosts tied before and not now, where a check that tied them was not assessed now: not 'freed'."""
    clusters_first_assessed: tuple[GuestCluster, ...] = ()
    """New guest clusters whose checks the old audit did not assess: not 'new'."""
    hosts_first_assessed: tuple[str, ...] = ()
    """Hosts tied now and not before, where a check that ties them was not assessed before: not 'newly tied'."""
    apart: tuple[Apart, ...] = ()
    """Hosts of one audit that the other does not cover (server missing, scope): not compared."""
    hosts_removed: tuple[str, ...] = ()
    """Hosts tied then that the new audit covers but does not list (removed from the estate): not 'freed'."""
    hosts_added: tuple[str, ...] = ()
    """Hosts tied now that the old audit covered but did not list (added to the estate): not 'newly tied'."""
    clusters_removed: tuple[GuestCluster, ...] = ()
    """Old guest clusters not in the new audit whose hosts are all gone from the estate: not 'fixed'."""
    guests_unseen: tuple[tuple[str, float], ...] = ()
    """(name, yearly cost then) of guests tied then and not now, while a check that tied them was not assessed
    now: not a saving."""
    cost_differs: tuple[str, ...] = ()
    """Why the two yearly costs cannot be compared (other currencies, other cost assumptions); empty: they can."""

    @property
    def cost_old(self) -> float:
        """The old yearly cost of what both audits cover."""
        return self.old.cost - sum(a.cost for a in self.apart if a.side == "old")

    @property
    def cost_new(self) -> float:
        """The new yearly cost of what both audits cover."""
        return self.new.cost - sum(a.cost for a in self.apart if a.side == "new")

    @property
    def unchanged(self) -> bool:
        """Nothing that the comparison reports differs."""
        return not (self.clusters_new or self.clusters_fixed or self.clusters_changed or self.hosts_newly_tied
                    or self.hosts_freed or self.renamed or self.acceptances or self.clusters_unseen
                    or self.hosts_unseen or self.clusters_first_assessed or self.hosts_first_assessed
                    or self.apart or self.hosts_removed or self.hosts_added or self.cost_differs
                    or self.clusters_removed or self.guests_unseen
                    ) and self.cost_old == self.cost_new


def _identities(old: tuple[Guest, ...], new: tuple[Guest, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """A common identity for each old and new guest key: the same for the same guest on both sides."""
    new_ids = {g.key: f"new:{g.key}" for g in new}
    by_uuid = {g.uuid: g.key for g in new if g.uuid}
    old_ids: dict[str, str] = {}
    taken: set[str] = set()
    for g in old:  # by VM UUID first, then by key among the guests not yet matched
        match = by_uuid.get(g.uuid) if g.uuid else None
        if match is not None and match not in taken:
            old_ids[g.key] = new_ids[match]
            taken.add(match)
    for g in old:
        if g.key not in old_ids:
            if g.key in new_ids and g.key not in taken:
                old_ids[g.key] = new_ids[g.key]
                taken.add(g.key)
            else:
                old_ids[g.key] = f"old:{g.key}"
    return old_ids, new_ids


def _guest_index(guests: tuple[Guest, ...], clusters: tuple[GuestCluster, ...]) -> tuple[Guest, ...]:
    """Every guest once (by key), members included; the first name seen wins."""
    seen: dict[str, Guest] = {}
    for g in (*guests, *(m for c in clusters for m in c.members)):
        known = seen.get(g.key)
        if known is None or (known.uuid is None and g.uuid):
            seen[g.key] = Guest(g.key, known.name if known else g.name, g.uuid)
    return tuple(seen.values())


def _clusters(old: AuditView, new: AuditView, old_ids: dict[str, str], new_ids: dict[str, str],
              ) -> tuple[tuple[GuestCluster, ...], tuple[GuestCluster, ...], tuple[ClusterChange, ...]]:
    def members(c: GuestCluster, ids: dict[str, str]) -> dict[str, Guest]:
        return {ids.get(g.key, g.key): g for g in c.members}

    before = [(c, members(c, old_ids)) for c in old.clusters]
    matched_old: set[str] = set()
    fresh: list[GuestCluster] = []
    changed: list[ClusterChange] = []
    for c in new.clusters:
        now = members(c, new_ids)
        overlaps = [(len(now.keys() & then.keys()), then_c.name, then_c, then) for then_c, then in before
                    if now.keys() & then.keys()]
        if not overlaps:
            fresh.append(c)
            continue
        overlaps.sort(key=lambda o: (-o[0], o[1]))
        for _, _, then_c, _ in overlaps:
            matched_old.add(then_c.id)
        _, _, then_c, then = overlaps[0]
        added = sorted(now[i].name for i in now.keys() - then.keys())
        removed = sorted(then[i].name for i in then.keys() - now.keys())
        if added or removed:
            changed.append(ClusterChange(then_c, c, tuple(added), tuple(removed)))
    fixed = [c for c, _ in before if c.id not in matched_old]
    return tuple(fresh), tuple(fixed), tuple(changed)


def _acceptances(old: AuditView, new: AuditView) -> tuple[AcceptanceChange, ...]:
    if old.acceptances is None or new.acceptances is None:  # not recorded: not 'absent' (see compare_views' note)
        return ()
    then = {a.what: a.status for a in old.acceptances or ()}
    now = {a.what: a.status for a in new.acceptances or ()}
    return tuple(AcceptanceChange(what, then.get(what), now.get(what))
                 for what in sorted(then.keys() | now.keys()) if then.get(what) != now.get(what))


def compare_views(old: AuditView, new: AuditView) -> Comparison:
    """What changed from ``old`` to ``new`` (two audits of one estate)."""
    old_guests = _guest_index(old.guests, old.clusters)
    new_guests = _guest_index(new.guests, new.clusters)
    old_ids, new_ids = _identities(old_guests, new_guests)
    new_by_id = {new_ids[g.key]: g for g in new_guests}
    renamed = sorted(
        (Renamed(g.key, g.name, now.name) for g in old_guests
         if (now := new_by_id.get(old_ids[g.key])) is not None and now.name != g.name),
        key=lambda r: (r.old.lower(), r.old))
    fresh, fixed, changed = _clusters(old, new, old_ids, new_ids)
    split = split_views(old, new)
    freed, tied, removed, added = host_changes(old, new, split)
    gone: tuple[GuestCluster, ...] = ()
    if split is not None:  # what one audit does not cover is listed apart, never fixed, freed, new or tied
        fixed = tuple(c for c in fixed if not set(c.hosts) & split.old_out.keys())
        fresh = tuple(c for c in fresh if not set(c.hosts) & split.new_out.keys())
        left = set(split.new_keys.values())
        gone = tuple(c for c in fixed if c.hosts and all(split.old_keys.get(h, h) not in left for h in c.hosts))
        fixed = tuple(c for c in fixed if c not in gone)
    notes = cover_notes(old, new, split)
    lost = _tied_unassessed(old, new, old_ids, new_ids, {g.key: g.name for g in old_guests})
    unseen, hidden, note = _gone_unassessed(new, fixed, freed, old.host_rules)
    fixed = tuple(c for c in fixed if c not in unseen)
    notes.extend(note)
    first, first_tied, rules = _not_assessed_in(old, fresh, tied, new.host_rules)
    fresh = tuple(c for c in fresh if c not in first)
    if first or first_tied:
        notes.append(f"{len(first)} guest cluster(s) and {len(first_tied)} tied host(s) of the new audit are not in "
                     f"the old one, but checks that found them ({', '.join(rules)})"
                     " were not assessed in the old audit: they are listed as first assessed, not as new or newly tied")
    if (old.acceptances is None) != (new.acceptances is None):
        notes.append(f"{old.source if old.acceptances is None else new.source} does not record its accepted "
                     "exceptions (an older findings JSON, or a snapshot written without them): how they changed is "
                     "not listed")
    if old.not_assessed is None and (fresh or tied - first_tied):
        notes.append("the old audit does not record which checks it did not assess: the comparison could not tell "
                     "whether a new guest cluster or newly tied host was only not assessed before")
    return Comparison(
        old=old, new=new,
        clusters_unseen=tuple(sorted(unseen, key=lambda c: c.name)), hosts_unseen=tuple(sorted(hidden)),
        clusters_first_assessed=tuple(sorted(first, key=lambda c: c.name)), hosts_first_assessed=tuple(sorted(first_tied)),
        clusters_new=tuple(sorted(fresh, key=lambda c: c.name)),
        clusters_fixed=tuple(sorted(fixed, key=lambda c: c.name)),
        clusters_changed=tuple(sorted(changed, key=lambda c: c.new.name)),
        hosts_newly_tied=tuple(sorted(tied - first_tied)),
        hosts_freed=tuple(sorted(freed - hidden)),
        renamed=tuple(renamed),
        acceptances=_acceptances(old, new),
        notes=tuple(notes),
        apart=split.apart if split is not None else (),
        hosts_removed=tuple(sorted(removed)), hosts_added=tuple(sorted(added)),
        clusters_removed=tuple(sorted(gone, key=lambda c: c.name)),
        guests_unseen=lost, cost_differs=(*cost_differs(old, new), *_lost_text(old, lost)),
    )


def _tied_unassessed(old: AuditView, new: AuditView, old_ids: Mapping[str, str], new_ids: Mapping[str, str],
                     names: Mapping[str, str]) -> tuple[tuple[str, float], ...]:
    """(name, cost then) of old tied guests not tied now while a check that tied them was not assessed now."""
    if not new.not_assessed:
        return ()
    now = {new_ids.get(k, k) for k in new.tied_guests}
    return tuple(sorted(((names.get(k, k), old.guest_costs.get(k, 0.0)) for k, rules in old.tied_guests.items()
                         if old_ids.get(k, k) not in now and rules & new.not_assessed), key=lambda g: g[0].lower()))


def _lost_text(old: AuditView, lost: tuple[tuple[str, float], ...]) -> tuple[str, ...]:
    from .report.formats import money

    if not lost:
        return ()
    return (f"{len(lost)} guest(s) tied then and not now ({', '.join(n for n, _ in lost)}; their share of the cost "
            f"then {money(sum(c for _, c in lost), old.currency or 'GBP')} a year) were tied by checks the new audit did "
            "not assess: whether they still tie their hosts is unknown, so the new cost may leave them out",)


def _gone_unassessed(new: AuditView, fixed: Iterable[GuestCluster], freed: AbstractSet[str],
                     host_rules: Mapping[str, frozenset[str]]) -> tuple[list[GuestCluster], set[str], list[str]]:
    """Old guest clusters and tied hosts missing from ``new`` that it may not have assessed, and the note saying so.
    A new audit that does not say which checks it assessed (no coverage) could have missed any of them."""
    if new.not_assessed is None:
        unseen, hidden = list(fixed), set(freed)
        note = (f"{new.source} does not say which checks it assessed (it has no coverage): the comparison could not "
                f"tell whether the {len(unseen)} guest cluster(s) and {len(hidden)} tied host(s) of the old audit "
                "missing from it were fixed or only not assessed; they are listed as not assessed, not as fixed or "
                "freed (compare findings JSON files written by 'reportgen audit --json' as they are)")
        return unseen, hidden, [note] if unseen or hidden else []
    unseen, hidden, rules = _not_assessed_in(new, fixed, freed, host_rules)
    if not (unseen or hidden):
        return unseen, hidden, []
    return unseen, hidden, [f"{len(unseen)} guest cluster(s) and {len(hidden)} tied host(s) of the old audit are not "
                            f"in the new one, but checks that found them ({', '.join(rules)}) were not assessed in "
                            "the new audit: they are listed as not assessed, not as fixed or freed"]


def _not_assessed_in(view: AuditView, clusters: Iterable[GuestCluster], hosts: Iterable[str],
                     host_rules: Mapping[str, frozenset[str]]) -> tuple[list[GuestCluster], set[str], list[str]]:
    """Those of ``clusters`` and ``hosts`` (seen in the other audit only) that a check not assessed in ``view``
    found, and those checks: their absence from ``view`` proves nothing."""
    unseen = [c for c in clusters if _unassessed(c.rules, view)]
    hidden = {h for h in hosts if _unassessed(tuple(host_rules.get(h, ())), view)}
    rules = {r for c in unseen for r in c.rules} | {r for h in hidden for r in host_rules.get(h, ())}
    return unseen, hidden, sorted(rules & (view.not_assessed or set()))


def _unassessed(rules: tuple[str, ...], view: AuditView) -> bool:
    """Whether a check among ``rules`` was not assessed in ``view`` (so its absence there proves nothing)."""
    return bool(view.not_assessed and set(rules) & view.not_assessed)


def describe_acceptance(entry: dict[str, object], position: int) -> str:
    """What an acceptance accepts, in one line (its match keys), else its position in the file."""
    parts = []
    for key in MATCH_KEYS:
        value = entry.get(key)
        if value is None or value == "" or value == []:
            continue
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}={shown}")
    return "; ".join(parts) if parts else f"entry {position}"


def acceptances_from(entries: list[dict[str, object]]) -> tuple[Acceptance, ...]:
    """Acceptances as a findings JSON (``acceptances``) or a snapshot lists them; entries that are not
    objects are left out (the caller checks the shape)."""
    found = []
    for position, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            continue
        what = entry.get("what")
        matched = entry.get("matched")
        found.append(Acceptance(
            what=what if isinstance(what, str) else describe_acceptance(entry, position),
            status=str(entry.get("status") or "unknown"),
            matched=matched if isinstance(matched, int) and not isinstance(matched, bool) else None,
        ))
    return tuple(found)


def vms_text(view: AuditView) -> str:
    """``3 guests (plus 2 templates and 3 vCLS agent VMs)``, or what is known when the audit did not count them apart."""
    if view.vms is not None:
        return guests_text(view.vms)
    if view.vm_total is not None:
        return f"{view.vm_total:,} VMs, not told apart into guests, templates and vCLS agents"
    return "not recorded"
