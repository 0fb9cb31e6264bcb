"""Word-piece matching: the pinned projection, the library's pieces and their cache, MaxSim."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from retrieval import Answerer, Corpus, load_corpus
from retrieval.encoding_cache import sentence_encodings
from retrieval.errors import RetrievalError
from retrieval.pieces import (
    DIMENSIONS,
    PROJECTION_FILE,
    PieceMatrix,
    bundled_projection,
    closest_matches,
    is_content_word,
    read_projection,
)
from retrieval.semantic import Encoder
from tests.conftest import write_article


def _projection_bytes() -> bytes:
    return resources.files("retrieval.weights").joinpath(PROJECTION_FILE).read_bytes()


def test_the_shipped_projection_is_the_pinned_one() -> None:
    """The projection loads, checked by SHA-256, as 384 inputs to 64 directions."""
    projection = bundled_projection()
    assert projection.mean.shape == (384,)
    assert projection.components.shape == (384, DIMENSIONS)


def test_an_altered_projection_is_refused() -> None:
    """One changed byte and the projection is not used: a clear error."""
    data = bytearray(_projection_bytes())
    data[len(data) // 2] ^= 0xFF
    with pytest.raises(RetrievalError, match="SHA-256"):
        read_projection(bytes(data))


def test_content_words_are_the_ones_that_carry_meaning() -> None:
    """Function words, punctuation and single letters are left out; names and numbers kept."""
    assert is_content_word("Macron")
    assert is_content_word("2025")
    assert is_content_word("7")
    assert not is_content_word("the")
    assert not is_content_word("who")
    assert not is_content_word(",")
    assert not is_content_word("s")


def test_a_question_is_read_into_its_content_pieces(encoder: Encoder) -> None:
    """Only the content words' pieces are kept, each a unit vector on the 64 directions."""
    _vector, pieces = encoder.encode_question("who opposed the coalition?")
    # "opposed" and "coalition" are one piece each in BERT's vocabulary.
    assert pieces.shape == (2, DIMENSIONS)
    assert np.allclose(np.linalg.norm(pieces, axis=1), 1.0, atol=1e-5)
    _vector, none = encoder.encode_question("who is it?")
    assert none.shape == (0, DIMENSIONS)


def test_a_library_keeps_the_same_pieces_a_question_gets(encoder: Encoder) -> None:
    """Bulk encoding (batched, int8) keeps what one text alone gives, to int8's precision."""
    texts = ["Russia has opposed these discussions.", "It rained.", "Macron spoke in Paris."]
    library = encoder.encode_library(texts)
    assert library.pieces.is_valid_for(len(texts))
    for i, text in enumerate(texts):
        _vector, alone = encoder.encode_question(text)
        rows = library.pieces.pieces[library.pieces.offsets[i] : library.pieces.offsets[i + 1]]
        assert rows.shape == alone.shape
        assert np.abs(rows / 127.0 - alone).max() < 0.02


def test_the_sentence_that_meets_every_question_word_scores_highest(encoder: Encoder) -> None:
    """MaxSim's least match is high only where each question word has a counterpart."""
    texts = [
        "Russia has opposed these discussions.",  # opposed, discussions
        "The coalition met in London.",  # coalition, but nothing like "opposed"
        "The recipe needs two eggs.",  # neither
    ]
    library = encoder.encode_library(texts).pieces
    _vector, question = encoder.encode_question("who opposed the talks?")
    means, least = closest_matches(question, library, [0, 1, 2])
    assert least[0] > least[1]
    assert least[0] > least[2]
    assert means[0] > means[2]
    assert all(-1.0 <= v <= 1.0 for v in (*means, *least))


def test_no_pieces_on_either_side_gives_zero(encoder: Encoder) -> None:
    """A question of function words, or a sentence without content words, scores 0, 0."""
    library = encoder.encode_library(["It is.", "Macron spoke."]).pieces
    assert library.offsets[1] == 0  # "It is." has no content word
    _vector, question = encoder.encode_question("did macron speak?")
    assert closest_matches(question, library, [0, 1])[0][0] == 0.0
    assert closest_matches(question, library, [1, 0])[1][1] == 0.0
    empty = np.zeros((0, DIMENSIONS), dtype=np.float32)
    assert closest_matches(empty, library, [0, 1]) == ([0.0, 0.0], [0.0, 0.0])


def test_pieces_are_cached_beside_the_vectors_and_read_back(
    encoder: Encoder, tmp_path: Path
) -> None:
    """The second load reads the .npy the first wrote (arrays only, no pickle)."""
    texts = ["First sentence here.", "Second sentence there."]
    written = sentence_encodings(encoder, texts, tmp_path)
    (cached,) = tmp_path.glob("pieces-*.npy")
    marked = PieceMatrix(np.ones_like(written.pieces.pieces), written.pieces.offsets)
    np.save(cached, marked.flat())
    read = sentence_encodings(encoder, texts, tmp_path)
    assert np.array_equal(read.pieces.pieces, marked.pieces)
    assert np.array_equal(read.pieces.offsets, written.pieces.offsets)


def test_an_older_releases_npz_pieces_are_read_and_rewritten(
    encoder: Encoder, tmp_path: Path
) -> None:
    """A cache written as .npz (stop 26's layout) is read without encoding again, then
    rewritten as .npy and the archive removed."""
    texts = ["First sentence here.", "Second sentence there."]
    written = sentence_encodings(encoder, texts, tmp_path)
    (cached,) = tmp_path.glob("pieces-*.npy")
    older = cached.with_suffix(".npz")
    marked = np.full_like(written.pieces.pieces, 3)
    np.savez(older, pieces=marked, offsets=written.pieces.offsets)
    cached.unlink()
    read = sentence_encodings(encoder, texts, tmp_path)
    assert np.array_equal(read.pieces.pieces, marked)
    assert not older.exists()
    again = PieceMatrix.from_flat(np.load(cached), len(texts))
    assert again is not None
    assert np.array_equal(again.pieces, marked)


@pytest.mark.parametrize(
    "damage", ["missing", "truncated", "wrong offsets", "not int8", "older archive damaged"]
)
def test_a_missing_or_damaged_pieces_cache_is_encoded_again(
    encoder: Encoder, tmp_path: Path, damage: str
) -> None:
    """Vectors without their pieces (an older cache) or a broken file: encoded again, the same
    result, and the file rewritten; never a crash."""
    texts = ["First sentence here.", "Second sentence there."]
    written = sentence_encodings(encoder, texts, tmp_path)
    (cached,) = tmp_path.glob("pieces-*.npy")
    if damage == "missing":
        cached.unlink()
    elif damage == "truncated":
        cached.write_bytes(cached.read_bytes()[:50])
    elif damage == "wrong offsets":
        wrong = PieceMatrix(written.pieces.pieces, np.array([0, 1, 0], dtype=np.int64))
        np.save(cached, wrong.flat())
    elif damage == "not int8":
        np.save(cached, written.pieces.flat().astype(np.int16))
    else:
        cached.unlink()
        cached.with_suffix(".npz").write_bytes(b"PK\x03\x04 not a zip archive")
    again = sentence_encodings(encoder, texts, tmp_path)
    assert np.array_equal(again.pieces.pieces, written.pieces.pieces)
    assert np.array_equal(again.pieces.offsets, written.pieces.offsets)
    assert cached.is_file()


def test_the_flat_layout_holds_the_matrix_and_refuses_what_does_not_fit() -> None:
    """Offsets then rows in one int8 array, read back equal; a wrong size or count is None."""
    parts = [np.ones((2, DIMENSIONS), np.int8), np.zeros((0, DIMENSIONS), np.int8)]
    parts.append(np.full((1, DIMENSIONS), -3, np.int8))
    matrix = PieceMatrix.joined(parts)
    flat = matrix.flat()
    back = PieceMatrix.from_flat(flat, 3)
    assert back is not None
    assert np.array_equal(back.pieces, matrix.pieces)
    assert back.offsets.tolist() == [0, 2, 2, 3]
    assert PieceMatrix.from_flat(flat, 2) is None  # another library's size
    assert PieceMatrix.from_flat(flat[:-1], 3) is None  # a row cut short
    assert PieceMatrix.from_flat(flat[:8], 3) is None  # offsets cut short
    assert PieceMatrix.from_flat(np.zeros(0, np.int8), 0) is None
    empty = PieceMatrix.joined([])
    assert PieceMatrix.from_flat(empty.flat(), 0) is not None


def test_joined_offsets_mark_each_sentences_rows() -> None:
    """Sentence i owns rows offsets[i]:offsets[i+1]; an empty sentence owns none."""
    parts = [np.ones((2, DIMENSIONS), np.int8), np.zeros((0, DIMENSIONS), np.int8)]
    parts.append(np.full((1, DIMENSIONS), 3, np.int8))
    joined = PieceMatrix.joined(parts)
    assert joined.offsets.tolist() == [0, 2, 2, 3]
    assert joined.is_valid_for(3)
    assert not joined.is_valid_for(4)
    assert PieceMatrix.joined([]).is_valid_for(0)


def test_the_bundled_library_carries_every_sentences_pieces(
    corpus: Corpus, answerer: Answerer
) -> None:
    """The semantic corpus holds pieces for every sentence, and candidates are scored on them."""
    assert corpus.pieces is not None
    assert corpus.pieces.is_valid_for(len(corpus.sentences))
    trace = answerer.trace("who opposed the coalition?")
    assert any(c.piece_mean > 0 for c in trace.candidates)
    assert all(c.piece_min <= c.piece_mean + 1e-9 for c in trace.candidates)


def _library(folder: Path, names: list[str]) -> list[Path]:
    bodies = {
        "harbour.txt": "Harbour trams\n\nThe harbour tram runs every ten minutes. "
        "It stops at the pier.\n",
        "bridge.txt": "Bridge works\n\nThe old bridge closes in May for repairs. "
        "Ferries will run instead.\n",
        "market.txt": "Night market\n\nThe night market opens on Fridays. "
        "Forty stalls sell food.\n",
    }
    return [write_article(folder, name, bodies[name]) for name in names]


def test_adding_an_article_encodes_that_article_alone(encoder: Encoder, tmp_path: Path) -> None:
    """Vectors and pieces are cached an article at a time: a library with one more article
    encodes only its sentences, and gives what encoding the whole library at once gives."""
    seeds, cache = tmp_path / "seeds", tmp_path / "cache"
    _library(seeds, ["harbour.txt", "bridge.txt"])
    encoded: list[tuple[int, int]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "encoding":
            encoded.append((done, total))

    first = load_corpus(seeds, cache_dir=cache, encoder=encoder, progress=progress)
    assert encoded[-1] == (len(first.sentences), len(first.sentences))
    _library(seeds, ["market.txt"])
    encoded.clear()
    second = load_corpus(seeds, cache_dir=cache, encoder=encoder, progress=progress)
    market = [s for s in second.sentences if s.article_id == "market"]
    assert encoded == [(len(market), len(market))]
    assert second.vectors is not None
    assert second.pieces is not None
    whole = encoder.encode_library([s.text for s in second.sentences])
    assert np.allclose(second.vectors, whole.vectors, atol=1e-5)
    assert np.array_equal(second.pieces.offsets, whole.pieces.offsets)
    assert np.abs(second.pieces.pieces.astype(int) - whole.pieces.pieces.astype(int)).max() <= 1
    encoded.clear()
    load_corpus(seeds, cache_dir=cache, encoder=encoder, progress=progress)
    assert encoded == []


def test_sentences_of_a_piece_matrix_are_cut_and_joined_back() -> None:
    """Cutting a matrix into runs of sentences and concatenating them gives it back."""
    parts = [np.full((n, DIMENSIONS), n, np.int8) for n in (2, 0, 3, 1)]
    whole = PieceMatrix.joined(parts)
    runs = [whole.sentences(0, 1), whole.sentences(1, 3), whole.sentences(3, 4)]
    assert [run.offsets.tolist() for run in runs] == [[0, 2], [0, 0, 3], [0, 1]]
    again = PieceMatrix.concatenated(runs)
    assert np.array_equal(again.offsets, whole.offsets)
    assert np.array_equal(again.pieces, whole.pieces)
    assert PieceMatrix.concatenated([]).is_valid_for(0)
