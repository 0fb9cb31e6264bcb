"""The answer policy: rank passages, decide "nothing relevant", and say what matched."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from retrieval.analysis import Token
from retrieval.article import Sentence
from retrieval.corpus import Corpus
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


def _mark(row: np.ndarray, positions: np.ndarray) -> None:
    """Set ``row`` at the candidate positions given (-1 marks a document that is no candidate)."""
    row[positions[positions >= 0]] = True


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
    tokens: Sequence[Token], terms: set[str], text: str
) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    spans = sorted({(t.start, t.end) for t in tokens if t.term in terms})
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(end, merged[-1].end))
        else:
            merged.append(Span(start, end))
    matched: list[str] = []
    for span in merged:
        word = text[span.start : span.end]
        if word.casefold() not in (m.casefold() for m in matched):
            matched.append(word)
    return tuple(matched), tuple(merged)


class Answerer:
    """Answers questions from a corpus with exact, cited sentences."""

    def __init__(self, corpus: Corpus, policy: Policy | None = None) -> None:
        self.corpus = corpus
        self.policy = policy or Policy()
        self._masks: dict[frozenset[str], np.ndarray] = {}

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
        weights = np.array([corpus.own.specificity(t) for t in terms])
        boosts = [self.policy.name_boost if t in corpus.proper_terms else 1.0 for t in terms]
        scores = corpus.own.scores(terms, boosts)
        if corpus.context is not None:
            scores += self.policy.context_weight * corpus.context.scores(terms, boosts)
        if articles:
            scores = np.where(self._in_articles(articles), scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size == 0:
            return Answer(question, (), self._topics(terms), corrections, 0.0)
        coverage, matched = self._evidence(terms, weights, candidates)
        # BM25 alone favours short sentences holding one rare word; a sentence that holds
        # more of the question ranks higher.
        keys = scores[candidates] * coverage**self.policy.coverage_exponent
        # The refusal looks at the top few whatever top_k is, so every top_k decides alike.
        wanted = max(top_k + pool, self.policy.decision_depth)
        if keys.size > wanted:
            # Only the best few need sorting; ties at the cut are kept so the order is exact.
            cut = np.partition(keys, keys.size - wanted)[keys.size - wanted]
            keep = np.flatnonzero(keys >= cut)
            ranked = keep[np.lexsort((candidates[keep], -keys[keep]))][:wanted]
        else:
            ranked = np.lexsort((candidates, -keys))[:wanted]
        depth = ranked[: self.policy.decision_depth]
        best = float(coverage[depth].max())
        if best < self.policy.min_coverage and matched[depth].max() < self.policy.min_matched_terms:
            return Answer(question, (), self._topics(terms), corrections, best)
        passages = [
            self._passage(int(candidates[i]), float(keys[i]), float(coverage[i]), set(terms))
            for i in ranked[: top_k + pool]
        ]
        return Answer(
            question,
            tuple(passages[:top_k]),
            (),
            corrections,
            best,
            rest=tuple(passages[top_k:]),
        )

    def _evidence(
        self, terms: list[str], weights: np.ndarray, candidates: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each candidate sentence: the share of the question's weighted terms it (or its
        lead-in) holds, and how many distinct question terms it holds itself."""
        corpus = self.corpus
        position = np.full(corpus.own.size, -1, dtype=np.int64)
        position[candidates] = np.arange(candidates.size)
        own_c = np.zeros((len(terms), candidates.size), dtype=bool)
        lead_in_c = np.zeros_like(own_c)
        for row, term in enumerate(terms):
            _mark(own_c[row], position[corpus.own.matching(term)])
            if corpus.context is not None:
                _mark(lead_in_c[row], position[corpus.context.matching(term)])
        evidence = own_c + self.policy.context_evidence * (lead_in_c & ~own_c)
        coverage: np.ndarray = weights @ evidence / weights.sum()
        matched: np.ndarray = own_c.sum(axis=0)
        return coverage, matched

    def _passage(self, doc: int, score: float, coverage: float, terms: set[str]) -> Passage:
        sentence = self.corpus.sentences[doc]
        tokens = self.corpus.tokens(doc)
        matched, spans = _highlights(tokens, terms, sentence.text)
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
