"""The BM25 index: rank-bm25's statistics, scored through postings. The only rank_bm25 import."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from retrieval.errors import EmptyIndexError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]

# The smallest idf a term may have: rank-bm25 gives 0 to a term in exactly half the documents,
# and a negative floor when the average idf itself is negative (articles of one or two sentences).
_IDF_FLOOR = 1e-3


@dataclass(frozen=True, slots=True)
class BM25Parameters:
    """BM25Okapi's free parameters, with rank-bm25's defaults."""

    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25


@dataclass(frozen=True, slots=True)
class _Postings:
    documents: IntArray
    impacts: FloatArray


class BM25Index:
    """BM25Okapi over tokenised documents; a query costs its terms' postings, not the corpus."""

    def __init__(
        self, documents: Sequence[Sequence[str]], params: BM25Parameters | None = None
    ) -> None:
        self.params = params or BM25Parameters()
        if not documents:
            raise EmptyIndexError("cannot index an empty corpus")
        if not any(documents):
            raise EmptyIndexError("none of the documents has a word to index")
        okapi = BM25Okapi(
            [list(d) for d in documents],
            k1=self.params.k1,
            b=self.params.b,
            epsilon=self.params.epsilon,
        )
        self.size: int = okapi.corpus_size
        self.average_length: float = float(okapi.avgdl)
        self.document_lengths: IntArray = np.asarray(okapi.doc_len, dtype=np.int32)
        self.raw_idf: dict[str, float] = dict(okapi.idf)
        fallback = self.params.epsilon * okapi.average_idf
        fallback = fallback if fallback > 0 else _IDF_FLOOR
        self.idf: dict[str, float] = {
            term: (value if value > 0 else fallback) for term, value in self.raw_idf.items()
        }
        self.document_frequency: dict[str, int] = {}
        postings_ids: dict[str, list[int]] = {}
        postings_tf: dict[str, list[int]] = {}
        for doc_id, frequencies in enumerate(okapi.doc_freqs):
            for term, tf in frequencies.items():
                postings_ids.setdefault(term, []).append(doc_id)
                postings_tf.setdefault(term, []).append(tf)
        k1, b = self.params.k1, self.params.b
        norms = k1 * (1 - b + b * self.document_lengths / self.average_length)
        self._postings: dict[str, _Postings] = {}
        for term, ids in postings_ids.items():
            id_array = np.asarray(ids, dtype=np.int32)
            tf = np.asarray(postings_tf[term], dtype=np.float64)
            impacts = self.idf[term] * (tf * (k1 + 1) / (tf + norms[id_array]))
            self._postings[term] = _Postings(id_array, impacts)
            self.document_frequency[term] = len(ids)

    def __contains__(self, term: object) -> bool:
        return term in self._postings

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every indexed term."""
        return frozenset(self._postings)

    def scores(self, terms: Sequence[str], weights: Sequence[float] | None = None) -> FloatArray:
        """BM25 score of every document for the query terms (repeats count, as in rank-bm25).

        ``weights``, one per term, scale each term's contribution (1.0 is plain BM25).
        """
        scores = np.zeros(self.size, dtype=np.float64)
        weighted: dict[str, float] = {}
        for position, term in enumerate(terms):
            weight = 1.0 if weights is None else weights[position]
            weighted[term] = weighted.get(term, 0.0) + weight
        for term, weight in weighted.items():
            postings = self._postings.get(term)
            if postings is not None:
                if weight == 1.0:
                    scores[postings.documents] += postings.impacts
                else:
                    scores[postings.documents] += weight * postings.impacts
        return scores

    def matching(self, term: str) -> IntArray:
        """The documents holding ``term``."""
        postings = self._postings.get(term)
        return postings.documents if postings is not None else np.zeros(0, dtype=np.int32)

    def specificity(self, term: str) -> float:
        """A smoothed, always positive idf used to weigh evidence (unknown terms weigh most)."""
        n = self.document_frequency.get(term, 0)
        return math.log(1 + (self.size - n + 0.5) / (n + 0.5))
