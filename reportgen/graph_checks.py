"""Checks of the arrays handed to the compiled graph kernels, in O(n) numpy.

The kernels run without bounds checks, so :mod:`reportgen.graph` passes every array through these
first: dtype, shape, length and range, each failure a :class:`~reportgen.errors.CoreError` that
names the array and the first offending position.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .errors import CoreError
from .schema import MAX_MEMORY_MIB as _MAX_MEMORY_MIB

IndexArray = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]

_I32 = np.iinfo(np.int32)


def as_index(values: object, name: str) -> IndexArray:
    """A C-contiguous int32 copy/view of ``values``; raises CoreError if it cannot be one."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise CoreError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise CoreError(f"{name} must hold integers, got dtype {array.dtype}")
    if array.size and (array.max() > _I32.max or array.min() < _I32.min):
        raise CoreError(f"{name} does not fit in int32")
    return np.ascontiguousarray(array, dtype=np.int32)


def check_edges(n: int, src: IndexArray, dst: IndexArray, name: str = "edges") -> None:
    """Raise CoreError unless src/dst are equal-length arrays of indices in [0, n)."""
    check_count(n, "node count")
    if src.shape != dst.shape:
        raise CoreError(f"{name}: {src.size} sources but {dst.size} targets")
    check_range(src, 0, n, f"{name} source")
    check_range(dst, 0, n, f"{name} target")


def check_count(n: object, name: str) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or not 0 <= n <= _I32.max:
        raise CoreError(f"{name} must be an integer in [0, {_I32.max}], got {n!r}")
    return int(n)


def check_range(array: IndexArray, lo: int, hi: int | None, name: str) -> None:
    """Every value in [lo, hi) (hi None: no upper limit); names the first offender."""
    if not array.size:
        return
    low, high = int(array.min()), int(array.max())
    if low >= lo and (hi is None or high < hi):
        return
    bad = (array < lo) if hi is None else (array < lo) | (array >= hi)
    at = int(np.flatnonzero(bad)[0])
    upper = "" if hi is None else f", {hi})"
    span = f"[{lo}{upper}" if hi is not None else f">= {lo}"
    raise CoreError(f"{name}: value {int(array[at])} at position {at} is out of range {span}")


def index_array(values: object, name: str, length: int, lo: int, hi: int | None) -> IndexArray:
    array = as_index(values, name)
    if array.size != length:
        raise CoreError(f"{name} has {array.size} entries, expected {length}")
    check_range(array, lo, hi, name)
    return array


def flags(values: object, name: str, length: int) -> npt.NDArray[np.uint8]:
    array = np.asarray(values)
    if array.ndim != 1 or array.size != length:
        raise CoreError(f"{name} must be one-dimensional with {length} entries, got shape {array.shape}")
    if array.dtype == np.bool_:
        return np.ascontiguousarray(array).view(np.uint8)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise CoreError(f"{name} must hold booleans, got dtype {array.dtype}")
    return np.ascontiguousarray(array != 0, dtype=np.uint8)


def memory_mib(values: object, name: str, length: int) -> Int64Array:
    array = np.asarray(values)
    if array.ndim != 1 or array.size != length:
        raise CoreError(f"{name} must be one-dimensional with {length} entries, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise CoreError(f"{name} must hold integers (MiB), got dtype {array.dtype}")
    out = np.ascontiguousarray(array, dtype=np.int64)
    if out.size and max(int(out.max()), -int(out.min())) >= _MAX_MEMORY_MIB:
        worst = int(out.max()) if int(out.max()) >= _MAX_MEMORY_MIB else int(out.min())
        raise CoreError(f"{name}: {worst} MiB is not a plausible memory size (<= 0 means unknown)")
    return out
