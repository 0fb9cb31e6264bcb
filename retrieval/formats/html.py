"""HTML pages: the article's main text and metadata, found by trafilatura (no boilerplate)."""

from __future__ import annotations

from typing import Any

from retrieval.article import BlockRole
from retrieval.formats.document import Document
from retrieval.formats.limits import NotAnArticleError, require_article_text

# The body elements trafilatura keeps that a reader sees as prose.
_PROSE = frozenset({"p", "quote"})


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def html_document(raw: bytes, url: str | None = None) -> Document:
    """The article in an HTML page; raises NotAnArticleError when the page holds none."""
    import trafilatura  # about 0.1 s to import: only when a page is converted

    extracted: Any = trafilatura.bare_extraction(
        raw,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
    )
    body = getattr(extracted, "body", None)
    if extracted is None or body is None:
        raise NotAnArticleError("the page has no article text (only navigation or boilerplate)")
    title = " ".join((extracted.title or "").split())
    document = Document()
    for key, value in (
        ("title", title),
        ("source", extracted.sitename),
        ("author", extracted.author),
        ("date", extracted.date),
        ("url", extracted.url or url),
    ):
        if value:
            document.meta[key] = str(value)
    if title:
        document.add(BlockRole.HEADLINE, title)
    for element in body:
        tag = element.tag
        if tag == "head":
            text = _text(element)
            if text == title:
                continue
            seen = any(b.role is BlockRole.PARAGRAPH for b in document.blocks)
            document.add(BlockRole.HEADING if seen else BlockRole.SUBHEADLINE, text)
        elif tag in _PROSE:
            document.add(BlockRole.PARAGRAPH, _text(element))
        elif tag == "list":
            for item in element.iter("item"):
                document.add(BlockRole.PARAGRAPH, _text(item))
    require_article_text(document, "the page")
    return document
