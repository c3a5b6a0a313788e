# cython: language_level=3
"""Connected components over an undirected edge list (union-find).

Inputs are validated by reportgen.graph before they reach these kernels: every index is in
[0, n), arrays are C-contiguous int32 and src/dst have the same length.
"""

from core_types cimport idx_t, uf_find, uf_union


cdef idx_t _components(idx_t n, const idx_t[::1] src, const idx_t[::1] dst,
                       idx_t[::1] parent, idx_t[::1] rank, idx_t[::1] labels) noexcept nogil:
    # Union-find with union by rank and path halving: O((n + m) alpha(n)), no recursion.
    # Labels are numbered 0..k-1 in order of each component's smallest member.
    cdef Py_ssize_t i
    cdef idx_t root, count = 0
    for i in range(n):
        parent[i] = <idx_t>i
        rank[i] = 0
        labels[i] = -1
    for i in range(src.shape[0]):
        uf_union(parent, rank, src[i], dst[i])
    for i in range(n):
        root = uf_find(parent, <idx_t>i)
        if labels[root] == -1:
            labels[root] = count
            count += 1
        labels[i] = labels[root]
    return count


def connected_components(idx_t n, const idx_t[::1] src, const idx_t[::1] dst,
                         idx_t[::1] parent, idx_t[::1] rank, idx_t[::1] labels) -> int:
    """Write each node's component label into ``labels``; return the number of components.

    ``parent`` and ``rank`` are scratch arrays of length n.
    """
    cdef idx_t count
    with nogil:
        count = _components(n, src, dst, parent, rank, labels)
    return count
