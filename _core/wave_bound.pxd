# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
# A lower bound on the number of patch waves (step 5), so a plan can say how close it is, and its
# greedy rounds know when to stop. Header only, cimported by waves.pyx. Inputs are validated by
# reportgen.graph: every index is in range, capacities are >= 1.
from libcpp.algorithm cimport sort
from libcpp.pair cimport pair
from libcpp.vector cimport vector

from core_types cimport idx_t
from host_conflicts cimport HostConflicts, conflicts_init, neighbours


# Grow a clique from x inside the alive hosts: candidates are x's alive neighbours in G',
# most alive neighbours first (ties: smaller host); a candidate joins when it is adjacent to
# every member so far (hits counts members adjacent to each candidate; slot maps a host to its
# candidate position, -1 otherwise, and is restored on return). Returns the clique's size.
cdef inline idx_t _greedy_clique(HostConflicts* g, idx_t x, const char* alive, const idx_t* degree,
                                 idx_t* seen, idx_t* token, idx_t* slot) noexcept nogil:
    cdef vector[pair[idx_t, idx_t]] order
    cdef vector[idx_t] near, hits
    cdef idx_t i, j, y, z, size = 1
    neighbours(g, x, True, seen, token[0], &near)
    token[0] += 1
    for i in range(<idx_t>near.size()):
        if alive[near[i]]:
            order.push_back(pair[idx_t, idx_t](-degree[near[i]], near[i]))
    sort(order.begin(), order.end())
    hits.assign(order.size(), 1)
    for i in range(<idx_t>order.size()):
        slot[order[i].second] = i
    for i in range(<idx_t>order.size()):
        y = order[i].second
        if hits[i] != size:
            continue
        size += 1
        neighbours(g, y, True, seen, token[0], &near)
        token[0] += 1
        for j in range(<idx_t>near.size()):
            z = near[j]
            if slot[z] > i:
                hits[slot[z]] += 1
    for i in range(<idx_t>order.size()):
        slot[order[i].second] = -1
    return size


# Lower bound on the waves of any valid plan: the max of
#   (a) 1 if there is a host;
#   (b) h_f for every guest cluster f (its hosts pairwise conflict);
#   (c) ceil(n_c / cap_c) for every cluster c (n_c hosts, at most cap_c down per wave);
#   (d) 1 + ceil(|N(x) & H_c| / cap_c) for every host x and cluster c: x's wave holds none of
#       x's conflict neighbours N(x), so those in cluster c fill other waves, cap_c per wave;
#   (e) the size of a clique in G' = conflicts + mates (hosts of one cluster with cap_c = 1),
#       found greedily: every host of a clique needs its own wave. Only hosts of the
#       (lb)-core of G' can be in a clique larger than lb, so G' is first peeled to it; on
#       sparse estates nothing survives and (e) costs one degree pass.
# Complexity: O(sum_f h_f^2 + sum_{c: cap_c = 1} n_c^2) for (a)-(d) and the peel, plus
# O(sum over core hosts x of |N'(x)| log |N'(x)| + sum over the clique of |N'|) for (e).
cdef inline idx_t lower_bound(idx_t n_hosts, idx_t n_guest_clusters, idx_t n_clusters, const idx_t* fh_ptr,
                              const idx_t* fh, const idx_t* host_cluster,
                              const idx_t* capacity) noexcept nogil:
    cdef HostConflicts g
    cdef vector[idx_t] per_cluster = vector[idx_t](n_clusters, 0)
    cdef vector[idx_t] seen = vector[idx_t](n_hosts, -1)
    cdef vector[idx_t] degree = vector[idx_t](n_hosts, 0)
    cdef vector[char] alive = vector[char](n_hosts, 1)
    cdef vector[idx_t] slot = vector[idx_t](n_hosts, -1)
    cdef vector[idx_t] near, touched, queue
    cdef idx_t lb = 1 if n_hosts > 0 else 0
    cdef idx_t x, y, f, c, i, token = 0
    conflicts_init(&g, n_hosts, n_guest_clusters, n_clusters, fh_ptr, fh, host_cluster, capacity)
    for f in range(n_guest_clusters):
        lb = max(lb, fh_ptr[f + 1] - fh_ptr[f])
    for c in range(n_clusters):
        lb = max(lb, (g.ch_ptr[c + 1] - g.ch_ptr[c] + capacity[c] - 1) // capacity[c])
    for x in range(n_hosts):
        neighbours(&g, x, False, seen.data(), token, &near)
        token += 1
        for i in range(<idx_t>near.size()):
            c = host_cluster[near[i]]
            if c >= 0:
                if per_cluster[c] == 0:
                    touched.push_back(c)
                per_cluster[c] += 1
        for i in range(<idx_t>touched.size()):
            c = touched[i]
            lb = max(lb, 1 + (per_cluster[c] + capacity[c] - 1) // capacity[c])
            per_cluster[c] = 0
        touched.clear()
    # (e) peel G' to its lb-core, then grow a clique greedily from every core host.
    for x in range(n_hosts):
        degree[x] = neighbours(&g, x, True, seen.data(), token, &near)
        token += 1
        if degree[x] < lb:
            alive[x] = 0
            queue.push_back(x)
    while not queue.empty():
        x = queue.back()
        queue.pop_back()
        neighbours(&g, x, True, seen.data(), token, &near)
        token += 1
        for i in range(<idx_t>near.size()):
            y = near[i]
            if alive[y]:
                degree[y] -= 1
                if degree[y] < lb:
                    alive[y] = 0
                    queue.push_back(y)
    for x in range(n_hosts):
        if alive[x]:
            lb = max(lb, _greedy_clique(&g, x, alive.data(), degree.data(), seen.data(),
                                        &token, slot.data()))
    return lb

