"""Telling names from other words by how each term is written across the corpus."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import compress, repeat
from operator import is_, not_

from retrieval.analysis import Case


class NameCounter:
    """Counts how terms are written, to tell names (mostly capitalised) from other words."""

    def __init__(self) -> None:
        self.capitalised: Counter[str] = Counter()
        self.seen: Counter[str] = Counter()
        self.initial: set[str] = set()

    def add(self, terms: Sequence[str], cases: Sequence[Case]) -> None:
        """Count one sentence's terms (selected with itertools: no Python step per term)."""
        initial = list(map(is_, cases, repeat(Case.INITIAL)))
        # A sentence's first word is capitalised whatever it is: it counts only when the term
        # never appears anywhere else.
        self.initial.update(compress(terms, initial))
        self.seen.update(compress(terms, map(not_, initial)))
        self.capitalised.update(compress(terms, map(is_, cases, repeat(Case.CAPITALISED))))

    def names(self) -> frozenset[str]:
        """Terms capitalised in at least half their non-initial uses, or only ever initial."""
        names = {t for t, n in self.seen.items() if self.capitalised[t] * 2 >= n}
        return frozenset(names | {t for t in self.initial if t not in self.seen})
