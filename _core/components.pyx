# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True, embedsignature=True
"""Connected components over an undirected edge list, and guest clusters (step 1).

Inputs are validated by reportgen.graph before they reach these kernels: every index is in
range, arrays are C-contiguous int32 and paired arrays have the same length. The wrappers
allocate their outputs and return them, trimmed to their length.
"""

from collections import namedtuple

import numpy as np

from libcpp.algorithm cimport sort
from libcpp.vector cimport vector

from core_types cimport idx_t, int8_t, csr_by_key, uf_labels


GuestClusterArrays = namedtuple(
    "GuestClusterArrays",
    "n_clusters guest_cluster members_ptr members hosts_ptr hosts topology max_per_host",
    module=__name__,
)


def connected_components(idx_t n, const idx_t[::1] src, const idx_t[::1] dst):
    """(number of components, component label of each node).

    Labels are numbered in order of each component's smallest node. Union-find:
    O((n + m) alpha(n)), no recursion.
    """
    labels = np.empty(n, dtype=np.int32)
    cdef idx_t[::1] out = labels
    cdef vector[idx_t] parent = vector[idx_t](n)
    cdef vector[idx_t] rank = vector[idx_t](n)
    cdef idx_t count = 0
    if n == 0:
        return 0, labels
    with nogil:
        count = uf_labels(n, &src[0], &dst[0], src.shape[0], parent.data(), rank.data(), &out[0])
    return count, labels


# Guest clusters: components of the bond graph with >= 2 distinct guests.
# Invariants on return (k = returned count):
#   guest_cluster[g] in [0, k) iff g is in a component of >= 2 guests, else -1; ids follow the
#   smallest member, so cluster ids increase with their first guest.
#   members row f = the guests of f, ascending; hosts row f = distinct known hosts, ascending.
#   topology[f]: 3 if a member has host -1; else 0 if one host; else 1 if every member has its
#   own host and all hosts share one host_cluster value (-1 = standalone counts as a value);
#   else 2. max_per_host[f] = most members on one known host (0 if none known).
# Complexity: O((n + m) alpha(n) + sum_f h_f log h_f) time, O(n + n_hosts) extra memory.
cdef idx_t _guest_clusters(idx_t n, idx_t n_hosts, const idx_t* src, const idx_t* dst,
                          Py_ssize_t m, const idx_t* guest_host, const idx_t* host_cluster,
                          idx_t* guest_cluster, idx_t* mem_ptr, idx_t* mem,
                          idx_t* hst_ptr, idx_t* hst, int8_t* topology,
                          idx_t* max_per_host) noexcept nogil:
    cdef vector[idx_t] parent = vector[idx_t](n)
    cdef vector[idx_t] rank = vector[idx_t](n)
    cdef vector[idx_t] label = vector[idx_t](n)
    cdef vector[idx_t] size
    cdef vector[idx_t] fid
    cdef vector[idx_t] seen = vector[idx_t](n_hosts, -1)
    cdef vector[idx_t] per_host = vector[idx_t](n_hosts, 0)
    cdef idx_t n_comp, count = 0, f, g, h, c, i, j, start, top, best
    cdef bint unknown, same_cluster
    n_comp = uf_labels(n, src, dst, m, parent.data(), rank.data(), label.data())
    size.assign(n_comp, 0)
    fid.assign(n_comp, -1)
    for g in range(n):
        size[label[g]] += 1
    for g in range(n):
        c = label[g]
        if size[c] >= 2 and fid[c] == -1:
            fid[c] = count
            count += 1
        guest_cluster[g] = fid[c]
    csr_by_key(count, guest_cluster, n, mem_ptr, mem)
    hst_ptr[0] = 0
    for f in range(count):
        start = hst_ptr[f]
        top = start
        unknown = False
        best = 0
        for i in range(mem_ptr[f], mem_ptr[f + 1]):
            h = guest_host[mem[i]]
            if h < 0:
                unknown = True
                continue
            per_host[h] += 1
            if per_host[h] > best:
                best = per_host[h]
            if seen[h] != f:
                seen[h] = f
                hst[top] = h
                top += 1
        hst_ptr[f + 1] = top
        sort(hst + start, hst + top)
        same_cluster = True
        for j in range(start, top):
            per_host[hst[j]] = 0
            if host_cluster[hst[j]] != host_cluster[hst[start]]:
                same_cluster = False
        max_per_host[f] = best
        if unknown:
            topology[f] = 3
        elif top - start == 1:
            topology[f] = 0
        elif best == 1 and same_cluster:
            topology[f] = 1
        else:
            topology[f] = 2
    return count


def guest_clusters(idx_t n, idx_t n_hosts, const idx_t[::1] src, const idx_t[::1] dst,
                  const idx_t[::1] guest_host, const idx_t[::1] host_cluster):
    """The guest clusters, as a :data:`GuestClusterArrays` (rows in CSR form: ``members_ptr`` has
    ``count + 1`` entries)."""
    cdef idx_t cap = n // 2 + 1
    gc = np.empty(n, dtype=np.int32)
    m_ptr = np.zeros(cap + 1, dtype=np.int32)
    h_ptr = np.zeros(cap + 1, dtype=np.int32)
    members = np.empty(n, dtype=np.int32)
    hosts = np.empty(n, dtype=np.int32)
    topology = np.empty(cap, dtype=np.int8)
    max_per = np.empty(cap, dtype=np.int32)
    cdef idx_t[::1] gc_v = gc, m_ptr_v = m_ptr, h_ptr_v = h_ptr, mem_v = members, hst_v = hosts
    cdef idx_t[::1] max_v = max_per
    cdef int8_t[::1] top_v = topology
    cdef idx_t k = 0
    if n > 0:
        with nogil:
            k = _guest_clusters(n, n_hosts, &src[0], &dst[0], src.shape[0], &guest_host[0],
                               &host_cluster[0], &gc_v[0], &m_ptr_v[0], &mem_v[0], &h_ptr_v[0],
                               &hst_v[0], &top_v[0], &max_v[0])
    return GuestClusterArrays(k, gc, m_ptr[:k + 1].copy(), members[:m_ptr[k]].copy(),
                        h_ptr[:k + 1].copy(), hosts[:h_ptr[k]].copy(), topology[:k].copy(),
                        max_per[:k].copy())
