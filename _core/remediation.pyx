# cython: language_level=3
"""Remediation value (step 7): which hosts each fix would free, and the containment what-if.

A "key" names a set of pin and colocation edges removed together: a cause, a rule, or all
faux-cluster causes at once. Key -1 marks an edge no fix removes. Host h is freed by key k
iff h has blockers now and none once every edge with key k is gone; this equals recomputing
the pin closure and the blockers without those edges, but only groups that k touches are
looked at again.

Inputs are validated by reportgen.graph before they reach these kernels, and the closure
arrays (groups, pinned rows, blocker entries) come from closure.pyx on the same edges.
"""

from libc.stdlib cimport calloc, free, malloc
from libcpp.algorithm cimport sort
from libcpp.vector cimport vector

from core_types cimport idx_t, int64_t, csr_by_key, uf_find, uf_union


cdef struct Index:
    # Edge lists regrouped once, shared by every key.
    vector[idx_t] ck_ptr, ck        # key -> colocation edges
    vector[idx_t] pk_ptr, pk        # key -> pin edges
    vector[idx_t] cg_ptr, cg        # group -> colocation edges
    vector[idx_t] pg_ptr, pg        # group -> pin edges, ascending by host
    vector[idx_t] eb_ptr, eb        # pinned entry -> its blockers
    vector[idx_t] n_blk             # pinned entry -> number of blockers
    vector[idx_t] anchor            # host -> -1 / key / -2, see _index


# Regroup the edges. anchor[h] summarises the blockers' own pins ("self pins": a pin edge from
# a blocker on h to h): -1 if there is none, k if all carry key k, -2 otherwise. A blocker keeps
# blocking while it has a self pin left, so only key anchor[h] (or any key, when -1) can free h.
cdef void _index(idx_t n, idx_t n_hosts, idx_t k, idx_t n_keys, const idx_t* group,
                 const idx_t* guest_host, const idx_t* csrc, const idx_t* ckey, Py_ssize_t mc,
                 const idx_t* pguest, const idx_t* phost, const idx_t* pkey, Py_ssize_t mp,
                 const idx_t* gp_ptr, const idx_t* entry, Index* ix) noexcept nogil:
    cdef vector[idx_t] key
    cdef vector[idx_t] by_host_ptr = vector[idx_t](n_hosts + 1)
    cdef vector[idx_t] by_host = vector[idx_t](mp)
    cdef Py_ssize_t e
    cdef idx_t g, h, a, n_entries = gp_ptr[k]
    ix.ck_ptr.resize(n_keys + 1)
    ix.ck.resize(mc)
    csr_by_key(n_keys, ckey, mc, ix.ck_ptr.data(), ix.ck.data())
    ix.pk_ptr.resize(n_keys + 1)
    ix.pk.resize(mp)
    csr_by_key(n_keys, pkey, mp, ix.pk_ptr.data(), ix.pk.data())
    key.resize(mc)
    for e in range(mc):
        key[e] = group[csrc[e]]
    ix.cg_ptr.resize(k + 1)
    ix.cg.resize(mc)
    csr_by_key(k, key.data(), mc, ix.cg_ptr.data(), ix.cg.data())
    # Pins by group, ascending by host inside a group: two stable counting sorts.
    csr_by_key(n_hosts, phost, mp, by_host_ptr.data(), by_host.data())
    key.resize(mp)
    for e in range(mp):
        key[e] = group[pguest[by_host[e]]]
    ix.pg_ptr.resize(k + 1)
    ix.pg.resize(mp)
    csr_by_key(k, key.data(), mp, ix.pg_ptr.data(), ix.pg.data())
    for e in range(mp):
        ix.pg[e] = by_host[ix.pg[e]]
    ix.eb_ptr.resize(n_entries + 1)
    for g in range(n):
        if entry[g] >= 0:
            ix.eb_ptr[0] += 1
    ix.eb.resize(ix.eb_ptr[0])
    csr_by_key(n_entries, entry, n, ix.eb_ptr.data(), ix.eb.data())
    ix.n_blk.resize(n_entries)
    for e in range(n_entries):
        ix.n_blk[e] = ix.eb_ptr[e + 1] - ix.eb_ptr[e]
    ix.anchor.assign(n_hosts, -1)
    for e in range(mp):
        g = pguest[e]
        h = phost[e]
        if entry[g] < 0 or guest_host[g] != h:
            continue
        a = ix.anchor[h]
        if pkey[e] < 0 or (a != -1 and a != pkey[e]):
            ix.anchor[h] = -2
        elif a == -1:
            ix.anchor[h] = pkey[e]


cdef inline idx_t _find(const idx_t* values, idx_t lo, idx_t hi, idx_t x) noexcept nogil:
    """Position of x in the sorted values[lo:hi]; x must be there."""
    cdef idx_t mid
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef inline bint _holds_candidate(idx_t grp, const idx_t* gp_ptr, const idx_t* gp_host,
                                  const idx_t* n_blk, const idx_t* candidate_at,
                                  idx_t mark) noexcept nogil:
    """Whether group grp has a blocker on a host marked as a candidate (mark = key + 1)."""
    cdef idx_t e
    for e in range(gp_ptr[grp], gp_ptr[grp + 1]):
        if n_blk[e] > 0 and candidate_at[gp_host[e]] == mark:
            return True
    return False


# Freed hosts per key, ascending, appended to out (out_ptr has n_keys + 1 slots).
# For key k: T = groups holding an edge of k. Candidates = hosts h whose blockers all lie in T
# (summed per pinned entry) and whose anchor allows k; if none, k costs O(|edges of k| + sum of
# pinned rows of T). Otherwise blockers that stop blocking are counted per candidate host:
#   a group without colocation edges of k keeps its components, so an entry (group, h) is lost
#   iff every pin edge behind it has key k (pin counts decremented, then restored);
#   a group with colocation edges of k is re-split by union-find over its members and its
#   edges without key k, and a blocker on h stays iff its new component holds a pin edge to h
#   without key k (pins of the group are ascending by host, so each host is one stamp round).
# h is freed iff every one of its blockers stopped blocking.
# Complexity per key: O(edges of k + sum_{G in T} |pinned G|), plus O((|G| + edges of G)
# alpha) for each re-split group that holds a candidate's blocker. Memory O(n + m + n_hosts).
cdef void _freed(idx_t n, idx_t n_hosts, idx_t k, idx_t n_keys, const idx_t* group,
                 const idx_t* mem_ptr, const idx_t* mem, const idx_t* guest_host,
                 const idx_t* csrc, const idx_t* cdst, const idx_t* ckey, Py_ssize_t mc,
                 const idx_t* pguest, const idx_t* phost, const idx_t* pkey, Py_ssize_t mp,
                 const idx_t* gp_ptr, const idx_t* gp_host, const idx_t* gp_count,
                 const idx_t* entry, const idx_t* blk_ptr, idx_t* out_ptr,
                 vector[idx_t]* out) noexcept nogil:
    # Scratch touched only where a key reaches comes from calloc, so untouched pages cost
    # nothing: marks hold key + 1 (0: never), stamps hold tokens >= 1.
    cdef Index ix
    cdef idx_t* touched_at = <idx_t*>calloc(k, sizeof(idx_t))
    cdef idx_t* resplit_at = <idx_t*>calloc(k, sizeof(idx_t))
    cdef idx_t* candidate_at = <idx_t*>calloc(n_hosts, sizeof(idx_t))
    cdef idx_t* cover = <idx_t*>calloc(n_hosts, sizeof(idx_t))
    cdef idx_t* removed = <idx_t*>calloc(n_hosts, sizeof(idx_t))
    cdef idx_t* parent = <idx_t*>malloc(n * sizeof(idx_t))
    cdef idx_t* rank = <idx_t*>malloc(n * sizeof(idx_t))
    cdef int64_t* stamp = <int64_t*>calloc(n, sizeof(int64_t))
    cdef vector[idx_t] count = vector[idx_t](gp_ptr[k])
    cdef vector[idx_t] groups, hosts, changed
    cdef int64_t token = 0
    cdef idx_t key, mark, grp, e, i, j, p, end, h, g, start
    cdef bint any_candidate
    _index(n, n_hosts, k, n_keys, group, guest_host, csrc, ckey, mc, pguest, phost, pkey, mp,
           gp_ptr, entry, &ix)
    for e in range(gp_ptr[k]):
        count[e] = gp_count[e]
    out_ptr[0] = 0
    for key in range(n_keys):
        mark = key + 1
        groups.clear()
        hosts.clear()
        for i in range(ix.ck_ptr[key], ix.ck_ptr[key + 1]):
            grp = group[csrc[ix.ck[i]]]
            resplit_at[grp] = mark
            if touched_at[grp] != mark:
                touched_at[grp] = mark
                groups.push_back(grp)
        for i in range(ix.pk_ptr[key], ix.pk_ptr[key + 1]):
            grp = group[pguest[ix.pk[i]]]
            if touched_at[grp] != mark:
                touched_at[grp] = mark
                groups.push_back(grp)
        for i in range(<idx_t>groups.size()):
            grp = groups[i]
            for e in range(gp_ptr[grp], gp_ptr[grp + 1]):
                if ix.n_blk[e] > 0:
                    h = gp_host[e]
                    if cover[h] == 0:
                        hosts.push_back(h)
                    cover[h] += ix.n_blk[e]
        any_candidate = False
        for i in range(<idx_t>hosts.size()):
            h = hosts[i]
            if (cover[h] == blk_ptr[h + 1] - blk_ptr[h]
                    and (ix.anchor[h] == -1 or ix.anchor[h] == key)):
                candidate_at[h] = mark
                any_candidate = True
        if any_candidate:
            # Groups that keep their components: count pin edges lost per entry.
            for i in range(ix.pk_ptr[key], ix.pk_ptr[key + 1]):
                p = ix.pk[i]
                grp = group[pguest[p]]
                h = phost[p]
                if resplit_at[grp] == mark or candidate_at[h] != mark:
                    continue
                e = _find(gp_host, gp_ptr[grp], gp_ptr[grp + 1], h)
                if ix.n_blk[e] == 0:
                    continue
                if count[e] == gp_count[e]:
                    changed.push_back(e)
                count[e] -= 1
                if count[e] == 0:
                    removed[h] += ix.n_blk[e]
            for i in range(<idx_t>changed.size()):
                count[changed[i]] = gp_count[changed[i]]
            changed.clear()
            # Groups that lose colocation edges: re-split them.
            for i in range(<idx_t>groups.size()):
                grp = groups[i]
                if resplit_at[grp] != mark or not _holds_candidate(
                        grp, gp_ptr, gp_host, ix.n_blk.data(), candidate_at, mark):
                    continue
                for j in range(mem_ptr[grp], mem_ptr[grp + 1]):
                    parent[mem[j]] = mem[j]
                    rank[mem[j]] = 0
                for j in range(ix.cg_ptr[grp], ix.cg_ptr[grp + 1]):
                    p = ix.cg[j]
                    if ckey[p] != key:
                        uf_union(parent, rank, csrc[p], cdst[p])
                p = ix.pg_ptr[grp]
                end = ix.pg_ptr[grp + 1]
                for e in range(gp_ptr[grp], gp_ptr[grp + 1]):
                    h = gp_host[e]
                    token += 1
                    while p < end and phost[ix.pg[p]] == h:
                        if pkey[ix.pg[p]] != key:
                            stamp[uf_find(parent, pguest[ix.pg[p]])] = token
                        p += 1
                    if ix.n_blk[e] == 0 or candidate_at[h] != mark:
                        continue
                    for j in range(ix.eb_ptr[e], ix.eb_ptr[e + 1]):
                        g = ix.eb[j]
                        if stamp[uf_find(parent, g)] != token:
                            removed[h] += 1
        start = <idx_t>out.size()
        for i in range(<idx_t>hosts.size()):
            h = hosts[i]
            if candidate_at[h] == mark and removed[h] == blk_ptr[h + 1] - blk_ptr[h]:
                out.push_back(h)
            cover[h] = 0
            removed[h] = 0
        sort(out.data() + start, out.data() + out.size())
        out_ptr[key + 1] = <idx_t>out.size()
    free(touched_at)
    free(resplit_at)
    free(candidate_at)
    free(cover)
    free(removed)
    free(parent)
    free(rank)
    free(stamp)


def freed(idx_t n, idx_t n_hosts, idx_t k, idx_t n_keys, const idx_t[::1] group,
          const idx_t[::1] members_ptr, const idx_t[::1] members, const idx_t[::1] guest_host,
          const idx_t[::1] csrc, const idx_t[::1] cdst, const idx_t[::1] ckey,
          const idx_t[::1] pguest, const idx_t[::1] phost, const idx_t[::1] pkey,
          const idx_t[::1] gp_ptr, const idx_t[::1] gp_host, const idx_t[::1] gp_count,
          const idx_t[::1] entry, const idx_t[::1] blk_ptr, idx_t[::1] out_ptr,
          idx_t[::1] out) -> int:
    """Hosts freed per key. Returns the total number of rows' entries; when that exceeds
    ``len(out)`` nothing was written to ``out`` and the caller calls again with room."""
    cdef vector[idx_t] result
    cdef Py_ssize_t i, total
    out_ptr[:] = 0
    if n == 0 or n_hosts == 0:
        return 0
    with nogil:
        _freed(n, n_hosts, k, n_keys, &group[0], &members_ptr[0], &members[0], &guest_host[0],
               &csrc[0], &cdst[0], &ckey[0], csrc.shape[0], &pguest[0], &phost[0], &pkey[0],
               pguest.shape[0], &gp_ptr[0], &gp_host[0], &gp_count[0], &entry[0], &blk_ptr[0],
               &out_ptr[0], &result)
        total = <Py_ssize_t>result.size()
        if total <= out.shape[0]:
            for i in range(total):
                out[i] = result[i]
    return total


# Containment what-if inputs, written to stats:
#   [0] largest k any faux cluster needs on its own: 1 if all members are on one known host,
#       else its member count (they must sit on distinct hosts);
#   [1] 1 if every faux-cluster member and every host carrying one has a known memory (> 0);
#   [2] total memory of faux-cluster members; [3] total memory of the carrying hosts;
#   [4] number of carrying hosts. O(n + n_hosts).
cdef void _containment(idx_t n, idx_t n_faux, idx_t n_hosts, const idx_t* faux,
                       const idx_t* guest_host, const int64_t* guest_mem,
                       const int64_t* host_mem, int64_t* stats) noexcept nogil:
    cdef vector[idx_t] members = vector[idx_t](n_faux, 0)
    cdef vector[idx_t] first_host = vector[idx_t](n_faux, -2)
    cdef vector[char] one_host = vector[char](n_faux, 1)
    cdef vector[char] carrying = vector[char](n_hosts, 0)
    cdef idx_t g, f, h, need
    stats[0] = 0
    stats[1] = 1
    stats[2] = 0
    stats[3] = 0
    stats[4] = 0
    for g in range(n):
        f = faux[g]
        if f < 0:
            continue
        members[f] += 1
        h = guest_host[g]
        if h < 0 or (first_host[f] != -2 and first_host[f] != h):
            one_host[f] = 0
        first_host[f] = h
        if guest_mem[g] <= 0:
            stats[1] = 0
        stats[2] += guest_mem[g]
        if h >= 0 and not carrying[h]:
            carrying[h] = 1
            stats[4] += 1
            if host_mem[h] <= 0:
                stats[1] = 0
            stats[3] += host_mem[h]
    for f in range(n_faux):
        need = 1 if one_host[f] else members[f]
        if need > stats[0]:
            stats[0] = need


def containment(idx_t n, idx_t n_faux, idx_t n_hosts, const idx_t[::1] faux,
                const idx_t[::1] guest_host, const int64_t[::1] guest_mem,
                const int64_t[::1] host_mem, int64_t[::1] stats) -> None:
    """Fill the five containment statistics (see the comment above the kernel)."""
    stats[:] = 0
    stats[1] = 1
    if n == 0:
        return
    with nogil:
        _containment(n, n_faux, n_hosts, &faux[0], &guest_host[0], &guest_mem[0],
                     &host_mem[0], &stats[0])
