"""Word-piece matching: how closely each content word of a question is met somewhere in a sentence.

The embedding model computes one vector per word piece before it averages them into a text's
vector. Kept apart, they say whether *every* word of the question has a counterpart in the
sentence, not only the words they share on average: for each content piece of the question,
its best cosine against the sentence's content pieces (MaxSim, as ColBERT scores). To keep a
library's pieces small (64 bytes each), they are projected on 64 principal directions fitted
on public sentences (`benchmarks/fit_projection.py`, shipped as `weights/pieces-projection.npz`,
verified by SHA-256) and stored as int8.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from retrieval.errors import RetrievalError
from retrieval.stopwords import is_evidence_word
from retrieval.text import fold

PROJECTION_FILE = "pieces-projection.npz"
PROJECTION_SHA256 = "1428fae0d1ca99469ded7660f6c98e8613b93cbe5afa26a001ecd4508ba682a4"
DIMENSIONS = 64
# Projected pieces are unit vectors, so every component lies in [-1, 1]: one fixed scale.
SCALE = 127.0

Int8Matrix = npt.NDArray[np.int8]
FloatMatrix = npt.NDArray[np.float32]


def is_content_word(word: str) -> bool:
    """A word that carries meaning: not a function word, and a number or two letters or more
    (the analyzer's rule for index terms)."""
    folded = fold(word)
    # The model's words include punctuation, which the analyzer never reads as a word.
    return any(ch.isalnum() for ch in folded) and is_evidence_word(folded)


@dataclass(frozen=True)
class Projection:
    """Raw 384-dimension piece vectors to unit vectors on the fitted principal directions."""

    mean: FloatMatrix  # (384,)
    components: FloatMatrix  # (384, DIMENSIONS)

    def __call__(self, raw: FloatMatrix) -> FloatMatrix:
        """Centred, projected and re-normalised rows."""
        projected = (raw - self.mean) @ self.components
        norms = np.linalg.norm(projected, axis=1, keepdims=True)
        unit: FloatMatrix = (projected / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return unit

    def quantised(self, raw: FloatMatrix) -> Int8Matrix:
        """The projected rows as int8 (what a library keeps)."""
        values: Int8Matrix = np.rint(self(raw) * SCALE).astype(np.int8)
        return values


def read_projection(data: bytes, expected: str = PROJECTION_SHA256) -> Projection:
    """A projection from the bytes of its .npz file (arrays only, never pickle), refused unless
    they are the pinned ones."""
    import io

    if hashlib.sha256(data).hexdigest() != expected:
        raise RetrievalError(f"{PROJECTION_FILE}: the file's SHA-256 is not the pinned one")
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        mean = np.asarray(arrays["mean"], dtype=np.float32)
        components = np.asarray(arrays["components"], dtype=np.float32)
    if mean.ndim != 1 or components.shape != (mean.shape[0], DIMENSIONS):
        raise RetrievalError(f"{PROJECTION_FILE}: arrays of the wrong shape")
    return Projection(mean, components)


@lru_cache(maxsize=1)
def bundled_projection() -> Projection:
    """The shipped projection, checked against its pinned SHA-256."""
    return read_projection(
        resources.files("retrieval.weights").joinpath(PROJECTION_FILE).read_bytes()
    )


def projection_key() -> str:
    """What a library's cached pieces depend on besides the model: this projection."""
    return PROJECTION_SHA256[:16]


@dataclass(frozen=True)
class PieceMatrix:
    """Every sentence's content pieces: sentence ``i`` owns rows ``offsets[i]:offsets[i+1]``."""

    pieces: Int8Matrix  # (total, DIMENSIONS)
    offsets: npt.NDArray[np.int64]  # (sentences + 1,)

    @staticmethod
    def joined(parts: Sequence[Int8Matrix]) -> PieceMatrix:
        """One matrix of the sentences' pieces, in order."""
        sizes = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        pieces = (
            np.concatenate(parts).astype(np.int8, copy=False)
            if offsets[-1]
            else np.zeros((0, DIMENSIONS), dtype=np.int8)
        )
        return PieceMatrix(pieces, offsets)

    def sentences(self, start: int, end: int) -> PieceMatrix:
        """The pieces of sentences ``start`` to ``end`` (exclusive), as a matrix of their own."""
        first, last = int(self.offsets[start]), int(self.offsets[end])
        return PieceMatrix(self.pieces[first:last], self.offsets[start : end + 1] - first)

    @staticmethod
    def concatenated(parts: Sequence[PieceMatrix]) -> PieceMatrix:
        """The sentences of ``parts``, in order, as one matrix."""
        if not parts:
            return PieceMatrix.joined([])
        shifts = np.cumsum([0, *(len(p.pieces) for p in parts[:-1])])
        offsets = np.concatenate(
            [
                parts[0].offsets[:1],
                *(p.offsets[1:] + shift for p, shift in zip(parts, shifts, strict=True)),
            ]
        ).astype(np.int64)
        pieces = np.concatenate([p.pieces for p in parts]).astype(np.int8, copy=False)
        return PieceMatrix(pieces, offsets)

    def flat(self) -> npt.NDArray[np.int8]:
        """The matrix as one int8 array, the cache's layout: the offsets' bytes (little-endian
        int64), then the pieces row by row."""
        return np.concatenate((self.offsets.astype("<i8").view(np.int8), self.pieces.ravel()))

    @staticmethod
    def from_flat(flat: npt.NDArray[np.int8], sentences: int) -> PieceMatrix | None:
        """The matrix ``flat`` holds for a library of ``sentences`` (views, no copy); None when
        it does not fit one."""
        head = (sentences + 1) * 8
        if flat.ndim != 1 or flat.dtype != np.int8 or len(flat) < head:
            return None
        if (len(flat) - head) % DIMENSIONS:
            return None
        offsets = flat[:head].view("<i8").astype(np.int64, copy=False)
        matrix = PieceMatrix(flat[head:].reshape(-1, DIMENSIONS), offsets)
        return matrix if matrix.is_valid_for(sentences) else None

    def is_valid_for(self, sentences: int) -> bool:
        """Do the arrays fit a library of this many sentences (a cache read back)?"""
        return (
            self.pieces.dtype == np.int8
            and self.pieces.ndim == 2
            and self.pieces.shape[1] == DIMENSIONS
            and offsets_fit(self.offsets, sentences, len(self.pieces))
        )


def offsets_fit(offsets: npt.NDArray[np.int64], sentences: int, rows: int) -> bool:
    """Do ``offsets`` mark out ``rows`` piece rows among ``sentences`` sentences: one more
    than the sentences, int64, from 0 to ``rows``, never decreasing?"""
    return (
        offsets.dtype == np.int64
        and offsets.shape == (sentences + 1,)
        and int(offsets[0]) == 0
        and int(offsets[-1]) == rows
        and bool(np.all(offsets[1:] >= offsets[:-1]))
    )


def closest_matches(
    question: FloatMatrix, library: PieceMatrix, documents: Sequence[int]
) -> tuple[list[float], list[float]]:
    """For each document, the mean and the least of the question pieces' best cosines against
    its pieces (0 and 0 when the question or the sentence has no content piece)."""
    means = [0.0] * len(documents)
    least = [0.0] * len(documents)
    if not len(question) or not documents:
        return means, least
    positions = np.asarray(documents, dtype=np.int64)
    starts = library.offsets[positions]
    ends = library.offsets[positions + 1]
    sizes = ends - starts
    held = np.flatnonzero(sizes)
    if not len(held):
        return means, least
    rows = np.concatenate([np.arange(starts[i], ends[i]) for i in held])
    cosines = (question @ library.pieces[rows].T.astype(np.float32)) / SCALE
    segment_starts = np.concatenate([[0], np.cumsum(sizes[held])[:-1]])
    best = np.maximum.reduceat(cosines, segment_starts, axis=1)  # (question pieces, held)
    for column, i in enumerate(held):
        means[int(i)] = float(best[:, column].mean())
        least[int(i)] = float(best[:, column].min())
    return means, least
