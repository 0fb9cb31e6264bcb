"""Ordering the candidates: a learned score over BM25, coverage and the semantic similarity."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.linear import LinearModel, load_bundled, model_from_dict
from retrieval.signals import CANDIDATE_FEATURES, Candidate, candidate_matrix


def order(
    model: LinearModel, candidates: Sequence[Candidate], terms: int, cosine_max: float
) -> tuple[list[Candidate], list[float]]:
    """The candidates best first by the model's logit (ties keep BM25's order), with the
    logits in the same order."""
    if not candidates:
        return [], []
    logits = model.logits(candidate_matrix(candidates, terms, cosine_max))
    # A stable sort on the negated logits keeps BM25's order among equal scores.
    ranks = np.argsort(-logits, kind="stable")
    return [candidates[i] for i in ranks], [float(logits[i]) for i in ranks]


def bundled_ranker(semantic: bool) -> LinearModel:
    """The shipped ordering model for an index with or without sentence embeddings."""
    data = load_bundled(f"ranker-{'semantic' if semantic else 'bm25'}.json")
    return model_from_dict(data["model"], CANDIDATE_FEATURES)  # type: ignore[arg-type]


def bm25_order_model() -> LinearModel:
    """A model that keeps BM25's order (the key alone), for training the others."""
    n = len(CANDIDATE_FEATURES)
    weights = np.zeros(n)
    weights[CANDIDATE_FEATURES.index("log_key")] = 1.0
    return LinearModel(CANDIDATE_FEATURES, weights, 0.0, np.zeros(n), np.ones(n))
