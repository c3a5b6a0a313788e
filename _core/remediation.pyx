# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True, embedsignature=True
"""Remediation value (step 7): which hosts each fix would free, and the containment what-if.

A "key" names a set of pin and colocation edges removed together: a cause, a rule, or all
guest-cluster causes at once. Keys come in sets (causes, rules, containment), numbered
globally (set s owns keys set_ptr[s] .. set_ptr[s+1]-1); each edge has one key per set, or -1
when no fix of that set removes it. Host h is freed by key k iff h has blockers now and none
once every edge with key k is gone; this equals recomputing the pin closure and the blockers
without those edges, but only groups that k touches are looked at again.

Inputs are validated by reportgen.graph before they reach these kernels, and the closure
arrays (groups, pinned rows, blocker entries) come from closure.pyx on the same edges. The
wrappers allocate their outputs and return them.
"""

import numpy as np

from libc.stdlib cimport calloc, free
from libcpp.algorithm cimport sort
from libcpp.pair cimport pair
from libcpp.vector cimport vector

from core_types cimport idx_t, int64_t, csr_by_key, lower_bound, uf_find, uf_union


cdef struct Index:
    # Built once per call, shared by every key of every set. Edges are grouped by sorting, so
    # nothing here is sized by the number of guests or groups.
    vector[idx_t] ck_ptr, ck        # global key -> colocation edges
    vector[idx_t] pk_ptr, pk        # global key -> pin edges
    vector[idx_t] cg, cg_group      # colocation edges ascending by group, and their groups
    vector[idx_t] pg, pg_group      # pin edges ascending by (group, host), and their groups
    vector[idx_t] eb_ptr, eb        # pinned entry -> its blockers
    vector[idx_t] n_blk             # pinned entry -> number of blockers
    vector[idx_t] anchor            # set * n_hosts + host -> -1 / global key / -2, see _index


# Regroup the edges. ckeys / pkeys hold one global key per (set, edge), set-major, -1 for
# none. anchor summarises, per set and host h, the blockers' own pins ("self pins": a pin edge
# from a blocker on h to h): -1 if there is none, k if all carry key k, -2 otherwise. A blocker
# keeps blocking while it has a self pin left, so only key anchor (any key, when -1) can free h.
# O((m_c + m_p) log(m_c + m_p) + blockers + n_sets * (n_hosts + m_p)).
cdef void _index(idx_t n_sets, idx_t n_keys, idx_t n_hosts, const idx_t* group,
                 const idx_t* guest_host, const idx_t* csrc, const idx_t* ckeys, Py_ssize_t mc,
                 const idx_t* pguest, const idx_t* phost, const idx_t* pkeys, Py_ssize_t mp,
                 const idx_t* gp_ptr, idx_t k, const idx_t* entry, const idx_t* blk,
                 idx_t n_blockers, Index* ix) noexcept nogil:
    cdef vector[pair[int64_t, idx_t]] order
    cdef vector[idx_t] key
    cdef Py_ssize_t e
    cdef idx_t s, g, h, a, pk, n_entries = gp_ptr[k]
    ix.ck_ptr.resize(n_keys + 1)
    ix.ck.resize(n_sets * mc)
    csr_by_key(n_keys, ckeys, n_sets * mc, ix.ck_ptr.data(), ix.ck.data())
    for e in range(<Py_ssize_t>ix.ck.size()):
        ix.ck[e] = ix.ck[e] % mc
    ix.pk_ptr.resize(n_keys + 1)
    ix.pk.resize(n_sets * mp)
    csr_by_key(n_keys, pkeys, n_sets * mp, ix.pk_ptr.data(), ix.pk.data())
    for e in range(<Py_ssize_t>ix.pk.size()):
        ix.pk[e] = ix.pk[e] % mp
    for e in range(mc):
        order.push_back(pair[int64_t, idx_t](group[csrc[e]], <idx_t>e))
    sort(order.begin(), order.end())
    ix.cg.resize(mc)
    ix.cg_group.resize(mc)
    for e in range(mc):
        ix.cg[e] = order[e].second
        ix.cg_group[e] = <idx_t>order[e].first
    order.clear()
    for e in range(mp):
        order.push_back(pair[int64_t, idx_t]((<int64_t>group[pguest[e]] << 32) | phost[e],
                                             <idx_t>e))
    sort(order.begin(), order.end())
    ix.pg.resize(mp)
    ix.pg_group.resize(mp)
    for e in range(mp):
        ix.pg[e] = order[e].second
        ix.pg_group[e] = <idx_t>(order[e].first >> 32)
    key.resize(n_blockers)
    for e in range(n_blockers):
        key[e] = entry[blk[e]]
    ix.eb_ptr.resize(n_entries + 1)
    ix.eb.resize(n_blockers)
    csr_by_key(n_entries, key.data(), n_blockers, ix.eb_ptr.data(), ix.eb.data())
    ix.n_blk.resize(n_entries)
    for e in range(n_entries):
        ix.n_blk[e] = ix.eb_ptr[e + 1] - ix.eb_ptr[e]
    for e in range(n_blockers):
        ix.eb[e] = blk[ix.eb[e]]
    ix.anchor.assign(n_sets * n_hosts, -1)
    for e in range(mp):
        g = pguest[e]
        h = phost[e]
        if entry[g] < 0 or guest_host[g] != h:
            continue
        for s in range(n_sets):
            a = ix.anchor[s * n_hosts + h]
            pk = pkeys[<Py_ssize_t>s * mp + e]
            if pk < 0 or (a != -1 and a != pk):
                ix.anchor[s * n_hosts + h] = -2
            elif a == -1:
                ix.anchor[s * n_hosts + h] = pk


cdef inline bint _holds_candidate(idx_t grp, const idx_t* gp_ptr, const idx_t* gp_host,
                                  const idx_t* n_blk, const idx_t* candidate_at,
                                  idx_t mark) noexcept nogil:
    """Whether group grp has a blocker on a host marked as a candidate (mark = key + 1)."""
    cdef idx_t e
    for e in range(gp_ptr[grp], gp_ptr[grp + 1]):
        if n_blk[e] > 0 and candidate_at[gp_host[e]] == mark:
            return True
    return False


# Count, per candidate host, the blockers of group grp that stop blocking once the edges with
# key go: split grp by union-find over its members (local positions, found by binary search
# in its ascending member row) and its colocation edges without key; a blocker on h stays iff
# its new component holds a pin edge to h without key. Pins of grp are ascending by host, so
# each pinned entry is one stamp round. O((|G| + edges of G) alpha + |G| log |G|).
cdef void _resplit(Index* ix, idx_t grp, idx_t key, idx_t mark, Py_ssize_t s, Py_ssize_t mc,
                   Py_ssize_t mp,
                   const idx_t* mem_ptr, const idx_t* mem, const idx_t* csrc,
                   const idx_t* cdst, const idx_t* ckeys, const idx_t* pguest,
                   const idx_t* phost, const idx_t* pkeys, const idx_t* gp_ptr,
                   const idx_t* gp_host, const idx_t* candidate_at, idx_t* removed,
                   vector[idx_t]* parent, vector[idx_t]* rank,
                   vector[idx_t]* stamp) noexcept nogil:
    cdef idx_t lo = mem_ptr[grp], hi = mem_ptr[grp + 1], size = hi - lo
    cdef idx_t i, j, p, end, e, h, token = 0
    parent.resize(size)
    rank.assign(size, 0)
    stamp.assign(size, 0)
    for i in range(size):
        parent[0][i] = i
    i = lower_bound(ix.cg_group.data(), 0, <idx_t>ix.cg_group.size(), grp)
    while i < <idx_t>ix.cg_group.size() and ix.cg_group[i] == grp:
        p = ix.cg[i]
        if ckeys[s * mc + p] != key:
            uf_union(parent.data(), rank.data(), lower_bound(mem, lo, hi, csrc[p]) - lo,
                     lower_bound(mem, lo, hi, cdst[p]) - lo)
        i += 1
    p = lower_bound(ix.pg_group.data(), 0, <idx_t>ix.pg_group.size(), grp)
    end = p
    while end < <idx_t>ix.pg_group.size() and ix.pg_group[end] == grp:
        end += 1
    for e in range(gp_ptr[grp], gp_ptr[grp + 1]):
        h = gp_host[e]
        token += 1
        while p < end and phost[ix.pg[p]] == h:
            if pkeys[s * mp + ix.pg[p]] != key:
                j = lower_bound(mem, lo, hi, pguest[ix.pg[p]]) - lo
                stamp[0][uf_find(parent.data(), j)] = token
            p += 1
        if ix.n_blk[e] == 0 or candidate_at[h] != mark:
            continue
        for i in range(ix.eb_ptr[e], ix.eb_ptr[e + 1]):
            j = lower_bound(mem, lo, hi, ix.eb[i]) - lo
            if stamp[0][uf_find(parent.data(), j)] != token:
                removed[h] += 1


# Freed hosts per global key, ascending, appended to out (out_ptr has n_keys + 1 slots).
# For key k: T = groups holding an edge of k. Candidates = hosts h whose blockers all lie in T
# (summed per pinned entry) and whose anchor allows k; if none, k costs O(|edges of k| + sum of
# pinned rows of T). Otherwise blockers that stop blocking are counted per candidate host:
#   a group without colocation edges of k keeps its components, so an entry (group, h) is lost
#   iff every pin edge behind it has key k (pin counts decremented, then restored);
#   a group with colocation edges of k is re-split (_resplit).
# h is freed iff every one of its blockers stopped blocking.
# Complexity per key: O(edges of k + sum_{G in T} |pinned G|), plus _resplit for each group
# with a colocation edge of k and a candidate's blocker. Scratch sized by groups or hosts comes
# from calloc, so pages no key touches cost nothing.
cdef void _freed(idx_t n_sets, const idx_t* set_ptr, idx_t n_hosts, idx_t k,
                 const idx_t* group, const idx_t* mem_ptr, const idx_t* mem,
                 const idx_t* guest_host, const idx_t* csrc, const idx_t* cdst,
                 const idx_t* ckeys, Py_ssize_t mc, const idx_t* pguest, const idx_t* phost,
                 const idx_t* pkeys, Py_ssize_t mp, const idx_t* gp_ptr, const idx_t* gp_host,
                 const idx_t* gp_count, const idx_t* entry, const idx_t* blk_ptr,
                 const idx_t* blk, idx_t* out_ptr, vector[idx_t]* out) noexcept nogil:
    # Marks hold key + 1 (0: never).
    cdef Index ix
    cdef idx_t n_keys = set_ptr[n_sets]
    cdef idx_t* touched_at = <idx_t*>calloc(k, sizeof(idx_t))
    cdef idx_t* resplit_at = <idx_t*>calloc(k, sizeof(idx_t))
    cdef idx_t* candidate_at = <idx_t*>calloc(n_hosts, sizeof(idx_t))
    cdef idx_t* cover = <idx_t*>calloc(n_hosts, sizeof(idx_t))
    cdef idx_t* removed = <idx_t*>calloc(n_hosts, sizeof(idx_t))
    cdef vector[idx_t] count = vector[idx_t](gp_ptr[k])
    cdef vector[idx_t] groups, hosts, changed, parent, rank, stamp
    cdef idx_t s = 0, key, mark, anchor, grp, e, i, p, h, start
    cdef bint any_candidate
    _index(n_sets, n_keys, n_hosts, group, guest_host, csrc, ckeys, mc, pguest, phost, pkeys,
           mp, gp_ptr, k, entry, blk, blk_ptr[n_hosts], &ix)
    for e in range(gp_ptr[k]):
        count[e] = gp_count[e]
    out_ptr[0] = 0
    for key in range(n_keys):
        while key >= set_ptr[s + 1]:
            s += 1
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
            anchor = ix.anchor[s * n_hosts + h]
            if cover[h] == blk_ptr[h + 1] - blk_ptr[h] and (anchor == -1 or anchor == key):
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
                e = lower_bound(gp_host, gp_ptr[grp], gp_ptr[grp + 1], h)
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
                if resplit_at[grp] == mark and _holds_candidate(
                        grp, gp_ptr, gp_host, ix.n_blk.data(), candidate_at, mark):
                    _resplit(&ix, grp, key, mark, s, mc, mp, mem_ptr, mem, csrc,
                             cdst, ckeys, pguest, phost, pkeys, gp_ptr, gp_host, candidate_at,
                             removed, &parent, &rank, &stamp)
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


def freed(idx_t n_sets, const idx_t[::1] set_ptr, idx_t n_hosts, idx_t k,
          const idx_t[::1] group, const idx_t[::1] members_ptr, const idx_t[::1] members,
          const idx_t[::1] guest_host, const idx_t[::1] csrc, const idx_t[::1] cdst,
          const idx_t[::1] ckeys, const idx_t[::1] pguest, const idx_t[::1] phost,
          const idx_t[::1] pkeys, const idx_t[::1] gp_ptr, const idx_t[::1] gp_host,
          const idx_t[::1] gp_count, const idx_t[::1] entry, const idx_t[::1] blk_ptr,
          const idx_t[::1] blk):
    """(row pointers, hosts): per global key, the hosts it frees, ascending."""
    cdef vector[idx_t] result
    cdef Py_ssize_t i, total = 0
    out_ptr = np.zeros(set_ptr[n_sets] + 1, dtype=np.int32)
    cdef idx_t[::1] ptr_v = out_ptr
    if group.shape[0] > 0 and n_hosts > 0:
        with nogil:
            _freed(n_sets, &set_ptr[0], n_hosts, k, &group[0], &members_ptr[0], &members[0],
                   &guest_host[0], &csrc[0], &cdst[0], &ckeys[0], csrc.shape[0], &pguest[0],
                   &phost[0], &pkeys[0], pguest.shape[0], &gp_ptr[0], &gp_host[0],
                   &gp_count[0], &entry[0], &blk_ptr[0], &blk[0], &ptr_v[0], &result)
        total = <Py_ssize_t>result.size()
    out = np.empty(total, dtype=np.int32)
    cdef idx_t[::1] out_v = out
    for i in range(total):
        out_v[i] = result[i]
    return out_ptr, out


cdef struct Containment:
    # What the containment what-if needs, in one pass over the guest-cluster members.
    int64_t largest_need    # most hosts any guest cluster needs alone: 1 if all its members
                            # are on one known host, else its member count
    bint memory_known       # every member and every host carrying one has a memory (> 0)
    int64_t guest_memory    # total memory of the members
    int64_t host_memory     # total memory of the carrying hosts
    int64_t carrying_hosts  # hosts with a member on them


# O(n + n_hosts).
cdef Containment _containment(idx_t n, idx_t n_guest_clusters, idx_t n_hosts, const idx_t* guest_cluster,
                              const idx_t* guest_host, const int64_t* guest_mem,
                              const int64_t* host_mem) noexcept nogil:
    cdef vector[idx_t] members = vector[idx_t](n_guest_clusters, 0)
    cdef vector[idx_t] first_host = vector[idx_t](n_guest_clusters, -2)
    cdef vector[char] one_host = vector[char](n_guest_clusters, 1)
    cdef vector[char] carrying = vector[char](n_hosts, 0)
    cdef Containment s = Containment(0, True, 0, 0, 0)
    cdef idx_t g, f, h, need
    for g in range(n):
        f = guest_cluster[g]
        if f < 0:
            continue
        members[f] += 1
        h = guest_host[g]
        if h < 0 or (first_host[f] != -2 and first_host[f] != h):
            one_host[f] = 0
        first_host[f] = h
        if guest_mem[g] <= 0:
            s.memory_known = False
        s.guest_memory += guest_mem[g]
        if h >= 0 and not carrying[h]:
            carrying[h] = 1
            s.carrying_hosts += 1
            if host_mem[h] <= 0:
                s.memory_known = False
            s.host_memory += host_mem[h]
    for f in range(n_guest_clusters):
        need = 1 if one_host[f] else members[f]
        if need > s.largest_need:
            s.largest_need = need
    return s


def containment(idx_t n, idx_t n_guest_clusters, idx_t n_hosts, const idx_t[::1] guest_cluster,
                const idx_t[::1] guest_host, const int64_t[::1] guest_mem,
                const int64_t[::1] host_mem) -> int:
    """Dedicated hosts needed to hold every guest cluster: the most any one cluster needs
    alone, and, when every memory size involved is known, enough hosts of the carrying
    hosts' mean size to hold all members at 80 % fill."""
    cdef Containment s = Containment(0, True, 0, 0, 0)
    if n > 0:
        with nogil:
            s = _containment(n, n_guest_clusters, n_hosts, &guest_cluster[0], &guest_host[0], &guest_mem[0],
                             &host_mem[0])
    cdef object need = s.largest_need
    cdef object guests = s.guest_memory, hosts = s.host_memory, carrying = s.carrying_hosts
    if s.memory_known and carrying > 0 and hosts > 0:
        # ceil(guest memory / (mean carrying-host memory * 0.8)), in exact Python integers.
        need = max(need, -(-guests * carrying * 5 // (hosts * 4)))
    return need
