"""Remediation value and the containment what-if (built from ``_core/remediation.pyx``)."""
import numpy as np
import numpy.typing as npt

def freed(
    n_sets: int,  # int32_t
    set_ptr: npt.NDArray[np.int32],  # const int32_t[::1], n_sets + 1 global key offsets
    n_hosts: int,  # int32_t
    k: int,  # int32_t, colocation groups
    group: npt.NDArray[np.int32],  # const int32_t[::1]
    members_ptr: npt.NDArray[np.int32],  # const int32_t[::1], per group
    members: npt.NDArray[np.int32],  # const int32_t[::1], ascending per group
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1]
    csrc: npt.NDArray[np.int32],  # const int32_t[::1], colocation edges
    cdst: npt.NDArray[np.int32],  # const int32_t[::1]
    ckeys: npt.NDArray[np.int32],  # const int32_t[::1], n_sets * len(csrc), global key or -1
    pguest: npt.NDArray[np.int32],  # const int32_t[::1], pin edges
    phost: npt.NDArray[np.int32],  # const int32_t[::1]
    pkeys: npt.NDArray[np.int32],  # const int32_t[::1], n_sets * len(pguest), global key or -1
    gp_ptr: npt.NDArray[np.int32],  # const int32_t[::1], pinned hosts per group
    gp_host: npt.NDArray[np.int32],  # const int32_t[::1]
    gp_count: npt.NDArray[np.int32],  # const int32_t[::1], pin edges per pinned entry
    entry: npt.NDArray[np.int32],  # const int32_t[::1], blocker's pinned entry or -1
    blk_ptr: npt.NDArray[np.int32],  # const int32_t[::1], blockers per host
    blk: npt.NDArray[np.int32],  # const int32_t[::1]
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]: ...  # (row pointers, hosts) per global key
def containment(
    n: int,  # int32_t
    n_guest_clusters: int,  # int32_t
    n_hosts: int,  # int32_t
    guest_cluster: npt.NDArray[np.int32],  # const int32_t[::1]
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1]
    guest_mem: npt.NDArray[np.int64],  # const int64_t[::1]
    host_mem: npt.NDArray[np.int64],  # const int64_t[::1]
) -> int: ...  # dedicated hosts needed to hold every guest cluster
