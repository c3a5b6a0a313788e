# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
# Shared C types and inline helpers of the core. Header only: every .pyx cimports it by bare
# name. Helpers take raw pointers so that they work on memoryviews and libcpp vectors alike.
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint64_t

ctypedef int32_t idx_t


cdef inline idx_t uf_find(idx_t* parent, idx_t x) noexcept nogil:
    """Root of x, halving the path on the way (iterative)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


cdef inline void uf_union(idx_t* parent, idx_t* rank, idx_t a, idx_t b) noexcept nogil:
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


cdef inline idx_t uf_labels(idx_t n, const idx_t* src, const idx_t* dst, Py_ssize_t m,
                            idx_t* parent, idx_t* rank, idx_t* labels) noexcept nogil:
    """Component label of each of n nodes (numbered by smallest member); returns the count.

    parent and rank are scratch of length n. O((n + m) alpha(n)).
    """
    cdef Py_ssize_t i
    cdef idx_t root, count = 0
    for i in range(n):
        parent[i] = <idx_t>i
        rank[i] = 0
        labels[i] = -1
    for i in range(m):
        uf_union(parent, rank, src[i], dst[i])
    for i in range(n):
        root = uf_find(parent, <idx_t>i)
        if labels[root] == -1:
            labels[root] = count
            count += 1
        labels[i] = labels[root]
    return count


cdef inline void csr_by_key(idx_t n_rows, const idx_t* key, Py_ssize_t m,
                            idx_t* indptr, idx_t* items) noexcept nogil:
    """Counting sort: row r lists the positions i (ascending) with key[i] == r.

    Positions with key < 0 are left out. indptr has n_rows + 1 slots; items needs one slot
    per kept position. O(n_rows + m), stable.
    """
    cdef Py_ssize_t i
    cdef idx_t r, k
    for r in range(n_rows + 1):
        indptr[r] = 0
    for i in range(m):
        k = key[i]
        if k >= 0:
            indptr[k + 1] += 1
    for r in range(n_rows):
        indptr[r + 1] += indptr[r]
    for i in range(m):
        k = key[i]
        if k >= 0:
            items[indptr[k]] = <idx_t>i
            indptr[k] += 1
    r = n_rows
    while r > 0:
        indptr[r] = indptr[r - 1]
        r -= 1
    indptr[0] = 0


cdef inline idx_t lower_bound(const idx_t* values, idx_t lo, idx_t hi, idx_t x) noexcept nogil:
    """First position in the sorted values[lo:hi] holding a value >= x (hi if none). O(log(hi - lo))."""
    cdef idx_t mid
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef inline idx_t bsearch(const idx_t* values, idx_t lo, idx_t hi, idx_t x) noexcept nogil:
    """Position of x in the sorted values[lo:hi], or -1. O(log(hi - lo))."""
    cdef idx_t at = lower_bound(values, lo, hi, x)
    if at < hi and values[at] == x:
        return at
    return -1
