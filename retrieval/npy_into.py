"""Reading .npy files straight into parts of arrays made beforehand, without a copy between."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
from numpy.lib import format as npy_format

# The header NumPy writes for the arrays this package caches, read without NumPy's general
# parser (ast.literal_eval: 60 µs a file, a tenth of a 100k-sentence library's cached start).
_MAGIC_1_0 = b"\x93NUMPY\x01\x00"
_PLAIN_HEADER = re.compile(
    rb"\{'descr': '([<|]?[fi][1248])', 'fortran_order': False, "
    rb"'shape': \(((?:\d+, )*\d+,?)?\), \} *\n"
)


def _plain_header(file: BinaryIO) -> tuple[tuple[int, ...], np.dtype[Any]] | None:
    """The shape and dtype from a version 1.0 header in NumPy's own spelling, ``file`` left
    at the first byte of data; None (``file`` back where it was) for any other header."""
    start = file.tell()
    lead = file.read(10)
    if len(lead) == 10 and lead[:8] == _MAGIC_1_0:
        size = int.from_bytes(lead[8:], "little")
        found = _PLAIN_HEADER.fullmatch(file.read(size))
        if found is not None:
            shape = tuple(int(n) for n in (found[2] or b"").split(b",") if n.strip())
            return shape, np.dtype(found[1].decode())
    file.seek(start)
    return None


def read_npy_header(file: BinaryIO) -> tuple[tuple[int, ...], np.dtype[Any]] | None:
    """The shape and dtype of the C-ordered array whose .npy file ``file`` is at the start of,
    leaving ``file`` at its first byte of data; None for another version or Fortran order.
    Raises ValueError for a file that is not .npy."""
    plain = _plain_header(file)
    if plain is not None:
        return plain
    version = npy_format.read_magic(file)
    if version == (1, 0):
        shape, fortran_order, dtype = npy_format.read_array_header_1_0(file)
    elif version == (2, 0):
        shape, fortran_order, dtype = npy_format.read_array_header_2_0(file)
    else:
        return None
    return None if fortran_order else (shape, dtype)


def read_npy_into(path: Path, out: npt.NDArray[Any]) -> bool:
    """Fill ``out`` (C-contiguous) from the .npy file at ``path`` when the file holds exactly
    an array of its shape and dtype in C order; False otherwise, ``out`` then undefined.
    Raises OSError or ValueError for a file that cannot be read or is not .npy."""
    with path.open("rb") as file:
        header = read_npy_header(file)
        if header is None or header != (out.shape, out.dtype):
            return False
        if out.nbytes and file.readinto(out.data.cast("B")) != out.nbytes:
            return False
        return not file.read(1)  # nothing after the array: the file is what it says
