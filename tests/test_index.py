"""The BM25 index: identical to rank-bm25's scores, and its quirks pinned."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import BM25Index, BM25Parameters, Corpus, EmptyIndexError
from retrieval.article import Article, parse_article
from retrieval.corpus import IndexSettings


def article_documents(corpus: Corpus) -> list[list[str]]:
    return [[t.term for t in corpus.analyzer.document(s.text)] for s in corpus.sentences]


@pytest.mark.parametrize("params", [BM25Parameters(), BM25Parameters(k1=1.5, b=0.5)])
def test_scores_equal_rank_bm25_on_the_article(corpus: Corpus, params: BM25Parameters) -> None:
    """For every single term and 200 random multi-term queries, scores match get_scores."""
    documents = article_documents(corpus)
    ours = BM25Index(documents, params)
    theirs = BM25Okapi(documents, k1=params.k1, b=params.b, epsilon=params.epsilon)
    vocabulary = sorted(ours.vocabulary)
    assert all(v > 0 for v in theirs.idf.values()), "the article has no zero-idf term"
    rng = random.Random(7)
    queries = [[t] for t in vocabulary]
    queries += [rng.choices(vocabulary, k=rng.randint(2, 6)) for _ in range(200)]
    queries.append(["not-in-the-article", vocabulary[0], vocabulary[0]])
    for query in queries:
        np.testing.assert_allclose(
            ours.scores(query), theirs.get_scores(query), rtol=1e-12, atol=1e-12
        )


def test_an_empty_corpus_is_our_error_not_a_zero_division() -> None:
    """rank-bm25 divides by zero on an empty corpus; the index raises its own error first."""
    with pytest.raises(ZeroDivisionError):
        BM25Okapi([])
    with pytest.raises(EmptyIndexError):
        BM25Index([])
    with pytest.raises(EmptyIndexError):
        BM25Index([[], []])


def test_a_term_in_exactly_half_the_documents_still_counts() -> None:
    """rank-bm25 gives idf 0 to a term in half the documents; the index floors it above 0."""
    documents = [["war", "peace"], ["war", "troops"], ["treaty"], ["summit"]]
    theirs = BM25Okapi(documents)
    assert theirs.idf["war"] == 0.0
    assert theirs.get_scores(["war"]).max() == 0.0
    ours = BM25Index(documents)
    scores = ours.scores(["war"])
    assert scores[0] > 0
    assert scores[1] > 0
    assert scores[2] == 0
    assert scores[3] == 0


@pytest.mark.parametrize("documents", [[["only", "one"]], [["two", "docs"], ["two", "more"]]])
def test_tiny_articles_still_rank_matching_sentences_above_others(
    documents: list[list[str]],
) -> None:
    """With one or two sentences rank-bm25's idf turns negative; ours stays positive."""
    ours = BM25Index(documents)
    for term in ours.vocabulary:
        scores = ours.scores([term])
        matching = ours.matching(term)
        assert (scores[matching] > 0).all()
        assert (np.delete(scores, matching) == 0).all()


def test_weights_scale_a_terms_contribution() -> None:
    """A weight of 2 counts a term twice, as repeating it does."""
    index = BM25Index([["a", "b"], ["b", "c"], ["c", "d"]])
    np.testing.assert_allclose(index.scores(["b", "c"], [2.0, 1.0]), index.scores(["b", "b", "c"]))


def _lead_in_start(corpus: Corpus, i: int) -> int:
    """The lead-in rule read sentence by sentence: up to context_sentences earlier sentences of
    the paragraph, else the sentence before in the same article."""
    sentences, reach = corpus.sentences, corpus.settings.context_sentences
    first = i
    while (
        first > 0
        and i - first < reach
        and sentences[first - 1].article_id == sentences[i].article_id
        and sentences[first - 1].paragraph == sentences[i].paragraph
    ):
        first -= 1
    if first == i and i > 0 and sentences[i - 1].article_id == sentences[i].article_id:
        first = i - 1
    return first


def _articles_of_uneven_paragraphs() -> list[Article]:
    """Articles whose paragraphs hold one to five sentences, one of them a single sentence."""
    articles = []
    for a, sizes in enumerate([(1,), (3, 1, 5, 2), (2, 2), (4,), (1, 1, 1)]):
        paragraphs = [
            " ".join(f"Sentence {s} of paragraph {p} in story {a} names Ukraine." for s in range(n))
            for p, n in enumerate(sizes)
        ]
        raw = (f"Story {a}\n\n" + "\n\n".join(paragraphs)).encode()
        articles.append(parse_article(Path(f"story-{a}.txt"), raw))
    return articles


@pytest.mark.parametrize("reach", [0, 1, 2, 3, 5])
def test_lead_in_starts_follow_the_rule_sentence_by_sentence(corpus: Corpus, reach: int) -> None:
    """The lead-in starts computed in arrays are the rule's, on the bundled article and on
    several articles of uneven paragraphs, whatever the reach."""
    settings = IndexSettings(context_sentences=reach)
    for built in (
        Corpus(corpus.articles, settings=settings),
        Corpus(_articles_of_uneven_paragraphs(), settings=settings),
    ):
        expected = [_lead_in_start(built, i) for i in range(len(built.sentences))]
        assert built.lead_in_starts().tolist() == expected


def test_the_lead_in_field_equals_the_earlier_sentences_concatenated(corpus: Corpus) -> None:
    """The vectorised lead-in counts score like an index over the concatenated lead-in texts."""
    documents = article_documents(corpus)
    naive: list[list[str]] = []
    for i, sentence in enumerate(corpus.sentences):
        first = _lead_in_start(corpus, i)
        context = [t for j in range(first, i) for t in documents[j]]
        article = corpus.article(sentence.article_id)
        assert article is not None
        credit = article.paragraphs[sentence.paragraph - 1].credit
        if sentence.number == 1 and credit:
            context += corpus.analyzer.document_terms(credit)
        naive.append(context)
    expected = BM25Index(naive, corpus.settings.bm25)
    assert corpus.context is not None
    for term in expected.vocabulary:
        np.testing.assert_allclose(
            corpus.context.scores([term]), expected.scores([term]), rtol=1e-12
        )


def test_the_fast_indexing_path_gives_the_same_terms_as_the_spanned_one(corpus: Corpus) -> None:
    """document_terms (for indexing) and document (with spans, for highlights) agree."""
    for sentence in corpus.sentences:
        fast = sorted(corpus.analyzer.document_terms(sentence.text))
        spanned = sorted(t.term for t in corpus.analyzer.document(sentence.text))
        assert fast == spanned


def test_an_index_rebuilt_from_its_arrays_scores_the_same() -> None:
    """arrays() then from_arrays(): the same postings, scores and tokens; arrays that do not
    make an index (a term id past the postings, a posting past the documents, a lost token,
    another type) are refused with ValueError."""
    documents = [["coalition", "troops"], ["macron", "troops", "troops"], ["peace"]]
    index = BM25Index(documents, BM25Parameters(k1=1.2, b=0.5))
    again = BM25Index.from_arrays(index.arrays(), index.params)
    query = ["troops", "macron", "unknown"]
    assert np.array_equal(again.scores(query), index.scores(query))
    assert again.vocabulary == index.vocabulary
    assert np.array_equal(again.document_tokens(1), index.document_tokens(1))
    damages: list[tuple[str, Callable[[np.ndarray], np.ndarray]]] = [
        ("term_ids", lambda a: a + 10),
        ("term_ids", lambda a: a - 10),
        ("documents", lambda a: a + 3),
        ("tokens", lambda a: a[:-1]),
        ("impacts", lambda a: a.astype(np.float32)),
    ]
    for name, damaged in damages:
        arrays = index.arrays()
        arrays[name] = damaged(arrays[name])
        with pytest.raises(ValueError, match="do not make a BM25 index"):
            BM25Index.from_arrays(arrays, index.params)
