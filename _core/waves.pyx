# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True, embedsignature=True
"""Maintenance domains (step 4) and patch waves (step 5; the lower bound is in wave_bound.pxd).

Both work on the host-conflict graph described in host_conflicts.pxd.

Inputs are validated by reportgen.graph before they reach these kernels: every index is in
range, arrays are C-contiguous int32, capacities are >= 1. The wrappers allocate their
outputs and return them.
"""

from collections import namedtuple

import numpy as np

from libcpp.algorithm cimport sort
from libcpp.pair cimport pair
from libcpp.queue cimport priority_queue
from libcpp.vector cimport vector

from core_types cimport idx_t, int64_t, uint64_t, csr_by_key, uf_labels
from host_conflicts cimport HostConflicts, conflicts_init, neighbours
from wave_bound cimport lower_bound


WavePlan = namedtuple("WavePlan", "n_waves wave lower_bound")


# Distinct known hosts of every guest cluster, ascending. Guests with host -1 or no guest_cluster
# cluster are skipped. O(n + sum_f h_f log h_f).
cdef void _guest_cluster_hosts(idx_t n, idx_t n_guest_clusters, idx_t n_hosts, const idx_t* guest_cluster,
                      const idx_t* guest_host, idx_t* out_ptr, idx_t* out) noexcept nogil:
    cdef vector[idx_t] key = vector[idx_t](n, -1)
    cdef vector[idx_t] ptr = vector[idx_t](n_guest_clusters + 1)
    cdef vector[idx_t] guests = vector[idx_t](n)
    cdef vector[idx_t] seen = vector[idx_t](n_hosts, -1)
    cdef idx_t g, f, h, i, top = 0, start
    for g in range(n):
        if guest_host[g] >= 0:
            key[g] = guest_cluster[g]
    csr_by_key(n_guest_clusters, key.data(), n, ptr.data(), guests.data())
    out_ptr[0] = 0
    for f in range(n_guest_clusters):
        start = top
        for i in range(ptr[f], ptr[f + 1]):
            h = guest_host[guests[i]]
            if seen[h] != f:
                seen[h] = f
                out[top] = h
                top += 1
        if top - start > 1:
            sort(out + start, out + top)
        out_ptr[f + 1] = top


def guest_cluster_hosts(idx_t n, idx_t n_guest_clusters, idx_t n_hosts, const idx_t[::1] guest_cluster,
               const idx_t[::1] guest_host):
    """(row pointers, hosts): the distinct known hosts of each guest cluster, ascending."""
    out_ptr = np.zeros(n_guest_clusters + 1, dtype=np.int32)
    out = np.empty(n, dtype=np.int32)
    cdef idx_t[::1] ptr_v = out_ptr, out_v = out
    if n > 0:
        with nogil:
            _guest_cluster_hosts(n, n_guest_clusters, n_hosts, &guest_cluster[0], &guest_host[0], &ptr_v[0], &out_v[0])
    return out_ptr, out[:out_ptr[n_guest_clusters]].copy()


# Maintenance domains: components of the host-conflict graph, numbered by smallest host.
# Each guest cluster contributes a path through its hosts, which has the same components as
# its clique. O((n_hosts + sum_f h_f) alpha).
cdef idx_t _domains(idx_t n_hosts, idx_t n_guest_clusters, const idx_t* fh_ptr, const idx_t* fh,
                    idx_t* domain) noexcept nogil:
    cdef vector[idx_t] src, dst
    cdef vector[idx_t] parent = vector[idx_t](n_hosts)
    cdef vector[idx_t] rank = vector[idx_t](n_hosts)
    cdef idx_t f, i
    for f in range(n_guest_clusters):
        for i in range(fh_ptr[f] + 1, fh_ptr[f + 1]):
            src.push_back(fh[i - 1])
            dst.push_back(fh[i])
    return uf_labels(n_hosts, src.data(), dst.data(), <Py_ssize_t>src.size(), parent.data(),
                     rank.data(), domain)


def domains(idx_t n_hosts, idx_t n_guest_clusters, const idx_t[::1] fh_ptr, const idx_t[::1] fh):
    """(number of domains, maintenance domain of every host)."""
    domain = np.empty(n_hosts, dtype=np.int32)
    cdef idx_t[::1] domain_v = domain
    cdef idx_t count = 0
    if n_hosts > 0:
        with nogil:
            count = _domains(n_hosts, n_guest_clusters, &fh_ptr[0], &fh[0], &domain_v[0])
    return count, domain


cdef enum:
    MAX_ROUNDS = 6      # greedy rounds after the first, while the plan is above the target


cdef struct Plan:
    # State of one greedy round, reused across rounds.
    idx_t target            # waves open from the start
    int64_t words           # 64-bit words of forbidden waves per host
    vector[idx_t] degree    # distinct conflict neighbours
    vector[idx_t] tight     # ceil(n_c / cap_c) of the host's cluster, 0 if standalone
    vector[idx_t] boost     # rounds in which the host landed beyond the target
    vector[idx_t] sat       # forbidden waves so far
    vector[uint64_t] forbidden
    vector[vector[idx_t]] load  # cluster -> hosts per wave


cdef inline int64_t _priority(Plan* s, idx_t x) noexcept nogil:
    """Heap key: boost, then saturation, then conflict degree, then cluster tightness."""
    cdef int64_t b = min(s.boost[x], 7)
    cdef int64_t t = min(s.sat[x], (1 << 20) - 1)
    cdef int64_t d = min(s.degree[x], (1 << 20) - 1)
    cdef int64_t c = min(s.tight[x], (1 << 20) - 1)
    return (b << 60) | (t << 40) | (d << 20) | c


cdef inline void _forbid(Plan* s, idx_t y, idx_t w, const idx_t* wave,
                         priority_queue[pair[int64_t, idx_t]]* heap) noexcept nogil:
    """Mark wave w forbidden for the unplaced host y and requeue y if that is news."""
    cdef uint64_t bit = (<uint64_t>1) << (w & 63)
    cdef int64_t slot = y * s.words + (w >> 6)
    if wave[y] != -1 or s.forbidden[slot] & bit:
        return
    s.forbidden[slot] |= bit
    s.sat[y] += 1
    heap.push(pair[int64_t, idx_t](_priority(s, y), -y))


cdef inline idx_t _choose(Plan* s, idx_t x, idx_t c, idx_t open_waves) noexcept nogil:
    """The allowed open wave with the fewest hosts of cluster c (lowest first), or -1."""
    cdef idx_t w, cur, best = -1, best_load = 0
    for w in range(open_waves):
        if s.forbidden[x * s.words + (w >> 6)] >> (w & 63) & 1:
            continue
        cur = 0
        if c >= 0 and w < <idx_t>s.load[c].size():
            cur = s.load[c][w]
        if best < 0 or cur < best_load:
            best = w
            best_load = cur
            if cur == 0:
                break
    return best


cdef inline idx_t _place(Plan* s, idx_t c, idx_t w) noexcept nogil:
    """Count one more host of cluster c in wave w; returns the new count."""
    if <idx_t>s.load[c].size() <= w:
        s.load[c].resize(w + 1, 0)
    s.load[c][w] += 1
    return s.load[c][w]


# One DSatur-style round. s.target waves are open from the start. Hosts with conflicts go
# first: the unplaced one with the highest _priority next (ties: smaller index), into the
# allowed open wave where its cluster has the fewest hosts (ties: lowest wave); a new wave
# opens only when no open wave is allowed. Wave w is forbidden for x when it holds a conflict
# neighbour of x or when x's cluster already has cap_c hosts in it. Hosts without conflicts
# come last (wave -2 until then) and take any wave with room in their cluster, the least
# loaded first: no choice among those slots can hurt another host, so nothing is lost.
# Invariants: every host gets one wave; neighbours never share a wave; no cluster exceeds its
# capacity in a wave. A wave opens for x only when all open ones are forbidden, so x's wave
# is at most deg(x) + (n_c - 1) // cap_c, which sizes s.words (see _waves).
# O(sum_f h_f^2 log n_hosts + n_hosts * W + sum_c n_c * W) for W waves.
cdef idx_t _round(HostConflicts* g, Plan* s, idx_t n_clusters, idx_t* wave) noexcept nogil:
    cdef priority_queue[pair[int64_t, idx_t]] heap
    cdef pair[int64_t, idx_t] top
    cdef idx_t n_hosts = g.n_hosts, x, y, c, f, i, j, p, best, count = 0
    cdef idx_t open_waves = max(s.target, 1)
    s.sat.assign(n_hosts, 0)
    s.forbidden.assign(s.words * n_hosts, 0)
    for c in range(n_clusters):
        s.load[c].clear()
    for x in range(n_hosts):
        wave[x] = -2
        if s.degree[x] > 0:
            wave[x] = -1
            heap.push(pair[int64_t, idx_t](_priority(s, x), -x))
    while not heap.empty():
        top = heap.top()
        heap.pop()
        x = -top.second
        if wave[x] != -1 or top.first != _priority(s, x):
            continue
        c = g.host_cluster[x]
        best = _choose(s, x, c, open_waves)
        if best < 0:
            best = open_waves
            open_waves += 1
        wave[x] = best
        count = max(count, best + 1)
        if c >= 0 and _place(s, c, best) == g.capacity[c]:
            for i in range(g.ch_ptr[c], g.ch_ptr[c + 1]):
                _forbid(s, g.ch[i], best, wave, &heap)
        for p in range(g.hf_ptr[x], g.hf_ptr[x + 1]):
            f = g.pos_guest_cluster[g.hf[p]]
            for j in range(g.fh_ptr[f], g.fh_ptr[f + 1]):
                y = g.fh[j]
                if y != x:
                    _forbid(s, y, best, wave, &heap)
    for x in range(n_hosts):
        if wave[x] != -2:
            continue
        c = g.host_cluster[x]
        best = 0
        if c >= 0:
            best = _choose(s, x, c, open_waves)
            if best < 0 or (s.load[c].size() > <size_t>best and s.load[c][best] >= g.capacity[c]):
                best = open_waves
                open_waves += 1
            _place(s, c, best)
        wave[x] = best
        count = max(count, best + 1)
    return count


# Patch waves: up to 1 + MAX_ROUNDS greedy rounds ("squeaky wheel"): after a round that needs
# more than target waves, every host placed beyond the target gets a higher priority for the
# next round. The best plan is kept; rounds stop as soon as one meets the target.
# Complexity: (1 + MAX_ROUNDS) times _round at worst; one round when the target is met.
cdef idx_t _waves(idx_t n_hosts, idx_t n_guest_clusters, idx_t n_clusters, const idx_t* fh_ptr,
                  const idx_t* fh, const idx_t* host_cluster, const idx_t* capacity,
                  idx_t target, idx_t* wave) noexcept nogil:
    cdef HostConflicts g
    cdef Plan s
    cdef vector[idx_t] near, trial = vector[idx_t](n_hosts)
    cdef vector[idx_t] seen = vector[idx_t](n_hosts, -1)
    cdef idx_t x, c, n_c, _round_no, count, best = -1, limit = target
    conflicts_init(&g, n_hosts, n_guest_clusters, n_clusters, fh_ptr, fh, host_cluster, capacity)
    s.target = target
    s.degree.assign(n_hosts, 0)
    s.tight.assign(n_hosts, 0)
    s.boost.assign(n_hosts, 0)
    s.load.resize(n_clusters)
    for x in range(n_hosts):
        s.degree[x] = neighbours(&g, x, False, seen.data(), x, &near)
        c = host_cluster[x]
        n_c = 0
        if c >= 0:
            n_c = g.ch_ptr[c + 1] - g.ch_ptr[c]
            s.tight[x] = (n_c + capacity[c] - 1) // capacity[c]
            n_c = (n_c - 1) // capacity[c]
        limit = max(limit, s.degree[x] + n_c + 1)
    s.words = (<int64_t>limit + 63) >> 6
    for _round_no in range(MAX_ROUNDS + 1):
        count = _round(&g, &s, n_clusters, trial.data())
        if best < 0 or count < best:
            best = count
            for x in range(n_hosts):
                wave[x] = trial[x]
        if best <= target:
            break
        for x in range(n_hosts):
            if trial[x] >= target:
                s.boost[x] += 1
    return best


def waves(idx_t n_hosts, idx_t n_guest_clusters, idx_t n_clusters, const idx_t[::1] fh_ptr,
          const idx_t[::1] fh, const idx_t[::1] host_cluster, const idx_t[::1] capacity):
    """The patch waves as a :data:`WavePlan`: the number of waves used, the wave of every host,
    and the lower bound on the waves of any valid plan (the greedy rounds stop when they meet it).
    """
    wave = np.empty(n_hosts, dtype=np.int32)
    cdef idx_t[::1] wave_v = wave
    cdef idx_t count = 0, bound = 0
    if n_hosts > 0:
        with nogil:
            bound = lower_bound(n_hosts, n_guest_clusters, n_clusters, &fh_ptr[0], &fh[0], &host_cluster[0],
                                &capacity[0])
            count = _waves(n_hosts, n_guest_clusters, n_clusters, &fh_ptr[0], &fh[0], &host_cluster[0],
                           &capacity[0], bound, &wave_v[0])
    return WavePlan(count, wave, bound)
