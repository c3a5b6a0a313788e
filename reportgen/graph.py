"""The thin typed wrapper over the compiled core: validate, call, raise.

This is the only module that imports :mod:`reportgen._core`. It takes plain index arrays
(numpy int32), checks them (dtype, contiguity, bounds, lengths) so that the kernels can run
without bounds checks, and turns failures into :class:`~reportgen.errors.CoreError`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._core import components as _components
from .errors import CoreError

IndexArray = npt.NDArray[np.int32]


def as_index(values: object, name: str) -> IndexArray:
    """A C-contiguous int32 copy/view of ``values``; raises CoreError if it cannot be one."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise CoreError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise CoreError(f"{name} must hold integers, got {array.dtype}")
    if array.size and (array.max() > np.iinfo(np.int32).max or array.min() < np.iinfo(np.int32).min):
        raise CoreError(f"{name} does not fit in int32")
    return np.ascontiguousarray(array, dtype=np.int32)


def check_edges(n: int, src: IndexArray, dst: IndexArray, name: str = "edges") -> None:
    """Raise CoreError unless src/dst are equal-length arrays of indices in [0, n)."""
    if n < 0:
        raise CoreError(f"node count must be >= 0, got {n}")
    if src.shape != dst.shape:
        raise CoreError(f"{name}: {src.size} sources but {dst.size} targets")
    for side, array in (("source", src), ("target", dst)):
        if array.size and (int(array.min()) < 0 or int(array.max()) >= n):
            raise CoreError(f"{name}: {side} index out of range [0, {n})")


def connected_components(n: int, src: object, dst: object) -> tuple[int, IndexArray]:
    """Components of the undirected graph on ``n`` nodes; returns (count, label per node).

    Labels are numbered in order of each component's smallest node.
    """
    s = as_index(src, "src")
    d = as_index(dst, "dst")
    check_edges(n, s, d)
    labels = np.empty(n, dtype=np.int32)
    parent = np.empty(n, dtype=np.int32)
    rank = np.empty(n, dtype=np.int32)
    count = _components.connected_components(n, s, d, parent, rank, labels)
    return int(count), labels
