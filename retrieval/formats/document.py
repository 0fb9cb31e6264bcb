"""What a converter makes of a source: metadata and blocks of text, written out as Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.article import FRONT_MATTER_FENCE, BlockRole

PAGE_MARKER = re.compile(r"<!--\s*page\s+(\d{1,6})\s*-->")
# Characters Markdown would read as markup anywhere in a line, and at a line's start.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>!|~])|&(?=#?\w+;)")
_LINE_START_MARKUP = re.compile(r"^(\s*)(#|>|[-+=]|\d{1,9}[.)])(?=\s|$)")


@dataclass(frozen=True, slots=True)
class DocumentBlock:
    """A heading, paragraph or footer of a converted source, with its page when paged."""

    role: BlockRole
    text: str
    page: int | None = None
    source: str | None = None  # a caption's image address


@dataclass(slots=True)
class Document:
    """A converted source: front-matter fields and its blocks in reading order."""

    meta: dict[str, str] = field(default_factory=dict)
    blocks: list[DocumentBlock] = field(default_factory=list)

    def add(
        self, role: BlockRole, text: str, page: int | None = None, source: str | None = None
    ) -> None:
        """Append a block, its white space collapsed; empty text adds nothing."""
        cleaned = " ".join(text.split())
        if cleaned:
            self.blocks.append(DocumentBlock(role, cleaned, page, source))

    @property
    def sentence_text(self) -> str:
        """Every paragraph's text, for checks that the source holds an article at all."""
        return " ".join(b.text for b in self.blocks if b.role is BlockRole.PARAGRAPH)


def escape(text: str) -> str:
    """Text that Markdown reads back as exactly ``text`` (rendering removes the escapes)."""
    escaped = _INLINE_MARKUP.sub(lambda m: "\\" + (m.group(1) or "&"), text)
    return _LINE_START_MARKUP.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), escaped)


def _escape_marker(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def _front_matter_value(value: str) -> str:
    return " ".join(value.split())


def to_markdown(document: Document, front_matter: bool = True) -> str:
    """The Markdown file an added article is kept as: front matter, ``#`` headline, ``##``
    headings, one paragraph per line, ``<!-- page N -->`` where a new page starts."""
    lines: list[str] = []
    if front_matter:
        lines.append(FRONT_MATTER_FENCE)
        for key, value in document.meta.items():
            if value.strip():
                lines.append(f"{key}: {_front_matter_value(value)}")
        lines += [FRONT_MATTER_FENCE, ""]
    page: int | None = None
    prefixes = {
        BlockRole.HEADLINE: "# ",
        BlockRole.SUBHEADLINE: "## ",
        BlockRole.HEADING: "## ",
    }
    for block in document.blocks:
        if block.page is not None and block.page != page:
            lines += [f"<!-- page {block.page} -->", ""]
            page = block.page
        if block.role is BlockRole.CAPTION:
            lines += [f"![{escape(block.text)}]({block.source or 'image'})", ""]
            continue
        lines += [prefixes.get(block.role, "") + escape(block.text), ""]
    return "\n".join(lines)
