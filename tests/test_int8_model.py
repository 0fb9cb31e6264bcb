"""The model's int8 graph: made once and opened after, close to the float graph's vectors, the
same vector for a text whatever it is encoded with, and the float graph whenever it cannot be
made or does not agree."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
from onnxruntime import quantization

from retrieval import int8_model
from retrieval.encoding_cache import sentence_encodings
from retrieval.int8_model import AGREEMENT, PREFIX, int8_path
from retrieval.prepared_model import prepared_path
from retrieval.semantic import MODEL_SHA256, Encoder, load_encoder, model_files

TEXTS = [
    "who opposed the coalition?",
    "Russia has opposed these discussions.",
    "A much longer sentence about the coalition, its troops, its money and its 800 billion euros.",
    "Short.",
]


def _encoder(folder: Path | None, int8: bool = True) -> Encoder:
    model, tokenizer = model_files()
    return load_encoder(model, tokenizer, folder, int8=int8)


def _int8_file(folder: Path) -> Path:
    return int8_path(folder, MODEL_SHA256, onnxruntime.__version__)


@pytest.fixture(scope="module")
def float_vectors() -> np.ndarray:
    """The shipped model's vectors (its float rewrite, in memory only)."""
    return _encoder(None).encode_many(TEXTS)


def test_the_first_start_makes_the_int8_graph_and_later_starts_open_it(
    tmp_path: Path, float_vectors: np.ndarray
) -> None:
    """The first encoder quantises the float rewrite and keeps only the int8 file; the next
    opens that file and gives the same vectors to the bit; both stay close to the float's."""
    first = _encoder(tmp_path)
    assert first.graph == f"int8-ort{onnxruntime.__version__}"
    kept = _int8_file(tmp_path)
    assert kept.is_file()
    assert not prepared_path(tmp_path, MODEL_SHA256, onnxruntime.__version__).exists()
    written = kept.stat().st_mtime_ns
    vectors = first.encode_many(TEXTS)
    agreement = np.sum(vectors * float_vectors, axis=1)
    assert agreement.min() >= AGREEMENT
    assert not np.array_equal(vectors, float_vectors)  # int8 indeed, not the float graph
    again = _encoder(tmp_path)
    assert kept.stat().st_mtime_ns == written
    assert again.graph == first.graph
    assert np.array_equal(again.encode_many(TEXTS), vectors)
    assert not list(tmp_path.glob(".*.partial"))


def test_a_text_gets_the_same_vector_alone_and_in_a_library(tmp_path: Path) -> None:
    """The int8 graph quantises a run's activations together, so texts go through it one at a
    time: a library's vectors and pieces (two sessions) equal a question's own."""
    encoder = _encoder(tmp_path)
    library = encoder.encode_library(TEXTS * 75)  # 300 texts: a second session opens
    pieces = library.pieces
    for row, text in enumerate(TEXTS * 75):
        vector, alone = encoder.encode_question(text)
        assert np.array_equal(library.vectors[row], vector)
        rows = pieces.pieces[pieces.offsets[row] : pieces.offsets[row + 1]]
        assert rows.shape == alone.shape
        assert np.abs(rows / 127.0 - alone).max() < 0.02  # int8 pieces: that precision


def test_a_damaged_int8_graph_is_made_again(tmp_path: Path) -> None:
    """A truncated file fails its stamp and is quantised again from the model."""
    vectors = _encoder(tmp_path).encode_many(TEXTS)
    kept = _int8_file(tmp_path)
    kept.write_bytes(kept.read_bytes()[:1000])
    again = _encoder(tmp_path)
    assert again.graph.startswith("int8")
    assert kept.stat().st_size > 1_000_000
    assert np.array_equal(again.encode_many(TEXTS), vectors)


def test_a_graph_that_disagrees_is_remembered_and_the_float_graph_used(
    tmp_path: Path,
    float_vectors: np.ndarray,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When the probe texts' vectors disagree the int8 file is not kept (a warning says so),
    later starts do not quantise again, and the answers come from the float graph, the shipped
    model's to the bit."""
    _encoder(tmp_path, int8=False)  # the float rewrite, as an earlier release left it
    prepared = prepared_path(tmp_path, MODEL_SHA256, onnxruntime.__version__)
    with caplog.at_level(logging.WARNING, logger="retrieval.int8_model"):
        assert int8_model.make(prepared, _int8_file(tmp_path), _options, lambda _s: False) is None
    assert "the float graph runs" in caplog.text
    refused = _int8_file(tmp_path).with_suffix(".refused")
    refused.unlink()

    def fails(_session: object) -> bool:
        raise RuntimeError("the graph cannot run")

    assert int8_model.make(prepared, _int8_file(tmp_path), _options, fails) is None
    assert refused.exists()
    assert not _int8_file(tmp_path).exists()
    calls: list[str] = []
    real = quantization.quantize_dynamic
    monkeypatch.setattr(
        quantization,
        "quantize_dynamic",
        lambda *args, **kwargs: calls.append("quantised") or real(*args, **kwargs),
    )
    encoder = _encoder(tmp_path)
    assert calls == []
    assert encoder.graph == "float"
    assert np.array_equal(encoder.encode_many(TEXTS), float_vectors)


def test_without_the_quantiser_the_float_graph_is_used(
    tmp_path: Path, float_vectors: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ``onnx`` package (the quantiser cannot import): the float rewrite, nothing
    remembered, so installing it later brings the int8 graph."""
    monkeypatch.setitem(sys.modules, "onnxruntime.quantization", None)
    encoder = _encoder(tmp_path)
    assert encoder.graph == "float"
    assert np.array_equal(encoder.encode_many(TEXTS), float_vectors)
    assert not list(tmp_path.glob(f"{PREFIX}*"))
    monkeypatch.undo()
    assert _encoder(tmp_path).graph.startswith("int8")


def test_a_folder_that_cannot_be_written_runs_the_float_graph(
    tmp_path: Path, float_vectors: np.ndarray
) -> None:
    """A cache path that is a file: no rewrite kept, no int8 graph, the float vectors."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be\n")
    encoder = _encoder(blocked)
    assert encoder.graph == "float"
    assert np.array_equal(encoder.encode_many(TEXTS), float_vectors)


def test_the_vector_cache_keeps_each_graphs_vectors_apart(tmp_path: Path) -> None:
    """One cache folder, both graphs: each reads back its own vectors, never the other's."""
    models = tmp_path / "models"
    vectors = tmp_path / "vectors"
    quick = _encoder(models)
    exact = _encoder(None)
    int8_first = sentence_encodings(quick, TEXTS, vectors).vectors
    float_after = sentence_encodings(exact, TEXTS, vectors).vectors
    assert np.array_equal(float_after, exact.encode_many(TEXTS))
    assert np.array_equal(sentence_encodings(quick, TEXTS, vectors).vectors, int8_first)
    assert len(list(vectors.glob("vectors-*.npy"))) == 2


def test_int8_graphs_for_another_model_or_runtime_are_removed(tmp_path: Path) -> None:
    """Making the int8 graph removes other versions' graphs and saves abandoned long ago,
    and keeps a save still under way and files that are not its own."""
    other = tmp_path / f"{PREFIX}0000000000000000-ort1.0.0.onnx"
    old_save = tmp_path / f".{PREFIX}x.onnx.1-abcd.partial"
    fresh_save = tmp_path / f".{PREFIX}y.onnx.2-abcd.partial"
    unrelated = tmp_path / "vectors-abc.npy"
    for path in (other, old_save, fresh_save, unrelated):
        path.write_bytes(b"x")
    os.utime(old_save, (1, 1))
    _encoder(tmp_path)
    assert not other.exists()
    assert not old_save.exists()
    assert fresh_save.exists()
    assert unrelated.exists()


def _options() -> object:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    return options
