"""Ordering the candidates: a learned score over BM25, coverage and the semantic similarity; and
the evidence score of the first one, which the decision reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.linear import LinearModel, load_bundled, model_from_dict
from retrieval.signals import CANDIDATE_FEATURES, Candidate, candidate_matrix


@dataclass(frozen=True, slots=True)
class Ordered:
    """The candidates best first, their ordering scores, and the evidence score of the first."""

    candidates: list[Candidate]
    logits: list[float]
    evidence: float


def order(
    model: LinearModel,
    evidence: LinearModel,
    candidates: Sequence[Candidate],
    terms: int,
    cosine_max: float,
) -> Ordered:
    """The candidates best first by ``model`` (ties keep BM25's order), and ``evidence``'s
    logit of the first: the order is learned listwise (which candidate wins a question), so
    its scores compare candidates of one question only; the evidence model is learned
    pointwise (does this sentence hold an answer), a level the decision can read."""
    if not candidates:
        return Ordered([], [], 0.0)
    rows = candidate_matrix(candidates, terms, cosine_max)
    logits = model.logits(rows)
    # A stable sort on the negated logits keeps BM25's order among equal scores.
    ranks = np.argsort(-logits, kind="stable")
    first = float(evidence.logits(rows[ranks[:1]])[0])
    return Ordered([candidates[i] for i in ranks], [float(logits[i]) for i in ranks], first)


def bundled_ranker(semantic: bool) -> LinearModel:
    """The shipped ordering model for an index with or without sentence embeddings."""
    data = load_bundled(f"ranker-{'semantic' if semantic else 'bm25'}.json")
    return model_from_dict(data["model"], CANDIDATE_FEATURES)  # type: ignore[arg-type]


def bundled_evidence(semantic: bool) -> LinearModel:
    """The shipped evidence model (beside the ordering model, in the same file)."""
    data = load_bundled(f"ranker-{'semantic' if semantic else 'bm25'}.json")
    return model_from_dict(data["evidence"], CANDIDATE_FEATURES)  # type: ignore[arg-type]


def bm25_order_model() -> LinearModel:
    """A model that keeps BM25's order (the key alone), for training the others."""
    n = len(CANDIDATE_FEATURES)
    weights = np.zeros(n)
    weights[CANDIDATE_FEATURES.index("log_key")] = 1.0
    return LinearModel(CANDIDATE_FEATURES, weights, 0.0, np.zeros(n), np.ones(n))
