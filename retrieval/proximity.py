"""How closely each candidate sentence holds the question's wording: its terms close together,
and in the sentence itself rather than only in its lead-in (signals of the ordering model).
All candidates of a question are measured at once, in arrays."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from retrieval.index import Tokens


@dataclass(frozen=True, slots=True)
class Wording:
    """Two shares between 0 and 1 for each sentence, in the order asked."""

    # The question terms a sentence holds over its tokens from the first of them to the last
    # (0 for fewer than two terms): the same words scattered across a long sentence say less.
    compactness: list[float]
    # How much of the question's specificity the sentence itself holds (not its lead-in).
    own_share: list[float]


def wording(tokens: Tokens, weights: Mapping[int, float], total: float) -> Wording:
    """``weights``: the specificity of each question term a sentence can hold, by term id;
    ``total``: the specificity of all the question's terms (held anywhere or not)."""
    n = tokens.sentences
    compactness = [0.0] * n
    own_share = [0.0] * n
    if not weights or tokens.ids.size == 0 or total <= 0:
        return Wording(compactness, own_share)
    # The arrays find the few tokens that are question terms; the loop reads only those.
    wanted = np.fromiter(weights, dtype=np.int64, count=len(weights))
    wanted.sort()
    slot = np.searchsorted(wanted, tokens.ids)
    np.minimum(slot, wanted.size - 1, out=slot)
    hit = wanted[slot] == tokens.ids
    ids = tokens.ids[hit].tolist()
    owners = tokens.owner[hit].tolist()
    places = tokens.place[hit].tolist()

    def close(sentence: int, held: set[int], first: int, last: int) -> None:
        own_share[sentence] = sum(weights[term] for term in held) / total
        if len(held) >= 2:
            compactness[sentence] = min(1.0, len(held) / (last - first + 1))

    # Tokens come sentence by sentence, each in its order.
    current, held, first, last = -1, set[int](), 0, 0
    for term, owner, place in zip(ids, owners, places, strict=True):
        if owner != current:
            if current >= 0:
                close(current, held, first, last)
            current, held, first = owner, set(), place
        held.add(term)
        last = place
    if current >= 0:
        close(current, held, first, last)
    return Wording(compactness, own_share)
