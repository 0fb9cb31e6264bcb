"""An optional on-disk cache of the corpus analysis: NumPy arrays in one .npz file, never pickle.

Analysing every sentence is most of the time it takes to index a large corpus; the rest (the
BM25 statistics, the lead-in field, the speller) is quick array work. The cache keeps the
analysis under a key that changes whenever anything it depends on does: the sentences, the
synonym rules, the index settings, the format version and the source of this package.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from retrieval.index import BM25Index, BM25Parameters, TermCounts

# 2: each article's countries beside its topics; 3: the own field's tokens; 4: the topics'
# index, and the built indexes in a file beside
FORMAT_VERSION = 4
_PACKAGE = Path(__file__).resolve().parent


# Every article's topics interleaved by rank, and the ranks of those that hold each term.
TopicIndex = tuple[tuple[str, ...], dict[str, list[int]]]


@dataclass(frozen=True)
class Analysis:
    """What analysing every sentence yields, and all the corpus needs from it."""

    own: TermCounts | None  # None: read without it, the built indexes cached too
    proper_terms: frozenset[str]
    frequencies: Counter[str]
    topics: dict[str, tuple[str, ...]] | None  # None: found later, on first use
    countries: dict[str, frozenset[str]] | None = None  # the same
    topic_index: TopicIndex | None = None  # the same


# The installed libraries whose output the caches keep: the stemmer (index terms), the
# readers of Markdown, PDF and HTML (the articles' text), the country names and English word
# frequencies (countries, topics) and rank-bm25 (the idf in the built indexes). Upgrading one
# within the versions pyproject.toml allows must not leave a cache of the old behaviour.
_SHAPING_DISTRIBUTIONS = (
    "PyStemmer",
    "markdown-it-py",
    "pypdf",
    "trafilatura",
    "lxml",
    "pycountry",
    "wordfreq",
    "rank-bm25",
)


@functools.cache
def code_fingerprint() -> bytes:
    """The package's own source, sub-packages (the formats) included, Python's version (its
    Unicode tables fold the text) and the versions of the libraries that shape what is
    cached: a release or an upgrade that reads or analyses differently never reads old
    caches."""
    from importlib import metadata

    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(_PACKAGE)).encode())
        digest.update(path.read_bytes())
    digest.update(f"\npython {sys.version}\n".encode())
    for name in _SHAPING_DISTRIBUTIONS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name} {version}\n".encode())
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


# Each kind of cache file is kept for this many folder states, the most recently used: a
# library that changes every day (110 MB of files a state at 100k sentences) never fills the
# disk, and a few libraries or releases sharing the folder still find theirs.
KEPT_STATES = 4


def kept_recent(folder: Path, kind: str, keep: int = KEPT_STATES) -> None:
    """Delete all but the ``keep`` most recently used ``kind``-* files of ``folder`` (by
    access time, which ``mark_used`` sets on every read); a file that cannot go stays."""
    with contextlib.suppress(OSError):
        found = []
        for path in folder.glob(f"{kind}-*"):
            with contextlib.suppress(OSError):
                found.append((path.stat().st_atime_ns, path))
        for _used, path in sorted(found, reverse=True)[keep:]:
            with contextlib.suppress(OSError):
                path.unlink()


def mark_used(path: Path) -> None:
    """Note that ``path`` was just read, so ``kept_recent`` keeps it over older states: its
    access time set to now (explicitly, as file systems mounted noatime keep none), its
    modification time left as written."""
    with contextlib.suppress(OSError):
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))


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
    if own is None:
        raise ValueError("an analysis read without its counts cannot be saved")
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
        "topic_index": np.array(json.dumps(analysis.topic_index), dtype=np.str_),
    }
    target = folder / f"analysis-{key}.npz"
    write_atomically(target, lambda file: np.savez(file, **arrays))  # type: ignore[arg-type]
    kept_recent(folder, "analysis")
    return target


def load(folder: Path, key: str, with_counts: bool = True) -> Analysis | None:
    """The cached analysis for ``key``, or None when absent, of another format, or damaged;
    without ``with_counts``, its term counts are left unread (``own`` is None)."""
    path = folder / f"analysis-{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"][0]) != FORMAT_VERSION:
                return None
            own = _term_counts(data) if with_counts else None
            if with_counts and own is None:
                return None
            words = data["words"].tolist()
            counts = data["word_counts"].tolist()
            topics = json.loads(str(data["topics"]))
            countries = json.loads(str(data["countries"]))
            topic_index = json.loads(str(data["topic_index"]))
            mark_used(path)
            return Analysis(
                own=own,
                proper_terms=frozenset(data["proper_terms"].tolist()),
                frequencies=Counter(dict(zip(words, counts, strict=True))),
                topics={article: tuple(names) for article, names in topics.items()},
                countries={article: frozenset(names) for article, names in countries.items()},
                topic_index=_topic_index(topic_index),
            )
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, json.JSONDecodeError):
        return None


def _topic_index(stored: object) -> TopicIndex | None:
    """The topics' index as JSON kept it ([order, {term: ranks}]), or None when absent;
    ValueError when it is not one."""
    if stored is None:
        return None
    if not isinstance(stored, list) or len(stored) != 2:
        raise ValueError("a topics' index of another shape")
    order: object = stored[0]
    by_term: object = stored[1]
    if not isinstance(order, list) or not all(isinstance(topic, str) for topic in order):
        raise ValueError("a topics' index of another shape")
    if not isinstance(by_term, dict) or not all(
        isinstance(ranks, list)
        and all(isinstance(rank, int) and 0 <= rank < len(order) for rank in ranks)
        for ranks in by_term.values()
    ):
        raise ValueError("a topics' index of another shape")
    return tuple(order), by_term


def _term_counts(data: Mapping[str, np.ndarray]) -> TermCounts | None:
    tokens = data["tokens"]
    if tokens.dtype != np.int32 or tokens.size != int(data["lengths"].sum()):
        return None
    return TermCounts(
        data["documents"],
        data["terms"],
        data["counts"],
        data["lengths"],
        tuple(data["vocabulary"].tolist()),
        tokens,
    )


def save_indexes(folder: Path, key: str, own: BM25Index, context: BM25Index | None) -> None:
    """The built indexes of the analysis cached under ``key``, beside it (written atomically;
    a folder that cannot be written only loses the speed-up)."""
    arrays = {f"own_{name}": array for name, array in own.arrays().items()}
    if context is not None:
        arrays |= {f"context_{name}": array for name, array in context.arrays().items()}
    arrays["format"] = np.array([FORMAT_VERSION], dtype=np.int64)
    target = folder / f"indexes-{key}.npz"
    with contextlib.suppress(OSError):
        write_atomically(target, lambda file: np.savez(file, **arrays))  # type: ignore[arg-type]
        kept_recent(folder, "indexes")


def load_indexes(
    folder: Path, key: str, params: BM25Parameters
) -> tuple[BM25Index, BM25Index | None] | None:
    """The own and lead-in indexes cached under ``key`` (the lead-in None when the corpus has
    none), or None when absent, of another format, or damaged."""
    try:
        with np.load(folder / f"indexes-{key}.npz", allow_pickle=False) as data:
            if int(data["format"][0]) != FORMAT_VERSION:
                return None
            fields = {name: data[name] for name in data.files}
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    try:
        own = BM25Index.from_arrays(_field(fields, "own_"), params)
        has_context = any(name.startswith("context_") for name in fields)
        context = BM25Index.from_arrays(_field(fields, "context_"), params) if has_context else None
    except (KeyError, ValueError):
        return None
    if context is not None and context.size != own.size:
        return None
    mark_used(folder / f"indexes-{key}.npz")
    return own, context


def _field(arrays: Mapping[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {name.removeprefix(prefix): a for name, a in arrays.items() if name.startswith(prefix)}
