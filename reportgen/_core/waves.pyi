"""Maintenance domains and patch waves (built from ``_core/waves.pyx``)."""
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

class WavePlan(NamedTuple):
    """Patch waves: no guest cluster loses two nodes, no cluster more than its capacity, per wave."""

    n_waves: int  # waves used
    wave: npt.NDArray[np.int32]  # per host
    lower_bound: int  # no valid plan uses fewer waves

def guest_cluster_hosts(
    n: int,  # int32_t, guests
    n_guest_clusters: int,  # int32_t
    n_hosts: int,  # int32_t
    guest_cluster: npt.NDArray[np.int32],  # const int32_t[::1], guest cluster per guest or -1
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1]
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]: ...  # (row pointers, hosts) per guest cluster
def domains(
    n_hosts: int,  # int32_t
    n_guest_clusters: int,  # int32_t
    fh_ptr: npt.NDArray[np.int32],  # const int32_t[::1], guest_cluster -> hosts
    fh: npt.NDArray[np.int32],  # const int32_t[::1]
) -> tuple[int, npt.NDArray[np.int32]]: ...  # (count, domain per host)
def waves(
    n_hosts: int,  # int32_t
    n_guest_clusters: int,  # int32_t
    n_clusters: int,  # int32_t
    fh_ptr: npt.NDArray[np.int32],  # const int32_t[::1]
    fh: npt.NDArray[np.int32],  # const int32_t[::1]
    host_cluster: npt.NDArray[np.int32],  # const int32_t[::1]
    capacity: npt.NDArray[np.int32],  # const int32_t[::1], >= 1
) -> WavePlan: ...
