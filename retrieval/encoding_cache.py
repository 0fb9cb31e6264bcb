"""The sentence encodings' on-disk cache: each article's vectors and content pieces as .npy files.

Files are named for the article's sentences, the model and the pieces' projection, so a cache
is never read stale and adding an article encodes that article alone. Arrays only, never
pickle; each file is written whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.cache import write_atomically
from retrieval.npy_into import read_npy_into
from retrieval.pieces import PieceMatrix, projection_key
from retrieval.semantic import (
    DIMENSIONS,
    MAX_TOKENS,
    MODEL_SHA256,
    Encoder,
    Encodings,
    FloatMatrix,
)


def _vectors_key(texts: Sequence[str], graph: str) -> str:
    # The float graph's key is the one caches were written under before the int8 graph.
    named = "" if graph == "float" else f":{graph}"
    digest = hashlib.sha256(f"{MODEL_SHA256}:{MAX_TOKENS}{named}".encode())
    for text in texts:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()[:32]


def sentence_encodings(
    encoder: Encoder,
    texts: Sequence[str],
    cache_dir: Path | None,
    progress: Callable[[int, int], None] | None = None,
) -> Encodings:
    """Every sentence's vector and content pieces, cached as one group (see
    ``library_encodings``)."""
    return library_encodings(encoder, [texts], cache_dir, progress)


def library_encodings(
    encoder: Encoder,
    groups: Sequence[Sequence[str]],
    cache_dir: Path | None,
    progress: Callable[[int, int], None] | None = None,
) -> Encodings:
    """Every sentence's vector and content pieces, in order, the groups' (articles') sentences
    one after another. Each group is read from ``cache_dir`` when it holds these exact
    sentences for this model and projection, else encoded (all missing groups in one run, so
    ``progress`` counts their sentences) and saved there (.npy files, never pickle). Adding
    an article to a library encodes that article alone; a cache of vectors without pieces (an
    older release) is encoded again once."""
    paths = [_cache_paths(cache_dir, texts, encoder.graph) for texts in groups]
    bounds = np.cumsum([0, *(len(texts) for texts in groups)]).tolist()
    # One matrix made first and each cached file read into its rows: no second copy of
    # every vector (154 MB at 100k sentences) to join them afterwards.
    vectors = np.empty((bounds[-1], DIMENSIONS), dtype=np.float32)
    found = [
        _read_cached(where, vectors[bounds[i] : bounds[i + 1]]) if where is not None else None
        for i, where in enumerate(paths)
    ]
    missing = [i for i, cached in enumerate(found) if cached is None]
    if missing:
        fresh = encoder.encode_library([t for i in missing for t in groups[i]], progress)
        start = 0
        for i in missing:
            end = start + len(groups[i])
            rows = vectors[bounds[i] : bounds[i + 1]]
            rows[:] = fresh.vectors[start:end]
            pieces = found[i] = fresh.pieces.sentences(start, end)
            where = paths[i]
            if where is not None:
                _write_cached(where, Encodings(rows, pieces))
            start = end
    parts = [part for part in found if part is not None]
    return Encodings(vectors, parts[0] if len(parts) == 1 else PieceMatrix.concatenated(parts))


@dataclass(frozen=True)
class _CachePaths:
    """Where one group's vectors and pieces are cached, and where an older release kept its
    pieces (an .npz archive, read once and rewritten)."""

    vectors: Path
    pieces: Path
    older_pieces: Path


def _cache_paths(cache_dir: Path | None, texts: Sequence[str], graph: str) -> _CachePaths | None:
    """Where one group's encodings are cached (named for its sentences and the graph that
    encoded them)."""
    if cache_dir is None:
        return None
    key = _vectors_key(texts, graph)
    pieces = f"pieces-{key}-{projection_key()}"
    return _CachePaths(
        cache_dir / f"vectors-{key}.npy", cache_dir / f"{pieces}.npy", cache_dir / f"{pieces}.npz"
    )


def _write_cached(paths: _CachePaths, encodings: Encodings) -> None:
    """Both files, each written whole or not at all; a folder that cannot be written costs
    an encoding at the next start, nothing else."""
    with contextlib.suppress(OSError):
        paths.vectors.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(
            paths.vectors, lambda file: np.save(file, encodings.vectors, allow_pickle=False)
        )
        _write_pieces(paths.pieces, encodings.pieces)


def _write_pieces(path: Path, pieces: PieceMatrix) -> None:
    # One flat .npy, not an .npz of two arrays: a library's start reads one per article, and
    # NumPy reads a zip archive's members about three times as slowly (measured at 100k).
    write_atomically(path, lambda file: np.save(file, pieces.flat(), allow_pickle=False))


def _read_cached(paths: _CachePaths, vectors: FloatMatrix) -> PieceMatrix | None:
    """Both cached files, when they exist and fit this library's rows ``vectors``: the
    vectors read into those rows, the pieces returned; None otherwise."""
    if not paths.vectors.is_file():
        return None
    sentences = len(vectors)
    with contextlib.suppress(OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        if not read_npy_into(paths.vectors, vectors):
            return None
        if paths.pieces.is_file():
            return PieceMatrix.from_flat(np.load(paths.pieces, allow_pickle=False), sentences)
        return _read_older_pieces(paths, sentences)
    return None


def _read_older_pieces(paths: _CachePaths, sentences: int) -> PieceMatrix | None:
    """The pieces an older release cached as .npz, rewritten in today's layout so the next
    start reads that instead; None when there are none or they do not fit."""
    if not paths.older_pieces.is_file():
        return None
    # Opened here, so a damaged archive still closes its file (np.load would leak it).
    with paths.older_pieces.open("rb") as file, np.load(file, allow_pickle=False) as arrays:
        pieces = PieceMatrix(arrays["pieces"], arrays["offsets"])
    if not pieces.is_valid_for(sentences):
        return None
    with contextlib.suppress(OSError):
        _write_pieces(paths.pieces, pieces)
        paths.older_pieces.unlink()
    return pieces
