"""The decision: do the best candidates answer the question, or does the article not say?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.matching import Match


@dataclass(frozen=True, slots=True)
class CoverageRule:
    """Answer when a top candidate holds enough of the question's weighted words, or enough
    distinct words of a rambling question together."""

    min_coverage: float = 0.45
    min_matched_terms: int = 3
    depth: int = 3

    def answers(self, ranked: Sequence[Match]) -> bool:
        """True when the top ``depth`` candidates answer by this rule."""
        top = ranked[: self.depth]
        if not top:
            return False
        return (
            max(m.coverage for m in top) >= self.min_coverage
            or max(m.matched for m in top) >= self.min_matched_terms
        )
