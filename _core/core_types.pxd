# Shared C types of the core. Header only: every .pyx cimports it by bare name.
from libc.stdint cimport int32_t, int64_t, uint8_t

ctypedef int32_t idx_t


cdef inline idx_t uf_find(idx_t[::1] parent, idx_t x) noexcept nogil:
    """Root of x, halving the path on the way (iterative)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


cdef inline void uf_union(idx_t[::1] parent, idx_t[::1] rank, idx_t a, idx_t b) noexcept nogil:
    """Join the sets of a and b (union by rank)."""
    a = uf_find(parent, a)
    b = uf_find(parent, b)
    if a == b:
        return
    if rank[a] < rank[b]:
        a, b = b, a
    parent[b] = a
    if rank[a] == rank[b]:
        rank[a] += 1
