"""The answer path: analyse the question, find candidates, order them, decide, build passages."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from retrieval import lexicon, typos
from retrieval.corpus import Corpus
from retrieval.decision import Decider, Verdict, bundled_decider
from retrieval.limits import DEFAULT_TOP_K, MAX_TOP_K
from retrieval.linear import LinearModel
from retrieval.matching import LOOP_POSTINGS, Weighting, best_matches
from retrieval.ordering import bundled_evidence, bundled_ranker, order
from retrieval.passages import Passage, build_passage
from retrieval.pieces import FloatMatrix, closest_matches
from retrieval.proximity import wording
from retrieval.question import AnalysedQuestion, analyse_question, with_context
from retrieval.signals import Candidate, FloatVector, question_vector
from retrieval.summary import SUMMARY_SENTENCES, is_summary_request, summary_sentences
from retrieval.topics import closest_topics

TOPICS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Policy:
    """Tunable parts of the answer path (measured in docs/quality.md)."""

    context_weight: float = 0.5
    context_evidence: float = 0.5
    coverage_exponent: float = 2.0
    name_boost: float = 1.5
    # BM25's best few are re-ordered; the embedding adds its own best few to them.
    bm25_candidates: int = 20
    semantic_candidates: int = 5
    # False: every question gets passages (benchmarks of ranking alone); the confidence and
    # the verdict are still computed.
    refuse: bool = True


@dataclass(frozen=True, slots=True)
class Answer:
    """The reply to one question: passages (empty when not found), and how sure the bot is."""

    question: str
    passages: tuple[Passage, ...]
    topics: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    coverage: float = 0.0
    has_content_words: bool = True
    rest: tuple[Passage, ...] = field(default=(), repr=False)
    # The calibrated probability that the first passage answers the question.
    confidence: float = 0.0
    verdict: Verdict = Verdict.NOT_FOUND
    # The earlier questions this one was read with (a follow-up), oldest first.
    context: tuple[str, ...] = ()
    # True for an extractive summary: passages in article order, not ranked.
    summary: bool = False

    @property
    def found(self) -> bool:
        """True when passages are shown (answered, or not sure)."""
        return bool(self.passages)

    @property
    def confident(self) -> bool:
        """True when the bot answers without a caveat."""
        return self.found and self.verdict is Verdict.ANSWERED


@dataclass(frozen=True)
class Trace:
    """Everything the answer path measured for one question (for training and for tests)."""

    analysed: AnalysedQuestion
    candidates: list[Candidate]  # in BM25's order, the embedding's additions last
    cosine_max: float
    ordered: list[Candidate]
    logits: list[float]
    signals: FloatVector | None  # QUESTION_FEATURES of the first passage; None: no candidate


class Answerer:
    """Answers questions from a corpus with exact, cited sentences."""

    def __init__(
        self,
        corpus: Corpus,
        policy: Policy | None = None,
        loop_postings: int = LOOP_POSTINGS,
        ranker: LinearModel | None = None,
        evidence: LinearModel | None = None,
        decider: Decider | None = None,
    ) -> None:
        self.corpus = corpus
        self.policy = policy or Policy()
        self.loop_postings = loop_postings  # tests set it to force one way of scoring
        semantic = corpus.vectors is not None
        self.ranker = ranker if ranker is not None else bundled_ranker(semantic)
        self.evidence = evidence if evidence is not None else bundled_evidence(semantic)
        self.decider = decider if decider is not None else bundled_decider(semantic)
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

    def trace(
        self,
        question: str,
        wanted: int = DEFAULT_TOP_K,
        articles: Collection[str] = (),
        context: Sequence[str] = (),
    ) -> Trace:
        """Analyse, find and order the candidates of ``question`` (read with the earlier
        questions of ``context`` when given), and measure its signals."""
        corpus = self.corpus
        analysed = analyse_question(corpus, question)
        if context:
            analysed = with_context(corpus, analysed, " ".join(context))
        inside = self._in_articles(articles) if articles else None
        cosines: np.ndarray | None = None
        question_pieces: FloatMatrix | None = None
        cosine_max = 0.0
        by_meaning = bool(analysed.terms) or analysed.asked_in_function_words
        if corpus.vectors is not None and corpus.encoder is not None and by_meaning:
            vector, question_pieces = corpus.encoder.encode_question(analysed.words)
            cosines = corpus.vectors @ vector
            if inside is not None:
                cosines = np.where(inside, cosines, -1.0)
            cosine_max = float(cosines.max())
        # Each sentence found: document, key, coverage, matched, BM25 rank (0: the embedding's).
        found: list[tuple[int, float, float, int, int]] = []
        if analysed.terms:
            matches = best_matches(
                corpus.own,
                corpus.context,
                analysed.query_terms(corpus, self.policy.name_boost),
                self._weighting,
                max(wanted, self.policy.bm25_candidates),
                inside,
                self.loop_postings,
            )
            found = [
                (m.document, m.key, m.coverage, m.matched, rank)
                for rank, m in enumerate(matches, start=1)
            ]
        if cosines is not None and self.policy.semantic_candidates:
            seen = {document for document, *_ in found}
            reach = min(self.policy.semantic_candidates + len(seen), len(cosines))
            # The best few by cosine, without sorting every sentence (100k at a time).
            near = np.argpartition(-cosines, reach - 1)[:reach]
            best = near[np.lexsort((near, -cosines[near]))]
            extra = [int(d) for d in best if int(d) not in seen and cosines[d] > -1.0]
            found.extend((d, 0.0, 0.0, 0, 0) for d in extra[: self.policy.semantic_candidates])
        candidates = self._candidates(analysed, found, cosines, question_pieces)
        ordering = order(self.ranker, self.evidence, candidates, len(analysed.terms), cosine_max)
        ordered, logits = ordering.candidates, ordering.logits
        signals = (
            question_vector(corpus, analysed, ordered[0], ordering.evidence, logits, cosine_max)
            if ordered
            else None
        )
        return Trace(analysed, candidates, cosine_max, ordered, logits, signals)

    def warm_up(self) -> None:
        """Load everything the answer path loads on first use, so no user waits for it: the
        general-English tables, and the countries each article names (read from its whole
        text, about 2 ms an article, otherwise paid by the first question naming a country)."""
        lexicon.prepare()
        typos.load()
        self.ask("who said what about the first thing, how many and when?")
        for article in self.corpus.articles:
            self.corpus.countries(article.id)

    def _candidates(
        self,
        analysed: AnalysedQuestion,
        found: Sequence[tuple[int, float, float, int, int]],
        cosines: np.ndarray | None,
        question_pieces: FloatMatrix | None = None,
    ) -> list[Candidate]:
        """The sentences found, as the ordering model reads them."""
        own = self.corpus.own
        weights: dict[int, float] = {}
        total = 0.0
        for term in analysed.terms:
            specificity = own.specificity(term)
            # A term no sentence holds still weighs in the total.
            total += specificity
            term_id = own.term_id(term)
            if term_id is not None:
                weights[term_id] = specificity
        documents = [f[0] for f in found]
        held = wording(own.tokens_of(documents), weights, total)
        library = self.corpus.pieces
        if question_pieces is not None and library is not None:
            piece_means, piece_least = closest_matches(question_pieces, library, documents)
        else:
            piece_means = piece_least = [0.0] * len(found)
        measured = zip(held.compactness, held.own_share, piece_means, piece_least, strict=True)
        return [
            Candidate(
                document,
                key,
                coverage,
                matched,
                float(cosines[document]) if cosines is not None else 0.0,
                rank > 0,
                rank,
                self._lead_cosine(cosines, document),
                compactness,
                own_share,
                piece_mean,
                piece_min,
            )
            for (document, key, coverage, matched, rank), (
                compactness,
                own_share,
                piece_mean,
                piece_min,
            ) in zip(found, measured, strict=True)
        ]

    def _lead_cosine(self, cosines: np.ndarray | None, document: int) -> float:
        """The similarity of the sentence before ``document`` in its article (0 without)."""
        sentences = self.corpus.sentences
        if cosines is None or document == 0:
            return 0.0
        if sentences[document - 1].article_id != sentences[document].article_id:
            return 0.0
        return max(float(cosines[document - 1]), 0.0)

    def ask(
        self,
        question: str,
        top_k: int = DEFAULT_TOP_K,
        pool: int = 0,
        articles: Collection[str] = (),
        context: Sequence[str] = (),
    ) -> Answer:
        """Answer ``question`` with up to ``top_k`` passages; ``rest`` holds up to ``pool`` more
        ranked passages for paging (built only when asked for: each costs a little).
        ``articles`` limits the answer to those article ids (empty: every article);
        ``context`` holds the earlier questions a follow-up is read with."""
        top_k = max(1, min(top_k, MAX_TOP_K))
        if is_summary_request(question):
            return self.summary(question, top_k=max(top_k, SUMMARY_SENTENCES), articles=articles)
        traced = self.trace(question, top_k + pool, articles, context)
        analysed = traced.analysed
        terms, corrections = analysed.terms, analysed.corrections
        context = tuple(context) if analysed.from_context else ()
        if not terms and traced.signals is None:
            return Answer(
                question, (), self._topics(terms), corrections, 0.0, has_content_words=False
            )
        if traced.signals is None:
            return Answer(question, (), self._topics(terms), corrections, 0.0, context=context)
        best = max(c.coverage for c in traced.ordered[:3])
        confidence = self.decider.confidence(traced.signals)
        verdict = self.decider.verdict(confidence)
        if not terms:
            # Found by the embedding alone ("who is against it?"): no word of the question can
            # be checked in a passage, so it is never confident, nor refused by a model that
            # read only questions with content words.
            verdict = Verdict.NOT_SURE
        if verdict is Verdict.NOT_FOUND and self.policy.refuse:
            return Answer(
                question,
                (),
                self._topics(terms),
                corrections,
                best,
                confidence=confidence,
                context=context,
            )
        wanted_terms = set(terms)
        passages = self._passages(traced, top_k + pool, wanted_terms)
        return Answer(
            question,
            tuple(passages[:top_k]),
            (),
            corrections,
            best,
            rest=tuple(passages[top_k:]),
            confidence=confidence,
            verdict=verdict if verdict is not Verdict.NOT_FOUND else Verdict.NOT_SURE,
            has_content_words=bool(terms),
            context=context,
        )

    def summary(
        self, question: str, top_k: int = SUMMARY_SENTENCES, articles: Collection[str] = ()
    ) -> Answer:
        """The key sentences of an article (the first of ``articles``, or the first loaded),
        quoted in article order: an extractive summary, never invented text."""
        corpus = self.corpus
        article_id = next(iter(articles), None) or corpus.articles[0].id
        positions = summary_sentences(corpus, article_id, top_k)
        # Summary sentences are quoted alone: the one before is often in the summary too.
        passages = [build_passage(corpus, p, 0.0, 0.0, set(), join_lead=False) for p in positions]
        return Answer(
            question,
            tuple(passages),
            confidence=1.0,
            verdict=Verdict.ANSWERED,
            summary=True,
        )

    def _passages(self, traced: Trace, wanted: int, terms: set[str]) -> list[Passage]:
        """Up to ``wanted`` passages in order, each sentence quoted once: a lead already quoted
        above is dropped, and a sentence already quoted as a lead is skipped."""
        shown: set[str] = set()
        out: list[Passage] = []
        for candidate, logit in zip(traced.ordered, traced.logits, strict=True):
            if len(out) >= wanted:
                break
            passage = build_passage(
                self.corpus, candidate.document, logit, candidate.coverage, terms
            )
            if passage.sentence.citation_id in shown:
                continue
            if passage.lead is not None and passage.lead.citation_id in shown:
                passage = dataclasses.replace(passage, lead=None, lead_text="")
            shown.add(passage.sentence.citation_id)
            if passage.lead is not None:
                shown.add(passage.lead.citation_id)
            out.append(passage)
        return out

    def _topics(self, terms: tuple[str, ...]) -> tuple[str, ...]:
        """Topics of the loaded articles, those sharing a word with the question first."""
        return closest_topics(
            self.corpus.topic_order, self.corpus.topics_by_term, terms, TOPICS_SHOWN
        )
