"""The answering core: articles in, exact cited passages out. Knows nothing of Discord."""

from retrieval.analysis import Analyzer
from retrieval.answer import DEFAULT_TOP_K, MAX_TOP_K, Answer, Answerer, Policy
from retrieval.article import Article, ArticleMeta, Paragraph, ParagraphKind, Sentence, load_article
from retrieval.corpus import Corpus, IndexSettings
from retrieval.errors import (
    ArticleError,
    EmptyIndexError,
    RetrievalError,
    SeedsFolderError,
    SynonymsError,
)
from retrieval.index import BM25Index, BM25Parameters
from retrieval.loading import load_corpus
from retrieval.passages import Passage
from retrieval.text import Span

__all__ = [
    "DEFAULT_TOP_K",
    "MAX_TOP_K",
    "Analyzer",
    "Answer",
    "Answerer",
    "Article",
    "ArticleError",
    "ArticleMeta",
    "BM25Index",
    "BM25Parameters",
    "Corpus",
    "EmptyIndexError",
    "IndexSettings",
    "Paragraph",
    "ParagraphKind",
    "Passage",
    "Policy",
    "RetrievalError",
    "SeedsFolderError",
    "Sentence",
    "Span",
    "SynonymsError",
    "load_article",
    "load_corpus",
]
