"""The sentence-embedding layer: pinned files, cached vectors, and what it adds to BM25."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval import Answerer, Corpus
from retrieval.semantic import (
    MODEL_SHA256,
    Encoder,
    SemanticModelError,
    _verified,
    model_files,
    sentence_vectors,
)


def test_the_model_files_are_the_pinned_ones() -> None:
    """The installed package's model passes its SHA-256 check."""
    model, tokenizer = model_files()
    assert _verified(model, MODEL_SHA256) == model
    assert tokenizer.is_file()


def test_an_altered_model_file_is_refused(tmp_path: Path) -> None:
    """One changed byte and the file is not used: a clear error, never a silent model."""
    model, _tokenizer = model_files()
    copy = tmp_path / "model.onnx"
    shutil.copyfile(model, copy)
    with copy.open("r+b") as file:
        file.seek(1000)
        byte = file.read(1)
        file.seek(1000)
        file.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(SemanticModelError, match="SHA-256"):
        _verified(copy, MODEL_SHA256)


def test_vectors_are_unit_length_and_deterministic(encoder: Encoder) -> None:
    """The same text gives the same vector; every vector has length 1."""
    first = encoder.encode("who opposed the coalition?")
    again = encoder.encode("who opposed the coalition?")
    assert np.array_equal(first, again)
    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-5
    many = encoder.encode_many(["one sentence.", "another one.", "who opposed the coalition?"])
    assert many.shape == (3, 384)
    assert np.allclose(many[2], first, atol=1e-5)


def test_related_texts_are_closer_than_unrelated_ones(encoder: Encoder) -> None:
    """A paraphrase scores above an unrelated sentence (the model is a sentence model)."""
    question = encoder.encode("how much money will europe spend on defence?")
    related = encoder.encode("The EU proposed a defense package worth 800 billion euros.")
    unrelated = encoder.encode("The recipe needs two eggs and a cup of flour.")
    assert float(question @ related) > float(question @ unrelated) + 0.1


def test_sentence_vectors_are_cached_on_disk_and_read_back(
    encoder: Encoder, tmp_path: Path
) -> None:
    """The second load reads the .npy the first wrote (no pickle), for the same sentences."""
    texts = ["First sentence here.", "Second sentence there."]
    written = sentence_vectors(encoder, texts, tmp_path)
    (cached,) = tmp_path.glob("vectors-*.npy")
    np.save(cached, np.ones_like(written), allow_pickle=False)  # mark the file
    read = sentence_vectors(encoder, texts, tmp_path)
    assert np.array_equal(read, np.ones_like(written))
    other = sentence_vectors(encoder, [*texts, "A third."], tmp_path)
    assert other.shape == (3, 384)
    assert np.allclose(other[:2], written, atol=1e-6)


def test_progress_is_reported_while_encoding(encoder: Encoder) -> None:
    """encode_many reports (done, total) and ends at the total."""
    seen: list[tuple[int, int]] = []
    encoder.encode_many([f"sentence {i}." for i in range(300)], lambda d, t: seen.append((d, t)))
    assert seen
    assert seen[-1] == (300, 300)


def test_the_embedding_adds_candidates_bm25_cannot_reach(answerer: Answerer) -> None:
    """Sentences sharing no word with the question still reach the ordering by meaning."""
    trace = answerer.trace("what about the soldiers of turkey?")
    assert any(not c.from_bm25 for c in trace.candidates)
    assert any(c.from_bm25 for c in trace.candidates)


def test_semantic_off_is_bm25_alone(bm25_corpus: Corpus, bm25_answerer: Answerer) -> None:
    """SEMANTIC=off: no vectors, no embedding candidates, the BM25-only models."""
    assert bm25_corpus.vectors is None
    trace = bm25_answerer.trace("who opposed the coalition?")
    assert trace.candidates
    assert all(c.from_bm25 and c.cosine == 0.0 for c in trace.candidates)
    assert bm25_answerer.ask("who opposed the coalition?").found


def test_a_cached_model_that_cannot_load_is_one_clear_error(tmp_path: Path) -> None:
    """A damaged file in the cache whose stamp still matches: a SemanticModelError naming the
    way out (SEMANTIC=off), never a traceback from onnxruntime."""
    import hashlib

    from retrieval.semantic import default_encoder, quantized_path

    target = quantized_path(tmp_path)
    target.write_bytes(b"not an onnx model")
    target.with_suffix(".sha256").write_text(hashlib.sha256(b"not an onnx model").hexdigest())
    with pytest.raises(SemanticModelError, match="SEMANTIC=off"):
        default_encoder(tmp_path)


def test_a_cached_model_that_changed_is_made_again(tmp_path: Path) -> None:
    """A cached file that no longer matches its stamp is quantized again from the source."""
    from retrieval.semantic import quantized_model, quantized_path

    made = quantized_model(tmp_path)
    assert made == quantized_path(tmp_path)
    made.write_bytes(b"damaged")
    again = quantized_model(tmp_path)
    assert again.read_bytes() != b"damaged"
