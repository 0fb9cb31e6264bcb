"""The sentences a question reaches, ranked: BM25 over two fields and how much of it each holds.

Two ways compute the same numbers. A question whose words are rare touches a few dozen postings,
and plain Python loops over them beat the fixed cost of array calls; a question of common words
touches thousands, and arrays win. Both sum in the same order (each field term by term, in the
question's order), so they give identical floats and identical rankings
(tests/test_matching.py holds them to it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.index import BM25Index, FloatArray, IntArray

BoolArray = npt.NDArray[np.bool_]
_NONE = np.zeros(0)

# Up to this many postings (both fields together) a question is scored by loops: measured on
# SQuAD questions, loops win below about 75 postings and arrays above about 100.
LOOP_POSTINGS = 96


@dataclass(frozen=True, slots=True)
class Weighting:
    """How the fields and the question's coverage combine into one ranking key."""

    context_weight: float
    context_evidence: float
    coverage_exponent: float


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """A question's distinct terms with the weight of each as evidence and its score boost."""

    terms: Sequence[str]
    weights: Sequence[float]
    boosts: Sequence[float]


# Not frozen: tens are made for every question, and a frozen dataclass's __init__ costs
# five times a plain one's (1.2 against 0.2 µs). Nothing changes one once made.
@dataclass(slots=True)
class Match:
    """One sentence the question reaches."""

    document: int  # its position in the corpus
    key: float  # the ranking key: BM25 of both fields times coverage to the exponent
    coverage: float  # weighted share of the question's terms it (or its lead-in) holds
    matched: int  # distinct question terms in the sentence itself


def best_matches(
    own: BM25Index,
    lead_in: BM25Index | None,
    query: QueryTerms,
    weighting: Weighting,
    wanted: int,
    inside: BoolArray | None = None,
    loop_postings: int = LOOP_POSTINGS,
) -> list[Match]:
    """The ``wanted`` best sentences by key, ties by corpus order; ``inside`` (a flag per
    sentence) limits the search to some sentences. Up to ``loop_postings`` postings the
    question is scored by loops, above by arrays."""
    fields = [own] if lead_in is None else [own, lead_in]
    postings = [[index.postings(term) for term in query.terms] for index in fields]
    total = sum(len(documents) for field in postings for documents, _impacts in field)
    if total == 0:
        return []
    search = _Search(own.size, postings, query, weighting, wanted, inside)
    return _by_loops(search) if total <= loop_postings else _by_arrays(search)


Postings = list[tuple[IntArray, FloatArray]]


@dataclass(frozen=True, slots=True)
class _Search:
    """One question's postings in each field, and what to rank them by."""

    size: int  # documents in the corpus
    fields: list[Postings]  # own field first; per field, per question term
    query: QueryTerms
    weighting: Weighting
    wanted: int
    inside: BoolArray | None


def _by_loops(search: _Search) -> list[Match]:
    fields, query, weighting, inside = search.fields, search.query, search.weighting, search.inside
    own_postings = fields[0]
    lead_postings = fields[1] if len(fields) > 1 else [(_NONE, _NONE)] * len(query.terms)
    own_scores: dict[int, float] = {}
    lead_scores: dict[int, float] = {}
    shares: dict[int, float] = {}
    matched: dict[int, int] = {}
    # Term by term in the question's order, each sum grows in the order the arrays add.
    for (own_docs, own_impacts), (lead_docs, lead_impacts), weight, boost in zip(
        own_postings, lead_postings, query.weights, query.boosts, strict=True
    ):
        holders: set[int] = set()
        for document, impact in zip(own_docs.tolist(), own_impacts.tolist(), strict=True):
            if inside is not None and not inside[document]:
                continue
            value = impact if boost == 1.0 else impact * boost
            own_scores[document] = own_scores.get(document, 0.0) + value
            shares[document] = shares.get(document, 0.0) + weight
            matched[document] = matched.get(document, 0) + 1
            holders.add(document)
        lead_share = weight * weighting.context_evidence
        for document, impact in zip(lead_docs.tolist(), lead_impacts.tolist(), strict=True):
            if inside is not None and not inside[document]:
                continue
            value = impact if boost == 1.0 else impact * boost
            lead_scores[document] = lead_scores.get(document, 0.0) + value
            if document not in holders:
                shares[document] = shares.get(document, 0.0) + lead_share
    if not shares:
        return []
    candidates = sorted(shares)
    weight_total = sum(query.weights)
    totals: list[float] = []
    for document in candidates:
        own_score = own_scores.get(document, 0.0)
        lead_score = lead_scores.get(document)
        totals.append(
            own_score if lead_score is None else own_score + weighting.context_weight * lead_score
        )
    coverage = [shares[document] / weight_total for document in candidates]
    # The power goes through numpy as in the array path: the same rounding, the same keys.
    keys = (np.array(totals) * np.array(coverage) ** weighting.coverage_exponent).tolist()
    order = sorted(range(len(candidates)), key=lambda i: (-keys[i], candidates[i]))[: search.wanted]
    return [
        Match(candidates[i], keys[i], coverage[i], matched.get(candidates[i], 0)) for i in order
    ]


def _gather(
    fields: Sequence[Postings], boosts: Sequence[float], inside: BoolArray | None
) -> tuple[IntArray, FloatArray, IntArray, int]:
    """Every field's postings for the question in flat arrays, field after field: document,
    boosted impact, term row; and how many of them are the first field's. One call of each
    kind for all fields: at a few thousand postings the calls' fixed costs are what count."""
    pairs = [pair for postings in fields for pair in postings]
    lengths = [len(d) for d, _i in pairs]
    documents = np.concatenate([d for d, _i in pairs])
    values = np.concatenate(
        [
            i if boost == 1.0 else i * boost
            for (_d, i), boost in zip(pairs, list(boosts) * len(fields), strict=True)
        ]
    )
    rows = np.repeat(np.tile(np.arange(len(boosts)), len(fields)), lengths)
    first = sum(lengths[: len(boosts)])
    if inside is not None:
        keep = inside[documents]
        first = int(np.count_nonzero(keep[:first]))
        return documents[keep], values[keep], rows[keep], first
    return documents, values, rows, first


def _compact(size: int, documents: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct documents (ascending), and each posting's position among them. A flag per
    document beats sorting the postings even at 100k documents and a few hundred postings."""
    present = np.zeros(size, dtype=bool)
    present[documents] = True
    candidates = np.flatnonzero(present)
    position = np.empty(size, dtype=np.int64)
    position[candidates] = np.arange(candidates.size)
    return candidates, position[documents]


def _by_arrays(search: _Search) -> list[Match]:
    query, weighting, wanted = search.query, search.weighting, search.wanted
    documents, values, rows, split = _gather(search.fields, query.boosts, search.inside)
    candidates, at = _compact(search.size, documents)
    if candidates.size == 0:
        return []
    count = candidates.size
    own_at, own_values, own_rows = at[:split], values[:split], rows[:split]
    scores = np.bincount(own_at, own_values, minlength=count)
    evidence = np.zeros((len(query.terms), count))
    if len(search.fields) > 1:
        lead_at = at[split:]
        if lead_at.size:
            scores = scores + weighting.context_weight * np.bincount(
                lead_at, values[split:], minlength=count
            )
        evidence[rows[split:], lead_at] = weighting.context_evidence
    evidence[own_rows, own_at] = 1.0
    # Summing down the rows adds term by term in the question's order, as the loops do.
    weights = np.array(query.weights)
    coverage = (weights[:, None] * evidence).sum(axis=0) / sum(query.weights)
    matched = np.bincount(own_at, minlength=count)
    keys = scores * coverage**weighting.coverage_exponent
    if count > wanted:
        # Only the best few need sorting; ties at the cut are kept so the order is exact.
        cut = np.partition(keys, count - wanted)[count - wanted]
        keep = np.flatnonzero(keys >= cut)
        ranked = keep[np.lexsort((candidates[keep], -keys[keep]))][:wanted]
    else:
        ranked = np.lexsort((candidates, -keys))[:wanted]
    # Python numbers in one step each: indexing arrays one scalar at a time costs more.
    return list(
        map(
            Match,
            candidates[ranked].tolist(),
            keys[ranked].tolist(),
            coverage[ranked].tolist(),
            matched[ranked].tolist(),
        )
    )
