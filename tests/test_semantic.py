"""The sentence-embedding layer: pinned files, cached vectors, and what it adds to BM25."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from retrieval import Answerer, Corpus
from retrieval.encoding_cache import sentence_encodings
from retrieval.semantic import (
    MODEL_SHA256,
    Encoder,
    SemanticModelError,
    _verified,
    model_files,
    start_loading,
)


def _flip_a_byte(path: Path) -> None:
    """One byte of ``path`` changed in place (the size stays)."""
    with path.open("r+b") as file:
        file.seek(1000)
        byte = file.read(1)
        file.seek(1000)
        file.write(bytes([byte[0] ^ 0xFF]))


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
    _flip_a_byte(copy)
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
    written = sentence_encodings(encoder, texts, tmp_path).vectors
    (cached,) = tmp_path.glob("vectors-*.npy")
    np.save(cached, np.ones_like(written), allow_pickle=False)  # mark the file
    read = sentence_encodings(encoder, texts, tmp_path).vectors
    assert np.array_equal(read, np.ones_like(written))
    other = sentence_encodings(encoder, [*texts, "A third."], tmp_path).vectors
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


def test_a_model_file_that_cannot_load_is_one_clear_error(tmp_path: Path) -> None:
    """A file onnxruntime cannot read: a SemanticModelError naming the way out (SEMANTIC=off),
    never a traceback from onnxruntime."""
    from retrieval.semantic import load_encoder

    broken = tmp_path / "model.onnx"
    broken.write_bytes(b"not an onnx model")
    _model, tokenizer = model_files()
    with pytest.raises(SemanticModelError, match="SEMANTIC=off"):
        load_encoder(broken, tokenizer)


def test_a_verified_model_is_not_hashed_again_until_it_changes(tmp_path: Path) -> None:
    """The first check hashes the file and leaves a stamp; while the file's place, size and
    time hold, the stamp stands for the hash; a changed file is hashed again and refused."""
    from retrieval.semantic import stamp_path, verified_once

    model, _tokenizer = model_files()
    copy = tmp_path / "model.onnx"
    shutil.copyfile(model, copy)
    cache = tmp_path / "cache"
    assert verified_once(copy, MODEL_SHA256, cache) == copy
    stamp = stamp_path(cache, MODEL_SHA256)
    assert str(copy.resolve()) in stamp.read_text()
    assert verified_once(copy, MODEL_SHA256, cache) == copy
    _flip_a_byte(copy)
    with pytest.raises(SemanticModelError, match="SHA-256"):
        verified_once(copy, MODEL_SHA256, cache)


def test_a_stamp_for_another_file_proves_nothing(tmp_path: Path) -> None:
    """A stamp names the file it was written for: an altered copy elsewhere is still hashed."""
    from retrieval.semantic import verified_once

    model, _tokenizer = model_files()
    cache = tmp_path / "cache"
    verified_once(model, MODEL_SHA256, cache)
    altered = tmp_path / "model.onnx"
    altered.write_bytes(b"not the model")
    with pytest.raises(SemanticModelError, match="SHA-256"):
        verified_once(altered, MODEL_SHA256, cache)


def test_batched_vectors_equal_one_at_a_time(encoder: Encoder) -> None:
    """Texts of different lengths encoded together give the vectors each gets alone: padding
    never leaks into a text's vector."""
    texts = ["Short.", "A much longer sentence about the coalition, its troops and its money."]
    together = encoder.encode_many(texts * 5)
    for row, text in enumerate(texts * 5):
        assert np.allclose(together[row], encoder.encode(text), atol=1e-5)


def test_vectors_are_kept_in_the_user_cache_without_a_cache_folder(
    encoder: Encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without INDEX_CACHE_DIR a restart still reads its vectors back: they go to the user's
    cache folder ($XDG_CACHE_HOME/article-bot/vectors)."""
    from retrieval import load_corpus

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = load_corpus(Path(__file__).resolve().parent.parent / "seeds", encoder=encoder)
    (saved,) = (tmp_path / "article-bot" / "vectors").glob("vectors-*.npy")
    assert first.vectors is not None
    np.save(saved, np.ones_like(first.vectors), allow_pickle=False)  # mark the file
    again = load_corpus(Path(__file__).resolve().parent.parent / "seeds", encoder=encoder)
    assert again.vectors is not None
    assert np.array_equal(again.vectors, np.ones_like(first.vectors))


def _encoder_loads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "encoder-load"]


def test_an_encoder_started_in_the_background_is_the_one_questions_get(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """start_loading verifies and loads the model in a thread; default_encoder then hands out
    that encoder (one model load, the verification stamp written in the cache folder)."""
    from retrieval import semantic

    loaded_on: list[str] = []
    real_load = semantic.load_encoder

    def load_encoder(model: Path, tokenizer: Path, prepared_in: Path | None = None) -> Encoder:
        loaded_on.append(threading.current_thread().name)
        return real_load(model, tokenizer, prepared_in)

    monkeypatch.setattr(semantic, "load_encoder", load_encoder)
    start_loading(tmp_path)
    encoder = semantic.default_encoder(tmp_path)
    for thread in _encoder_loads():
        thread.join()
    assert semantic.default_encoder(tmp_path) is encoder
    assert loaded_on == ["encoder-load"]
    assert semantic.stamp_path(tmp_path, MODEL_SHA256).is_file()
    assert encoder.encode("who opposed the coalition?").shape == (384,)


def test_a_background_load_that_fails_is_reported_by_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An altered model file, loaded in the background: the thread reports nothing (no stray
    traceback on standard error), and default_encoder raises the one clear error."""
    from retrieval import semantic

    model, tokenizer = model_files()
    copy = tmp_path / "model.onnx"
    shutil.copyfile(model, copy)
    _flip_a_byte(copy)
    monkeypatch.setattr(semantic, "model_files", lambda: (copy, tokenizer))
    unhandled: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: unhandled.append(args.exc_value))
    start_loading(tmp_path)
    for thread in _encoder_loads():
        thread.join()
    assert unhandled == []
    with pytest.raises(SemanticModelError, match="SHA-256"):
        semantic.default_encoder(tmp_path)


def test_the_encoder_can_be_given_once_the_articles_are_read(
    seeds: Path, encoder: Encoder, corpus: Corpus
) -> None:
    """load_corpus with a function for the encoder (what load_library passes while the model
    loads in a thread): called once, and the vectors are the same."""
    from retrieval import load_corpus

    calls: list[int] = []

    def given() -> Encoder:
        calls.append(1)
        return encoder

    later = load_corpus(seeds, encoder=given)
    assert calls == [1]
    assert later.encoder is encoder
    assert later.vectors is not None
    assert corpus.vectors is not None
    assert np.array_equal(later.vectors, corpus.vectors)
