"""An optional on-disk cache of the corpus analysis: NumPy arrays in one .npz file, never pickle.

Analysing every sentence is most of the time it takes to index a large corpus; the rest (the
BM25 statistics, the lead-in field, the speller) is quick array work. The cache keeps the
analysis under a key that changes whenever anything it depends on does: the sentences, the
synonym rules, the index settings, the format version and the source of this package.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from retrieval.index import TermCounts

FORMAT_VERSION = 3  # 2: each article's countries beside its topics; 3: the own field's tokens
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Analysis:
    """What analysing every sentence yields, and all the corpus needs from it."""

    own: TermCounts
    proper_terms: frozenset[str]
    frequencies: Counter[str]
    topics: dict[str, tuple[str, ...]] | None  # None: found later, on first use
    countries: dict[str, frozenset[str]] | None = None  # the same


@functools.cache
def code_fingerprint() -> bytes:
    """The package's own source, sub-packages (the formats) included: a release that reads or
    analyses differently never reads old caches."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.digest()


def write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """``write`` a file beside ``target``, then move it into place: a reader never sees half a
    file, and a failed write leaves nothing behind."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-")
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cache_key(texts: Sequence[tuple[str, str]], rules: object, settings: object) -> str:
    """A key over (article id, sentence text) pairs, the rules, the settings and the code."""
    digest = hashlib.sha256()
    digest.update(f"format {FORMAT_VERSION}\n{settings!r}\n{rules!r}\n".encode())
    digest.update(code_fingerprint())
    for article_id, text in texts:
        digest.update(article_id.encode())
        digest.update(b"\x00")
        digest.update(text.encode())
        digest.update(b"\x01")
    return digest.hexdigest()[:32]


def _strings(values: Sequence[str]) -> np.ndarray:
    return np.array(list(values), dtype=np.str_) if values else np.zeros(0, dtype="<U1")


def save(folder: Path, key: str, analysis: Analysis) -> Path:
    """Write the analysis atomically (a reader never sees half a file); returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    own = analysis.own
    words = list(analysis.frequencies)
    arrays = {
        "format": np.array([FORMAT_VERSION], dtype=np.int64),
        "documents": own.documents,
        "terms": own.terms,
        "counts": own.counts,
        "lengths": own.lengths,
        "vocabulary": _strings(own.vocabulary),
        "tokens": own.tokens if own.tokens is not None else np.zeros(0, dtype=np.int32),
        "proper_terms": _strings(sorted(analysis.proper_terms)),
        "words": _strings(words),
        "word_counts": np.array([analysis.frequencies[w] for w in words], dtype=np.int64),
        "topics": np.array(json.dumps(analysis.topics or {}), dtype=np.str_),
        "countries": np.array(
            json.dumps({a: sorted(c) for a, c in (analysis.countries or {}).items()}),
            dtype=np.str_,
        ),
    }
    target = folder / f"analysis-{key}.npz"
    write_atomically(target, lambda file: np.savez(file, **arrays))  # type: ignore[arg-type]
    return target


def load(folder: Path, key: str) -> Analysis | None:
    """The cached analysis for ``key``, or None when absent, of another format, or damaged."""
    path = folder / f"analysis-{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"][0]) != FORMAT_VERSION:
                return None
            tokens = data["tokens"]
            if tokens.dtype != np.int32 or tokens.size != int(data["lengths"].sum()):
                return None
            words = data["words"].tolist()
            counts = data["word_counts"].tolist()
            topics = json.loads(str(data["topics"]))
            countries = json.loads(str(data["countries"]))
            return Analysis(
                own=TermCounts(
                    data["documents"],
                    data["terms"],
                    data["counts"],
                    data["lengths"],
                    tuple(data["vocabulary"].tolist()),
                    tokens,
                ),
                proper_terms=frozenset(data["proper_terms"].tolist()),
                frequencies=Counter(dict(zip(words, counts, strict=True))),
                topics={article: tuple(names) for article, names in topics.items()},
                countries={article: frozenset(names) for article, names in countries.items()},
            )
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, json.JSONDecodeError):
        return None
