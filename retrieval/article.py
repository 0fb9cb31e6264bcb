"""Articles as quotable structure: metadata, headline, paragraphs, sentences with citations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from retrieval.errors import ArticleError
from retrieval.text import Span, split_sentences

FRONT_MATTER_FENCE = "---"
MAX_ARTICLE_BYTES = 5_000_000
_SUBHEADLINE_MAX_CHARS = 120
_CREDIT = re.compile(
    r"(?:\b(?:Photo|Photograph|Image|Picture|Video)s?\s*(?:by|=|:|courtesy of)\s*[^\n.]*"
    r"|\(\s*(?:Photo|Image)[^)]*\))\s*$",
    re.IGNORECASE,
)
_FOOTER = re.compile(r"^\s*(?:©|\(c\)|copyright\b)|all rights reserved", re.IGNORECASE)
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


class ArticleMeta(BaseModel):
    """What an admin writes in an article's front matter; every field is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=1, max_length=300)
    source: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=500)
    date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")


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

    @property
    def title(self) -> str:
        """The admin's title, or the headline."""
        return self.meta.title or self.headline

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


def article_id_for(path: Path) -> str:
    """The citation id of the article stored at ``path``: its file name as a slug."""
    slug = _SLUG_CHARS.sub("-", path.stem.casefold()).strip("-")
    return slug or "article"


def _decode(path: Path, raw: bytes) -> str:
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


def _split_front_matter(path: Path, text: str) -> tuple[ArticleMeta, str, int]:
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


def parse_article(path: Path, raw: bytes) -> Article:
    """Build an Article from a file's bytes, or raise ArticleError naming the file."""
    meta, text, _first_line = _split_front_matter(path, _decode(path, raw))
    blocks = _blocks(text)
    if not blocks:
        raise ArticleError(path, "the article has no text after its front matter")
    footer: str | None = None
    if len(blocks) > 1 and _FOOTER.search(text[blocks[-1].start : blocks[-1].end]):
        footer = text[blocks[-1].start : blocks[-1].end]
        blocks = blocks[:-1]
    headline = text[blocks[0].start : blocks[0].end]
    rest = blocks[1:]
    subheadlines: list[str] = []
    while rest and len(rest) > 1 and _is_subheadline(text[rest[0].start : rest[0].end]):
        subheadlines.append(text[rest[0].start : rest[0].end])
        rest = rest[1:]
    if not rest:
        raise ArticleError(path, "the article has a headline but no paragraph to quote")
    article_id = article_id_for(path)
    paragraphs: list[Paragraph] = []
    for number, block in enumerate(rest, start=1):
        chunk = text[block.start : block.end]
        credit_match = _CREDIT.search(chunk)
        kind = ParagraphKind.BODY
        end = block.end
        credit: str | None = None
        if credit_match is not None and credit_match.start() > 0:
            kind = ParagraphKind.CAPTION
            credit = credit_match.group(0).strip()
            end = block.start + len(chunk[: credit_match.start()].rstrip())
        sentences = tuple(
            Sentence(
                article_id, number, index, span.start, span.end, text[span.start : span.end], kind
            )
            for index, span in enumerate(split_sentences(text, block.start, end), start=1)
        )
        paragraphs.append(Paragraph(number, kind, block.start, block.end, sentences, credit))
    return Article(
        id=article_id,
        path=path,
        meta=meta,
        text=text,
        headline=headline,
        subheadlines=tuple(subheadlines),
        paragraphs=tuple(paragraphs),
        footer=footer,
    )


def load_article(path: Path) -> Article:
    """Read and parse one article file; every failure is an ArticleError naming the file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ArticleError(path, f"cannot read the file ({error.strerror or error})") from None
    return parse_article(path, raw)
