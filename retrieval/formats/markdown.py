"""Markdown articles: headings give the structure, paragraphs and list items are quoted."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from retrieval.article import (
    FOOTER,
    Article,
    ArticleMeta,
    Block,
    BlockRole,
    build_article,
    decode_text,
    reads_as_headline,
    split_front_matter,
)
from retrieval.formats.document import PAGE_MARKER

_PARSER = MarkdownIt("commonmark")
# Inline tokens whose text is not part of what a reader sees as the sentence.
_SKIPPED_INLINE = frozenset({"image", "html_inline"})


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in _SKIPPED_INLINE:
            continue
    return " ".join("".join(parts).split())


def _lone_image_text(token: Token) -> str:
    """The words of an image standing alone as a paragraph (``![caption](photo.jpg)``): a
    photo's caption; empty for anything else."""
    children = [c for c in token.children or () if not (c.type == "text" and not c.content.strip())]
    if len(children) != 1 or children[0].type != "image":
        return ""
    return _inline_text(children[0])  # the alt text as shown, its escapes read


def render_markdown(body: str, has_title: bool = False) -> tuple[str, list[Block]]:
    """The article text Markdown ``body`` shows a reader (one block a line) and its blocks.
    Without a ``#`` headline the first block is the headline, as in a plain-text article,
    unless the front matter gives a title (``has_title``)."""
    tokens = _PARSER.parse(body)
    lines: list[str] = []
    roles: list[BlockRole] = []
    pages: list[int | None] = []
    page: int | None = None
    heading_level = 0
    for token in tokens:
        if token.type == "html_block":
            marker = PAGE_MARKER.search(token.content)
            if marker is not None:
                page = int(marker.group(1))
            continue
        if token.type == "heading_open":
            heading_level = int(token.tag[1:])
            continue
        if token.type == "heading_close":
            heading_level = 0
            continue
        if token.type != "inline":
            continue
        text = _inline_text(token)
        caption = _lone_image_text(token)
        if caption:
            text = caption
        if not text:
            continue
        seen_paragraph = BlockRole.PARAGRAPH in roles
        if heading_level == 1 and not roles:
            role = BlockRole.HEADLINE
        elif heading_level:
            role = BlockRole.HEADING if seen_paragraph else BlockRole.SUBHEADLINE
        else:
            role = BlockRole.CAPTION if caption else BlockRole.PARAGRAPH
        lines.append(text)
        roles.append(role)
        pages.append(page)
    if roles and BlockRole.HEADLINE not in roles and not has_title and reads_as_headline(lines[0]):
        roles[0] = BlockRole.HEADLINE
        # Headings before the first paragraph are sub-headlines, whoever the headline is.
    paragraphs = [i for i, role in enumerate(roles) if role is BlockRole.PARAGRAPH]
    if len(paragraphs) > 1 and FOOTER.search(lines[paragraphs[-1]]):
        roles[paragraphs[-1]] = BlockRole.FOOTER
    text = "\n".join(lines)
    blocks: list[Block] = []
    offset = 0
    for line, role, line_page in zip(lines, roles, pages, strict=True):
        blocks.append(Block(offset, offset + len(line), role, line_page))
        offset += len(line) + 1
    return text, blocks


def markdown_article(path: Path, raw: bytes) -> Article:
    """Build an Article from a Markdown file's bytes; the quoted text is what Markdown shows."""
    meta, body, _first_line = split_front_matter(path, decode_text(path, raw))
    return article_from_markdown(path, meta, body)


def article_from_markdown(path: Path, meta: ArticleMeta, body: str) -> Article:
    """An Article from Markdown text already out of its file."""
    text, blocks = render_markdown(body, has_title=meta.title is not None)
    return build_article(path, meta, text, blocks)
