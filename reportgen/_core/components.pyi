"""Connected components and guest clusters (built from ``_core/components.pyx``)."""
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

class GuestClusterArrays(NamedTuple):
    """Components of >= 2 guests over the bond edges; rows in CSR form, one per cluster."""

    n_clusters: int
    guest_cluster: npt.NDArray[np.int32]  # per guest: cluster id or -1
    members_ptr: npt.NDArray[np.int32]  # n_clusters + 1 entries
    members: npt.NDArray[np.int32]  # guests, ascending per cluster
    hosts_ptr: npt.NDArray[np.int32]  # n_clusters + 1 entries
    hosts: npt.NDArray[np.int32]  # distinct known hosts, ascending per cluster
    topology: npt.NDArray[np.int8]  # per cluster: 0 in a box, 1 across boxes, 2 mixed, 3 unknown
    max_per_host: npt.NDArray[np.int32]  # per cluster: most members on one known host

def connected_components(
    n: int,  # int32_t
    src: npt.NDArray[np.int32],  # const int32_t[::1]
    dst: npt.NDArray[np.int32],  # const int32_t[::1]
) -> tuple[int, npt.NDArray[np.int32]]: ...  # (count, label per node)
def guest_clusters(
    n: int,  # int32_t, guests
    n_hosts: int,  # int32_t
    src: npt.NDArray[np.int32],  # const int32_t[::1], bond edges
    dst: npt.NDArray[np.int32],  # const int32_t[::1]
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1], length n, host or -1
    host_cluster: npt.NDArray[np.int32],  # const int32_t[::1], length n_hosts
) -> GuestClusterArrays: ...
