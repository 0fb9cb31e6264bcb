"""PDF documents: the text layer by pypdf, page by page, without running headers and numbers."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import replace
from typing import Any

from retrieval.article import BlockRole
from retrieval.formats.document import Document
from retrieval.formats.limits import NotAnArticleError, require_article_text

PDF_MAGIC = b"%PDF-"
_PAGE_NUMBER = re.compile(
    r"(?:page\s+)?\d{1,5}(?:\s*(?:of|/)\s*\d{1,5})?|[-–—]\s*\d{1,5}\s*[-–—]", re.IGNORECASE
)
_ENDS_SENTENCE = re.compile(r"""[.!?:;]["'”’)\]]*$""")
_HEADING_MAX_CHARS = 120
# A line shorter than this share of the page's longest line can end a paragraph.
_SHORT_LINE = 0.8
# How many lines at a page's top and bottom can be a running header or footer.
_EDGE_LINES = 2
_PLACEHOLDER_TITLES = re.compile(
    r"^(?:untitled|microsoft word\b|document\d*$|\S+\.(?:docx?|odt)$)", re.IGNORECASE
)


def _lines(page_text: str) -> list[str]:
    return [" ".join(line.split()) for line in page_text.split("\n")]


def _edge_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.casefold())


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines (digits aside) at the top or bottom of at least half the pages: headers, footers."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        text = [line for line in lines if line]
        counts.update({_edge_key(line) for line in text[:_EDGE_LINES] + text[-_EDGE_LINES:]})
    needed = max(2, (len(pages) + 1) // 2)
    return {key for key, count in counts.items() if count >= needed}


def _join(lines: list[str]) -> str:
    """One paragraph from its wrapped lines; a line-end hyphen before a lower-case word joins."""
    text = ""
    for line in lines:
        if text.endswith("-") and line[:1].islower() and text[-2:-1].isalpha():
            text += line
        else:
            text = f"{text} {line}" if text else line
    return text


def _groups(lines: list[str]) -> list[str]:
    """Paragraphs of a page: lines between blank lines, split again where a line ends a
    sentence well short of the page's full width (many PDFs space paragraphs too little for a
    blank line), and where a short unpunctuated line (a heading) stands before a new one."""
    width = max((len(line) for line in lines), default=0)
    groups: list[list[str]] = [[]]
    for index, line in enumerate(lines):
        if not line:
            if groups[-1]:
                groups.append([])
            continue
        following = next((n for n in lines[index + 1 :] if n), "")
        starts_next = following[:1].isupper() or following[:1].isdigit() or following[:1] in '"“‘('
        short = len(line) < _SHORT_LINE * width
        if groups[-1] and _is_heading(line) and short and starts_next:
            groups.append([])  # a heading after a paragraph's last line
        groups[-1].append(line)
        ends = _ENDS_SENTENCE.search(line) is not None
        if short and starts_next and (ends or (_is_heading(line) and len(groups[-1]) == 1)):
            groups.append([])
    return [_join(group) for group in groups if group]


def _is_heading(text: str) -> bool:
    return len(text) <= _HEADING_MAX_CHARS and not _ENDS_SENTENCE.search(text)


def _meta_value(metadata: Any, key: str) -> str:
    try:
        value = metadata.get(key) if metadata is not None else None
    except Exception:  # a damaged info dictionary only loses its metadata
        return ""
    return " ".join(str(value).split()) if value else ""


def pdf_document(raw: bytes) -> Document:
    """The article in a PDF's text layer; raises NotAnArticleError when there is none to read."""
    if not raw.startswith(PDF_MAGIC):
        raise NotAnArticleError("the file is not a PDF (it does not start with %PDF-)")
    import pypdf  # imported only when a PDF is converted
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotAnArticleError("the PDF is encrypted with a password")
        page_texts = [page.extract_text(extraction_mode="layout") for page in reader.pages]
        metadata = reader.metadata
    except NotAnArticleError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise NotAnArticleError(f"the PDF cannot be read ({error})") from None
    pages = [_lines(text) for text in page_texts]
    if not any(line for lines in pages for line in lines):
        raise NotAnArticleError("the PDF has no text layer (a scan?); run it through OCR first")
    running = _running_lines(pages)
    document = Document()
    title = _meta_value(metadata, "/Title")
    if _PLACEHOLDER_TITLES.search(title):
        title = ""
    for number, lines in enumerate(pages, start=1):
        kept = [
            line
            if line and _edge_key(line) not in running and not _PAGE_NUMBER.fullmatch(line)
            else ""
            for line in lines
        ]
        for index, text in enumerate(_groups(kept)):
            previous = document.blocks[-1] if document.blocks else None
            if (
                index == 0
                and previous is not None
                and previous.role is not BlockRole.HEADLINE
                and not _ENDS_SENTENCE.search(previous.text)
                and text[:1].islower()
            ):
                # A paragraph carried over from the page before (its lines there can look like
                # a heading): one paragraph, on the page where it starts.
                document.blocks[-1] = replace(
                    previous, role=BlockRole.PARAGRAPH, text=_join([previous.text, text])
                )
                continue
            if not document.blocks and (_is_heading(text) or text == title):
                # A title line opens the document; a PDF that starts straight with a paragraph
                # keeps it quotable and takes its headline from the metadata (or file name).
                document.add(BlockRole.HEADLINE, text, number)
                title = title or text
                continue
            role = BlockRole.PARAGRAPH
            if _is_heading(text):
                seen = any(b.role is BlockRole.PARAGRAPH for b in document.blocks)
                role = BlockRole.HEADING if seen else BlockRole.SUBHEADLINE
            document.add(role, text, number)
    if title:
        document.meta["title"] = title[:300]
    author = _meta_value(metadata, "/Author")
    if author:
        document.meta["author"] = author[:200]
    created = re.match(r"D:(\d{4})(\d{2})(\d{2})", _meta_value(metadata, "/CreationDate"))
    if created:
        document.meta["date"] = "-".join(created.groups())
    require_article_text(document, "the PDF")
    return document
