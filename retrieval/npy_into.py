"""Reading a .npy file straight into part of an array made beforehand, without a copy between."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy.typing as npt
from numpy.lib import format as npy_format


def read_npy_into(path: Path, out: npt.NDArray[Any]) -> bool:
    """Fill ``out`` (C-contiguous) from the .npy file at ``path`` when the file holds exactly
    an array of its shape and dtype in C order; False otherwise, ``out`` then undefined.
    Raises OSError or ValueError for a file that cannot be read or is not .npy."""
    with path.open("rb") as file:
        version = npy_format.read_magic(file)
        if version == (1, 0):
            shape, fortran_order, dtype = npy_format.read_array_header_1_0(file)
        elif version == (2, 0):
            shape, fortran_order, dtype = npy_format.read_array_header_2_0(file)
        else:
            return False
        if fortran_order or shape != out.shape or dtype != out.dtype:
            return False
        if out.nbytes and file.readinto(out.data.cast("B")) != out.nbytes:
            return False
        return not file.read(1)  # nothing after the array: the file is what it says
