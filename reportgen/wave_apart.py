"""Patch waves when some hosts' cluster membership is unknown: those hosts are planned apart.

A host with no cluster in the export may still be in one (the export does not show which): counted as
standalone, it could share a wave with the hosts of the cluster it is really in and take that cluster's
allowed hosts-down over its limit. So the plan keeps such hosts out of every wave that holds a host of a
known cluster, and puts at most ``unknown_capacity`` of them in one wave -- the lowest per-cluster limit the
configuration has -- as if they were all in one cluster: whatever cluster each is really in, no wave takes
more of its hosts down than allowed. Their waves come after the others.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from ._core import waves as _waves
from .graph_checks import IndexArray, flags


class ApartPlan(NamedTuple):
    """The kernel's plan, with the hosts of unknown membership in waves of their own (numbered last)."""

    n_waves: int
    wave: IndexArray
    """Per host, 0-based; -1 when the kernel could place it nowhere."""
    lower_bound: int
    """No plan that keeps those hosts apart uses fewer waves."""


def _subset(fh_ptr: IndexArray, fh: IndexArray, keep: npt.NDArray[np.bool_]) -> tuple[IndexArray, IndexArray]:
    """The guest clusters' host rows restricted to the kept hosts, renumbered in the subset's order."""
    renumber = np.full(keep.size, -1, dtype=np.int32)
    renumber[keep] = np.arange(int(keep.sum()), dtype=np.int32)
    rows = fh_ptr.size - 1
    kept = keep[fh]
    row_of = np.repeat(np.arange(rows, dtype=np.int32), np.diff(fh_ptr))
    ptr = np.zeros(rows + 1, dtype=np.int32)
    np.cumsum(np.bincount(row_of[kept], minlength=rows), out=ptr[1:])
    return ptr, np.ascontiguousarray(renumber[fh[kept]], dtype=np.int32)


def _plan(n_guest_clusters: int, fh_ptr: IndexArray, fh: IndexArray, keep: npt.NDArray[np.bool_],
          host_cluster: IndexArray, capacity: IndexArray) -> tuple[int, IndexArray, int]:
    """The kernel's plan for the kept hosts: (waves, wave per kept host, lower bound)."""
    n = int(keep.sum())
    if n == 0:
        return 0, np.zeros(0, dtype=np.int32), 0
    ptr, hosts = _subset(fh_ptr, fh, keep)
    plan = _waves.waves(n, n_guest_clusters, capacity.size, ptr, hosts,
                        np.ascontiguousarray(host_cluster, dtype=np.int32), capacity)
    return int(plan.n_waves), plan.wave, int(plan.lower_bound)


def plan_apart(n_guest_clusters: int, fh_ptr: IndexArray, fh: IndexArray, host_cluster: IndexArray,
               capacity: IndexArray, unknown: object | None, unknown_capacity: int) -> ApartPlan:
    """Waves for every host: the kernel's plan for the hosts of known membership, then waves of at most
    ``unknown_capacity`` hosts of unknown membership each (guest clusters still never lose two nodes)."""
    n_hosts = host_cluster.size
    apart = flags(unknown, "host_cluster_unknown", n_hosts).astype(bool) if unknown is not None else None
    if apart is not None:
        apart &= host_cluster < 0  # a host with a cluster is in it
    if apart is None or not apart.any():
        plan = _waves.waves(n_hosts, n_guest_clusters, capacity.size, fh_ptr, fh, host_cluster, capacity)
        return ApartPlan(int(plan.n_waves), plan.wave, int(plan.lower_bound))
    known = ~apart
    count, waves, bound = _plan(n_guest_clusters, fh_ptr, fh, known, host_cluster[known], capacity)
    one = np.zeros(int(apart.sum()), dtype=np.int32)  # all of them counted in one cluster
    more, later, later_bound = _plan(n_guest_clusters, fh_ptr, fh, apart, one,
                                     np.array([max(1, unknown_capacity)], dtype=np.int32))
    wave = np.empty(n_hosts, dtype=np.int32)
    wave[known] = waves
    wave[apart] = np.where(later >= 0, later + count, later)
    return ApartPlan(count + more, wave, bound + later_bound)
