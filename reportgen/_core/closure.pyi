"""Pin closure, evacuation and failure impact (built from ``_core/closure.pyx``)."""
import numpy as np
import numpy.typing as npt

def pin_closure(
    n: int,  # int32_t, guests
    csrc: npt.NDArray[np.int32],  # const int32_t[::1], colocation edges
    cdst: npt.NDArray[np.int32],  # const int32_t[::1]
    pguest: npt.NDArray[np.int32],  # const int32_t[::1], pin edges
    phost: npt.NDArray[np.int32],  # const int32_t[::1]
    group: npt.NDArray[np.int32],  # int32_t[::1], output, length n
    members_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n + 1
    members: npt.NDArray[np.int32],  # int32_t[::1], output, length n
    pinned_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n + 1
    pinned_host: npt.NDArray[np.int32],  # int32_t[::1], output, length len(pguest)
    pinned_count: npt.NDArray[np.int32],  # int32_t[::1], output, length len(pguest)
) -> int: ...
def expand_pinned(
    n: int,  # int32_t
    group: npt.NDArray[np.int32],  # const int32_t[::1], length n
    gp_ptr: npt.NDArray[np.int32],  # const int32_t[::1], per group
    gp_host: npt.NDArray[np.int32],  # const int32_t[::1]
    out_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n + 1
    out: npt.NDArray[np.int32],  # int32_t[::1], output, exact total length
) -> None: ...
def evacuation(
    n: int,  # int32_t
    n_hosts: int,  # int32_t
    n_faux: int,  # int32_t
    guest_host: npt.NDArray[np.int32],  # const int32_t[::1]
    active: npt.NDArray[np.uint8],  # const uint8_t[::1]
    owner: npt.NDArray[np.int32],  # const int32_t[::1]
    faux: npt.NDArray[np.int32],  # const int32_t[::1]
    group: npt.NDArray[np.int32],  # const int32_t[::1]
    gp_ptr: npt.NDArray[np.int32],  # const int32_t[::1]
    gp_host: npt.NDArray[np.int32],  # const int32_t[::1]
    entry: npt.NDArray[np.int32],  # int32_t[::1], output, length n
    blk_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n_hosts + 1
    blk: npt.NDArray[np.int32],  # int32_t[::1], output, length n
    deg_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n_hosts + 1
    deg: npt.NDArray[np.int32],  # int32_t[::1], output, length n
    own_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n_hosts + 1
    own: npt.NDArray[np.int32],  # int32_t[::1], output, length n
    unknown_owner: npt.NDArray[np.uint8],  # uint8_t[::1], output, length n_hosts
) -> None: ...
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
    out_ptr: npt.NDArray[np.int32],  # int32_t[::1], output, length n_hosts + 1
    out: npt.NDArray[np.int32],  # int32_t[::1], output, length n
) -> None: ...
