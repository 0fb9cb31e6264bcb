"""Articles as quotable structure: metadata, headline, paragraphs, sentences with citations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from retrieval.errors import ArticleError
from retrieval.text import Span, split_sentences

FRONT_MATTER_FENCE = "---"
MAX_ARTICLE_BYTES = 5_000_000
_SUBHEADLINE_MAX_CHARS = 120
_HEADLINE_MAX_CHARS = 200
_ENDS_A_SENTENCE = re.compile(r"""[.!?]["'”’)\]]*$""")
_CREDIT = re.compile(
    r"(?:\b(?:Photo|Photograph|Image|Picture|Video)s?\s*(?:by|=|:|courtesy of)\s*[^\n.]*"
    r"|\(\s*(?:Photo|Image)[^)]*\))\s*$",
    re.IGNORECASE,
)
FOOTER = re.compile(r"^\s*(?:©|\(c\)|copyright\b)|all rights reserved", re.IGNORECASE)
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
# How much of a paragraph's end can hold a photo credit ("Photo by Some Agency").
_CREDIT_TAIL = 300


class ArticleMeta(BaseModel):
    """What an admin writes in an article's front matter; every field is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=1, max_length=300)
    source: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=500)
    date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    author: str | None = Field(default=None, min_length=1, max_length=200)
    # Set by `article-bot add`: the file it was made from, kept beside it (originals/...).
    original: str | None = Field(default=None, min_length=1, max_length=300)


class ParagraphKind(StrEnum):
    """What part of the article a quotable paragraph is."""

    BODY = "body"
    CAPTION = "caption"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One quotable sentence: its exact source text and where it stands in the article."""

    article_id: str
    paragraph: int
    number: int
    start: int
    end: int
    text: str
    kind: ParagraphKind
    page: int | None = None

    @property
    def citation_id(self) -> str:
        """A stable id a reader can look up: ``article:p3s2``."""
        return f"{self.article_id}:p{self.paragraph}s{self.number}"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A numbered body paragraph or photo caption with its sentences."""

    number: int
    kind: ParagraphKind
    start: int
    end: int
    sentences: tuple[Sentence, ...]
    credit: str | None = None
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A heading inside the article and the number of the first paragraph under it."""

    heading: str
    first_paragraph: int


@dataclass(frozen=True, slots=True)
class Article:
    """A loaded article: ``text`` is the article as published; offsets point into it."""

    id: str
    path: Path
    meta: ArticleMeta
    text: str
    headline: str
    subheadlines: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    footer: str | None
    sections: tuple[Section, ...] = ()

    @property
    def title(self) -> str:
        """The admin's title, or the headline, or (text with neither) the file's name in words."""
        return self.meta.title or self.headline or title_from_file_name(self.path)

    @property
    def source(self) -> str | None:
        """The publisher: from the metadata, else read off the copyright footer."""
        if self.meta.source:
            return self.meta.source
        return self.footer

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """Every quotable sentence in reading order."""
        return tuple(s for p in self.paragraphs for s in p.sentences)


def title_from_file_name(path: Path) -> str:
    """A title for an article with no headline: "coalition-of-will.txt" reads "coalition of
    will" (its first sentence would make every citation a paragraph long)."""
    return re.sub(r"[\s_-]+", " ", path.stem).strip() or article_id_for(path)


def article_id_for(path: Path) -> str:
    """The citation id of the article stored at ``path``: its file name as a slug."""
    slug = _SLUG_CHARS.sub("-", path.stem.casefold()).strip("-")
    return slug or "article"


def decode_text(path: Path, raw: bytes) -> str:
    """The file's text as UTF-8 with Unix line ends, or an ArticleError saying why not."""
    if not raw.strip():
        raise ArticleError(path, "the file is empty")
    if len(raw) > MAX_ARTICLE_BYTES:
        raise ArticleError(path, f"the file is larger than {MAX_ARTICLE_BYTES:,} bytes")
    if b"\x00" in raw:
        raise ArticleError(path, "the file is binary, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ArticleError(
            path, f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8", line
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(path: Path, text: str) -> tuple[ArticleMeta, str, int]:
    """Return the metadata, the article text after the front matter, and its first line number."""
    lines = text.split("\n")
    if lines[0].strip() != FRONT_MATTER_FENCE:
        return ArticleMeta(), text, 1
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == FRONT_MATTER_FENCE:
            try:
                meta = ArticleMeta.model_validate(fields)
            except ValidationError as error:
                problem = "; ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
                )
                raise ArticleError(path, f"bad front matter: {problem}") from None
            return meta, "\n".join(lines[number:]), number + 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip().isidentifier():
            raise ArticleError(path, "front matter lines must read 'key: value'", number)
        fields[key.strip().casefold()] = value.strip()
    raise ArticleError(path, f"front matter opened with '{FRONT_MATTER_FENCE}' is never closed", 1)


def is_wrapped(text: str) -> bool:
    """True when paragraphs are blank-line separated blocks of wrapped lines: some text line is
    followed by a blank line and more text, and some text line directly by another. One pass
    over the lines (a regex search for the same thing retried from every character of a long
    line: quadratic in paragraph length)."""
    blank_between = consecutive = False
    previous_text = seen_text = blank_since_text = False
    for line in text.split("\n"):
        if line.strip():
            consecutive = consecutive or previous_text
            blank_between = blank_between or (seen_text and blank_since_text)
            seen_text = previous_text = True
            blank_since_text = False
        else:
            previous_text = False
            blank_since_text = blank_since_text or seen_text
        if blank_between and consecutive:
            return True
    return False


def _blocks(text: str) -> list[Span]:
    """Paragraph spans: one per line, or per blank-line-separated block when lines are wrapped."""
    wrapped = is_wrapped(text)
    pattern = r"\S(?:.|\n(?![^\S\n]*\n))*" if wrapped else r"\S[^\n]*"
    spans: list[Span] = []
    for match in re.finditer(pattern, text):
        chunk = match.group(0).rstrip()
        spans.append(Span(match.start(), match.start() + len(chunk)))
    return spans


def _is_subheadline(chunk: str) -> bool:
    return len(chunk) <= _SUBHEADLINE_MAX_CHARS and not re.search(r"""[.!?:;,]["'”’)]*$""", chunk)


def reads_as_headline(chunk: str) -> bool:
    """Whether an article's first block can be its headline: one short line, not prose. Text
    pasted without a title (as encyclopedia extracts and many archives are) opens with its
    first paragraph, whose sentences must stay quotable: a block over 200 characters, or one
    that ends like a sentence after more than 120 characters or more than one sentence, is a
    paragraph. "Is Europe ready? Leaders meet in Paris" stays a headline."""
    if len(chunk) > _HEADLINE_MAX_CHARS:
        return False
    if not _ENDS_A_SENTENCE.search(chunk):
        return True
    return len(chunk) <= _SUBHEADLINE_MAX_CHARS and len(split_sentences(chunk)) < 2


class BlockRole(StrEnum):
    """What a block of an article's text is, before paragraphs are numbered."""

    HEADLINE = "headline"
    SUBHEADLINE = "subheadline"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"  # a photo's caption where the format marks one (an HTML figcaption)
    FOOTER = "footer"


@dataclass(frozen=True, slots=True)
class Block:
    """A span of the article's text with its role and, for paged sources, its page."""

    start: int
    end: int
    role: BlockRole
    page: int | None = None


def _plain_text_blocks(text: str) -> list[Block]:
    """Roles for a plain-text article: the headline first (when the first block reads as one),
    short unpunctuated lines after it are sub-headlines, a copyright line last is the footer,
    everything else a paragraph."""
    spans = _blocks(text)
    roles = [BlockRole.PARAGRAPH] * len(spans)
    if len(spans) > 1 and FOOTER.search(text[spans[-1].start : spans[-1].end]):
        roles[-1] = BlockRole.FOOTER
    if spans and reads_as_headline(text[spans[0].start : spans[0].end]):
        roles[0] = BlockRole.HEADLINE
    body = [i for i, role in enumerate(roles) if role is BlockRole.PARAGRAPH]
    # The last body block always stays a paragraph: an article needs one to quote.
    for i in body[:-1]:
        if not _is_subheadline(text[spans[i].start : spans[i].end]):
            break
        roles[i] = BlockRole.SUBHEADLINE
    return [Block(span.start, span.end, role) for span, role in zip(spans, roles, strict=True)]


def _credit(chunk: str) -> re.Match[str] | None:
    """The photo credit closing ``chunk``, if any. A credit closes its caption, so only the
    paragraph's tail is searched (constant time), and unless the chunk ends with ")" (the
    "(Photo ...)" form) only what follows its last period: the other form holds none. Most
    paragraphs end with one, and the search then reads nothing (it was a third of reading a
    plain-text library: 0.33 s at 100k sentences)."""
    start = max(0, len(chunk) - _CREDIT_TAIL)
    if not chunk.rstrip().endswith(")"):
        start = max(start, chunk.rfind(".", start) + 1)
    return _CREDIT.search(chunk, start)


def parse_article(path: Path, raw: bytes) -> Article:
    """Build an Article from a plain-text file's bytes, or raise ArticleError naming the file."""
    meta, text, _first_line = split_front_matter(path, decode_text(path, raw))
    return build_article(path, meta, text, _plain_text_blocks(text))


def build_article(path: Path, meta: ArticleMeta, text: str, blocks: Sequence[Block]) -> Article:
    """Number the paragraphs and split the sentences of ``text`` laid out as ``blocks``."""
    if not blocks:
        raise ArticleError(path, "the article has no text after its front matter")
    headline = next((text[b.start : b.end] for b in blocks if b.role is BlockRole.HEADLINE), "")
    subheadlines = tuple(text[b.start : b.end] for b in blocks if b.role is BlockRole.SUBHEADLINE)
    footers = [text[b.start : b.end] for b in blocks if b.role is BlockRole.FOOTER]
    article_id = article_id_for(path)
    paragraphs: list[Paragraph] = []
    sections: list[Section] = []
    for block in blocks:
        if block.role is BlockRole.HEADING:
            sections.append(Section(text[block.start : block.end], len(paragraphs) + 1))
        if block.role not in (BlockRole.PARAGRAPH, BlockRole.CAPTION):
            continue
        number = len(paragraphs) + 1
        chunk = text[block.start : block.end]
        credit_match = _credit(chunk)
        kind = ParagraphKind.CAPTION if block.role is BlockRole.CAPTION else ParagraphKind.BODY
        end = block.end
        credit: str | None = None
        if credit_match is not None and credit_match.start() > 0:
            kind = ParagraphKind.CAPTION
            credit = credit_match.group(0).strip()
            end = block.start + len(chunk[: credit_match.start()].rstrip())
        sentences = tuple(
            Sentence(
                article_id,
                number,
                index,
                span.start,
                span.end,
                text[span.start : span.end],
                kind,
                block.page,
            )
            for index, span in enumerate(split_sentences(text, block.start, end), start=1)
        )
        paragraphs.append(
            Paragraph(number, kind, block.start, block.end, sentences, credit, block.page)
        )
    if not paragraphs:
        raise ArticleError(path, "the article has a headline but no paragraph to quote")
    return Article(
        id=article_id,
        path=path,
        meta=meta,
        text=text,
        headline=headline,
        subheadlines=subheadlines,
        paragraphs=tuple(paragraphs),
        footer=footers[-1] if footers else None,
        sections=tuple(s for s in sections if s.first_paragraph <= len(paragraphs)),
    )


def load_article(path: Path) -> Article:
    """Read and parse one article file; every failure is an ArticleError naming the file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ArticleError(path, f"cannot read the file ({error.strerror or error})") from None
    return parse_article(path, raw)
