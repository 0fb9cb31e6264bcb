"""The BM25 index: rank-bm25's idf, scored through postings. The only rank_bm25 import."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from retrieval.errors import EmptyIndexError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
TokenArray = npt.NDArray[np.int32]

# The smallest idf a term may have: rank-bm25 gives 0 to a term in exactly half the documents,
# and a negative floor when the average idf itself is negative (articles of one or two sentences).
_IDF_FLOOR = 1e-3
_NO_DOCUMENTS: IntArray = np.zeros(0, dtype=np.int64)
_NO_IMPACTS: FloatArray = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of some sentences, flat: each token's term id, which sentence (0, 1, ... in
    the order asked) it belongs to, and its place in that sentence."""

    ids: TokenArray
    owner: IntArray
    place: IntArray
    sentences: int


@dataclass(frozen=True, slots=True)
class BM25Parameters:
    """BM25Okapi's free parameters, with rank-bm25's defaults."""

    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25


@dataclass(frozen=True, slots=True)
class TermCounts:
    """A corpus as a sparse table: for each (document, term) pair, how often the term occurs."""

    documents: IntArray  # document of each pair, ascending
    terms: IntArray  # term id of each pair
    counts: IntArray  # occurrences of the term in the document
    lengths: IntArray  # tokens per document
    vocabulary: tuple[str, ...]  # term of each term id
    # The term id of every token, document after document, in the order they were added (the
    # ordering model's proximity reads it); None for a field summed from others (the lead-in).
    tokens: TokenArray | None = None

    @classmethod
    def from_documents(cls, documents: Iterable[Sequence[str]]) -> TermCounts:
        """Count the tokens of tokenised documents."""
        builder = TermCountsBuilder()
        for document in documents:
            builder.add(document)
        return builder.build()


class TermCountsBuilder:
    """Takes tokenised documents one at a time and keeps only compact term ids: at 100k
    sentences a list of term lists would hold millions of references."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._flat = array("i")  # term id of every token, document after document
        self._lengths = array("i")

    def add(self, terms: Sequence[str]) -> None:
        """Append the next document's terms."""
        ids = self._ids
        self._flat.extend([ids.setdefault(term, len(ids)) for term in terms])
        self._lengths.append(len(terms))

    def build(self) -> TermCounts:
        """The (document, term) counts of every document added so far."""
        lengths = np.frombuffer(self._lengths, dtype=np.int32).astype(np.int64)
        width = max(len(self._ids), 1)
        keys = np.repeat(np.arange(len(lengths), dtype=np.int64) * width, lengths)
        keys += np.frombuffer(self._flat, dtype=np.int32)
        keys, counts = np.unique(keys, return_counts=True)
        return TermCounts(
            keys // width,
            keys % width,
            counts.astype(np.int64),
            lengths,
            tuple(self._ids),
            np.frombuffer(self._flat, dtype=np.int32),
        )


def rank_bm25_idf(
    document_frequency: dict[str, int], size: int, epsilon: float
) -> tuple[dict[str, float], float]:
    """rank-bm25's own BM25Okapi idf (with its epsilon floor) and average idf, for these counts.

    BM25Okapi's constructor would also keep a dictionary per document; only its idf step is
    needed, so it runs on a bare instance.
    """
    okapi = BM25Okapi.__new__(BM25Okapi)
    okapi.corpus_size = size
    okapi.epsilon = epsilon
    okapi.idf = {}
    okapi._calc_idf(document_frequency)
    return okapi.idf, float(okapi.average_idf)


class BM25Index:
    """BM25Okapi over a corpus; a query costs its terms' postings, not the corpus."""

    def __init__(
        self,
        documents: Sequence[Sequence[str]] | TermCounts,
        params: BM25Parameters | None = None,
    ) -> None:
        self.params = params or BM25Parameters()
        table = (
            documents if isinstance(documents, TermCounts) else TermCounts.from_documents(documents)
        )
        self.size = len(table.lengths)
        if self.size == 0:
            raise EmptyIndexError("cannot index an empty corpus")
        if not table.lengths.any():
            raise EmptyIndexError("none of the documents has a word to index")
        self.document_lengths = table.lengths
        self.average_length = float(table.lengths.sum()) / self.size
        # Postings by term, each in document order. The (document, term) pairs are distinct,
        # so one key per pair sorts them alike with numpy's default sort, twice as fast at 100k
        # sentences as the stable sort by term over pairs already in document order.
        order = np.argsort(table.terms.astype(np.int64) * self.size + table.documents)
        self._documents: IntArray = table.documents[order]
        frequency = np.bincount(table.terms, minlength=len(table.vocabulary))
        offsets = np.concatenate(([0], np.cumsum(frequency))).astype(np.int64)
        # Python ints: a question reads a few of them, and numpy scalars cost more to use.
        self._bounds: list[int] = offsets.tolist()
        self._term_ids = {term: i for i, term in enumerate(table.vocabulary) if frequency[i] > 0}
        # rank-bm25's idf needs a dictionary of counts; it is a temporary, not kept per index.
        raw_idf, average_idf = rank_bm25_idf(
            {term: int(frequency[i]) for term, i in self._term_ids.items()},
            self.size,
            self.params.epsilon,
        )
        fallback = self.params.epsilon * average_idf
        fallback = fallback if fallback > 0 else _IDF_FLOOR
        idf_by_id = np.zeros(len(table.vocabulary))
        for term, i in self._term_ids.items():
            value = raw_idf[term]
            idf_by_id[i] = value if value > 0 else fallback
        del raw_idf
        self._impacts: FloatArray = self._okapi_impacts(table, order, idf_by_id)
        self._tokens = table.tokens
        self._token_bounds: IntArray = np.concatenate(([0], np.cumsum(table.lengths))).astype(
            np.int64
        )

    # An index as arrays (``arrays`` and ``from_arrays``): a cached start at 100k sentences
    # reads them instead of sorting and weighing every posting again (0.3-0.45 s).
    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The index as plain arrays (no object, no pickle), for ``from_arrays``."""
        by_id = sorted(self._term_ids.items(), key=lambda item: item[1])
        return {
            "lengths": self.document_lengths,
            "documents": self._documents,
            "bounds": np.asarray(self._bounds, dtype=np.int64),
            "impacts": self._impacts,
            "vocabulary": np.array([term for term, _ in by_id] or [""], dtype=np.str_),
            "term_ids": np.array([i for _, i in by_id], dtype=np.int64),
            "tokens": self._tokens if self._tokens is not None else np.zeros(0, dtype=np.int32),
            "has_tokens": np.array([self._tokens is not None]),
        }

    @classmethod
    def from_arrays(
        cls, arrays: Mapping[str, npt.NDArray[Any]], params: BM25Parameters
    ) -> BM25Index:
        """The index ``arrays`` gave; ValueError when they do not make one."""
        index = cls.__new__(cls)
        index.params = params
        lengths = np.asarray(arrays["lengths"])
        documents = np.asarray(arrays["documents"])
        bounds = np.asarray(arrays["bounds"])
        impacts = np.asarray(arrays["impacts"])
        term_ids = np.asarray(arrays["term_ids"])
        tokens = np.asarray(arrays["tokens"])
        has_tokens = bool(np.asarray(arrays["has_tokens"]).all())
        vocabulary = np.asarray(arrays["vocabulary"]).tolist()[: len(term_ids)]
        if (
            lengths.dtype != np.int64
            or documents.dtype != np.int64
            or bounds.dtype != np.int64
            or impacts.dtype != np.float64
            or term_ids.dtype != np.int64
            or tokens.dtype != np.int32
            or not len(lengths)
            or len(vocabulary) != len(term_ids)
            or len(impacts) != len(documents)
            or len(bounds) < 1
            or int(bounds[0]) != 0
            or int(bounds[-1]) != len(documents)
            or bool(np.any(bounds[1:] < bounds[:-1]))
            or (
                len(term_ids)
                and not 0 <= int(term_ids.min()) <= int(term_ids.max()) < len(bounds) - 1
            )
            or (
                len(documents)
                and not 0 <= int(documents.min()) <= int(documents.max()) < len(lengths)
            )
            or (has_tokens and len(tokens) != int(lengths.sum()))
        ):
            raise ValueError("the arrays do not make a BM25 index")
        index.size = len(lengths)
        index.document_lengths = lengths
        index.average_length = float(lengths.sum()) / index.size
        index._documents = documents
        index._bounds = bounds.tolist()
        index._term_ids = dict(zip(vocabulary, term_ids.tolist(), strict=True))
        index._impacts = impacts
        index._tokens = tokens if has_tokens else None
        index._token_bounds = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        return index

    def _okapi_impacts(
        self, table: TermCounts, order: IntArray, idf_by_id: FloatArray
    ) -> FloatArray:
        """idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average length)) for every
        posting, computed in place: at 100k sentences each temporary array is tens of MB."""
        k1, b = self.params.k1, self.params.b
        norms = self.document_lengths[self._documents].astype(np.float64)
        norms *= b
        norms /= self.average_length
        norms += 1 - b
        norms *= k1
        impacts = table.counts[order].astype(np.float64)
        norms += impacts
        impacts *= k1 + 1
        impacts /= norms
        del norms
        impacts *= idf_by_id[table.terms[order]]
        return impacts

    def term_id(self, term: str) -> int | None:
        """The id ``tokens`` gives ``term`` (None when no document holds it)."""
        return self._term_ids.get(term)

    def tokens_of(self, documents: Sequence[int]) -> Tokens:
        """The tokens of ``documents`` in their order, flat (none when the field was built
        without them)."""
        n = len(documents)
        if self._tokens is None or not n:
            none = np.zeros(0, dtype=np.int64)
            return Tokens(np.zeros(0, dtype=np.int32), none, none, n)
        chosen = np.asarray(documents, dtype=np.int64)
        starts = self._token_bounds[chosen]
        lengths = self._token_bounds[chosen + 1] - starts
        owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
        place = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(lengths) - lengths, lengths
        )
        return Tokens(self._tokens[starts[owner] + place], owner, place, n)

    def document_tokens(self, document: int) -> TokenArray:
        """The tokens of one document in order (empty when the field was built without
        them): a slice, without tokens_of's arrays for many documents."""
        if self._tokens is None:
            return np.zeros(0, dtype=np.int32)
        start, end = self._token_bounds[document : document + 2].tolist()
        return self._tokens[start:end]

    def __contains__(self, term: object) -> bool:
        return term in self._term_ids

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every indexed term."""
        return frozenset(self._term_ids)

    def document_frequency(self, term: str) -> int:
        """How many documents hold ``term``."""
        i = self._term_ids.get(term)
        return 0 if i is None else self._bounds[i + 1] - self._bounds[i]

    def _slice(self, term: str) -> slice | None:
        i = self._term_ids.get(term)
        return None if i is None else slice(self._bounds[i], self._bounds[i + 1])

    def postings(self, term: str) -> tuple[IntArray, FloatArray]:
        """The documents holding ``term`` (ascending) and its BM25 impact in each (views)."""
        where = self._slice(term)
        if where is None:
            return _NO_DOCUMENTS, _NO_IMPACTS
        return self._documents[where], self._impacts[where]

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
            where = self._slice(term)
            if where is not None:
                impacts = self._impacts[where]
                scores[self._documents[where]] += impacts if weight == 1.0 else weight * impacts
        return scores

    def matching(self, term: str) -> IntArray:
        """The documents holding ``term``, ascending."""
        where = self._slice(term)
        return self._documents[where] if where is not None else _NO_DOCUMENTS

    def specificity(self, term: str) -> float:
        """A smoothed, always positive idf used to weigh evidence (unknown terms weigh most)."""
        n = self.document_frequency(term)
        return math.log(1 + (self.size - n + 0.5) / (n + 0.5))
