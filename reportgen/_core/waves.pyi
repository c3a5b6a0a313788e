"""Maintenance domains and patch waves (built from ``_core/waves.pyx``)."""
import numpy as np
import numpy.typing as npt

def faux_hosts(
    n: int,  # int32_t, guests
    n_faux: int,  # int32_t
    n_hosts: int,  # int32_t
    faux: npt.NDArray[np.int32],  # const int32_t[::1], faux cluster per guest or -1
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1]
    out_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n_faux + 1
    out: npt.NDArray[np.int32],  # int32_t[::1], output, length n
) -> int: ...
def domains(
    n_hosts: int,  # int32_t
    n_faux: int,  # int32_t
    fh_ptr: npt.NDArray[np.int32],  # const int32_t[::1], faux -> hosts
    fh: npt.NDArray[np.int32],  # const int32_t[::1]
    domain: npt.NDArray[np.int32],  # int32_t[::1], output, length n_hosts
) -> int: ...
def waves(
    n_hosts: int,  # int32_t
    n_faux: int,  # int32_t
    n_clusters: int,  # int32_t
    fh_ptr: npt.NDArray[np.int32],  # const int32_t[::1]
    fh: npt.NDArray[np.int32],  # const int32_t[::1]
    host_cluster: npt.NDArray[np.int32],  # const int32_t[::1]
    capacity: npt.NDArray[np.int32],  # const int32_t[::1], >= 1
    target: int,  # int32_t, waves opened from the start (the lower bound)
    wave: npt.NDArray[np.int32],  # int32_t[::1], output, length n_hosts
) -> int: ...
