"""An on-disk cache of a folder's read articles: unchanged files load without being split again.

Reading and splitting is most of a large library's start once the analysis is cached (1.5 s of
100k sentences). The cache is one JSON file per folder state (never pickle), keyed on every
file's name and bytes and on this package's source, so a changed, added or removed file, or a
release that reads differently, never loads a stale article. Sentence texts are stored as
offsets into their article's text where they are its exact slices, which they almost always are,
and in columns (one list a field per article, not one list a sentence): JSON then reads a few
long lists instead of 100k short ones at 100k sentences.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from operator import le
from pathlib import Path
from typing import Any

from retrieval.article import Article, ArticleMeta, Paragraph, ParagraphKind, Section, Sentence
from retrieval.cache import code_fingerprint, kept_recent, mark_used, write_atomically

FORMAT_VERSION = 2  # 2: sentences in columns, kinds as numbers
# Kinds stored as their place in ParagraphKind; read back through a dictionary, so a number
# that is no kind (a negative one too) is a KeyError, never another kind.
_KINDS = dict(enumerate(ParagraphKind))
_KIND_NUMBERS = {kind: number for number, kind in _KINDS.items()}


def folder_key(files: Sequence[tuple[str, bytes]]) -> str:
    """A key over (file name, file bytes) pairs, the format and the code."""
    digest = hashlib.sha256(f"articles {FORMAT_VERSION}\n".encode())
    digest.update(code_fingerprint())
    for name, raw in files:
        digest.update(name.encode())
        digest.update(b"\x00")
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()[:32]


def _article_row(article: Article) -> dict[str, Any]:
    sentences = article.sentences
    inexact = {
        str(i): s.text for i, s in enumerate(sentences) if article.text[s.start : s.end] != s.text
    }
    pages = [s.page for s in sentences]
    return {
        "id": article.id,
        "name": article.path.name,
        "meta": article.meta.model_dump(exclude_none=True),
        "text": article.text,
        "headline": article.headline,
        "subheadlines": list(article.subheadlines),
        "footer": article.footer,
        "sections": [[s.heading, s.first_paragraph] for s in article.sections],
        "paragraphs": [
            [
                p.number,
                _KIND_NUMBERS[p.kind],
                p.start,
                p.end,
                p.credit,
                p.page,
                len(p.sentences),
            ]
            for p in article.paragraphs
        ],
        "numbers": [s.number for s in sentences],
        "starts": [s.start for s in sentences],
        "ends": [s.end for s in sentences],
        "kinds": [_KIND_NUMBERS[s.kind] for s in sentences],
        "pages": pages if any(page is not None for page in pages) else None,
        "inexact": inexact,
    }


def _article(row: dict[str, Any], path: Path) -> Article:
    text: str = row["text"]
    article_id: str = row["id"]
    numbers: list[int] = row["numbers"]
    starts: list[int] = row["starts"]
    ends: list[int] = row["ends"]
    kinds = [_KINDS[k] for k in row["kinds"]]
    pages: list[int | None] = row["pages"] or [None] * len(numbers)
    inexact: dict[str, str] = row["inexact"]
    if not len(numbers) == len(starts) == len(ends) == len(kinds) == len(pages):
        raise ValueError("sentence columns of different lengths")
    if starts and (min(starts) < 0 or max(ends) > len(text) or not all(map(le, starts, ends))):
        raise ValueError("a sentence outside its article's text")
    texts = [text[a:b] for a, b in zip(starts, ends, strict=True)]
    for place, exact in inexact.items():
        index = int(place)
        if not 0 <= index < len(texts):
            raise ValueError("an inexact sentence that is not one")
        texts[index] = exact
    paragraphs = []
    first = 0
    for number, kind, start, end, credit, page, count in row["paragraphs"]:
        last = first + count
        if count < 0 or last > len(numbers):
            raise ValueError("a paragraph past the sentences")
        paragraphs.append(
            Paragraph(
                number,
                _KINDS[kind],
                start,
                end,
                tuple(
                    Sentence(
                        article_id,
                        number,
                        numbers[i],
                        starts[i],
                        ends[i],
                        texts[i],
                        kinds[i],
                        pages[i],
                    )
                    for i in range(first, last)
                ),
                credit,
                page,
            )
        )
        first = last
    if first != len(numbers):
        raise ValueError("sentences no paragraph holds")
    return Article(
        article_id,
        path,
        ArticleMeta(**row["meta"]),
        text,
        row["headline"],
        tuple(row["subheadlines"]),
        tuple(paragraphs),
        row["footer"],
        tuple(Section(heading, first) for heading, first in row["sections"]),
    )


def load(folder: Path, key: str, paths: Sequence[Path]) -> list[Article] | None:
    """The articles cached under ``key`` (their files are ``paths``, in order), or None when
    absent, of another format, or damaged."""
    target = folder / f"articles-{key}.json"
    try:
        stored = json.loads(target.read_text(encoding="utf-8"))
        if not isinstance(stored, dict) or stored.get("format") != FORMAT_VERSION:
            return None
        rows = stored["articles"]
        if [row["name"] for row in rows] != [path.name for path in paths]:
            return None
        articles = [_article(row, path) for row, path in zip(rows, paths, strict=True)]
        mark_used(target)
        return articles
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def save(folder: Path, key: str, articles: Sequence[Article]) -> None:
    """Write the articles atomically; a folder that cannot be written only loses the speed-up."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(
            {"format": FORMAT_VERSION, "articles": [_article_row(a) for a in articles]},
            ensure_ascii=False,
        ).encode("utf-8")
        write_atomically(folder / f"articles-{key}.json", lambda file: file.write(payload))
        kept_recent(folder, "articles")
