"""wordfreq's English Zipf frequencies for plain lower-case words, read from its packed list.

wordfreq itself costs a one-shot `article-bot ask` about 0.25 s the first time a question holds
a word the article never uses: 0.15 s to import (its tokenisers compile dozens of patterns) and
0.1 s to turn its 321,180-word list into a table. A plain lower-case ASCII word needs none of
that: its frequency is the bucket that lists it. This module finds that bucket in wordfreq's
own file and does wordfreq's arithmetic on it, so the figures are wordfreq's to the last digit
(tests/test_word_frequency.py compares them word by word). Other words go to wordfreq. Once a
long-running process has loaded wordfreq, plain words are read from wordfreq's own table.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import math
import threading
from collections.abc import Mapping
from pathlib import Path

# The list wordfreq 3.1's zipf_frequency(word, "en") reads ("best" is "large" for English).
# Another release's list is left to wordfreq, which knows how to read it.
LIST_PARTS = ("data", "large_en.msgpack.gz")
LIST_SHA256 = "dffae8066b78dce0a6667cf5f58e567054f902674667090a7ac8a8a44628b05c"
# Lookups answered by scanning before the table is built: about what building it costs.
SCANS_BEFORE_TABLE = 24
# zipf_frequency's default minimum, 0 on the Zipf scale, as a proportion.
_MINIMUM = 10**0 / 1e9


class PackedList:
    """wordfreq's "cBpack" buckets: bucket i holds the words seen at -i centibels."""

    def __init__(self, buckets: list[list[str]]) -> None:
        self._buckets = buckets
        self._table: dict[str, int] | None = None
        self._scans = 0

    def bucket_of(self, word: str) -> int | None:
        """The bucket listing ``word``, or None for a word the list does not hold."""
        table = self._table
        if table is not None:
            return table.get(word)
        # Common words sit in the first buckets, so the scan stops early for them; a word
        # not listed costs one pass (about 3 ms), where the table costs 0.08 s to build: a
        # one-shot question asks about a handful of words. Past that many lookups the table
        # is built, so a caller reading a whole article's words never pays more than twice.
        self._scans += 1
        if self._scans > SCANS_BEFORE_TABLE:
            self.complete()
            return self.bucket_of(word)
        for index, bucket in enumerate(self._buckets):
            if word in bucket:
                return index
        return None

    def complete(self) -> None:
        """Build the word-to-bucket table, for a process that will look up many words."""
        table: dict[str, int] = {}
        for index, bucket in enumerate(self._buckets):
            table.update(dict.fromkeys(bucket, index))
        self._table = table


def list_path() -> Path | None:
    """Where the installed wordfreq keeps its English list, found without importing it."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*LIST_PARTS)


def read_packed(path: Path, expected_sha256: str) -> PackedList | None:
    """The list in ``path``, or None when it is missing, not the pinned file, or unreadable."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(raw).hexdigest() != expected_sha256:
        return None
    import msgpack

    try:
        data = msgpack.unpackb(gzip.decompress(raw), raw=False)
    except (OSError, ValueError, EOFError, msgpack.UnpackException):
        return None
    header = data[0] if isinstance(data, list) and data else None
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        return None
    return PackedList(data[1:])


def zipf_of_bucket(index: int | None) -> float:
    """wordfreq's zipf_frequency for a one-token word in bucket ``index`` (None: not listed)."""
    return zipf_of_frequency(0.0 if index is None else 10 ** (-index / 100))


def zipf_of_frequency(frequency: float) -> float:
    """wordfreq's zipf_frequency for a one-token word of this proportion (0: not listed).

    wordfreq also rounds the proportion to three significant digits before taking its log;
    over all 800 buckets that never moves the two-decimal Zipf figure, so it is left out."""
    return round(math.log(max(frequency, _MINIMUM), 10) + 9, 2)


def is_plain(word: str) -> bool:
    """True for a word of lower-case ASCII letters only: wordfreq reads it as one token, as
    written, so its frequency is its bucket's."""
    return word.isascii() and word.isalpha() and word.islower()


class EnglishFrequencies:
    """The English list, read on first use; thread-safe."""

    def __init__(self, path: Path | None, expected_sha256: str = LIST_SHA256) -> None:
        self._path = path
        self._expected = expected_sha256
        self._packed: PackedList | None = None
        self._frequencies: Mapping[str, float] | None = None
        self._read = False
        self._lock = threading.Lock()

    def _list(self) -> PackedList | None:
        with self._lock:
            if not self._read:
                if self._path is not None:
                    self._packed = read_packed(self._path, self._expected)
                self._read = True
            return self._packed

    def zipf(self, word: str) -> float | None:
        """wordfreq's zipf_frequency(word, "en") for a plain word, from wordfreq's table once
        use_table has given it, else from the packed list; None for any other word, or when
        there is no table and the installed list is not the pinned one (ask wordfreq then)."""
        if not is_plain(word):
            return None
        frequencies = self._frequencies
        if frequencies is not None:
            return zipf_of_frequency(frequencies.get(word, 0.0))
        packed = self._list()
        return None if packed is None else zipf_of_bucket(packed.bucket_of(word))

    def use_table(self, frequencies: Mapping[str, float]) -> None:
        """Answer plain words from wordfreq's own word-to-proportion table from now on, and free
        the packed list: a long-running process loads wordfreq anyway (for the words that are
        not plain), and one table of its words is enough. A lookup there is a dictionary's,
        where wordfreq's zipf_frequency tokenises each new word first (about 25 µs)."""
        with self._lock:
            self._frequencies = frequencies
            self._packed = None
            self._read = True
            self._path = None


ENGLISH = EnglishFrequencies(list_path())
