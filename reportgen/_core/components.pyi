import numpy as np
import numpy.typing as npt

def connected_components(
    n: int,
    src: npt.NDArray[np.int32],  # const int32_t[::1]
    dst: npt.NDArray[np.int32],  # const int32_t[::1]
    parent: npt.NDArray[np.int32],  # int32_t[::1], scratch
    rank: npt.NDArray[np.int32],  # int32_t[::1], scratch
    labels: npt.NDArray[np.int32],  # int32_t[::1], output
) -> int: ...
