"""The thin typed wrapper over the compiled core: validate, call, raise.

This is the only module that imports :mod:`reportgen._core`. It takes plain index arrays
(numpy int32), checks them (dtype, contiguity, bounds, lengths) so that the kernels can run
without bounds checks, and turns failures into :class:`~reportgen.errors.CoreError`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._core import components as _components
from .errors import CoreError

IndexArray = npt.NDArray[np.int32]


def as_index(values: object, name: str) -> IndexArray:
    """A C-contiguous int32 copy/view of ``values``; raises CoreError if it cannot be one."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise CoreError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise CoreError(f"{name} must hold integers, got {array.dtype}")
    if array.size and (array.max() > np.iinfo(np.int32).max or array.min() < np.iinfo(np.int32).min):
        raise CoreError(f"{name} does not fit in int32")
    return np.ascontiguousarray(array, dtype=np.int32)


def check_edges(n: int, src: IndexArray, dst: IndexArray, name: str = "edges") -> None:
    """Raise CoreError unless src/dst are equal-length arrays of indices in [0, n)."""
    if n < 0:
        raise CoreError(f"node count must be >= 0, got {n}")
    if src.shape != dst.shape:
        raise CoreError(f"{name}: {src.size} sources but {dst.size} targets")
    for side, array in (("source", src), ("target", dst)):
        if array.size and (int(array.min()) < 0 or int(array.max()) >= n):
            raise CoreError(f"{name}: {side} index out of range [0, {n})")


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


# ---------------------------------------------------------------------------------------------
# Interim pure-Python closures with the API of the compiled core (replaced by the kernels).
# ---------------------------------------------------------------------------------------------
from dataclasses import dataclass

BoolArray = npt.NDArray[np.bool_]
Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CSR:
    """Variable-length rows: row i is ``indices[indptr[i]:indptr[i+1]]``."""

    indptr: IndexArray
    indices: IndexArray

    def row(self, i: int) -> IndexArray:
        return self.indices[self.indptr[i]: self.indptr[i + 1]]

    def __len__(self) -> int:
        return len(self.indptr) - 1


def _csr(rows: list[list[int]]) -> CSR:
    indptr = np.zeros(len(rows) + 1, dtype=np.int32)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    flat = [x for r in rows for x in r]
    return CSR(indptr, np.asarray(flat, dtype=np.int32))


@dataclass(frozen=True)
class Edges:
    src: IndexArray
    dst: IndexArray
    rule: IndexArray
    cause: IndexArray


@dataclass(frozen=True)
class HostEdges:
    guest: IndexArray
    host: IndexArray
    rule: IndexArray
    cause: IndexArray


@dataclass(frozen=True)
class GuestClusters:
    count: int
    guest_cluster: IndexArray
    members: CSR
    hosts: CSR
    topology: npt.NDArray[np.int8]
    max_per_host: IndexArray


def guest_clusters(n_guests: int, bonds: Edges, guest_host: IndexArray, host_cluster: IndexArray) -> GuestClusters:
    _, labels = connected_components(n_guests, bonds.src, bonds.dst)
    groups: dict[int, list[int]] = {}
    for g, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(g)
    clusters = sorted((m for m in groups.values() if len(m) >= 2), key=lambda m: m[0])
    guest_cluster = np.full(n_guests, -1, dtype=np.int32)
    hosts_rows, topology, max_per = [], [], []
    for cid, members in enumerate(clusters):
        guest_cluster[members] = cid
        hs = [int(guest_host[g]) for g in members]
        known = sorted({h for h in hs if h >= 0})
        hosts_rows.append(known)
        per = max((hs.count(h) for h in known), default=0)
        max_per.append(per)
        if any(h < 0 for h in hs):
            topology.append(3)
        elif len(known) == 1:
            topology.append(0)
        elif per == 1 and len({int(host_cluster[h]) for h in known}) == 1:
            topology.append(1)
        else:
            topology.append(2)
    return GuestClusters(len(clusters), guest_cluster, _csr(clusters), _csr(hosts_rows),
                         np.asarray(topology, dtype=np.int8), np.asarray(max_per, dtype=np.int32))


@dataclass(frozen=True)
class PinningInputs:
    n_guests: int
    n_hosts: int
    n_clusters: int
    n_rules: int
    n_causes: int
    guest_host: IndexArray
    guest_active: BoolArray
    guest_owner: IndexArray
    guest_cluster: IndexArray
    n_faux: int
    host_cluster: IndexArray
    cluster_capacity: IndexArray
    guest_memory_mib: Int64Array
    host_memory_mib: Int64Array
    colocations: Edges
    pins: HostEdges
    strands: HostEdges
    faux_cause: IndexArray


@dataclass(frozen=True)
class Pinning:
    pinned: CSR
    blockers: CSR
    degraded: CSR
    owners: CSR
    unknown_owner: BoolArray
    evacuable: BoolArray
    domain: IndexArray
    domain_count: int
    wave: IndexArray
    wave_count: int
    wave_lower_bound: int
    stranded: CSR
    freed_by_cause: CSR
    freed_by_rule: CSR
    containment_k: int
    containment_hosts_freed: int
    containment_net: int


def pinning(inputs: PinningInputs) -> Pinning:
    n, nh = inputs.n_guests, inputs.n_hosts
    _, group = connected_components(n, inputs.colocations.src, inputs.colocations.dst)
    group_pins: dict[int, set[int]] = {}
    for g, h in zip(inputs.pins.guest.tolist(), inputs.pins.host.tolist()):
        group_pins.setdefault(int(group[g]), set()).add(h)
    pinned = [sorted(group_pins.get(int(group[g]), ())) for g in range(n)]
    blockers: list[list[int]] = [[] for _ in range(nh)]
    for g in range(n):
        h = int(inputs.guest_host[g])
        if h >= 0 and inputs.guest_active[g] and h in pinned[g]:
            blockers[h].append(g)
    degraded = [sorted({int(inputs.guest_cluster[g]) for g in b if inputs.guest_cluster[g] >= 0}) for b in blockers]
    owners = [sorted({int(inputs.guest_owner[g]) for g in b if inputs.guest_owner[g] >= 0}) for b in blockers]
    unknown = np.array([any(inputs.guest_owner[g] < 0 for g in b) for b in blockers], dtype=bool)
    stranded: list[set[int]] = [set() for _ in range(nh)]
    for g, h in zip(inputs.strands.guest.tolist(), inputs.strands.host.tolist()):
        if inputs.guest_host[g] == h and inputs.guest_active[g]:
            stranded[h].add(g)
    # domains and waves (interim: greedy first fit)
    src, dst = [], []
    cluster_hosts: dict[int, set[int]] = {}
    for g in range(n):
        c, h = int(inputs.guest_cluster[g]), int(inputs.guest_host[g])
        if c >= 0 and h >= 0:
            cluster_hosts.setdefault(c, set()).add(h)
    conflicts: list[set[int]] = [set() for _ in range(nh)]
    for hs in cluster_hosts.values():
        hs_list = sorted(hs)
        for a in hs_list:
            conflicts[a].update(x for x in hs_list if x != a)
        for b in hs_list[1:]:
            src.append(hs_list[0])
            dst.append(b)
    domain_count, domain = connected_components(nh, np.asarray(src, np.int32), np.asarray(dst, np.int32))
    wave = np.full(nh, -1, dtype=np.int32)
    load: dict[tuple[int, int], int] = {}
    for h in sorted(range(nh), key=lambda x: -len(conflicts[x])):
        c = int(inputs.host_cluster[h])
        cap = int(inputs.cluster_capacity[c]) if c >= 0 else nh + 1
        w = 0
        while any(wave[x] == w for x in conflicts[h]) or load.get((c, w), 0) >= cap:
            w += 1
        wave[h] = w
        if c >= 0:
            load[(c, w)] = load.get((c, w), 0) + 1
    per_cluster: dict[int, int] = {}
    for h in range(nh):
        c = int(inputs.host_cluster[h])
        if c >= 0:
            per_cluster[c] = per_cluster.get(c, 0) + 1
    bound = max([len(hs) for hs in cluster_hosts.values()]
                + [-(-cnt // int(inputs.cluster_capacity[c])) for c, cnt in per_cluster.items()]
                + ([1] if nh else [0]))
    blocked = [h for h in range(nh) if blockers[h]]
    freed_by_cause: list[list[int]] = [[] for _ in range(inputs.n_causes)]
    freed_by_rule: list[list[int]] = [[] for _ in range(inputs.n_rules)]
    return Pinning(
        pinned=_csr(pinned), blockers=_csr(blockers), degraded=_csr(degraded), owners=_csr(owners),
        unknown_owner=unknown, evacuable=np.array([not b for b in blockers], dtype=bool),
        domain=domain, domain_count=domain_count, wave=wave, wave_count=int(wave.max() + 1) if nh else 0,
        wave_lower_bound=bound, stranded=_csr([sorted(s) for s in stranded]),
        freed_by_cause=_csr(freed_by_cause), freed_by_rule=_csr(freed_by_rule),
        containment_k=0, containment_hosts_freed=len(blocked), containment_net=0,
    )
