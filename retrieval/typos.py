"""Typo tolerance: unknown question words corrected against the words the articles use."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from itertools import chain

from retrieval.stopwords import STOPWORDS
from retrieval.text import DAMAGE_MARK

_MIN_LENGTH = 4
_MIN_SUBSTITUTION_LENGTH = 5
# Corrections are remembered: chat repeats its words, and a lookup costs microseconds.
_CACHE_SIZE = 50_000
_NEAREST = 8
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = frozenset("aeiouy")


def _keyboard_neighbours() -> dict[str, frozenset[str]]:
    position = {ch: (r, c) for r, row in enumerate(_KEYBOARD_ROWS) for c, ch in enumerate(row)}
    return {
        a: frozenset(
            b
            for b, (r2, c2) in position.items()
            if b != a and abs(r1 - r2) <= 1 and abs(c1 - c2) <= 1
        )
        for a, (r1, c1) in position.items()
    }


_NEIGHBOURS = _keyboard_neighbours()


def plausible_typo(typed: str, meant: str, is_name: bool) -> bool:
    """Whether ``typed`` is a likely slip for ``meant``: a swap of neighbours, a missing or
    doubled letter, a key next to the right one, or (in names) a vowel heard differently.
    Other substitutions ("price" for "prime") are usually a different word, not a typo."""
    from rapidfuzz.distance import OSA, Levenshtein

    if OSA.distance(typed, meant) < Levenshtein.distance(typed, meant):
        return True
    for op in Levenshtein.editops(typed, meant):
        if op.tag != "replace":
            continue
        if len(typed) < _MIN_SUBSTITUTION_LENGTH:
            return False  # "tall" is not a slip for "talk": short words differ by one letter
        a, b = typed[op.src_pos], meant[op.dest_pos]
        if b in _NEIGHBOURS.get(a, ()):
            continue
        if is_name and a in _VOWELS and b in _VOWELS:
            continue
        return False
    return True


def load() -> None:
    """Import the edit-distance library now. It is imported on first use otherwise: most
    questions have no unknown word, and ``article-bot ask`` should not wait 20-30 ms for it."""
    import rapidfuzz.distance
    import rapidfuzz.process  # noqa: F401


def max_edits(word: str) -> int:
    """How many edits a word of this length may carry and still be recognised."""
    return 1 if len(word) < 8 else 2


class Speller:
    """Maps an unknown folded word to the nearest word the articles or synonyms use."""

    def __init__(
        self,
        frequencies: Mapping[str, int],
        is_known: Callable[[str], bool],
        extra_words: Collection[str] = (),
        is_name: Callable[[str], bool] = lambda _word: False,
        is_common: Callable[[str], bool] = lambda _word: False,
    ) -> None:
        self._frequency = dict(frequencies)
        self._is_common = is_common
        for word in extra_words:
            self._frequency.setdefault(word, 1)
        self._is_known = is_known
        self._is_name = is_name
        # Candidates by first letter and length: a word within n edits differs in length by
        # at most n, so only a few lengths need comparing.
        self._by_shape: dict[tuple[str, int], list[str]] = {}
        damaged: list[tuple[re.Pattern[str], str]] = []
        for word in sorted(self._frequency):
            if DAMAGE_MARK in word:
                # The damage mark stood for one character (an accented letter) or two (a dash).
                pattern = ".{1,2}".join(re.escape(part) for part in word.split(DAMAGE_MARK))
                damaged.append((re.compile(pattern), word))
            elif len(word) >= _MIN_LENGTH and (
                # A letter is never a digit: most words are settled without a look at each.
                word.isalpha() or not any(ch.isdigit() for ch in word)
            ):
                self._by_shape.setdefault((word[0], len(word)), []).append(word)
        self._damaged = tuple(damaged)
        self._seen: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        """The word itself when it is known or too short to judge, else its best correction."""
        corrected = self._seen.get(word)
        if corrected is None:
            if len(self._seen) >= _CACHE_SIZE:
                self._seen.clear()
            corrected = self._seen[word] = self._correct(word)
        return corrected

    def _correct(self, word: str) -> str:
        if (
            len(word) < _MIN_LENGTH
            or word in STOPWORDS
            or word in self._frequency
            or self._is_known(word)
            or (not word.isalpha() and any(ch.isdigit() for ch in word))
        ):
            return word
        if self._is_common(word):
            return word  # a common English word is meant as written: "cash" is not "clash"
        for pattern, damaged in self._damaged:
            if pattern.fullmatch(word):
                return damaged
        limit = max_edits(word)
        candidates = list(
            chain.from_iterable(
                self._by_shape.get((word[0], length), ())
                for length in range(len(word) - limit, len(word) + limit + 1)
            )
        )
        if not candidates:
            return word
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        # The eight nearest, ties in alphabetical order: the same eight whichever lengths the
        # candidates were gathered by.
        nearest = sorted(
            process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None),
            key=lambda m: (m[1], m[0]),
        )[:_NEAREST]
        matches = [m for m in nearest if plausible_typo(word, m[0], self._is_name(m[0]))]
        if not matches:
            return word
        best = min(matches, key=lambda m: (m[1], -self._frequency.get(m[0], 0), m[0]))
        return best[0]
