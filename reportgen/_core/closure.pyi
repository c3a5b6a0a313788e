"""Pin closure, evacuation and failure impact (built from ``_core/closure.pyx``)."""
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

class PinClosure(NamedTuple):
    """Colocation groups; rows in CSR form, one per group."""

    n_groups: int
    group: npt.NDArray[np.int32]  # per guest
    members_ptr: npt.NDArray[np.int32]  # n_groups + 1 entries
    members: npt.NDArray[np.int32]  # guests, ascending per group
    pinned_ptr: npt.NDArray[np.int32]  # n_groups + 1 entries
    pinned_host: npt.NDArray[np.int32]  # distinct pinned hosts, ascending per group
    pinned_count: npt.NDArray[np.int32]  # pin edges behind each pinned host

class Evacuation(NamedTuple):
    """Per host (rows in CSR form): blockers, degraded guest clusters, owners."""

    entry: npt.NDArray[np.int32]  # per guest: position of its host in its group's pinned row, or -1
    blockers_ptr: npt.NDArray[np.int32]  # n_hosts + 1 entries
    blockers: npt.NDArray[np.int32]  # guests, ascending per host
    degraded_ptr: npt.NDArray[np.int32]
    degraded: npt.NDArray[np.int32]  # guest clusters, ascending per host
    owners_ptr: npt.NDArray[np.int32]
    owners: npt.NDArray[np.int32]  # distinct known owner ids, ascending per host
    unknown_owner: npt.NDArray[np.bool_]  # per host: a blocker has an unknown owner

def pin_closure(
    n: int,  # int32_t, guests
    csrc: npt.NDArray[np.int32],  # const int32_t[::1], colocation edges
    cdst: npt.NDArray[np.int32],  # const int32_t[::1]
    pguest: npt.NDArray[np.int32],  # const int32_t[::1], pin edges
    phost: npt.NDArray[np.int32],  # const int32_t[::1]
) -> PinClosure: ...
def expand_pinned(
    n: int,  # int32_t
    group: npt.NDArray[np.int32],  # const int32_t[::1], length n
    gp_ptr: npt.NDArray[np.int32],  # const int32_t[::1], per group
    gp_host: npt.NDArray[np.int32],  # const int32_t[::1]
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]: ...  # (row pointers, hosts) per guest
def evacuation(
    n: int,  # int32_t
    n_hosts: int,  # int32_t
    n_guest_clusters: int,  # int32_t
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1]
    active: npt.NDArray[np.uint8],  # const uint8_t[::1]
    owner: npt.NDArray[np.int32],  # const int32_t[::1]
    guest_cluster: npt.NDArray[np.int32],  # const int32_t[::1]
    group: npt.NDArray[np.int32],  # const int32_t[::1]
    gp_ptr: npt.NDArray[np.int32],  # const int32_t[::1]
    gp_host: npt.NDArray[np.int32],  # const int32_t[::1]
) -> Evacuation: ...
def stranded(
    n: int,  # int32_t
    n_hosts: int,  # int32_t
    k: int,  # int32_t, colocation groups
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1]
    active: npt.NDArray[np.uint8],  # const uint8_t[::1]
    members_ptr: npt.NDArray[np.int32],  # const int32_t[::1], per group
    members: npt.NDArray[np.int32],  # const int32_t[::1]
    sguest: npt.NDArray[np.int32],  # const int32_t[::1], strand edges
    shost: npt.NDArray[np.int32],  # const int32_t[::1]
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]: ...  # (row pointers, guests) per host
