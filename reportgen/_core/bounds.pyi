"""Lower bound on the number of patch waves (built from ``_core/bounds.pyx``)."""
import numpy as np
import numpy.typing as npt

def lower_bound(
    n_hosts: int,  # int32_t
    n_faux: int,  # int32_t
    n_clusters: int,  # int32_t
    fh_ptr: npt.NDArray[np.int32],  # const int32_t[::1]
    fh: npt.NDArray[np.int32],  # const int32_t[::1]
    host_cluster: npt.NDArray[np.int32],  # const int32_t[::1]
    capacity: npt.NDArray[np.int32],  # const int32_t[::1], >= 1
) -> int: ...
