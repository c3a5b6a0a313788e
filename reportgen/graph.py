"""The thin typed wrapper over the compiled core: validate, call, raise.

The graph kernels of :mod:`reportgen._core` are called from here only (the sheet scanner, the
other compiled module, serves the importers). It takes plain index arrays
(any integer dtype, converted to C-contiguous int32), checks them in O(n) numpy (dtype,
shape, bounds, lengths: :mod:`reportgen.graph_checks`, whose failures are
:class:`~reportgen.errors.CoreError`) so that the kernels can run without bounds checks, and
calls the kernels.

Indices: guests ``0..n_guests-1``, hosts ``0..n_hosts-1``, vSphere / Hyper-V clusters
``0..n_clusters-1``, rules ``0..n_rules-1``, causes ``0..n_causes-1``; -1 means unknown or
none where a field says so. Variable-length results are :class:`CSR` rows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._core import closure as _closure
from ._core import components as _components
from ._core import remediation as _remediation
from ._core import waves as _waves
from .graph_checks import (
    IndexArray,
    Int64Array,
    as_index,
    check_count,
    check_edges,
    check_range,
    flags,
    index_array,
    memory_mib,
)
from .wave_apart import plan_apart

BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]

IN_A_BOX, ACROSS_BOXES, MIXED, UNKNOWN = 0, 1, 2, 3
TOPOLOGY_NAMES = ("in-a-box", "across-boxes", "mixed", "unknown")
"""``TOPOLOGY_NAMES[topology]`` is the findings-JSON spelling of a guest cluster's topology."""



@dataclass(frozen=True)
class CSR:
    """Variable-length rows: row i is ``indices[indptr[i]:indptr[i+1]]``."""

    indptr: IndexArray
    indices: IndexArray

    def row(self, i: int) -> IndexArray:
        """Row i (a view)."""
        return self.indices[self.indptr[i]: self.indptr[i + 1]]

    def lengths(self) -> IndexArray:
        """Length of every row."""
        return np.diff(self.indptr).astype(np.int32)

    def tolist(self) -> list[list[int]]:
        """Rows as Python lists (for reports and tests)."""
        flat = self.indices.tolist()
        bounds = self.indptr.tolist()
        return [flat[a:b] for a, b in itertools.pairwise(bounds)]

    def __len__(self) -> int:
        return len(self.indptr) - 1


@dataclass(frozen=True)
class Edges:
    """Edges from guests (``src``) to guests or hosts (``dst``), each with its rule and cause.

    Guest-guest lists (bonds, colocations) are undirected; guest-host lists (pins, strands) go
    from the guest to the host.
    """

    src: IndexArray
    dst: IndexArray
    rule: IndexArray
    cause: IndexArray
    """-1 in rule or cause: no rule / cause (such an edge is never removed in step 7)."""

    @classmethod
    def empty(cls) -> Edges:
        """No edges."""
        e = np.zeros(0, dtype=np.int32)
        return cls(e, e, e, e)


@dataclass(frozen=True)
class GuestClusters:
    """Guest clusters: components of >= 2 guests over bond edges (step 1)."""

    count: int
    guest_cluster: IndexArray
    """Guest-cluster id per guest or -1; ids follow each cluster's smallest guest."""
    members: CSR
    """Per guest cluster: its guests, ascending."""
    hosts: CSR
    """Per guest cluster: distinct known hosts of its members, ascending."""
    topology: Int8Array
    """Per guest cluster: IN_A_BOX, ACROSS_BOXES, MIXED or UNKNOWN (see :func:`guest_clusters`)."""
    max_per_host: IndexArray
    """Per guest cluster: most members on one known host (0 if no host is known)."""


@dataclass(frozen=True)
class PinningInputs:
    """Everything steps 2-7 read. See :func:`pinning`."""

    n_guests: int
    n_hosts: int
    n_clusters: int
    n_rules: int
    n_causes: int
    guest_host: IndexArray
    """Current host or -1."""
    guest_active: BoolArray
    """Running workload that must be evacuated (bool or 0/1 integers); the caller decides."""
    guest_owner: IndexArray
    """Owner id or -1 (unknown)."""
    guest_cluster: IndexArray
    """Guest-cluster id (from :func:`guest_clusters`) or -1."""
    n_guest_clusters: int
    host_cluster: IndexArray
    """Cluster of each host or -1 (standalone)."""
    cluster_capacity: IndexArray
    """Per cluster: hosts allowed down in one wave (>= 1)."""
    guest_memory_mib: Int64Array
    """Per guest, <= 0 = unknown."""
    host_memory_mib: Int64Array
    """Per host, <= 0 = unknown."""
    colocations: Edges
    """Guests that must stay on the same host."""
    pins: Edges
    """Guest (src) cannot leave this host (dst) while running."""
    strands: Edges
    """Guest (src) would not restart elsewhere if this host (dst) failed."""
    guest_cluster_cause: IndexArray
    """Per guest cluster: its cause id, or -1."""
    waves_tied_only: bool = False
    """Keep apart in the waves only the nodes of guest clusters that cannot move live (a node pinned to its host);
    the nodes of the others leave their host by live migration, so a host maintenance takes none of them down."""
    host_cluster_unknown: BoolArray | None = None
    """Per host: its cluster membership is unknown -- planned apart (see :mod:`reportgen.wave_apart`)."""
    unknown_capacity: int = 1
    """Hosts of unknown membership in one wave at most: the lowest per-cluster limit."""
    guest_media_only: BoolArray | None = None
    """Per guest: tied by nothing but connected media, disconnected while it runs (no power-off). Step 7 then also
    gives, per cause and rule, the hosts whose other blockers all stop blocking."""


@dataclass(frozen=True)
class Pinning:
    """Results of steps 2-7. Host rows are indexed by host, guest rows by guest."""

    group: IndexArray
    """Colocation group per guest (components over colocations; numbered by smallest guest)."""
    group_count: int
    group_pinned: CSR
    """Per group: the distinct hosts its guests are pinned to, ascending."""
    pinned: CSR
    """Per guest: the hosts it cannot leave while running (its group's row), ascending."""
    conflict_groups: IndexArray
    """Groups pinned to >= 2 distinct hosts, ascending."""
    conflict_guests: CSR
    """Per conflict: the group's guests."""
    conflict_hosts: CSR
    """Per conflict: the group's pinned hosts."""
    blockers: CSR
    """Per host: active guests on it that are pinned to it (must be powered off to empty it)."""
    degraded: CSR
    """Per host: guest clusters with a blocker on it."""
    owners: CSR
    """Per host: distinct known owner ids of its blockers."""
    unknown_owner: BoolArray
    """Per host: some blocker has an unknown owner."""
    evacuable: BoolArray
    """Per host: no blockers."""
    domain: IndexArray
    """Maintenance domain per host (hosts joined through guest clusters; by smallest host)."""
    domain_count: int
    wave: IndexArray
    """Patch wave per host, 0-based."""
    wave_count: int
    wave_lower_bound: int
    """No valid plan has fewer waves than this."""
    stranded: CSR
    """Per host: active guests that would not restart elsewhere if it failed."""
    freed_by_cause: CSR
    """Per cause: hosts with blockers now and none without that cause's pins and colocations."""
    freed_by_rule: CSR
    """Per rule: the same, removing every pin and colocation the rule found."""
    containment_k: int
    """Dedicated hosts needed to hold every guest cluster."""
    containment_hosts_freed: int
    """Hosts that become evacuable if every guest-cluster cause is fixed."""
    containment_net: int
    """containment_hosts_freed - containment_k."""
    freed_but_media_by_cause: CSR | None = None
    """Per cause: hosts with blockers that need a power-off now and none without that cause's pins and colocations,
    blockers tied only by media (``guest_media_only``) aside; None when no such input was given."""
    freed_but_media_by_rule: CSR | None = None
    """Per rule: the same."""


# --------------------------------------------------------------------------- validation


def _edge_lists(e: Edges, name: str, n_a: int, n_b: int, n_rules: int | None,
                n_causes: int | None) -> tuple[IndexArray, IndexArray, IndexArray, IndexArray]:
    """Validated (src, dst, rule, cause) of a guest-guest (n_b = n_a) or guest-host edge list."""
    a = as_index(e.src, f"{name}.src")
    m = a.size
    check_range(a, 0, n_a, f"{name}.src")
    b = index_array(e.dst, f"{name}.dst", m, 0, n_b)
    rule = index_array(e.rule, f"{name}.rule", m, -1, n_rules)
    cause = index_array(e.cause, f"{name}.cause", m, -1, n_causes)
    return a, b, rule, cause


def _take_rows(csr: CSR, rows: IndexArray) -> CSR:
    """The CSR made of the given rows of csr, in that order."""
    starts = csr.indptr[rows].astype(np.int64)
    lengths = (csr.indptr[rows + 1] - csr.indptr[rows]).astype(np.int64)
    indptr = np.zeros(rows.size + 1, dtype=np.int32)
    np.cumsum(lengths, out=indptr[1:])
    offsets = np.arange(int(indptr[-1]), dtype=np.int64) - np.repeat(indptr[:-1], lengths)
    return CSR(indptr, csr.indices[np.repeat(starts, lengths) + offsets])


# --------------------------------------------------------------------------- step 1


def connected_components(n: int, src: object, dst: object) -> tuple[int, IndexArray]:
    """Components of the undirected graph on ``n`` nodes; returns (count, label per node).

    Labels are numbered in order of each component's smallest node.
    """
    s = as_index(src, "src")
    d = as_index(dst, "dst")
    check_edges(n, s, d)
    count, labels = _components.connected_components(n, s, d)
    return count, labels


def guest_clusters(n_guests: int, bonds: Edges, guest_host: IndexArray,
                   host_cluster: IndexArray) -> GuestClusters:
    """Guest clusters: components over bond edges with at least two distinct guests.

    Topology per cluster: UNKNOWN if a member's host is -1; else IN_A_BOX if all members are
    on one host; else ACROSS_BOXES if every member has its own host and all those hosts have
    the same ``host_cluster`` (all standalone counts as the same); else MIXED.

    Raises
    ------
    CoreError
        If an array has the wrong dtype, length or an index out of range.
    """
    n = check_count(n_guests, "n_guests")
    hc = as_index(host_cluster, "host_cluster")
    check_range(hc, -1, None, "host_cluster")
    n_hosts = hc.size
    gh = index_array(guest_host, "guest_host", n, -1, n_hosts)
    src, dst, _, _ = _edge_lists(bonds, "bonds", n, n, None, None)
    found = _components.guest_clusters(n, n_hosts, src, dst, gh, hc)
    return GuestClusters(found.n_clusters, found.guest_cluster, CSR(found.members_ptr, found.members),
                         CSR(found.hosts_ptr, found.hosts), found.topology, found.max_per_host)


# --------------------------------------------------------------------------- steps 2-7


def pinning(inputs: PinningInputs) -> Pinning:
    """Pin closure, evacuation, domains, waves, failure impact and remediation value.

    Steps, all over index arrays:

    2. colocation groups (components over ``colocations``); a guest is pinned to every host
       a pin edge of its group points at; groups pinned to >= 2 hosts are conflicts.
    3. blockers of host h: active guests on h pinned to h; their guest clusters and owners.
    4. maintenance domains: hosts joined when they carry members of one guest cluster.
    5. waves: no guest cluster on two hosts of one wave, at most ``cluster_capacity[c]``
       hosts of cluster c per wave (standalone: no limit), plus a lower bound.
    6. stranded on h: active guests on h with a strand edge to h, and active guests on h
       colocated (same group) with such a guest.
    7. hosts freed per cause and per rule (exact: as if steps 2-3 ran without that cause's or
       rule's pins and colocations), and the containment what-if.

    Raises
    ------
    CoreError
        If an array has the wrong dtype, length or an index out of range.
    """
    v = _checked(inputs)
    closure = _closure.pin_closure(v.n_guests, v.colocations.src, v.colocations.dst, v.pins.src,
                                   v.pins.dst)
    group_pinned = CSR(closure.pinned_ptr, closure.pinned_host)
    pinned_ptr, pinned = _closure.expand_pinned(v.n_guests, closure.group, closure.pinned_ptr,
                                                closure.pinned_host)
    conflict_groups = np.flatnonzero(group_pinned.lengths() >= 2).astype(np.int32)
    evac = _closure.evacuation(v.n_guests, v.n_hosts, v.n_guest_clusters, v.guest_host, v.active, v.owner,
                               v.guest_cluster, closure.group, closure.pinned_ptr, closure.pinned_host)
    blockers = CSR(evac.blockers_ptr, evac.blockers)
    stranded_ptr, stranded = _closure.stranded(v.n_guests, v.n_hosts, closure.n_groups, v.guest_host,
                                               v.active, closure.members_ptr, closure.members,
                                               v.strands.src, v.strands.dst)
    fh_ptr, fh = _waves.guest_cluster_hosts(v.n_guests, v.n_guest_clusters, v.n_hosts, v.guest_cluster, v.guest_host)
    domain_count, domain = _waves.domains(v.n_hosts, v.n_guest_clusters, fh_ptr, fh)
    if inputs.waves_tied_only:
        tied = _tied_guest_clusters(v, pinned_ptr, pinned)
        fh_ptr, fh = _waves.guest_cluster_hosts(v.n_guests, v.n_guest_clusters, v.n_hosts, tied, v.guest_host)
    plan = plan_apart(v.n_guest_clusters, fh_ptr, fh, v.host_cluster, v.capacity, inputs.host_cluster_unknown,
                      inputs.unknown_capacity)
    freed = _freed(v, closure, evac.entry, evac.blockers_ptr, evac.blockers)
    but_media = _freed_but_media(v, closure, evac, inputs.guest_media_only)
    hosts_freed = len(freed.row(v.n_causes + v.n_rules))
    k_needed = _remediation.containment(v.n_guests, v.n_guest_clusters, v.n_hosts, v.guest_cluster, v.guest_host,
                                        v.guest_memory, v.host_memory)
    return Pinning(
        group=closure.group, group_count=closure.n_groups, group_pinned=group_pinned,
        pinned=CSR(pinned_ptr, pinned),
        conflict_groups=conflict_groups,
        conflict_guests=_take_rows(CSR(closure.members_ptr, closure.members), conflict_groups),
        conflict_hosts=_take_rows(group_pinned, conflict_groups),
        blockers=blockers, degraded=CSR(evac.degraded_ptr, evac.degraded),
        owners=CSR(evac.owners_ptr, evac.owners),
        unknown_owner=evac.unknown_owner, evacuable=blockers.lengths() == 0,
        domain=domain, domain_count=domain_count,
        wave=plan.wave, wave_count=plan.n_waves, wave_lower_bound=plan.lower_bound,
        stranded=CSR(stranded_ptr, stranded),
        freed_by_cause=_take_rows(freed, np.arange(v.n_causes, dtype=np.int32)),
        freed_by_rule=_take_rows(freed, np.arange(v.n_causes, v.n_causes + v.n_rules,
                                                  dtype=np.int32)),
        containment_k=k_needed, containment_hosts_freed=hosts_freed,
        containment_net=hosts_freed - k_needed,
        freed_but_media_by_cause=None if but_media is None else _take_rows(but_media, np.arange(v.n_causes, dtype=np.int32)),
        freed_but_media_by_rule=None if but_media is None else _take_rows(
            but_media, np.arange(v.n_causes, v.n_causes + v.n_rules, dtype=np.int32)),
    )


def _freed_but_media(v: _Checked, closure: _closure.PinClosure, evac: _closure.Evacuation,
                     media_only: BoolArray | None) -> CSR | None:
    """Step 7 again without the blockers tied only by media (their media is disconnected live): the hosts each fix
    leaves held by media alone, or frees. None without ``media_only``."""
    if media_only is None:
        return None
    media = flags(media_only, "guest_media_only", v.n_guests).astype(bool)
    counts = np.diff(evac.blockers_ptr)
    keep = ~media[evac.blockers]
    host_of = np.repeat(np.arange(v.n_hosts, dtype=np.int32), counts)
    kept = np.bincount(host_of[keep], minlength=v.n_hosts)
    ptr = np.concatenate([[0], np.cumsum(kept)]).astype(np.int32)
    entry = np.where(media, -1, evac.entry).astype(np.int32)
    return _freed(v, closure, entry, ptr, np.ascontiguousarray(evac.blockers[keep], dtype=np.int32))


@dataclass(frozen=True)
class _Checked:
    """:class:`PinningInputs` after validation: counts as ints, arrays as the kernels take them."""

    n_guests: int
    n_hosts: int
    n_clusters: int
    n_rules: int
    n_causes: int
    n_guest_clusters: int
    guest_host: IndexArray
    active: npt.NDArray[np.uint8]
    owner: IndexArray
    guest_cluster: IndexArray
    host_cluster: IndexArray
    capacity: IndexArray
    guest_memory: Int64Array
    host_memory: Int64Array
    colocations: Edges
    pins: Edges
    """Guest (src) -> host (dst)."""
    strands: Edges
    """Guest (src) -> host (dst)."""
    guest_cluster_cause: IndexArray


def _checked(p: PinningInputs) -> _Checked:
    """Validate every input of :func:`pinning`; raises CoreError naming the first bad one."""
    n = check_count(p.n_guests, "n_guests")
    nh = check_count(p.n_hosts, "n_hosts")
    nc = check_count(p.n_clusters, "n_clusters")
    nr = check_count(p.n_rules, "n_rules")
    ncause = check_count(p.n_causes, "n_causes")
    nf = check_count(p.n_guest_clusters, "n_guest_clusters")
    return _Checked(
        n_guests=n, n_hosts=nh, n_clusters=nc, n_rules=nr, n_causes=ncause, n_guest_clusters=nf,
        guest_host=index_array(p.guest_host, "guest_host", n, -1, nh),
        active=flags(p.guest_active, "guest_active", n),
        owner=index_array(p.guest_owner, "guest_owner", n, -1, None),
        guest_cluster=index_array(p.guest_cluster, "guest_cluster", n, -1, nf),
        host_cluster=index_array(p.host_cluster, "host_cluster", nh, -1, nc),
        capacity=index_array(p.cluster_capacity, "cluster_capacity", nc, 1, None),
        guest_memory=memory_mib(p.guest_memory_mib, "guest_memory_mib", n),
        host_memory=memory_mib(p.host_memory_mib, "host_memory_mib", nh),
        colocations=Edges(*_edge_lists(p.colocations, "colocations", n, n, nr, ncause)),
        pins=Edges(*_edge_lists(p.pins, "pins", n, nh, nr, ncause)),
        strands=Edges(*_edge_lists(p.strands, "strands", n, nh, nr, ncause)),
        guest_cluster_cause=index_array(p.guest_cluster_cause, "guest_cluster_cause", nf, -1, ncause),
    )


def _tied_guest_clusters(v: _Checked, pinned_ptr: IndexArray, pinned: IndexArray) -> IndexArray:
    """``guest_cluster`` with -1 for the guests of a guest cluster none of whose nodes is pinned to its host."""
    tied = np.zeros(v.n_guest_clusters + 1, dtype=bool)  # the extra slot stands for -1
    for g in np.flatnonzero(v.guest_cluster >= 0).tolist():
        h = int(v.guest_host[g])
        if h >= 0 and h in pinned[pinned_ptr[g]:pinned_ptr[g + 1]]:
            tied[v.guest_cluster[g]] = True
    return np.ascontiguousarray(np.where(tied[v.guest_cluster], v.guest_cluster, -1), dtype=np.int32)


def _freed(v: _Checked, closure: _closure.PinClosure, entry: IndexArray, blockers_ptr: IndexArray,
           blockers: IndexArray) -> CSR:
    """Step 7 for three key sets in one pass: per cause, per rule, and all guest-cluster causes.

    Rows ``0..n_causes-1`` are the causes, then one per rule, then the containment row.
    """
    ncause, nr = v.n_causes, v.n_rules
    guest_cluster_causes = np.zeros(ncause, dtype=bool)
    guest_cluster_causes[v.guest_cluster_cause[v.guest_cluster_cause >= 0]] = True
    set_ptr = np.array([0, ncause, ncause + nr, ncause + nr + 1], np.int32)

    def keys(e: Edges) -> IndexArray:
        contained = (e.cause >= 0) & guest_cluster_causes[np.maximum(e.cause, 0)] if ncause else e.cause < -1
        return np.concatenate([e.cause, np.where(e.rule >= 0, e.rule + ncause, -1),
                               np.where(contained, ncause + nr, -1)]).astype(np.int32)

    c, p = v.colocations, v.pins
    out_ptr, out = _remediation.freed(
        3, set_ptr, v.n_hosts, closure.n_groups, closure.group, closure.members_ptr, closure.members,
        v.guest_host, c.src, c.dst, keys(c), p.src, p.dst, keys(p), closure.pinned_ptr,
        closure.pinned_host, closure.pinned_count, entry, blockers_ptr, blockers)
    return CSR(out_ptr, out)
