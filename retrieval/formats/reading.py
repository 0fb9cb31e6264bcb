"""One way in for every format: an article file, or an added source's bytes, read by its kind."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from retrieval.article import Article, ArticleMeta, load_article, parse_article
from retrieval.errors import ArticleError
from retrieval.formats.document import Document, to_markdown
from retrieval.formats.limits import NotAnArticleError

TEXT_SUFFIXES = frozenset({".txt"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
# A PDF or a saved web page carries fonts, scripts and styles around its text.
MAX_SOURCE_BYTES = 20_000_000


def source_kind(name: str, raw: bytes, content_type: str | None = None) -> str:
    """``text``, ``markdown``, ``html`` or ``pdf``: from the bytes first (a zip named .pdf is
    no PDF), then the content type, then the file name's suffix."""
    head = raw[:1024].lstrip().lower()
    if raw.startswith(b"%PDF-"):
        return "pdf"
    suffix = Path(name).suffix.casefold()
    media = (content_type or "").split(";")[0].strip().casefold()
    if suffix in PDF_SUFFIXES or media == "application/pdf":
        raise NotAnArticleError("the file is not a PDF (it does not start with %PDF-)")
    if head.startswith((b"<!doctype html", b"<html")) or media in (
        "text/html",
        "application/xhtml+xml",
    ):
        return "html"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES or media == "text/markdown":
        return "markdown"
    if suffix in TEXT_SUFFIXES or media == "text/plain" or not suffix:
        return "text"
    raise NotAnArticleError(
        f"'{suffix}' files are not supported; send .txt, .md, .html or .pdf (or a link)"
    )


def meta_from(fields: dict[str, str]) -> ArticleMeta:
    """Front matter from a converter's fields, dropping any field that does not validate."""
    kept: dict[str, str] = {}
    for key, value in fields.items():
        try:
            ArticleMeta.model_validate({key: value})
        except ValidationError:
            continue
        kept[key] = value
    return ArticleMeta.model_validate(kept)


def convert(
    name: str, raw: bytes, url: str | None = None, content_type: str | None = None
) -> Document:
    """An HTML page or PDF as a Document; raises NotAnArticleError saying why not."""
    from retrieval.formats.html import html_document
    from retrieval.formats.pdf import pdf_document

    if len(raw) > MAX_SOURCE_BYTES:
        raise NotAnArticleError(f"the file is larger than {MAX_SOURCE_BYTES:,} bytes")
    if not raw.strip():
        raise NotAnArticleError("the file is empty")
    kind = source_kind(name, raw, content_type)
    if kind == "pdf":
        document = pdf_document(raw)
    elif kind == "html":
        document = html_document(raw, url)
    else:
        raise NotAnArticleError(f"a {kind} file needs no conversion")
    if not document.meta.get("title"):
        # No title anywhere in the source: its file name, as a reader would call it.
        words = re.sub(r"[_\-.]+", " ", Path(name).stem).strip()
        document.meta["title"] = (words[:1].upper() + words[1:]) or "Untitled article"
    return document


def checked_fields(fields: dict[str, str]) -> dict[str, str]:
    """Front-matter fields as ArticleMeta accepts them (invalid ones dropped)."""
    return {k: v for k, v in meta_from(fields).model_dump().items() if v is not None}


def read_article(path: Path) -> Article:
    """Load one article file of any supported kind; every failure is an ArticleError."""
    suffix = path.suffix.casefold()
    if suffix in TEXT_SUFFIXES:
        return load_article(path)  # the common case imports no Markdown parser
    from retrieval.formats.markdown import markdown_article

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ArticleError(path, f"cannot read the file ({error.strerror or error})") from None
    if suffix in MARKDOWN_SUFFIXES:
        return markdown_article(path, raw)
    try:
        document = convert(path.name, raw)
    except NotAnArticleError as error:
        raise ArticleError(path, str(error)) from None
    return document_article(path, document)


def document_article(path: Path, document: Document) -> Article:
    """The Article a converted source reads as: exactly what its stored Markdown will load as."""
    from retrieval.formats.markdown import article_from_markdown

    return article_from_markdown(path, meta_from(document.meta), to_markdown(document, False))


def parse_text(path: Path, raw: bytes) -> Article:
    """A plain-text or Markdown article from bytes (an upload), by its name's suffix."""
    from retrieval.formats.markdown import markdown_article

    if path.suffix.casefold() in MARKDOWN_SUFFIXES:
        return markdown_article(path, raw)
    return parse_article(path, raw)
