"""A cached pieces file: checked by its header and offsets, then its rows read into place.

A library's start reads one such file an article. Loading each as an array and joining them
afterwards cost two copies of every piece (72 MB at 100k sentences) and most of the reading
time; checked first, each file's rows go straight into the library's one matrix instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retrieval.npy_into import read_npy_header
from retrieval.pieces import DIMENSIONS, Int8Matrix, offsets_fit

_OFFSET_BYTES = 8


@dataclass(frozen=True)
class StoredPieces:
    """A pieces file in the flat layout (`PieceMatrix.flat`) whose offsets fit its size."""

    path: Path
    rows_start: int  # the file position of its first piece row
    offsets: npt.NDArray[np.int64]  # (sentences + 1,), from 0 to the file's row count

    @property
    def rows(self) -> int:
        """How many piece rows the file holds."""
        return int(self.offsets[-1])

    def read_into(self, out: Int8Matrix) -> bool:
        """Fill ``out`` (``rows`` x DIMENSIONS, C-contiguous) with the file's rows; False when
        the file has changed since it was checked or cannot be read."""
        if out.shape != (self.rows, DIMENSIONS):
            return False
        try:
            with self.path.open("rb") as file:
                file.seek(self.rows_start)
                read = file.readinto(out.data.cast("B")) if out.nbytes else 0
                return read == out.nbytes and not file.read(1)
        except OSError:
            return False


def check_stored_pieces(path: Path, sentences: int) -> StoredPieces | None:
    """The file at ``path`` when it holds the pieces of ``sentences`` sentences (a 1-D int8
    .npy, monotone offsets from 0 to its row count, nothing after them); None otherwise.
    Raises OSError or ValueError for a file that cannot be read or is not .npy."""
    head = (sentences + 1) * _OFFSET_BYTES
    with path.open("rb") as file:
        header = read_npy_header(file)
        if header is None:
            return None
        shape, dtype = header
        if dtype != np.int8 or len(shape) != 1 or shape[0] < head:
            return None
        if (shape[0] - head) % DIMENSIONS:
            return None
        data_start = file.tell()
        if os.fstat(file.fileno()).st_size != data_start + shape[0]:
            return None
        raw = file.read(head)
    if len(raw) != head:
        return None
    offsets = np.frombuffer(raw, dtype="<i8").astype(np.int64)
    if not offsets_fit(offsets, sentences, (shape[0] - head) // DIMENSIONS):
        return None
    return StoredPieces(path, data_start + head, offsets)
