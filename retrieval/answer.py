"""The answer policy: rank passages, decide "nothing relevant", and say what matched."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from retrieval.article import Sentence
from retrieval.corpus import Corpus
from retrieval.matching import LOOP_POSTINGS, QueryTerms, Weighting, best_matches
from retrieval.text import Span, clean_question

DEFAULT_TOP_K = 3
MAX_TOP_K = 10
# Longer questions are cut before analysis: a wall of pasted text is not a question.
MAX_QUESTION_CHARS = 1000
TOPICS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Policy:
    """Tunable parts of the answer policy (measured in docs/quality.md)."""

    context_weight: float = 0.5
    context_evidence: float = 0.5
    min_coverage: float = 0.45
    # Enough distinct words of a rambling question found together in one sentence also count.
    min_matched_terms: int = 3
    decision_depth: int = 3
    coverage_exponent: float = 2.0
    name_boost: float = 1.5


@dataclass(frozen=True, slots=True)
class Passage:
    """One quoted sentence with its score, what matched, and its neighbours for context."""

    sentence: Sentence
    score: float
    matched_terms: tuple[str, ...]
    highlights: tuple[Span, ...]
    before: Sentence | None
    after: Sentence | None
    coverage: float

    def segments(self) -> tuple[tuple[str, bool], ...]:
        """The sentence's exact text in order, as (piece, is a matched word) pairs."""
        text = self.sentence.text
        pieces: list[tuple[str, bool]] = []
        cursor = 0
        for span in self.highlights:
            if cursor < span.start:
                pieces.append((text[cursor : span.start], False))
            pieces.append((text[span.start : span.end], True))
            cursor = span.end
        if cursor < len(text):
            pieces.append((text[cursor:], False))
        return tuple(pieces)


@dataclass(frozen=True, slots=True)
class Answer:
    """The reply to one question; ``found`` is False when the article does not answer it."""

    question: str
    passages: tuple[Passage, ...]
    topics: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    coverage: float = 0.0
    has_content_words: bool = True
    rest: tuple[Passage, ...] = field(default=(), repr=False)

    @property
    def found(self) -> bool:
        """True when at least one passage answers the question."""
        return bool(self.passages)


class _RecordingSpeller:
    def __init__(self, corpus: Corpus) -> None:
        self._speller = corpus.speller
        self.corrections: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        corrected = self._speller(word)
        if corrected != word:
            self.corrections[word] = corrected
        return corrected


def _highlights(
    term_spans: dict[str, list[tuple[int, int]]], terms: set[str], text: str
) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    hits = sorted({span for term in terms for span in term_spans.get(term, ())})
    merged: list[tuple[int, int]] = []
    for start, end in hits:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    matched: list[str] = []
    seen: set[str] = set()
    for start, end in merged:
        word = text[start:end]
        if word.casefold() not in seen:
            seen.add(word.casefold())
            matched.append(word)
    return tuple(matched), tuple(Span(start, end) for start, end in merged)


class Answerer:
    """Answers questions from a corpus with exact, cited sentences."""

    def __init__(
        self, corpus: Corpus, policy: Policy | None = None, loop_postings: int = LOOP_POSTINGS
    ) -> None:
        self.corpus = corpus
        self.policy = policy or Policy()
        self.loop_postings = loop_postings  # tests set it to force one way of scoring
        self._masks: dict[frozenset[str], np.ndarray] = {}
        self._weighting = Weighting(
            self.policy.context_weight, self.policy.context_evidence, self.policy.coverage_exponent
        )

    def _in_articles(self, articles: Collection[str]) -> np.ndarray:
        """A boolean per sentence: does it belong to one of ``articles``?"""
        key = frozenset(articles)
        mask = self._masks.get(key)
        if mask is None:
            ids = np.array([s.article_id for s in self.corpus.sentences], dtype=object)
            mask = np.isin(ids, list(key))
            self._masks[key] = mask
        return mask

    def ask(
        self,
        question: str,
        top_k: int = DEFAULT_TOP_K,
        pool: int = 0,
        articles: Collection[str] = (),
    ) -> Answer:
        """Answer ``question`` with up to ``top_k`` passages; ``rest`` holds up to ``pool`` more
        ranked passages for paging (built only when asked for: each costs a little).
        ``articles`` limits the answer to those article ids (empty: every article)."""
        top_k = max(1, min(top_k, MAX_TOP_K))
        text = clean_question(question)[:MAX_QUESTION_CHARS]
        corpus = self.corpus
        speller = _RecordingSpeller(corpus)
        query = corpus.analyzer.query(text, speller)
        terms = list(dict.fromkeys(t.term for t in query))
        corrections = tuple(speller.corrections.items())
        if not terms:
            return Answer(
                question, (), self._topics(terms), corrections, 0.0, has_content_words=False
            )
        query_terms = QueryTerms(
            terms,
            [corpus.own.specificity(t) for t in terms],
            [self.policy.name_boost if t in corpus.proper_terms else 1.0 for t in terms],
        )
        # The refusal looks at the top few whatever top_k is, so every top_k decides alike.
        wanted = max(top_k + pool, self.policy.decision_depth)
        matches = best_matches(
            corpus.own,
            corpus.context,
            query_terms,
            self._weighting,
            wanted,
            self._in_articles(articles) if articles else None,
            self.loop_postings,
        )
        if not matches:
            return Answer(question, (), self._topics(terms), corrections, 0.0)
        depth = matches[: self.policy.decision_depth]
        best = max(m.coverage for m in depth)
        if (
            best < self.policy.min_coverage
            and max(m.matched for m in depth) < self.policy.min_matched_terms
        ):
            return Answer(question, (), self._topics(terms), corrections, best)
        wanted_terms = set(terms)
        passages = [
            self._passage(m.document, m.key, m.coverage, wanted_terms)
            for m in matches[: top_k + pool]
        ]
        return Answer(
            question,
            tuple(passages[:top_k]),
            (),
            corrections,
            best,
            rest=tuple(passages[top_k:]),
        )

    def _passage(self, doc: int, score: float, coverage: float, terms: set[str]) -> Passage:
        sentence = self.corpus.sentences[doc]
        matched, spans = _highlights(self.corpus.term_spans(doc), terms, sentence.text)
        before, after = self.corpus.neighbours(sentence)
        return Passage(sentence, score, matched, spans, before, after, coverage)

    def _topics(self, terms: list[str]) -> tuple[str, ...]:
        """Topics of the loaded articles, those sharing a word with the question first."""
        corpus = self.corpus
        close = sorted({rank for term in terms for rank in corpus.topics_by_term.get(term, ())})
        chosen = [corpus.topic_order[rank] for rank in close[:TOPICS_SHOWN]]
        for topic in corpus.topic_order:
            if len(chosen) >= TOPICS_SHOWN:
                break
            if topic not in chosen:
                chosen.append(topic)
        return tuple(chosen)
