"""The answering core: articles in, exact cited passages out. Knows nothing of Discord."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.analysis import Analyzer
    from retrieval.answer import Answer, Answerer, Policy
    from retrieval.article import (
        Article,
        ArticleMeta,
        Paragraph,
        ParagraphKind,
        Sentence,
        load_article,
    )
    from retrieval.corpus import Corpus, IndexSettings
    from retrieval.errors import (
        ArticleError,
        EmptyIndexError,
        RetrievalError,
        SeedsFolderError,
        SynonymsError,
    )
    from retrieval.index import BM25Index, BM25Parameters
    from retrieval.limits import DEFAULT_TOP_K, MAX_TOP_K
    from retrieval.loading import load_corpus
    from retrieval.passages import Passage
    from retrieval.text import Span

# Each name is imported on first use, not with the package: `import retrieval.semantic` then
# costs that module alone, so the command line can start loading the embedding model (in a
# thread) before the answer path's modules are imported.
_HOMES = {
    "Analyzer": "analysis",
    "DEFAULT_TOP_K": "limits",
    "MAX_TOP_K": "limits",
    "Answer": "answer",
    "Answerer": "answer",
    "Policy": "answer",
    "Article": "article",
    "ArticleMeta": "article",
    "Paragraph": "article",
    "ParagraphKind": "article",
    "Sentence": "article",
    "load_article": "article",
    "Corpus": "corpus",
    "IndexSettings": "corpus",
    "ArticleError": "errors",
    "EmptyIndexError": "errors",
    "RetrievalError": "errors",
    "SeedsFolderError": "errors",
    "SynonymsError": "errors",
    "BM25Index": "index",
    "BM25Parameters": "index",
    "load_corpus": "loading",
    "Passage": "passages",
    "Span": "text",
}

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


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'retrieval' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"retrieval.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
