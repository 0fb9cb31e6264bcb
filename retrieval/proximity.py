"""How closely a sentence holds the question's wording: its terms close together, and in the
sentence itself rather than only in its lead-in (signals of the ordering model)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Spans = Mapping[str, Sequence[tuple[int, int]]]
Places = Mapping[str, Sequence[int]]


@dataclass(frozen=True, slots=True)
class Proximity:
    """Two shares between 0 and 1."""

    # The question terms the sentence holds over the fewest words that hold them all (0 for
    # fewer than two terms): the same words scattered across a long sentence say less.
    compactness: float = 0.0
    # How much of the question's specificity the sentence itself holds (not its lead-in).
    own_share: float = 0.0


UNMATCHED = Proximity()


def word_places(spans: Spans) -> dict[str, list[int]]:
    """Each term of a sentence's spans with the places (in words) where it was written. Terms
    of one word (its pieces, a synonym of it) share that word's place."""
    starts = sorted({start for found in spans.values() for start, _ in found})
    place = {start: i for i, start in enumerate(starts)}
    return {term: sorted({place[s] for s, _ in found}) for term, found in spans.items()}


def _fewest_words(positions: Places) -> int:
    """The shortest run of words that holds every term of ``positions`` at least once."""
    events = sorted((p, t) for t, places in positions.items() for p in places)
    need = len(positions)
    counts: dict[str, int] = {}
    best = events[-1][0] - events[0][0] + 1
    left = 0
    for place, term in events:
        counts[term] = counts.get(term, 0) + 1
        while len(counts) == need:
            best = min(best, place - events[left][0] + 1)
            dropped = events[left][1]
            counts[dropped] -= 1
            if not counts[dropped]:
                del counts[dropped]
            left += 1
    return best


def proximity(weights: Mapping[str, float], places: Places) -> Proximity:
    """The question's terms, each with its specificity in ``weights``, against a sentence's
    word places (word_places)."""
    positions = {term: places[term] for term in weights if term in places}
    if not positions:
        return UNMATCHED
    compactness = 0.0
    if len(positions) >= 2:
        compactness = min(1.0, len(positions) / _fewest_words(positions))
    total = sum(weights.values())
    held = sum(weights[term] for term in positions)
    return Proximity(compactness, held / total if total > 0 else 0.0)
