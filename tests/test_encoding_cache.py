"""The encodings' cache: .npy files read straight into the library's matrix, one article a file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.encoding_cache import library_encodings, sentence_encodings
from retrieval.npy_into import read_npy_into
from retrieval.semantic import Encoder

GROUPS = [
    ["Macron spoke in Paris.", "Starmer answered him."],
    ["Russia has opposed these discussions."],
    ["Ireland can only send peacekeepers.", "The summit was held in Brussels.", "It ended."],
]


def test_an_npy_file_is_read_into_the_rows_it_fits(tmp_path: Path) -> None:
    """The rows given are filled with the file's array, the rows around them untouched."""
    path = tmp_path / "part.npy"
    part = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.save(path, part)
    matrix = np.full((4, 3), -1.0, dtype=np.float32)
    assert read_npy_into(path, matrix[1:3])
    assert np.array_equal(matrix[1:3], part)
    assert (matrix[[0, 3]] == -1.0).all()


@pytest.mark.parametrize(
    "written",
    [
        np.zeros((3, 3), dtype=np.float32),  # another number of rows
        np.zeros((2, 3), dtype=np.float64),  # another type
        np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)),  # column order
    ],
    ids=["rows", "dtype", "fortran"],
)
def test_an_npy_file_that_does_not_fit_is_refused(tmp_path: Path, written: np.ndarray) -> None:
    """A file of another shape, type or order: False, never a wrong fill."""
    path = tmp_path / "part.npy"
    np.save(path, written)
    assert not read_npy_into(path, np.empty((2, 3), dtype=np.float32))


def test_a_truncated_or_padded_npy_file_is_refused(tmp_path: Path) -> None:
    """Bytes missing at the end, or more bytes than the array: False."""
    path = tmp_path / "part.npy"
    np.save(path, np.ones((2, 3), dtype=np.float32))
    whole = path.read_bytes()
    out = np.empty((2, 3), dtype=np.float32)
    path.write_bytes(whole[:-4])
    assert not read_npy_into(path, out)
    path.write_bytes(whole + b"\0")
    assert not read_npy_into(path, out)
    path.write_bytes(b"not an npy file at all")
    with pytest.raises(ValueError, match="magic string"):
        read_npy_into(path, out)


def test_a_library_encodes_only_its_uncached_articles(encoder: Encoder, tmp_path: Path) -> None:
    """Two articles cached (marked, so a fresh encoding would show), one not: the library reads
    the two into their rows, encodes the third alone, and caches it."""
    marked = []
    for value, texts in zip((1.0, 2.0), GROUPS[:2], strict=True):
        written = sentence_encodings(encoder, texts, tmp_path)
        (vectors_file,) = (
            p for p in tmp_path.glob("vectors-*.npy") if np.load(p).shape[0] == len(texts)
        )
        np.save(vectors_file, np.full_like(written.vectors, value))
        marked.append(written)
    seen: list[tuple[int, int]] = []
    library = library_encodings(encoder, GROUPS, tmp_path, lambda d, t: seen.append((d, t)))
    assert seen[-1] == (len(GROUPS[2]), len(GROUPS[2]))  # the third article's sentences only
    assert library.vectors.shape == (6, 384)
    assert (library.vectors[0:2] == 1.0).all()
    assert (library.vectors[2:3] == 2.0).all()
    third = sentence_encodings(encoder, GROUPS[2], tmp_path)  # read back from its new cache
    assert np.array_equal(library.vectors[3:6], third.vectors)
    assert np.allclose(np.linalg.norm(third.vectors, axis=1), 1.0, atol=1e-5)
    expected = [marked[0].pieces, marked[1].pieces, third.pieces]
    for start, texts, pieces in zip((0, 2, 3), GROUPS, expected, strict=True):
        own = library.pieces.sentences(start, start + len(texts))
        assert np.array_equal(own.pieces, pieces.pieces)
        assert np.array_equal(own.offsets, pieces.offsets)


def _marked_cache(encoder: Encoder, folder: Path, texts: list[str], value: float) -> Path:
    """Cache ``texts`` in ``folder`` with every vector set to ``value`` (a fresh encoding
    would show); returns the vectors file."""
    written = sentence_encodings(encoder, texts, folder)
    (vectors_file,) = (p for p in folder.glob("vectors-*.npy") if np.load(p).shape[0] == len(texts))
    np.save(vectors_file, np.full_like(written.vectors, value))
    return vectors_file


def test_an_older_releases_file_names_are_read_and_renamed(
    encoder: Encoder, tmp_path: Path
) -> None:
    """Files named by the key before 2026-12 (a hash a sentence) are read without encoding
    again, then carry today's names, so the next start finds them at once."""
    from retrieval import encoding_cache

    texts = GROUPS[2]
    vectors_file = _marked_cache(encoder, tmp_path, texts, 4.0)
    today = encoding_cache._vectors_key(texts, encoder.graph)
    older = encoding_cache._older_vectors_key(texts, encoder.graph)
    assert today != older
    for path in list(tmp_path.iterdir()):
        path.rename(path.with_name(path.name.replace(today, older)))
    assert not vectors_file.exists()
    seen: list[tuple[int, int]] = []
    read = library_encodings(encoder, [texts], tmp_path, lambda d, t: seen.append((d, t)))
    assert not seen  # nothing encoded
    assert (read.vectors == 4.0).all()
    assert vectors_file.is_file()
    assert not any(older in path.name for path in tmp_path.iterdir())


def test_a_pieces_file_gone_before_its_rows_are_read_is_encoded_again(
    encoder: Encoder, tmp_path: Path
) -> None:
    """The first article's files are checked, then (while the second is encoded) its pieces
    file is deleted: the library still gets every sentence's right pieces, never a crash."""
    first = sentence_encodings(encoder, GROUPS[0], tmp_path)
    (pieces_file,) = tmp_path.glob("pieces-*.npy")

    def delete_while_encoding(done: int, total: int) -> None:
        pieces_file.unlink(missing_ok=True)

    library = library_encodings(encoder, GROUPS[:2], tmp_path, delete_while_encoding)
    second = sentence_encodings(encoder, GROUPS[1], tmp_path)
    own = library.pieces.sentences(0, 2)
    assert np.array_equal(own.pieces, first.pieces.pieces)
    assert np.array_equal(own.offsets, first.pieces.offsets)
    rest = library.pieces.sentences(2, 3)
    assert np.array_equal(rest.pieces, second.pieces.pieces)
    assert library.pieces.is_valid_for(3)
    assert pieces_file.is_file()  # written again


def test_a_library_of_many_cached_articles_joins_their_pieces_in_order(
    encoder: Encoder, tmp_path: Path
) -> None:
    """Every article cached: each one's rows and offsets land where its sentences stand."""
    alone = [sentence_encodings(encoder, texts, tmp_path) for texts in GROUPS]
    library = library_encodings(encoder, GROUPS, tmp_path)
    start = 0
    for texts, own in zip(GROUPS, alone, strict=True):
        part = library.pieces.sentences(start, start + len(texts))
        assert np.array_equal(part.pieces, own.pieces.pieces)
        assert np.array_equal(part.offsets, own.pieces.offsets)
        assert np.array_equal(library.vectors[start : start + len(texts)], own.vectors)
        start += len(texts)
    assert library.pieces.is_valid_for(start)
