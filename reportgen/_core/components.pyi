"""Connected components and faux clusters (built from ``_core/components.pyx``)."""
import numpy as np
import numpy.typing as npt

def connected_components(
    n: int,  # int32_t
    src: npt.NDArray[np.int32],  # const int32_t[::1]
    dst: npt.NDArray[np.int32],  # const int32_t[::1]
    parent: npt.NDArray[np.int32],  # int32_t[::1], scratch, length n
    rank: npt.NDArray[np.int32],  # int32_t[::1], scratch, length n
    labels: npt.NDArray[np.int32],  # int32_t[::1], output, length n
) -> int: ...
def faux_clusters(
    n: int,  # int32_t, guests
    n_hosts: int,  # int32_t
    src: npt.NDArray[np.int32],  # const int32_t[::1], bond edges
    dst: npt.NDArray[np.int32],  # const int32_t[::1]
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1], length n, host or -1
    host_cluster: npt.NDArray[np.int32],  # const int32_t[::1], length n_hosts
    guest_cluster: npt.NDArray[np.int32],  # int32_t[::1], output, length n
    members_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n // 2 + 2
    members: npt.NDArray[np.int32],  # int32_t[::1], output, length n
    hosts_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n // 2 + 2
    hosts: npt.NDArray[np.int32],  # int32_t[::1], output, length n
    topology: npt.NDArray[np.int8],  # int8_t[::1], output, length n // 2 + 1
    max_per_host: npt.NDArray[np.int32],  # int32_t[::1], output, length n // 2 + 1
) -> int: ...
