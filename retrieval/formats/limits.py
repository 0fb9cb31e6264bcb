"""What a converted source must hold to count as an article, and the error when it does not."""

from __future__ import annotations

from retrieval.errors import RetrievalError
from retrieval.formats.document import Document
from retrieval.text import split_sentences

# A news brief has a few sentences; a page of links, a login form or a cookie wall has fewer.
MIN_ARTICLE_SENTENCES = 3
MIN_ARTICLE_CHARACTERS = 250


class NotAnArticleError(RetrievalError):
    """A source converted cleanly but holds no article text to quote."""


def require_article_text(document: Document, what: str) -> None:
    """Raise NotAnArticleError unless ``document`` has a few sentences of paragraph text."""
    text = document.sentence_text
    sentences = len(split_sentences(text))
    if len(text) < MIN_ARTICLE_CHARACTERS or sentences < MIN_ARTICLE_SENTENCES:
        raise NotAnArticleError(
            f"{what} has no article text ({sentences} sentence(s), {len(text)} characters of "
            f"prose; an article needs at least {MIN_ARTICLE_SENTENCES} sentences and "
            f"{MIN_ARTICLE_CHARACTERS} characters)"
        )
