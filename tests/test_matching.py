"""The two ways of scoring a question (loops for few postings, arrays for many) agree exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval import Answer, Answerer, Corpus
from retrieval.article import parse_article
from retrieval.evaluation import read_questions

from .conftest import DATA

NEVER = 10**9  # a posting budget no question reaches: always loops
ALWAYS = -1  # no question fits: always arrays


def _both(corpus: Corpus) -> tuple[Answerer, Answerer]:
    return Answerer(corpus, loop_postings=NEVER), Answerer(corpus, loop_postings=ALWAYS)


def _facts(answer: Answer) -> tuple[object, ...]:
    """Everything an answer shows or decides with, floats compared bit for bit."""
    return (
        answer.found,
        answer.coverage,
        answer.topics,
        tuple(
            (p.sentence.citation_id, p.score, p.coverage, p.matched_terms, p.highlights)
            for p in (*answer.passages, *answer.rest)
        ),
    )


def _questions() -> list[str]:
    return [
        q.question
        for name in ("questions-dev.jsonl", "questions-test.jsonl")
        for q in read_questions(DATA / name)
    ]


@pytest.mark.parametrize(("top_k", "pool"), [(3, 0), (5, 10)])
def test_every_article_question_gets_the_same_answer_both_ways(
    corpus: Corpus, top_k: int, pool: int
) -> None:
    loops, arrays = _both(corpus)
    for question in _questions():
        assert _facts(loops.ask(question, top_k, pool)) == _facts(
            arrays.ask(question, top_k, pool)
        ), question


def _tied_corpus() -> Corpus:
    """Three articles of short sentences over a handful of words: many exact ties in score."""
    words = ["troops", "peace", "coalition", "Macron", "Starmer", "Europe", "funding", "talks"]
    articles = []
    for a in range(3):
        paragraphs = []
        for p in range(12):
            sentences = [
                f"{words[(a + p + s) % 8].capitalize()} and {words[(p * s + a) % 8]} "
                f"met {words[(s + 3) % 8]} again."
                for s in range(3)
            ]
            paragraphs.append(" ".join(sentences))
        raw = (f"Headline {a}\n\n" + "\n\n".join(paragraphs)).encode()
        articles.append(parse_article(Path(f"tied-{a}.txt"), raw))
    return Corpus(articles)


TIED = _tied_corpus()
TIED_WORDS = ["troops", "peace", "coalition", "macron", "starmer", "europe", "funding", "talks"]


@given(
    words=st.lists(st.sampled_from(TIED_WORDS), min_size=1, max_size=8),
    top_k=st.integers(1, 10),
    pool=st.integers(0, 20),
    restrict=st.sets(st.sampled_from(["tied-0", "tied-1", "tied-2"]), max_size=2),
)
def test_ties_and_article_limits_come_out_the_same_both_ways(
    words: list[str], top_k: int, pool: int, restrict: set[str]
) -> None:
    loops, arrays = _both(TIED)
    question = " ".join(words)
    assert _facts(loops.ask(question, top_k, pool, restrict)) == _facts(
        arrays.ask(question, top_k, pool, restrict)
    )


@given(words=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=10))
def test_any_words_against_the_article_come_out_the_same_both_ways(
    corpus: Corpus, words: list[str]
) -> None:
    loops, arrays = _both(corpus)
    question = " ".join(words)
    assert _facts(loops.ask(question)) == _facts(arrays.ask(question))


def test_a_question_of_many_words_comes_out_the_same_both_ways(corpus: Corpus) -> None:
    """Thirty-odd distinct terms: sums over many rows keep the question's order both ways."""
    words = sorted({w for s in corpus.sentences for w in s.text.split() if w.isalpha()})
    loops, arrays = _both(corpus)
    for start in range(0, len(words) - 40, 40):
        question = " ".join(words[start : start + 40])
        assert len(corpus.analyzer.query(question)) > 25
        assert _facts(loops.ask(question, 10, 10)) == _facts(arrays.ask(question, 10, 10))
