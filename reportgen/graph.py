"""The thin typed wrapper over the compiled core: validate, call, raise.

The graph kernels of :mod:`reportgen._core` are called from here only (the sheet scanner, the
other compiled module, serves the importers). It takes plain index arrays
(any integer dtype, converted to C-contiguous int32), checks them in O(n) numpy (dtype,
shape, bounds, lengths) so that the kernels can run without bounds checks, calls the kernels,
and turns failures into :class:`~reportgen.errors.CoreError`.

Indices: guests ``0..n_guests-1``, hosts ``0..n_hosts-1``, vSphere / Hyper-V clusters
``0..n_clusters-1``, rules ``0..n_rules-1``, causes ``0..n_causes-1``; -1 means unknown or
none where a field says so. Variable-length results are :class:`CSR` rows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._core import bounds as _bounds
from ._core import closure as _closure
from ._core import components as _components
from ._core import remediation as _remediation
from ._core import waves as _waves
from .errors import CoreError

IndexArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
Int64Array = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]

IN_A_BOX, ACROSS_BOXES, MIXED, UNKNOWN = 0, 1, 2, 3
TOPOLOGY_NAMES = ("in-a-box", "across-boxes", "mixed", "unknown")
"""``TOPOLOGY_NAMES[topology]`` is the findings-JSON spelling of a faux cluster's topology."""

_I32 = np.iinfo(np.int32)
_MAX_MEMORY_MIB = 1 << 36


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
    """Undirected guest-guest edges, each with the rule that found it and the cause it has."""

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
class HostEdges:
    """Guest -> host edges, each with the rule that found it and the cause it has."""

    guest: IndexArray
    host: IndexArray
    rule: IndexArray
    cause: IndexArray

    @classmethod
    def empty(cls) -> HostEdges:
        """No edges."""
        e = np.zeros(0, dtype=np.int32)
        return cls(e, e, e, e)


@dataclass(frozen=True)
class GuestClusters:
    """Faux clusters: components of >= 2 guests over bond edges (step 1)."""

    count: int
    guest_cluster: IndexArray
    """Faux-cluster id per guest or -1; ids follow each cluster's smallest guest."""
    members: CSR
    """Per faux cluster: its guests, ascending."""
    hosts: CSR
    """Per faux cluster: distinct known hosts of its members, ascending."""
    topology: Int8Array
    """Per faux cluster: IN_A_BOX, ACROSS_BOXES, MIXED or UNKNOWN (see :func:`guest_clusters`)."""
    max_per_host: IndexArray
    """Per faux cluster: most members on one known host (0 if no host is known)."""


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
    """Faux-cluster id (from :func:`guest_clusters`) or -1."""
    n_faux: int
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
    pins: HostEdges
    """Guest cannot leave this host while running."""
    strands: HostEdges
    """Guest would not restart elsewhere if this host failed."""
    faux_cause: IndexArray
    """Per faux cluster: its cause id, or -1."""


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
    """Per host: faux clusters with a blocker on it."""
    owners: CSR
    """Per host: distinct known owner ids of its blockers."""
    unknown_owner: BoolArray
    """Per host: some blocker has an unknown owner."""
    evacuable: BoolArray
    """Per host: no blockers."""
    domain: IndexArray
    """Maintenance domain per host (hosts joined through faux clusters; by smallest host)."""
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
    """Dedicated hosts needed to hold every faux cluster."""
    containment_hosts_freed: int
    """Hosts that become evacuable if every faux-cluster cause is fixed."""
    containment_net: int
    """containment_hosts_freed - containment_k."""


# --------------------------------------------------------------------------- validation


def as_index(values: object, name: str) -> IndexArray:
    """A C-contiguous int32 copy/view of ``values``; raises CoreError if it cannot be one."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise CoreError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise CoreError(f"{name} must hold integers, got dtype {array.dtype}")
    if array.size and (array.max() > _I32.max or array.min() < _I32.min):
        raise CoreError(f"{name} does not fit in int32")
    return np.ascontiguousarray(array, dtype=np.int32)


def check_edges(n: int, src: IndexArray, dst: IndexArray, name: str = "edges") -> None:
    """Raise CoreError unless src/dst are equal-length arrays of indices in [0, n)."""
    _check_count(n, "node count")
    if src.shape != dst.shape:
        raise CoreError(f"{name}: {src.size} sources but {dst.size} targets")
    _check_range(src, 0, n, f"{name} source")
    _check_range(dst, 0, n, f"{name} target")


def _check_count(n: object, name: str) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or not 0 <= n <= _I32.max:
        raise CoreError(f"{name} must be an integer in [0, {_I32.max}], got {n!r}")
    return int(n)


def _check_range(array: IndexArray, lo: int, hi: int | None, name: str) -> None:
    """Every value in [lo, hi) (hi None: no upper limit); names the first offender."""
    if not array.size:
        return
    low, high = int(array.min()), int(array.max())
    if low >= lo and (hi is None or high < hi):
        return
    bad = (array < lo) if hi is None else (array < lo) | (array >= hi)
    at = int(np.flatnonzero(bad)[0])
    upper = "" if hi is None else f", {hi})"
    span = f"[{lo}{upper}" if hi is not None else f">= {lo}"
    raise CoreError(f"{name}: value {int(array[at])} at position {at} is out of range {span}")


def _index(values: object, name: str, length: int, lo: int, hi: int | None) -> IndexArray:
    array = as_index(values, name)
    if array.size != length:
        raise CoreError(f"{name} has {array.size} entries, expected {length}")
    _check_range(array, lo, hi, name)
    return array


def _flags(values: object, name: str, length: int) -> npt.NDArray[np.uint8]:
    array = np.asarray(values)
    if array.ndim != 1 or array.size != length:
        raise CoreError(f"{name} must be one-dimensional with {length} entries, got shape {array.shape}")
    if array.dtype == np.bool_:
        return np.ascontiguousarray(array).view(np.uint8)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise CoreError(f"{name} must hold booleans, got dtype {array.dtype}")
    return np.ascontiguousarray(array != 0, dtype=np.uint8)


def _memory(values: object, name: str, length: int) -> Int64Array:
    array = np.asarray(values)
    if array.ndim != 1 or array.size != length:
        raise CoreError(f"{name} must be one-dimensional with {length} entries, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise CoreError(f"{name} must hold integers (MiB), got dtype {array.dtype}")
    out = np.ascontiguousarray(array, dtype=np.int64)
    if out.size and max(int(out.max()), -int(out.min())) >= _MAX_MEMORY_MIB:
        worst = int(out.max()) if int(out.max()) >= _MAX_MEMORY_MIB else int(out.min())
        raise CoreError(f"{name}: {worst} MiB is not a plausible memory size (<= 0 means unknown)")
    return out


def _edge_lists(e: Edges | HostEdges, name: str, n_a: int, n_b: int, n_rules: int | None,
                n_causes: int | None) -> tuple[IndexArray, IndexArray, IndexArray, IndexArray]:
    """Validated (a, b, rule, cause) of a guest-guest (n_b = n_a) or guest-host edge list."""
    a_name, b_name = ("src", "dst") if isinstance(e, Edges) else ("guest", "host")
    a_values, b_values = (e.src, e.dst) if isinstance(e, Edges) else (e.guest, e.host)
    a = as_index(a_values, f"{name}.{a_name}")
    m = a.size
    _check_range(a, 0, n_a, f"{name}.{a_name}")
    b = _index(b_values, f"{name}.{b_name}", m, 0, n_b)
    rule = _index(e.rule, f"{name}.rule", m, -1, n_rules)
    cause = _index(e.cause, f"{name}.cause", m, -1, n_causes)
    return a, b, rule, cause


def _take_rows(csr: CSR, rows: IndexArray) -> CSR:
    """The CSR made of the given rows of csr, in that order."""
    starts = csr.indptr[rows].astype(np.int64)
    lengths = (csr.indptr[rows + 1] - csr.indptr[rows]).astype(np.int64)
    indptr = np.zeros(rows.size + 1, dtype=np.int32)
    np.cumsum(lengths, out=indptr[1:])
    offsets = np.arange(int(indptr[-1]), dtype=np.int64) - np.repeat(indptr[:-1], lengths)
    return CSR(indptr, csr.indices[np.repeat(starts, lengths) + offsets])


def _csr(indptr: IndexArray, indices: IndexArray, rows: int) -> CSR:
    """Trim kernel outputs that were allocated at their upper bound."""
    indptr = indptr[: rows + 1].copy()
    return CSR(indptr, indices[: int(indptr[-1])].copy())


# --------------------------------------------------------------------------- step 1


def connected_components(n: int, src: object, dst: object) -> tuple[int, IndexArray]:
    """Components of the undirected graph on ``n`` nodes; returns (count, label per node).

    Labels are numbered in order of each component's smallest node.
    """
    s = as_index(src, "src")
    d = as_index(dst, "dst")
    check_edges(n, s, d)
    labels = np.empty(n, dtype=np.int32)
    parent = np.empty(n, dtype=np.int32)
    rank = np.empty(n, dtype=np.int32)
    count = _components.connected_components(n, s, d, parent, rank, labels)
    return int(count), labels


def guest_clusters(n_guests: int, bonds: Edges, guest_host: IndexArray,
                   host_cluster: IndexArray) -> GuestClusters:
    """Faux clusters: components over bond edges with at least two distinct guests.

    Topology per cluster: UNKNOWN if a member's host is -1; else IN_A_BOX if all members are
    on one host; else ACROSS_BOXES if every member has its own host and all those hosts have
    the same ``host_cluster`` (all standalone counts as the same); else MIXED.

    Raises
    ------
    CoreError
        If an array has the wrong dtype, length or an index out of range.
    """
    n = _check_count(n_guests, "n_guests")
    hc = as_index(host_cluster, "host_cluster")
    _check_range(hc, -1, None, "host_cluster")
    n_hosts = hc.size
    gh = _index(guest_host, "guest_host", n, -1, n_hosts)
    src, dst, _, _ = _edge_lists(bonds, "bonds", n, n, None, None)
    cap = n // 2 + 1
    gc = np.empty(n, dtype=np.int32)
    m_ptr, h_ptr = np.empty(cap + 1, np.int32), np.empty(cap + 1, np.int32)
    members, hosts = np.empty(n, np.int32), np.empty(n, np.int32)
    topology, max_per = np.empty(cap, np.int8), np.empty(cap, np.int32)
    m_ptr[0] = h_ptr[0] = 0
    k = int(_components.faux_clusters(n, n_hosts, src, dst, gh, hc, gc, m_ptr, members, h_ptr,
                                      hosts, topology, max_per))
    return GuestClusters(k, gc, _csr(m_ptr, members, k), _csr(h_ptr, hosts, k),
                         topology[:k].copy(), max_per[:k].copy())


# --------------------------------------------------------------------------- steps 2-7


def pinning(inputs: PinningInputs) -> Pinning:
    """Pin closure, evacuation, domains, waves, failure impact and remediation value.

    Steps, all over index arrays:

    2. colocation groups (components over ``colocations``); a guest is pinned to every host
       a pin edge of its group points at; groups pinned to >= 2 hosts are conflicts.
    3. blockers of host h: active guests on h pinned to h; their faux clusters and owners.
    4. maintenance domains: hosts joined when they carry members of one faux cluster.
    5. waves: no faux cluster on two hosts of one wave, at most ``cluster_capacity[c]``
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
    p = inputs
    n = _check_count(p.n_guests, "n_guests")
    nh = _check_count(p.n_hosts, "n_hosts")
    nc = _check_count(p.n_clusters, "n_clusters")
    nr = _check_count(p.n_rules, "n_rules")
    ncause = _check_count(p.n_causes, "n_causes")
    nf = _check_count(p.n_faux, "n_faux")
    gh = _index(p.guest_host, "guest_host", n, -1, nh)
    active = _flags(p.guest_active, "guest_active", n)
    owner = _index(p.guest_owner, "guest_owner", n, -1, None)
    faux = _index(p.guest_cluster, "guest_cluster", n, -1, nf)
    hc = _index(p.host_cluster, "host_cluster", nh, -1, nc)
    capacity = _index(p.cluster_capacity, "cluster_capacity", nc, 1, None)
    g_mem = _memory(p.guest_memory_mib, "guest_memory_mib", n)
    h_mem = _memory(p.host_memory_mib, "host_memory_mib", nh)
    csrc, cdst, crule, ccause = _edge_lists(p.colocations, "colocations", n, n, nr, ncause)
    pg, ph, prule, pcause = _edge_lists(p.pins, "pins", n, nh, nr, ncause)
    sg, sh, _, _ = _edge_lists(p.strands, "strands", n, nh, nr, ncause)
    faux_cause = _index(p.faux_cause, "faux_cause", nf, -1, ncause)

    # Step 2: colocation groups and pin closure.
    group = np.empty(n, np.int32)
    mem_ptr, members = np.zeros(n + 1, np.int32), np.empty(n, np.int32)
    gp_ptr = np.zeros(n + 1, np.int32)
    gp_host, gp_count = np.empty(pg.size, np.int32), np.empty(pg.size, np.int32)
    k = int(_closure.pin_closure(n, csrc, cdst, pg, ph, group, mem_ptr, members, gp_ptr,
                                 gp_host, gp_count))
    group_pinned = _csr(gp_ptr, gp_host, k)
    gp_count = gp_count[: int(gp_ptr[k])]
    mem_ptr = mem_ptr[: k + 1]
    pin_lengths = group_pinned.lengths()
    pinned_ptr = np.empty(n + 1, np.int32)
    pinned_idx = np.empty(int(pin_lengths[group].sum()) if n else 0, np.int32)
    _closure.expand_pinned(n, group, group_pinned.indptr, group_pinned.indices, pinned_ptr,
                           pinned_idx)
    conflict_groups = np.flatnonzero(pin_lengths >= 2).astype(np.int32)

    # Step 3: blockers, degraded faux clusters, owners.
    entry = np.empty(n, np.int32)
    blk_ptr, blk = np.zeros(nh + 1, np.int32), np.empty(n, np.int32)
    deg_ptr, deg = np.zeros(nh + 1, np.int32), np.empty(n, np.int32)
    own_ptr, own = np.zeros(nh + 1, np.int32), np.empty(n, np.int32)
    unknown = np.zeros(nh, np.uint8)
    _closure.evacuation(n, nh, nf, gh, active, owner, faux, group,
                        group_pinned.indptr, group_pinned.indices, entry, blk_ptr, blk,
                        deg_ptr, deg, own_ptr, own, unknown)
    blockers = _csr(blk_ptr, blk, nh)

    # Step 6: failure impact.
    st_ptr, st = np.zeros(nh + 1, np.int32), np.empty(n, np.int32)
    _closure.stranded(n, nh, k, gh, active, mem_ptr, members, sg, sh, st_ptr, st)

    # Steps 4-5: domains and waves over the faux clusters' hosts.
    fh_ptr, fh = np.zeros(nf + 1, np.int32), np.empty(n, np.int32)
    _waves.faux_hosts(n, nf, nh, faux, gh, fh_ptr, fh)
    domain = np.empty(nh, np.int32)
    domain_count = int(_waves.domains(nh, nf, fh_ptr, fh, domain))
    bound = int(_bounds.lower_bound(nh, nf, nc, fh_ptr, fh, hc, capacity))
    wave = np.empty(nh, np.int32)
    wave_count = int(_waves.waves(nh, nf, nc, fh_ptr, fh, hc, capacity, bound, wave))

    # Step 7: remediation value, for three key sets in one pass: causes, rules, containment.
    faux_causes = np.zeros(ncause, dtype=bool)
    faux_causes[faux_cause[faux_cause >= 0]] = True
    set_ptr = np.array([0, ncause, ncause + nr, ncause + nr + 1], np.int32)

    def keys(cause: IndexArray, rule: IndexArray) -> IndexArray:
        contained = (cause >= 0) & faux_causes[np.maximum(cause, 0)] if ncause else cause < -1
        return np.concatenate([cause, np.where(rule >= 0, rule + ncause, -1),
                               np.where(contained, ncause + nr, -1)]).astype(np.int32)

    out_ptr = np.zeros(int(set_ptr[-1]) + 1, np.int32)
    out = np.empty(nh + csrc.size + pg.size, np.int32)
    args = (3, set_ptr, nh, k, group, mem_ptr, members, gh, csrc, cdst, keys(ccause, crule), pg, ph,
            keys(pcause, prule), group_pinned.indptr, group_pinned.indices, gp_count, entry,
            blockers.indptr, blockers.indices)
    total = int(_remediation.freed(*args, out_ptr, out))
    if total > out.size:
        out = np.empty(total, np.int32)
        _remediation.freed(*args, out_ptr, out)
    freed = CSR(out_ptr, out[:total])
    freed_by_cause = _take_rows(freed, np.arange(ncause, dtype=np.int32))
    freed_by_rule = _take_rows(freed, np.arange(ncause, ncause + nr, dtype=np.int32))
    hosts_freed = len(freed.row(ncause + nr))
    stats = np.zeros(5, np.int64)
    _remediation.containment(n, nf, nh, faux, gh, g_mem, h_mem, stats)
    k_needed = int(stats[0])
    if stats[1] and stats[4] > 0 and stats[3] > 0:
        # ceil(guest memory / (mean carrying-host memory * 0.8)), in exact integers.
        k_needed = max(k_needed, -(-int(stats[2]) * int(stats[4]) * 5 // (int(stats[3]) * 4)))

    return Pinning(
        group=group, group_count=k, group_pinned=group_pinned,
        pinned=CSR(pinned_ptr, pinned_idx),
        conflict_groups=conflict_groups,
        conflict_guests=_take_rows(CSR(mem_ptr, members), conflict_groups),
        conflict_hosts=_take_rows(group_pinned, conflict_groups),
        blockers=blockers, degraded=_csr(deg_ptr, deg, nh), owners=_csr(own_ptr, own, nh),
        unknown_owner=unknown.view(np.bool_), evacuable=blockers.lengths() == 0,
        domain=domain, domain_count=domain_count,
        wave=wave, wave_count=wave_count, wave_lower_bound=bound,
        stranded=_csr(st_ptr, st, nh),
        freed_by_cause=freed_by_cause, freed_by_rule=freed_by_rule,
        containment_k=k_needed, containment_hosts_freed=hosts_freed,
        containment_net=hosts_freed - k_needed,
    )
