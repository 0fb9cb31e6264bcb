"""onnxruntime's rewrite of the embedding model, kept for later starts: the same vectors, made
again when damaged, and never in the way when the cache folder cannot hold it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime
import pytest

from retrieval.prepared_model import PREFIX, prepared_path
from retrieval.semantic import MODEL_SHA256, Encoder, load_encoder, model_files

TEXTS = [
    "who opposed the coalition?",
    "Russia has opposed these discussions.",
    "A much longer sentence about the coalition, its troops, its money and its 800 billion euros.",
]


def _target(folder: Path) -> Path:
    return prepared_path(folder, MODEL_SHA256, onnxruntime.__version__)


def _encoder(folder: Path | None) -> Encoder:
    model, tokenizer = model_files()
    return load_encoder(model, tokenizer, folder, int8=False)


@pytest.fixture(scope="module")
def plain_vectors() -> np.ndarray:
    """The vectors of the model opened as shipped, rewritten in memory only."""
    return _encoder(None).encode_many(TEXTS)


def test_the_first_start_keeps_the_rewrite_and_later_starts_open_it(
    tmp_path: Path, plain_vectors: np.ndarray
) -> None:
    """The first encoder saves the rewritten graph; the next one opens that file (its bulk
    sessions too) and gives the same vectors to the bit, pieces included."""
    first = _encoder(tmp_path)
    target = _target(tmp_path)
    assert target.is_file()
    written = target.stat().st_mtime_ns
    assert np.array_equal(first.encode_many(TEXTS), plain_vectors)
    again = _encoder(tmp_path)
    assert target.stat().st_mtime_ns == written  # opened, not made again
    assert np.array_equal(again.encode_many(TEXTS), plain_vectors)
    plain_pieces = _encoder(None).encode_library(TEXTS * 100).pieces
    pieces = again.encode_library(TEXTS * 100).pieces  # 300 texts: a second session opens
    assert np.array_equal(pieces.pieces, plain_pieces.pieces)
    assert np.array_equal(pieces.offsets, plain_pieces.offsets)
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize("damage", ["truncated", "garbage with a matching stamp"])
def test_a_damaged_rewrite_is_made_again(
    tmp_path: Path, plain_vectors: np.ndarray, damage: str
) -> None:
    """A file cut short fails its stamp; one onnxruntime cannot parse fails to open. Either
    way the model is rewritten from the verified original, with no error."""
    _encoder(tmp_path)
    target = _target(tmp_path)
    stamp = target.with_suffix(".stamp")
    if damage == "truncated":
        with target.open("r+b") as file:
            file.truncate(target.stat().st_size // 2)
    else:
        target.write_bytes(b"\x00not an onnx graph" * 64)
        status = target.stat()
        stamp.write_text(f"{target.resolve()} {status.st_size} {status.st_mtime_ns}\n")
    encoder = _encoder(tmp_path)
    assert np.array_equal(encoder.encode_many(TEXTS), plain_vectors)
    assert target.stat().st_size > 10_000_000
    assert stamp.read_text().split()[1] == str(target.stat().st_size)


def test_a_folder_that_cannot_be_written_costs_nothing_but_time(
    tmp_path: Path, plain_vectors: np.ndarray
) -> None:
    """A cache 'folder' under a plain file: nothing is saved, the model opens as shipped."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    encoder = _encoder(blocker / "cache")
    assert np.array_equal(encoder.encode_many(TEXTS), plain_vectors)
    assert blocker.read_text() == "not a folder"


def test_rewrites_for_another_model_or_runtime_are_removed(tmp_path: Path) -> None:
    """Once this runtime's rewrite is saved, another version's file and its stamp go (nothing
    would open them again); unrelated files in the folder stay."""
    old = tmp_path / f"{PREFIX}{MODEL_SHA256[:16]}-ort0.0.1.onnx"
    old.write_bytes(b"an older runtime's graph")
    old.with_suffix(".stamp").write_text("old stamp\n")
    other = tmp_path / "vectors-abc.npy"
    other.write_bytes(b"kept")
    _encoder(tmp_path)
    assert not old.exists()
    assert not old.with_suffix(".stamp").exists()
    assert other.read_bytes() == b"kept"
    assert _target(tmp_path).is_file()


def test_a_broken_model_is_still_one_clear_error(tmp_path: Path) -> None:
    """The rewrite step does not swallow a model onnxruntime cannot read."""
    from retrieval.semantic import SemanticModelError

    broken = tmp_path / "model.onnx"
    broken.write_bytes(b"not an onnx model")
    _model, tokenizer = model_files()
    with pytest.raises(SemanticModelError, match="SEMANTIC=off"):
        load_encoder(broken, tokenizer, tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.partial"))
