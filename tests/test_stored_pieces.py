"""Cached pieces files checked by header and offsets; .npy headers read without NumPy's parser."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npy_format

from retrieval.npy_into import read_npy_header
from retrieval.pieces import DIMENSIONS, PieceMatrix
from retrieval.stored_pieces import check_stored_pieces


def _matrix() -> PieceMatrix:
    parts = [np.full((2, DIMENSIONS), 5, np.int8), np.zeros((0, DIMENSIONS), np.int8)]
    parts.append(np.full((3, DIMENSIONS), -7, np.int8))
    return PieceMatrix.joined(parts)


def test_a_stored_file_is_checked_then_read_into_place(tmp_path: Path) -> None:
    """Offsets from the file, rows read into the slice given, the rows around untouched."""
    path = tmp_path / "pieces.npy"
    matrix = _matrix()
    np.save(path, matrix.flat())
    stored = check_stored_pieces(path, 3)
    assert stored is not None
    assert stored.offsets.tolist() == [0, 2, 2, 5]
    assert stored.rows == 5
    out = np.full((7, DIMENSIONS), 1, np.int8)
    assert stored.read_into(out[1:6])
    assert np.array_equal(out[1:6], matrix.pieces)
    assert (out[[0, 6]] == 1).all()
    assert not stored.read_into(out[0:4])  # a slice of the wrong size


@pytest.mark.parametrize(
    "damage", ["sentences", "truncated", "padded", "offsets", "int16", "two-dimensional"]
)
def test_a_file_that_does_not_hold_these_pieces_is_refused(tmp_path: Path, damage: str) -> None:
    """Another library's size, bytes missing or extra, offsets that do not fit, another type
    or shape: None, never a wrong fill."""
    path = tmp_path / "pieces.npy"
    flat = _matrix().flat()
    sentences = 3
    if damage == "offsets":
        flat[8:16] = np.array([4], dtype="<i8").view(np.int8)  # not monotone
    if damage == "int16":
        np.save(path, flat.astype(np.int16))
    elif damage == "two-dimensional":
        np.save(path, flat.reshape(-1, 8))
    else:
        np.save(path, flat)
    if damage == "sentences":
        sentences = 2
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:-DIMENSIONS])
    elif damage == "padded":
        path.write_bytes(path.read_bytes() + b"\0")
    assert check_stored_pieces(path, sentences) is None


def test_a_file_changed_after_its_check_is_not_read(tmp_path: Path) -> None:
    """Cut short between the check and the read: False."""
    path = tmp_path / "pieces.npy"
    np.save(path, _matrix().flat())
    stored = check_stored_pieces(path, 3)
    assert stored is not None
    path.write_bytes(path.read_bytes()[:-10])
    assert not stored.read_into(np.empty((5, DIMENSIONS), np.int8))
    path.unlink()
    assert not stored.read_into(np.empty((5, DIMENSIONS), np.int8))


@pytest.mark.parametrize(
    "array",
    [
        np.zeros((57, 384), np.float32),
        np.zeros(1000, np.int8),
        np.zeros((0, 64), np.int8),
        np.zeros((), np.float32),
        np.zeros((3, 4, 5), np.int64),
        np.zeros(5, ">f4"),
        np.zeros(3, "<U4"),
        np.zeros((2, 2), np.complex64),
    ],
    ids=["float32", "int8", "empty", "scalar", "3-d", "big-endian", "unicode", "complex"],
)
def test_headers_read_as_numpy_reads_them(array: np.ndarray) -> None:
    """The quick reading of NumPy's usual header, and NumPy's own for any other: the same
    shape and dtype, the file left at the first byte of data."""
    file = io.BytesIO()
    np.save(file, array)
    data_start = len(file.getvalue()) - array.nbytes
    file.seek(0)
    assert read_npy_header(file) == (array.shape, array.dtype)
    assert file.tell() == data_start


def test_a_version_2_or_fortran_header_is_read_or_refused_like_numpy() -> None:
    """A version 2.0 header is read by NumPy's parser; a column-ordered array is refused."""
    file = io.BytesIO()
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    npy_format.write_array(file, array, version=(2, 0))
    file.seek(0)
    assert read_npy_header(file) == ((2, 3), np.dtype(np.float32))
    file = io.BytesIO()
    np.save(file, np.asfortranarray(array))
    file.seek(0)
    assert read_npy_header(file) is None
