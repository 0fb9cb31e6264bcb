"""The lead-in field: each sentence's earlier context, summed from its sentences' own counts."""

from __future__ import annotations

import numpy as np

from retrieval.index import TermCounts


def lead_in_starts(paragraph_starts: list[list[int]], size: int, reach: int) -> np.ndarray:
    """Where each of ``size`` sentences' lead-in starts: up to ``reach`` earlier sentences of
    its paragraph, or for a paragraph's first sentence the sentence before it in its article.
    ``paragraph_starts``: per article, the corpus position of each paragraph's first sentence.
    In arrays: a Python step per sentence cost a tenth of a second at 100k sentences."""
    new_paragraph = np.zeros(size + 1, dtype=bool)
    new_article = np.zeros(size + 1, dtype=bool)
    for starts in paragraph_starts:
        if starts:
            new_paragraph[starts] = True  # an empty last paragraph marks the next article's
            new_article[starts[0]] = True
    new_paragraph, new_article = new_paragraph[:size], new_article[:size]
    positions = np.arange(size, dtype=np.int64)
    paragraph_first = np.maximum.accumulate(np.where(new_paragraph, positions, 0))
    first = positions - np.minimum(positions - paragraph_first, max(reach, 0))
    alone = (first == positions) & (positions > 0) & ~new_article
    first[alone] -= 1
    return first


def lead_in_block(
    own: TermCounts,
    starts: np.ndarray,
    first: np.ndarray,
    readers: range,
    credits: dict[int, list[int]],
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The lead-in (document, term) pairs of some consecutive readers, as sorted keys
    (document * width + term) with their summed counts."""
    reader_ids = np.arange(readers.start, readers.stop, dtype=np.int64)
    spans = reader_ids - first[reader_ids]
    sources = np.repeat(first[reader_ids], spans) + ranks_within(spans)
    rows_per_pair = starts[sources + 1] - starts[sources]
    rows = np.repeat(starts[sources], rows_per_pair) + ranks_within(rows_per_pair)
    documents = np.repeat(np.repeat(reader_ids, spans), rows_per_pair)
    terms, counts = own.terms[rows], own.counts[rows]
    extra = [(i, term) for i in readers if i in credits for term in credits[i]]
    if extra:
        documents = np.concatenate((documents, [i for i, _t in extra]))
        terms = np.concatenate((terms, [t for _i, t in extra]))
        counts = np.concatenate((counts, np.ones(len(extra), dtype=np.int64)))
    keys, inverse = np.unique(documents * width + terms, return_inverse=True)
    summed = np.bincount(inverse, weights=counts, minlength=len(keys)).astype(np.int64)
    return keys, summed


def ranks_within(group_sizes: np.ndarray) -> np.ndarray:
    """0, 1, ..., size-1 for each group, concatenated: [2, 3] gives [0, 1, 0, 1, 2]."""
    total = int(group_sizes.sum())
    group_starts = np.repeat(np.cumsum(group_sizes) - group_sizes, group_sizes)
    ranks: np.ndarray = np.arange(total, dtype=np.int64) - group_starts
    return ranks
