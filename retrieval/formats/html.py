"""HTML pages: the article's main text and metadata, found by trafilatura (no boilerplate)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from retrieval.article import BlockRole
from retrieval.formats.document import Document
from retrieval.formats.limits import NotAnArticleError, require_article_text

# The body elements trafilatura keeps that a reader sees as prose.
_PROSE = frozenset({"p", "quote"})


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _figure_captions(raw: bytes, url: str | None) -> dict[str, str]:
    """Each <figure>'s <figcaption>, by the address of its image: trafilatura keeps the
    article's own images but not their captions."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(raw)
    except (ValueError, lxml.etree.ParserError):
        return {}
    captions: dict[str, str] = {}
    for figure in tree.iter("figure"):
        caption = figure.find(".//figcaption")
        image = figure.find(".//img")
        if caption is not None and image is not None and image.get("src"):
            captions[urljoin(url or "", image.get("src") or "")] = _text(caption)
    return captions


def _safe_source(source: str) -> str:
    """An image address that cannot break out of Markdown's (...)."""
    return "".join(ch for ch in source if not ch.isspace() and ch not in "()<>") or "image"


def html_document(raw: bytes, url: str | None = None) -> Document:
    """The article in an HTML page; raises NotAnArticleError when the page holds none."""
    import trafilatura  # about 0.1 s to import: only when a page is converted

    extracted: Any = trafilatura.bare_extraction(
        raw,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=True,
        favor_precision=True,
    )
    body = getattr(extracted, "body", None)
    if extracted is None or body is None:
        raise NotAnArticleError("the page has no article text (only navigation or boilerplate)")
    title = " ".join((extracted.title or "").split())
    if not title:  # no <title> and no metadata: the page's first heading, if it has one
        first_head = next((e for e in body if e.tag == "head"), None)
        title = _text(first_head) if first_head is not None else ""
    captions = _figure_captions(raw, url)
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
        elif tag == "graphic":
            source = element.get("src") or ""
            # trafilatura makes addresses absolute when it knows the page's URL.
            caption = captions.get(urljoin(url or "", source))
            if caption:
                document.add(BlockRole.CAPTION, caption, source=_safe_source(source))
    require_article_text(document, "the page")
    return document
