"""The answer path: analyse the question, find candidates, order them, decide, build passages."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from retrieval.corpus import Corpus
from retrieval.decision import CoverageRule
from retrieval.matching import LOOP_POSTINGS, Weighting, best_matches
from retrieval.passages import Passage, build_passage
from retrieval.question import analyse_question
from retrieval.topics import closest_topics

DEFAULT_TOP_K = 3
MAX_TOP_K = 10
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
        self._rule = CoverageRule(
            self.policy.min_coverage, self.policy.min_matched_terms, self.policy.decision_depth
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
        corpus = self.corpus
        analysed = analyse_question(corpus, question)
        terms, corrections = analysed.terms, analysed.corrections
        if not terms:
            return Answer(
                question, (), self._topics(terms), corrections, 0.0, has_content_words=False
            )
        # The decision looks at the top few whatever top_k is, so every top_k decides alike.
        wanted = max(top_k + pool, self.policy.decision_depth)
        ranked = best_matches(
            corpus.own,
            corpus.context,
            analysed.query_terms(corpus, self.policy.name_boost),
            self._weighting,
            wanted,
            self._in_articles(articles) if articles else None,
            self.loop_postings,
        )
        if not ranked:
            return Answer(question, (), self._topics(terms), corrections, 0.0)
        best = max(m.coverage for m in ranked[: self.policy.decision_depth])
        if not self._rule.answers(ranked):
            return Answer(question, (), self._topics(terms), corrections, best)
        wanted_terms = set(terms)
        passages = [
            build_passage(corpus, m.document, m.key, m.coverage, wanted_terms)
            for m in ranked[: top_k + pool]
        ]
        return Answer(
            question,
            tuple(passages[:top_k]),
            (),
            corrections,
            best,
            rest=tuple(passages[top_k:]),
        )

    def _topics(self, terms: tuple[str, ...]) -> tuple[str, ...]:
        """Topics of the loaded articles, those sharing a word with the question first."""
        return closest_topics(
            self.corpus.topic_order, self.corpus.topics_by_term, terms, TOPICS_SHOWN
        )
