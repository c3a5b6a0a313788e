# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True, embedsignature=True
"""Pin closure (step 2), per-host evacuation (step 3) and failure impact (step 6).

Inputs are validated by reportgen.graph before they reach these kernels: every index is in
range, arrays are C-contiguous (int32 indices, uint8 flags) and paired arrays have the same
length. The wrappers allocate their outputs and return them, trimmed to their length.
"""

from collections import namedtuple

import numpy as np

from libcpp.algorithm cimport sort
from libcpp.vector cimport vector

from core_types cimport idx_t, uint8_t, bsearch, csr_by_key, uf_labels


PinClosure = namedtuple(
    "PinClosure", "n_groups group members_ptr members pinned_ptr pinned_host pinned_count",
    module=__name__,
)
Evacuation = namedtuple(
    "Evacuation",
    "entry blockers_ptr blockers degraded_ptr degraded owners_ptr owners unknown_owner",
    module=__name__,
)


# Colocation groups and the hosts each group is pinned to.
# Invariants on return (k = returned count): group[g] in [0, k), numbered by smallest guest;
# every guest is in exactly one group (singletons included). members row G = guests of G,
# ascending. pinned row G = distinct hosts of the pin edges of G's guests, ascending, and
# pin_count holds how many pin edges point at each of those hosts (duplicates counted).
# Complexity: O((n + m_c) alpha(n) + m_p log m_p), O(n + m_p) extra memory.
cdef idx_t _pin_closure(idx_t n, const idx_t* csrc, const idx_t* cdst, Py_ssize_t mc,
                        const idx_t* pguest, const idx_t* phost, Py_ssize_t mp,
                        idx_t* group, idx_t* mem_ptr, idx_t* mem,
                        idx_t* pin_ptr, idx_t* pin_host, idx_t* pin_count) noexcept nogil:
    cdef vector[idx_t] parent = vector[idx_t](n)
    cdef vector[idx_t] rank = vector[idx_t](n)
    cdef vector[idx_t] key = vector[idx_t](mp)
    cdef vector[idx_t] by_ptr
    cdef vector[idx_t] by_group = vector[idx_t](mp)
    cdef idx_t k, grp, i, j, top = 0, start
    cdef Py_ssize_t e
    k = uf_labels(n, csrc, cdst, mc, parent.data(), rank.data(), group)
    csr_by_key(k, group, n, mem_ptr, mem)
    for e in range(mp):
        key[e] = group[pguest[e]]
    by_ptr.resize(k + 1)
    csr_by_key(k, key.data(), mp, by_ptr.data(), by_group.data())
    pin_ptr[0] = 0
    for grp in range(k):
        start = top
        for i in range(by_ptr[grp], by_ptr[grp + 1]):
            pin_host[top] = phost[by_group[i]]
            top += 1
        if top - start > 1:
            sort(pin_host + start, pin_host + top)
        # Run-length encode the sorted hosts in place.
        j = start
        i = start
        while i < top:
            pin_host[j] = pin_host[i]
            pin_count[j] = 0
            while i < top and pin_host[i] == pin_host[j]:
                pin_count[j] += 1
                i += 1
            j += 1
        top = j
        pin_ptr[grp + 1] = top
    return k


def pin_closure(idx_t n, const idx_t[::1] csrc, const idx_t[::1] cdst,
                const idx_t[::1] pguest, const idx_t[::1] phost):
    """Colocation groups and their pinned hosts, as a :data:`PinClosure` (``members`` and
    ``pinned_host`` rows in CSR form, one row per group)."""
    cdef Py_ssize_t mp = pguest.shape[0]
    group = np.empty(n, dtype=np.int32)
    mem_ptr = np.zeros(n + 1, dtype=np.int32)
    members = np.empty(n, dtype=np.int32)
    pin_ptr = np.zeros(n + 1, dtype=np.int32)
    pin_host = np.empty(mp, dtype=np.int32)
    pin_count = np.empty(mp, dtype=np.int32)
    cdef idx_t[::1] group_v = group, mem_ptr_v = mem_ptr, mem_v = members
    cdef idx_t[::1] pin_ptr_v = pin_ptr, host_v = pin_host, count_v = pin_count
    cdef idx_t k = 0
    if n > 0:
        with nogil:
            k = _pin_closure(n, &csrc[0], &cdst[0], csrc.shape[0], &pguest[0], &phost[0], mp,
                             &group_v[0], &mem_ptr_v[0], &mem_v[0], &pin_ptr_v[0], &host_v[0],
                             &count_v[0])
    used = pin_ptr[k]
    return PinClosure(k, group, mem_ptr[:k + 1].copy(), members, pin_ptr[:k + 1].copy(),
                      pin_host[:used].copy(), pin_count[:used].copy())


# Per-guest copy of its group's pinned hosts: row g = pinned row group[g].
# O(n + output).
cdef void _expand(idx_t n, const idx_t* group, const idx_t* gp_ptr, const idx_t* gp_host,
                  idx_t* out_ptr, idx_t* out) noexcept nogil:
    cdef idx_t g, i, top = 0
    out_ptr[0] = 0
    for g in range(n):
        for i in range(gp_ptr[group[g]], gp_ptr[group[g] + 1]):
            out[top] = gp_host[i]
            top += 1
        out_ptr[g + 1] = top


def expand_pinned(idx_t n, const idx_t[::1] group, const idx_t[::1] gp_ptr,
                  const idx_t[::1] gp_host):
    """(row pointers, hosts): per guest, its group's pinned hosts."""
    cdef Py_ssize_t g, total = 0
    for g in range(n):
        total += gp_ptr[group[g] + 1] - gp_ptr[group[g]]
    out_ptr = np.zeros(n + 1, dtype=np.int32)
    out = np.empty(total, dtype=np.int32)
    cdef idx_t[::1] ptr_v = out_ptr, out_v = out
    if n > 0 and total > 0:
        with nogil:
            _expand(n, &group[0], &gp_ptr[0], &gp_host[0], &ptr_v[0], &out_v[0])
    return out_ptr, out


# Blockers of each host and what they imply.
# A guest g blocks host h iff active[g], guest_host[g] == h >= 0 and h is in the pinned row of
# group[g]; entry[g] is then the position of h in that row (else -1). Every guest blocks at
# most one host, so the blocker rows partition the blockers and are ascending by guest.
# degraded row h: distinct guest clusters of h's blockers; owners row h: distinct owner ids
# >= 0 of h's blockers; both ascending. unknown_owner[h] = 1 iff a blocker has owner -1.
# Complexity: O(n log p + sum_h b_h log b_h), p = longest pinned row, b_h = blockers of h.
cdef void _evacuation(idx_t n, idx_t n_hosts, idx_t n_guest_clusters,
                      const idx_t* guest_host, const uint8_t* active, const idx_t* owner,
                      const idx_t* guest_cluster, const idx_t* group, const idx_t* gp_ptr,
                      const idx_t* gp_host, idx_t* entry, idx_t* blk_ptr, idx_t* blk,
                      idx_t* deg_ptr, idx_t* deg, idx_t* own_ptr, idx_t* own,
                      uint8_t* unknown_owner) noexcept nogil:
    cdef vector[idx_t] key = vector[idx_t](n, -1)
    cdef vector[idx_t] guest_cluster_seen = vector[idx_t](n_guest_clusters, -1)
    cdef idx_t g, h, e, i, j, f, o, dtop = 0, otop = 0, dstart, ostart
    for g in range(n):
        e = -1
        h = guest_host[g]
        if active[g] and h >= 0:
            e = bsearch(gp_host, gp_ptr[group[g]], gp_ptr[group[g] + 1], h)
            if e >= 0:
                key[g] = h
        entry[g] = e
    csr_by_key(n_hosts, key.data(), n, blk_ptr, blk)
    deg_ptr[0] = 0
    own_ptr[0] = 0
    for h in range(n_hosts):
        dstart = dtop
        ostart = otop
        unknown_owner[h] = 0
        for i in range(blk_ptr[h], blk_ptr[h + 1]):
            g = blk[i]
            f = guest_cluster[g]
            if f >= 0 and guest_cluster_seen[f] != h:
                guest_cluster_seen[f] = h
                deg[dtop] = f
                dtop += 1
            o = owner[g]
            if o < 0:
                unknown_owner[h] = 1
            else:
                own[otop] = o
                otop += 1
        if dtop - dstart > 1:
            sort(deg + dstart, deg + dtop)
        if otop - ostart > 1:
            # Owner ids are not bounded by any count: sort and drop repeats in place.
            sort(own + ostart, own + otop)
            j = ostart + 1
            for i in range(ostart + 1, otop):
                if own[i] != own[j - 1]:
                    own[j] = own[i]
                    j += 1
            otop = j
        deg_ptr[h + 1] = dtop
        own_ptr[h + 1] = otop


def evacuation(idx_t n, idx_t n_hosts, idx_t n_guest_clusters, const idx_t[::1] guest_host,
               const uint8_t[::1] active, const idx_t[::1] owner, const idx_t[::1] guest_cluster,
               const idx_t[::1] group, const idx_t[::1] gp_ptr, const idx_t[::1] gp_host):
    """Blockers, degraded guest clusters and owners per host, as an :data:`Evacuation` (rows
    in CSR form, one row per host; ``unknown_owner`` is a bool per host)."""
    entry = np.full(n, -1, dtype=np.int32)
    blk_ptr = np.zeros(n_hosts + 1, dtype=np.int32)
    deg_ptr = np.zeros(n_hosts + 1, dtype=np.int32)
    own_ptr = np.zeros(n_hosts + 1, dtype=np.int32)
    blk = np.empty(n, dtype=np.int32)
    deg = np.empty(n, dtype=np.int32)
    own = np.empty(n, dtype=np.int32)
    unknown = np.zeros(n_hosts, dtype=np.uint8)
    cdef idx_t[::1] entry_v = entry, blk_ptr_v = blk_ptr, blk_v = blk, deg_ptr_v = deg_ptr
    cdef idx_t[::1] deg_v = deg, own_ptr_v = own_ptr, own_v = own
    cdef uint8_t[::1] unknown_v = unknown
    if n > 0:
        with nogil:
            _evacuation(n, n_hosts, n_guest_clusters, &guest_host[0], &active[0], &owner[0], &guest_cluster[0],
                        &group[0], &gp_ptr[0], &gp_host[0], &entry_v[0], &blk_ptr_v[0],
                        &blk_v[0], &deg_ptr_v[0], &deg_v[0], &own_ptr_v[0], &own_v[0],
                        &unknown_v[0])
    return Evacuation(entry, blk_ptr, blk[:blk_ptr[n_hosts]].copy(), deg_ptr,
                      deg[:deg_ptr[n_hosts]].copy(), own_ptr, own[:own_ptr[n_hosts]].copy(),
                      unknown.view(np.bool_))


# Failure impact. A guest g is stranded on h iff active[g], guest_host[g] == h, and some active
# guest of g's colocation group that is also on h (g itself included) has a strand edge to h.
# Rows are ascending by guest. O(n + m_s).
cdef void _stranded(idx_t n, idx_t n_hosts, idx_t k, const idx_t* guest_host,
                    const uint8_t* active, const idx_t* mem_ptr, const idx_t* mem,
                    const idx_t* sguest, const idx_t* shost, Py_ssize_t ms,
                    idx_t* out_ptr, idx_t* out) noexcept nogil:
    cdef vector[uint8_t] seed = vector[uint8_t](n, 0)
    cdef vector[idx_t] key = vector[idx_t](n, -1)
    cdef vector[idx_t] seen = vector[idx_t](n_hosts, -1)
    cdef Py_ssize_t e
    cdef idx_t grp, i, g, h
    cdef bint any_seed
    for e in range(ms):
        g = sguest[e]
        if active[g] and guest_host[g] == shost[e]:
            seed[g] = 1
    for grp in range(k):
        any_seed = False
        for i in range(mem_ptr[grp], mem_ptr[grp + 1]):
            g = mem[i]
            if seed[g]:
                seen[guest_host[g]] = grp
                any_seed = True
        if not any_seed:
            continue
        for i in range(mem_ptr[grp], mem_ptr[grp + 1]):
            g = mem[i]
            h = guest_host[g]
            if active[g] and h >= 0 and seen[h] == grp:
                key[g] = h
    csr_by_key(n_hosts, key.data(), n, out_ptr, out)


def stranded(idx_t n, idx_t n_hosts, idx_t k, const idx_t[::1] guest_host,
             const uint8_t[::1] active, const idx_t[::1] members_ptr, const idx_t[::1] members,
             const idx_t[::1] sguest, const idx_t[::1] shost):
    """(row pointers, guests): per host, the guests its failure would strand."""
    out_ptr = np.zeros(n_hosts + 1, dtype=np.int32)
    out = np.empty(n, dtype=np.int32)
    cdef idx_t[::1] ptr_v = out_ptr, out_v = out
    if n > 0:
        with nogil:
            _stranded(n, n_hosts, k, &guest_host[0], &active[0], &members_ptr[0], &members[0],
                      &sguest[0], &shost[0], sguest.shape[0], &ptr_v[0], &out_v[0])
    return out_ptr, out[:out_ptr[n_hosts]].copy()
