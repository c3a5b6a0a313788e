# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
# The host-conflict graph, shared by waves.pyx and wave_bound.pxd. Header only.
#
# Two distinct hosts conflict when one guest cluster has members on both: the graph is the union
# of one clique per guest cluster, so it is never built. Neighbours of x are enumerated through
# the guest clusters on x (host -> guest cluster -> hosts), which costs sum over guest clusters f on x of
# h_f (h_f = distinct hosts of f). "Mates" of x are the other hosts of x's cluster when that
# cluster allows one host down at a time: they can never share a wave with x either.
from libcpp.vector cimport vector

from core_types cimport idx_t, csr_by_key


cdef struct HostConflicts:
    idx_t n_hosts
    idx_t* fh_ptr           # guest cluster -> its distinct hosts (validated, read only)
    idx_t* fh
    idx_t* host_cluster     # host -> cluster or -1 (read only)
    idx_t* capacity         # cluster -> hosts allowed down per wave, >= 1 (read only)
    vector[idx_t] hf_ptr    # host -> positions in fh
    vector[idx_t] hf
    vector[idx_t] pos_guest_cluster  # position in fh -> guest cluster
    vector[idx_t] ch_ptr    # cluster -> hosts, ascending
    vector[idx_t] ch


cdef inline void conflicts_init(HostConflicts* g, idx_t n_hosts, idx_t n_guest_clusters,
                                idx_t n_clusters, const idx_t* fh_ptr, const idx_t* fh,
                                const idx_t* host_cluster, const idx_t* capacity) noexcept nogil:
    """Index the guest clusters by host and the hosts by cluster. O(n_hosts + sum_f h_f)."""
    cdef idx_t f, i, total = fh_ptr[n_guest_clusters]
    g.n_hosts = n_hosts
    g.fh_ptr = <idx_t*>fh_ptr
    g.fh = <idx_t*>fh
    g.host_cluster = <idx_t*>host_cluster
    g.capacity = <idx_t*>capacity
    g.hf_ptr.resize(n_hosts + 1)
    g.hf.resize(total)
    g.pos_guest_cluster.resize(total)
    for f in range(n_guest_clusters):
        for i in range(fh_ptr[f], fh_ptr[f + 1]):
            g.pos_guest_cluster[i] = f
    csr_by_key(n_hosts, fh, total, g.hf_ptr.data(), g.hf.data())
    g.ch_ptr.resize(n_clusters + 1)
    g.ch.resize(n_hosts)
    csr_by_key(n_clusters, host_cluster, n_hosts, g.ch_ptr.data(), g.ch.data())


cdef inline idx_t neighbours(HostConflicts* g, idx_t x, bint mates, idx_t* seen, idx_t token,
                             vector[idx_t]* out) noexcept nogil:
    """Distinct conflict neighbours of x (plus its mates if asked) into out; returns how many.

    seen is scratch of length n_hosts; token must differ from every value already in it.
    """
    cdef idx_t p, j, y, c, f
    out.clear()
    seen[x] = token
    for p in range(g.hf_ptr[x], g.hf_ptr[x + 1]):
        f = g.pos_guest_cluster[g.hf[p]]
        for j in range(g.fh_ptr[f], g.fh_ptr[f + 1]):
            y = g.fh[j]
            if seen[y] != token:
                seen[y] = token
                out.push_back(y)
    c = g.host_cluster[x]
    if mates and c >= 0 and g.capacity[c] == 1:
        for j in range(g.ch_ptr[c], g.ch_ptr[c + 1]):
            y = g.ch[j]
            if seen[y] != token:
                seen[y] = token
                out.push_back(y)
    return <idx_t>out.size()
