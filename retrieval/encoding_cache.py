"""The sentence encodings' on-disk cache: each article's vectors and content pieces as .npy files.

Files are named for the article's sentences, the model and the pieces' projection, so a cache
is never read stale and adding an article encodes that article alone. Arrays only, never
pickle; each file is written whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import zipfile
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval import encoding_states
from retrieval.cache import write_atomically
from retrieval.npy_into import read_npy_into
from retrieval.pieces import DIMENSIONS as PIECE_DIMENSIONS
from retrieval.pieces import PieceMatrix, projection_key
from retrieval.semantic import (
    DIMENSIONS,
    MAX_TOKENS,
    MODEL_SHA256,
    Encoder,
    Encodings,
    FloatMatrix,
)
from retrieval.stored_pieces import StoredPieces, check_stored_pieces


def _vectors_key(texts: Sequence[str], graph: str) -> str:
    # Each text's length, then all of them as one string: the same texts in the same order,
    # nothing else, give this key. Hashing them joined is 6x faster at 100k sentences than the
    # older key's hash a sentence.
    digest = hashlib.sha256(f"sentences {MODEL_SHA256}:{MAX_TOKENS}:{graph}\n".encode())
    digest.update(array("q", map(len, texts)).tobytes())
    digest.update("".join(texts).encode("utf-8"))
    return digest.hexdigest()[:32]


def _older_vectors_key(texts: Sequence[str], graph: str) -> str:
    """The key releases before 2026-12 named files by (read once, the files then renamed)."""
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
    found: list[PieceMatrix | StoredPieces | None] = [
        _read_cached(where, vectors[bounds[i] : bounds[i + 1]], groups[i], encoder.graph)
        if where is not None
        else None
        for i, where in enumerate(paths)
    ]
    _encode_missing(encoder, groups, paths, bounds, vectors, found, progress)
    parts = [part for part in found if part is not None]
    pieces = _joined_pieces(parts)
    if pieces is None:  # a checked file changed or vanished before its rows were read
        for i, part in enumerate(found):
            if isinstance(part, StoredPieces):
                found[i] = _loaded(part)
        _encode_missing(encoder, groups, paths, bounds, vectors, found, progress)
        pieces = PieceMatrix.concatenated([p for p in found if isinstance(p, PieceMatrix)])
    if cache_dir is not None:
        encoding_states.record(cache_dir, [where.key for where in paths if where is not None])
    return Encodings(vectors, pieces)


def _encode_missing(
    encoder: Encoder,
    groups: Sequence[Sequence[str]],
    paths: Sequence[_CachePaths | None],
    bounds: Sequence[int],
    vectors: FloatMatrix,
    found: list[PieceMatrix | StoredPieces | None],
    progress: Callable[[int, int], None] | None,
) -> None:
    """Encode every group ``found`` lacks, all in one run (so ``progress`` counts their
    sentences), into its rows of ``vectors`` and its place in ``found``, and cache it."""
    missing = [i for i, cached in enumerate(found) if cached is None]
    if not missing:
        return
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


def _joined_pieces(parts: Sequence[PieceMatrix | StoredPieces]) -> PieceMatrix | None:
    """The parts' sentences, in order, as one matrix, each stored file's rows read straight
    into their place; None when a file no longer holds what it was checked to."""
    if len(parts) == 1 and isinstance(parts[0], PieceMatrix):
        return parts[0]
    sizes = [part.rows if isinstance(part, StoredPieces) else len(part.pieces) for part in parts]
    pieces = np.empty((sum(sizes), PIECE_DIMENSIONS), dtype=np.int8)
    offsets = np.zeros(sum(len(part.offsets) - 1 for part in parts) + 1, dtype=np.int64)
    shift = sentence = 0
    for part, size in zip(parts, sizes, strict=True):
        count = len(part.offsets) - 1
        # Each part's offsets start at 0: the last of one part and the first of the next
        # are the same number once shifted.
        offsets[sentence : sentence + count + 1] = part.offsets + shift
        rows = pieces[shift : shift + size]
        if isinstance(part, StoredPieces):
            if not part.read_into(rows):
                return None
        else:
            rows[:] = part.pieces
        shift += size
        sentence += count
    return PieceMatrix(pieces, offsets)


@dataclass(frozen=True)
class _CachePaths:
    """Where one group's vectors and pieces are cached, and where an older release kept its
    pieces (an .npz archive, read once and rewritten)."""

    key: str
    vectors: Path
    pieces: Path
    older_pieces: Path


def _cache_paths(cache_dir: Path | None, texts: Sequence[str], graph: str) -> _CachePaths | None:
    """Where one group's encodings are cached (named for its sentences and the graph that
    encoded them)."""
    if cache_dir is None:
        return None
    return _named_paths(cache_dir, _vectors_key(texts, graph))


def _named_paths(cache_dir: Path, key: str) -> _CachePaths:
    pieces = f"pieces-{key}-{projection_key()}"
    return _CachePaths(
        key,
        cache_dir / f"vectors-{key}.npy",
        cache_dir / f"{pieces}.npy",
        cache_dir / f"{pieces}.npz",
    )


def _renamed_from_older_key(paths: _CachePaths, texts: Sequence[str], graph: str) -> None:
    """An older release's files for these texts, when there are any, moved to today's names:
    read where they are, without encoding again (the older key is computed only here, for a
    group not found under today's)."""
    older = _named_paths(paths.vectors.parent, _older_vectors_key(texts, graph))
    if not older.vectors.is_file():
        return
    with contextlib.suppress(OSError):
        for source, target in zip(
            (older.vectors, older.pieces, older.older_pieces),
            (paths.vectors, paths.pieces, paths.older_pieces),
            strict=True,
        ):
            if source.is_file():
                source.replace(target)


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


def _read_cached(
    paths: _CachePaths, vectors: FloatMatrix, texts: Sequence[str], graph: str
) -> PieceMatrix | StoredPieces | None:
    """Both cached files, when they exist and fit this library's rows ``vectors``: the
    vectors read into those rows, the pieces checked (their rows are read later, into the
    library's matrix); None otherwise."""
    if not paths.vectors.is_file():
        _renamed_from_older_key(paths, texts, graph)
        if not paths.vectors.is_file():
            return None
    sentences = len(vectors)
    with contextlib.suppress(OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        if not read_npy_into(paths.vectors, vectors):
            return None
        if paths.pieces.is_file():
            return check_stored_pieces(paths.pieces, sentences)
        return _read_older_pieces(paths, sentences)
    return None


def _loaded(stored: StoredPieces) -> PieceMatrix | None:
    """A stored file's pieces loaded whole, or None when it no longer holds them."""
    with contextlib.suppress(OSError, ValueError):
        flat = np.load(stored.path, allow_pickle=False)
        return PieceMatrix.from_flat(flat, len(stored.offsets) - 1)
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
