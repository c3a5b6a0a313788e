"""Remediation value and the containment what-if (built from ``_core/remediation.pyx``)."""
import numpy as np
import numpy.typing as npt

def freed(
    n: int,  # int32_t, guests
    n_hosts: int,  # int32_t
    k: int,  # int32_t, colocation groups
    n_keys: int,  # int32_t
    group: npt.NDArray[np.int32],  # const int32_t[::1]
    members_ptr: npt.NDArray[np.int32],  # const int32_t[::1], per group
    members: npt.NDArray[np.int32],  # const int32_t[::1]
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1]
    csrc: npt.NDArray[np.int32],  # const int32_t[::1], colocation edges
    cdst: npt.NDArray[np.int32],  # const int32_t[::1]
    ckey: npt.NDArray[np.int32],  # const int32_t[::1], key per colocation edge or -1
    pguest: npt.NDArray[np.int32],  # const int32_t[::1], pin edges
    phost: npt.NDArray[np.int32],  # const int32_t[::1]
    pkey: npt.NDArray[np.int32],  # const int32_t[::1], key per pin edge or -1
    gp_ptr: npt.NDArray[np.int32],  # const int32_t[::1], pinned hosts per group
    gp_host: npt.NDArray[np.int32],  # const int32_t[::1]
    gp_count: npt.NDArray[np.int32],  # const int32_t[::1], pin edges per pinned entry
    entry: npt.NDArray[np.int32],  # const int32_t[::1], blocker's pinned entry or -1
    blk_ptr: npt.NDArray[np.int32],  # const int32_t[::1], blockers per host
    out_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n_keys + 1
    out: npt.NDArray[np.int32],  # int32_t[::1], output
) -> int: ...
def containment(
    n: int,  # int32_t
    n_faux: int,  # int32_t
    n_hosts: int,  # int32_t
    faux: npt.NDArray[np.int32],  # const int32_t[::1]
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1]
    guest_mem: npt.NDArray[np.int64],  # const int64_t[::1]
    host_mem: npt.NDArray[np.int64],  # const int64_t[::1]
    stats: npt.NDArray[np.int64],  # int64_t[::1], output, length 5
) -> None: ...
