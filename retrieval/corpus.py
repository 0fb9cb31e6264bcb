"""The searchable corpus: the loaded articles, their analyzer, speller and BM25 indexes."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from pathlib import Path

import numpy as np

from retrieval import cache, lexicon
from retrieval.analysis import Analyzer, base_tokens, stem, word_terms
from retrieval.article import Article, ParagraphKind, Sentence
from retrieval.encoding_cache import library_encodings
from retrieval.index import BM25Index, BM25Parameters, TermCounts, TermCountsBuilder
from retrieval.lead_in import lead_in_block, lead_in_starts
from retrieval.names import NameCounter
from retrieval.pieces import PieceMatrix
from retrieval.semantic import Encoder, FloatMatrix, default_cache_dir
from retrieval.synonyms import SynonymRule
from retrieval.topics import article_topics
from retrieval.typos import Speller

_CITATION = re.compile(r"(?:(.+):)?p(\d{1,6})s(\d{1,6})", re.IGNORECASE)
_SPANS_CACHE_SIZE = 20_000
# A question word at least this common in English (Zipf scale: ten in a million words) is
# taken as written, never "corrected" to an article word: the commonest misspellings ("teh",
# "thier", "whats") stay below 4.0 in wordfreq's lists, real words such as "cash" are well above.
_COMMON_AS_TYPED = 4.0
_LEAD_IN_BLOCK = 8192
# A small corpus finds every sentence's term spans up front (tens of microseconds and about
# 2 KB a sentence), so even a first answer spends nothing on analysing its passages.
_SPANS_PRELOADED_UP_TO = 2_000
# Sentences between two progress reports while indexing.
_PROGRESS_EVERY = 2_000


# progress(stage, done, total): long loads report how far they are.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class IndexSettings:
    """How sentences are indexed: BM25 parameters and how much each sentence's lead-in counts."""

    # b=0.5 rather than 0.75: with sentences as documents, full length normalisation
    # over-rewards short sentences (docs/quality.md).
    bm25: BM25Parameters = field(default_factory=lambda: BM25Parameters(k1=1.5, b=0.5))
    context_sentences: int = 3


class Corpus:
    """Every quotable sentence of the loaded articles, indexed for questions.

    Each sentence has two fields: its own words, and as context the sentence(s) before it,
    so that "He stressed..." can be found by the name the previous sentence gives.
    """

    def __init__(
        self,
        articles: Sequence[Article],
        rules: Sequence[SynonymRule] = (),
        settings: IndexSettings | None = None,
        cache_dir: Path | None = None,
        encoder: Encoder | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.settings = settings or IndexSettings()
        self.articles: tuple[Article, ...] = tuple(articles)
        self._articles_by_id = {a.id: a for a in self.articles}
        self.analyzer = Analyzer(rules)
        self.sentences: tuple[Sentence, ...] = tuple(s for a in self.articles for s in a.sentences)
        # Where each paragraph's first sentence stands in the corpus, per article: a citation
        # finds its sentence by arithmetic, with no dictionary of every citation id.
        self._paragraph_starts: dict[str, list[int]] = {}
        start = 0
        for article in self.articles:
            starts = self._paragraph_starts[article.id] = []
            for paragraph in article.paragraphs:
                starts.append(start)
                start += len(paragraph.sentences)
        self._progress = progress
        analysis, indexes = self._cached_analysis(rules, cache_dir)
        self.proper_terms = analysis.proper_terms
        frequencies = analysis.frequencies
        # Topics are only needed to say what the article covers when it cannot answer: found
        # on first use (they read English word frequencies), unless the cache holds them.
        self._topics: dict[str, tuple[str, ...]] | None = analysis.topics
        self._countries: dict[str, set[str]] = {
            article: set(names) for article, names in (analysis.countries or {}).items()
        }
        # The topics' index is the first cold answer's cost at 100k sentences (0.3-0.8 s) when
        # the article cannot answer: read from the cache with them.
        topic_index = analysis.topic_index
        own_counts = analysis.own
        del analysis  # at 100k sentences each table of counts is tens of MB: drop them early
        if indexes is not None:
            self.own, self.context = indexes
            del indexes
        else:
            assert own_counts is not None  # read without counts only when indexes were read
            context_counts = self._context_counts(own_counts)
            self.own = BM25Index(own_counts, self.settings.bm25)
            del own_counts
            self.context = (
                BM25Index(context_counts, self.settings.bm25)
                if context_counts.lengths.any()
                else None
            )
            del context_counts
            if cache_dir is not None and self._indexes_key is not None:
                cache.save_indexes(cache_dir, self._indexes_key, self.own, self.context)
        proper_terms = self.proper_terms
        # Its functions hold the index and the names, not the corpus: a corpus in no reference
        # cycle is freed the moment a reload drops it, even one the collector never walks.
        self.speller = Speller(
            frequencies,
            functools.partial(_is_known, self.own),
            self.analyzer.rule_words,
            is_name=lambda word: stem(word) in proper_terms,
            is_common=lambda word: lexicon.is_common(word, _COMMON_AS_TYPED),
        )
        self._topic_index = topic_index
        self._topics_lock = threading.Lock()
        self._term_spans: dict[int, dict[str, list[tuple[int, int]]]] = {}
        # Sentence embeddings, one row per sentence, when a semantic model is given.
        self.encoder = encoder
        self.vectors: FloatMatrix | None = None
        self.pieces: PieceMatrix | None = None
        if encoder is not None:
            report = (lambda done, total: progress("encoding", done, total)) if progress else None
            # Vectors cost far more than the analysis (minutes at 100k sentences): kept in the
            # user's cache folder even when no analysis cache is asked for, one file an article
            # so that adding or removing one encodes nothing else.
            vectors_dir = cache_dir if cache_dir is not None else default_cache_dir() / "vectors"
            by_article = [
                [s.text for s in sentences]
                for _id, sentences in groupby(self.sentences, key=attrgetter("article_id"))
            ]
            encodings = library_encodings(encoder, by_article, vectors_dir, report)
            self.vectors, self.pieces = encodings.vectors, encodings.pieces
        if len(self.sentences) <= _SPANS_PRELOADED_UP_TO:
            for position in range(len(self.sentences)):
                self.term_spans(position)

    def _cached_analysis(
        self, rules: Sequence[SynonymRule], cache_dir: Path | None
    ) -> tuple[cache.Analysis, tuple[BM25Index, BM25Index | None] | None]:
        """The analysis of every sentence: from the on-disk cache when it holds this exact
        corpus, else computed (and then cached when a cache folder is given); and the built
        indexes when the cache holds them too (the analysis then read without its counts)."""
        self._indexes_key: str | None = None
        if cache_dir is None:
            return self._analyse(), None
        key = cache.cache_key(
            [(s.article_id, s.text) for s in self.sentences]
            + [(a.id, "\n".join(a.subheadlines)) for a in self.articles],
            tuple(rules),
            self.settings,
        )
        # The lead-in field also reads where paragraphs start and the photos' credits, which
        # the sentences' texts do not fix.
        structure = hashlib.sha256(key.encode())
        structure.update(self.lead_in_starts().astype("<i8").tobytes())
        structure.update(repr(sorted(self._caption_credits().items())).encode())
        self._indexes_key = structure.hexdigest()[:32]
        indexes = cache.load_indexes(cache_dir, self._indexes_key, self.settings.bm25)
        if indexes is not None and indexes[0].size != len(self.sentences):
            indexes = None  # keyed on these sentences, so never expected: built again
        cached = cache.load(cache_dir, key, with_counts=indexes is None)
        if cached is not None:
            return cached, indexes
        analysis = self._analyse(with_topics=True)
        with contextlib.suppress(OSError):  # a read-only or full disk only loses the speed-up
            cache.save(cache_dir, key, analysis)
        return analysis, None

    def _analyse(self, with_topics: bool = False) -> cache.Analysis:
        """One analysis pass over every sentence: index terms, names, the speller's words (and
        the topics, for the cache)."""
        own = TermCountsBuilder()
        frequencies: Counter[str] = Counter()
        names = NameCounter()
        total = len(self.sentences)
        for done, sentence in enumerate(self.sentences, start=1):
            terms, cases, surface = self.analyzer.document_profile(sentence.text)
            own.add(terms)
            names.add(terms, cases)
            frequencies.update(surface)
            if self._progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
                self._progress("indexing", done, total)
        topics = {a.id: article_topics(a) for a in self.articles} if with_topics else None
        return cache.Analysis(
            own=own.build(),
            proper_terms=names.names(),
            frequencies=frequencies,
            topics=topics,
            countries=(
                {a.id: frozenset(self._article_countries(a)) for a in self.articles}
                if with_topics
                else None
            ),
            topic_index=self._indexed_topics(topics) if topics is not None else None,
        )

    @property
    def topics(self) -> dict[str, tuple[str, ...]]:
        """Each article's topics, most mentioned first."""
        self._topic_tables()
        assert self._topics is not None
        return self._topics

    @property
    def topic_order(self) -> tuple[str, ...]:
        """Every article's topics interleaved by rank."""
        return self._topic_tables()[0]

    @property
    def topics_by_term(self) -> dict[str, list[int]]:
        """Which topics (ranks in ``topic_order``) hold each term."""
        return self._topic_tables()[1]

    def _topic_tables(self) -> cache.TopicIndex:
        with self._topics_lock:  # answers in worker threads may ask at the same time
            if self._topic_index is None:
                if self._topics is None:
                    self._topics = {a.id: article_topics(a) for a in self.articles}
                self._topic_index = self._indexed_topics(self._topics)
            return self._topic_index

    def _indexed_topics(self, topics: dict[str, tuple[str, ...]]) -> cache.TopicIndex:
        """Every article's topics interleaved by rank, and which of them hold each term."""
        ranked = [
            (rank, article_rank, topic)
            for article_rank, article in enumerate(self.articles)
            for rank, topic in enumerate(topics[article.id])
        ]
        order = tuple(dict.fromkeys(t for _r, _a, t in sorted(ranked)))
        by_term: dict[str, list[int]] = {}
        for rank, topic in enumerate(order):
            for term in set(self.analyzer.document_terms(topic)):
                by_term.setdefault(term, []).append(rank)
        return order, by_term

    def sentence_term_ids(self, position: int) -> set[int]:
        """The index term ids of the sentence at ``position`` (synonyms included), read from
        the index's tokens: the terms of term_spans without analysing the sentence again."""
        return set(self.own.document_tokens(position).tolist())

    def term_spans(self, position: int) -> dict[str, list[tuple[int, int]]]:
        """Where each term of the sentence at ``position`` was written (cached: answers re-read
        their sentences)."""
        cached = self._term_spans.get(position)
        if cached is None:
            if len(self._term_spans) >= _SPANS_CACHE_SIZE:
                self._term_spans.clear()
            cached = self.analyzer.term_spans(self.sentences[position].text)
            self._term_spans[position] = cached
        return cached

    def lead_in_starts(self) -> np.ndarray:
        """Where each sentence's lead-in starts: earlier sentences of its paragraph (at most
        ``context_sentences``), or the last sentence of the previous paragraph."""
        return lead_in_starts(
            list(self._paragraph_starts.values()),
            len(self.sentences),
            self.settings.context_sentences,
        )

    def _context_counts(self, own: TermCounts) -> TermCounts:
        """The lead-in field of every sentence, summed from its lead-in sentences' own counts,
        plus a caption's photo credit."""
        n = len(self.sentences)
        first = self.lead_in_starts()
        cumulative = np.concatenate(([0], np.cumsum(own.lengths)))
        lengths = cumulative[np.arange(n)] - cumulative[first]
        vocabulary = list(own.vocabulary)
        ids = {term: i for i, term in enumerate(vocabulary)}
        credits: dict[int, list[int]] = {}
        for i, credit in self._caption_credits().items():
            for term in self.analyzer.document_terms(credit):
                credits.setdefault(i, []).append(ids.setdefault(term, len(vocabulary)))
                if len(ids) > len(vocabulary):
                    vocabulary.append(term)
                lengths[i] += 1
        starts = np.searchsorted(own.documents, np.arange(n + 1))
        # Sentences a block at a time: all at once, the lead-in's raw pairs (each sentence's
        # counts repeated for up to four readers) would peak at several times the result.
        width = max(len(vocabulary), 1)
        blocks = [
            lead_in_block(
                own, starts, first, range(low, min(low + _LEAD_IN_BLOCK, n)), credits, width
            )
            for low in range(0, n, _LEAD_IN_BLOCK)
        ]
        keys = np.concatenate([b[0] for b in blocks])
        counts = np.concatenate([b[1] for b in blocks])
        return TermCounts(keys // width, keys % width, counts, lengths, tuple(vocabulary))

    def _caption_credits(self) -> dict[int, str]:
        """The photo credit of each caption's first sentence that has one, by position."""
        credits = {}
        for i, sentence in enumerate(self.sentences):
            if sentence.number != 1 or sentence.kind is not ParagraphKind.CAPTION:
                continue
            article = self.article(sentence.article_id)
            credit = article.paragraphs[sentence.paragraph - 1].credit if article else None
            if credit:
                credits[i] = credit
        return credits

    def countries(self, article_id: str) -> set[str]:
        """The country names an article writes (folded), for questions about others: read
        from the analysis cache, or found on first use."""
        found = self._countries.get(article_id)
        if found is None:
            article = self.article(article_id)
            found = set() if article is None else self._article_countries(article)
            self._countries[article_id] = found
        return found

    @staticmethod
    def _article_countries(article: Article) -> set[str]:
        return lexicon.countries_in(
            article.headline + " " + " ".join(s.text for s in article.sentences)
        )

    def article(self, article_id: str) -> Article | None:
        """The article with this id, if loaded."""
        return self._articles_by_id.get(article_id)

    def _position_of(self, article_id: str, paragraph: int, number: int) -> int | None:
        starts = self._paragraph_starts.get(article_id)
        article = self._articles_by_id.get(article_id)
        if starts is None or article is None or not 1 <= paragraph <= len(starts):
            return None
        if not 1 <= number <= len(article.paragraphs[paragraph - 1].sentences):
            return None
        return starts[paragraph - 1] + number - 1

    def sentence(self, citation_id: str) -> Sentence | None:
        """The sentence with this citation id (``article:p3s2``), if any; the short form
        ``p3s2`` names a sentence when a single article is loaded."""
        parts = _CITATION.fullmatch(citation_id.strip())
        if parts is None:
            return None
        article_id = parts[1]
        if article_id is None:
            if len(self.articles) != 1:
                return None
            article_id = self.articles[0].id
        position = self._position_of(article_id, int(parts[2]), int(parts[3]))
        return self.sentences[position] if position is not None else None

    def neighbours(self, sentence: Sentence) -> tuple[Sentence | None, Sentence | None]:
        """The sentences just before and after ``sentence`` in its article."""
        i = self._position_of(sentence.article_id, sentence.paragraph, sentence.number)
        if i is None or self.sentences[i] != sentence:
            raise KeyError(sentence.citation_id)
        before = self.sentences[i - 1] if i > 0 else None
        after = self.sentences[i + 1] if i + 1 < len(self.sentences) else None
        if before is not None and before.article_id != sentence.article_id:
            before = None
        if after is not None and after.article_id != sentence.article_id:
            after = None
        return before, after


def _is_known(index: BM25Index, word: str) -> bool:
    """Whether every term of ``word`` is one ``index`` holds."""
    if word.isalpha():  # one plain word: its terms are cached, no need to re-tokenise
        terms = word_terms(word)
        return bool(terms) and all(term in index for term in terms)
    tokens = base_tokens(word)
    return bool(tokens) and all(t.term in index for t in tokens)
