"""The searchable corpus: the loaded articles, their analyzer, speller and BM25 indexes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.analysis import Analyzer, Token, base_tokens, stem, words
from retrieval.article import Article, Sentence, load_article
from retrieval.errors import ArticleError, SeedsFolderError
from retrieval.index import BM25Index, BM25Parameters
from retrieval.synonyms import SYNONYMS_FILE_NAME, SynonymRule, load_synonyms
from retrieval.topics import article_topics
from retrieval.typos import Speller

ARTICLE_SUFFIX = ".txt"
_TOKEN_CACHE_SIZE = 20_000


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
    ) -> None:
        self.settings = settings or IndexSettings()
        self.articles: tuple[Article, ...] = tuple(articles)
        self._articles_by_id = {a.id: a for a in self.articles}
        self.analyzer = Analyzer(rules)
        self.sentences: tuple[Sentence, ...] = tuple(s for a in self.articles for s in a.sentences)
        self.position: dict[str, int] = {s.citation_id: i for i, s in enumerate(self.sentences)}
        documents = [self.analyzer.document(s.text) for s in self.sentences]
        own_terms = [[t.term for t in tokens] for tokens in documents]
        context_terms = [self._context(i, own_terms) for i in range(len(self.sentences))]
        self.proper_terms = _proper_terms(self.sentences, documents)
        self.own = BM25Index(own_terms, self.settings.bm25)
        self.context = BM25Index(context_terms, self.settings.bm25) if any(context_terms) else None
        frequencies: Counter[str] = Counter()
        for sentence in self.sentences:
            frequencies.update({w.folded for w in words(sentence.text)})
        self.speller = Speller(
            frequencies,
            self._is_known,
            self.analyzer.rule_words,
            is_name=lambda word: stem(word) in self.proper_terms,
        )
        self.topics: dict[str, tuple[str, ...]] = {a.id: article_topics(a) for a in self.articles}
        self.topic_terms: dict[str, frozenset[str]] = {
            topic: frozenset(t.term for t in self.analyzer.document(topic))
            for topics in self.topics.values()
            for topic in topics
        }
        self._tokens: dict[int, tuple[Token, ...]] = {}

    def tokens(self, position: int) -> tuple[Token, ...]:
        """The analysed tokens of the sentence at ``position`` (cached: answers re-read them)."""
        cached = self._tokens.get(position)
        if cached is None:
            if len(self._tokens) >= _TOKEN_CACHE_SIZE:
                self._tokens.clear()
            cached = tuple(self.analyzer.document(self.sentences[position].text))
            self._tokens[position] = cached
        return cached

    def _context(self, i: int, own_terms: Sequence[Sequence[str]]) -> list[str]:
        """Terms a sentence's reader has in mind: earlier sentences of its paragraph (or the
        last one of the paragraph before), and a caption's photo credit."""
        sentence = self.sentences[i]
        context: list[str] = []
        first = i
        while (
            first > 0
            and i - first < self.settings.context_sentences
            and self.sentences[first - 1].article_id == sentence.article_id
            and self.sentences[first - 1].paragraph == sentence.paragraph
        ):
            first -= 1
        if first == i and i > 0 and self.sentences[i - 1].article_id == sentence.article_id:
            first = i - 1
        for j in range(first, i):
            context.extend(own_terms[j])
        if sentence.number == 1:
            article = self.article(sentence.article_id)
            credit = article.paragraphs[sentence.paragraph - 1].credit if article else None
            if credit:
                context.extend(t.term for t in self.analyzer.document(credit))
        return context

    def _is_known(self, word: str) -> bool:
        tokens = base_tokens(word)
        return bool(tokens) and all(t.term in self.own for t in tokens)

    def article(self, article_id: str) -> Article | None:
        """The article with this id, if loaded."""
        return self._articles_by_id.get(article_id)

    def sentence(self, citation_id: str) -> Sentence | None:
        """The sentence with this citation id (``article:p3s2``), if any."""
        position = self.position.get(citation_id.strip())
        return self.sentences[position] if position is not None else None

    def neighbours(self, sentence: Sentence) -> tuple[Sentence | None, Sentence | None]:
        """The sentences just before and after ``sentence`` in its article."""
        i = self.position[sentence.citation_id]
        before = self.sentences[i - 1] if i > 0 else None
        after = self.sentences[i + 1] if i + 1 < len(self.sentences) else None
        if before is not None and before.article_id != sentence.article_id:
            before = None
        if after is not None and after.article_id != sentence.article_id:
            after = None
        return before, after


def _proper_terms(
    sentences: Sequence[Sentence], documents: Sequence[Sequence[Token]]
) -> frozenset[str]:
    """Terms written with a capital letter inside sentences most of the time: names."""
    capitalised: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    initial: set[str] = set()
    for sentence, tokens in zip(sentences, documents, strict=True):
        for token in tokens:
            if token.start == 0:
                # A sentence's first word is capitalised whatever it is: it counts only when
                # the term never appears anywhere else.
                initial.add(token.term)
                continue
            seen[token.term] += 1
            capitalised[token.term] += sentence.text[token.start].isupper()
    names = {t for t, n in seen.items() if capitalised[t] * 2 >= n}
    return frozenset(names | {t for t in initial if seen[t] == 0})


def article_paths(folder: Path) -> list[Path]:
    """The article files of a seeds folder, in name order."""
    if not folder.exists():
        raise SeedsFolderError(folder, "the seeds folder does not exist")
    if not folder.is_dir():
        raise SeedsFolderError(folder, "the seeds path is not a folder")
    try:
        paths = sorted(
            p
            for p in folder.iterdir()
            if p.suffix == ARTICLE_SUFFIX
            and p.name != SYNONYMS_FILE_NAME
            and not p.name.startswith(".")
        )
    except OSError as error:
        raise SeedsFolderError(
            folder, f"cannot list the folder ({error.strerror or error})"
        ) from None
    if not paths:
        raise SeedsFolderError(folder, f"the folder holds no article (*{ARTICLE_SUFFIX})")
    return paths


def load_corpus(folder: Path, settings: IndexSettings | None = None) -> Corpus:
    """Load every article and the synonyms of a seeds folder; any bad file stops the load."""
    articles = [load_article(path) for path in article_paths(folder)]
    seen: dict[str, Path] = {}
    for article in articles:
        if article.id in seen:
            raise ArticleError(
                article.path,
                f"its article id '{article.id}' is already used by {seen[article.id].name}",
            )
        seen[article.id] = article.path
    rules = load_synonyms(folder / SYNONYMS_FILE_NAME)
    return Corpus(articles, rules, settings)
