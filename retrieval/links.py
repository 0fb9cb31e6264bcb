"""Links back to where a quoted sentence was published: the page, the PDF page, the words."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from retrieval.article import Article, Sentence

# Words at each end of a text fragment: enough to be unique on a page, short enough to
# survive small differences in white space or punctuation between the page and the text.
_FRAGMENT_WORDS = 4


def _fragment_part(words: list[str]) -> str:
    # Text fragments reserve "-", "," and "&" as syntax: they must be percent-encoded.
    return quote(" ".join(words), safe="").replace("-", "%2D")


def text_fragment(text: str) -> str:
    """A ``:~:text=`` directive that makes a browser scroll to and highlight ``text``."""
    words = text.split()
    if len(words) <= 2 * _FRAGMENT_WORDS:
        return ":~:text=" + _fragment_part(words)
    start, end = words[:_FRAGMENT_WORDS], words[-_FRAGMENT_WORDS:]
    return f":~:text={_fragment_part(start)},{_fragment_part(end)}"


def is_pdf(article: Article) -> bool:
    """True when the article was read from a PDF (its paragraphs know their pages)."""
    return any(p.page is not None for p in article.paragraphs)


def citation_link(article: Article | None, sentence: Sentence) -> str | None:
    """Where a reader checks ``sentence``: the article's URL, at its page for a PDF, with a text
    fragment for a web page; None when the article has no URL. A site's home page (no path)
    is not the article, so it gets no fragment."""
    if article is None or not article.meta.url:
        return None
    parts = urlsplit(article.meta.url)
    if sentence.page is not None and is_pdf(article):
        return urlunsplit(parts._replace(fragment=f"page={sentence.page}"))
    if parts.path in ("", "/"):
        return article.meta.url
    return urlunsplit(parts._replace(fragment=text_fragment(sentence.text)))
