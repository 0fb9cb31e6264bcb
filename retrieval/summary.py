"""Extractive summaries: an article's most central sentences, quoted in article order.

Centrality is PageRank over the sentences' similarity (the index terms they share), weighted
towards the start as news is written, with near-duplicates skipped.
Nothing is generated: every sentence is quoted as the article has it.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from retrieval.article import ParagraphKind
from retrieval.corpus import Corpus

SUMMARY_SENTENCES = 5
_DAMPING = 0.85
LEAD_BIAS = 0.25
_ITERATIONS = 50
# A sentence this similar to one already chosen adds nothing.
_REDUNDANT = 0.85
_REQUEST = re.compile(
    r"^\W*(?:tl\W{0,2}dr|tldr|summar(?:y|ise|ize)|sum (?:it |this )?up|gist|"
    r"(?:the )?(?:key|main) points|give me the (?:gist|summary|rundown)|"
    r"what does (?:the|this) article say(?=\W*$)|"
    r"what(?:'s| is) (?:this|it|the|that)?\s*(?:article|story|piece)?\s*about(?=\W*$))"
    r"(?=\W|$)",
    re.IGNORECASE,
)


def is_summary_request(question: str) -> bool:
    """True for "tl;dr?", "summary", "what's this article about" and the like."""
    return bool(_REQUEST.search(question.strip()))


def _similarity(corpus: Corpus, positions: list[int]) -> npt.NDArray[np.float64]:
    """Shared index terms (cosine over term sets). Measured against a reference summary written
    before the code, this chose 3 of 5 key sentences where the MiniLM-L3 embeddings (the model
    of that day) chose 1."""
    terms = [set(corpus.term_spans(p)) for p in positions]
    n = len(positions)
    overlap = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            shared = len(terms[i] & terms[j])
            if shared:
                overlap[i, j] = overlap[j, i] = shared / np.sqrt(len(terms[i]) * len(terms[j]))
    np.fill_diagonal(overlap, 1.0)
    return overlap


def centrality(similarity: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """PageRank over the positive similarities between different sentences."""
    n = len(similarity)
    weights = np.clip(similarity, 0.0, None)
    np.fill_diagonal(weights, 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    transition = np.divide(weights, totals, out=np.full_like(weights, 1.0 / n), where=totals > 0)
    rank = np.full(n, 1.0 / n)
    for _ in range(_ITERATIONS):
        rank = (1 - _DAMPING) / n + _DAMPING * (transition.T @ rank)
    return rank


def summary_sentences(corpus: Corpus, article_id: str, count: int = SUMMARY_SENTENCES) -> list[int]:
    """Corpus positions of the article's ``count`` key sentences, in article order (photo
    captions left out: they describe a picture, not the story)."""
    positions = [
        i
        for i, s in enumerate(corpus.sentences)
        if s.article_id == article_id and s.kind is not ParagraphKind.CAPTION
    ]
    if len(positions) <= count:
        return positions
    similarity = _similarity(corpus, positions)
    rank = centrality(similarity)
    # News puts what matters first: a gentle lead bias, a quarter less by the end.
    order = np.arange(len(positions))
    score = rank * (1.0 - LEAD_BIAS * order / max(len(positions) - 1, 1))
    paragraphs = [corpus.sentences[p].paragraph for p in positions]
    chosen: list[int] = []
    used: set[int] = set()
    # One sentence a paragraph while the article has enough of them: the summary spans the
    # story instead of retelling its opening.
    one_each = len(set(paragraphs)) >= count
    for index in np.argsort(-score, kind="stable"):
        if one_each and paragraphs[index] in used:
            continue
        if all(similarity[index, j] < _REDUNDANT for j in chosen):
            chosen.append(int(index))
            used.add(paragraphs[index])
        if len(chosen) == count:
            break
    return sorted(positions[i] for i in chosen)
