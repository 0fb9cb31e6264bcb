"""Answers rendered for a terminal: quoted passages, highlighted matches, citations."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from typing import Any, TextIO

from bot import wording
from retrieval import Answer, Corpus, Passage, Sentence
from retrieval.links import citation_link

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_HANGING = re.compile(r"\s*(?:\d+\. |[-—>] )?")

BOLD = "\x1b[1m"
YELLOW = "\x1b[33m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"


def highlight(passage: Passage, color: bool) -> str:
    """The passage's exact text, its matched words in bold yellow when color is on."""
    if not color:
        return passage.text
    return "".join(
        f"{BOLD}{YELLOW}{piece}{RESET}" if matched else piece
        for piece, matched in passage.segments()
    )


def render_answer(
    answer: Answer, corpus: Corpus, color: bool = False, first_number: int = 1
) -> str:
    """An answer as a person reads it in a terminal; passages numbered from ``first_number``."""
    dim: Callable[[str], str] = (lambda s: f"{DIM}{s}{RESET}") if color else (lambda s: s)
    lines: list[str] = []
    for note in (wording.context_note(answer), wording.corrections_note(answer)):
        if note:
            lines.append(dim(note))
    if not answer.found:
        lines.append(wording.nothing_relevant(answer))
        return "\n".join(lines)
    caveat = wording.caveat(answer)
    if caveat and first_number == 1:
        lines.append(caveat)
    for index, passage in enumerate(answer.passages, start=first_number):
        sentence = passage.sentence
        lines.append(f"{index}. “{highlight(passage, color)}”")
        lines.append(
            dim(f"   — {wording.citation_label(sentence, corpus.article(sentence.article_id))}")
        )
        article = corpus.article(sentence.article_id)
        link = citation_link(article, sentence)
        if link is not None and article is not None and link != article.meta.url:
            lines.append(dim(f"   {link}"))
        if passage.matched_terms and not color:
            lines.append(dim("   matched: " + ", ".join(passage.matched_terms)))
    urls = (corpus.article(p.sentence.article_id) for p in answer.passages)
    for url in dict.fromkeys(a.meta.url for a in urls if a is not None and a.meta.url):
        lines.append(dim(f"Source: {url}"))
    return "\n".join(lines)


def render_context(passage: Passage, corpus: Corpus) -> str:
    """A passage with the sentences around it."""
    lines: list[str] = []
    for sentence, marker in (
        (passage.before, "  "),
        (passage.sentence, "> "),
        (passage.after, "  "),
    ):
        if sentence is not None:
            lines.append(f"{marker}{sentence.text}")
    sentence = passage.sentence
    lines.append(f"   — {wording.citation_label(sentence, corpus.article(sentence.article_id))}")
    return "\n".join(lines)


def render_sentence(sentence: Sentence, corpus: Corpus) -> str:
    """One sentence by citation, with its paragraph for context."""
    article = corpus.article(sentence.article_id)
    lines = [f"“{sentence.text}”", f"   — {wording.citation_label(sentence, article)}"]
    link = citation_link(article, sentence)
    if link is not None:
        lines.append(f"   {link}")
    if article is not None:
        paragraph = article.paragraphs[sentence.paragraph - 1]
        lines.append("")
        lines.append("Paragraph: " + " ".join(s.text for s in paragraph.sentences))
    return "\n".join(lines)


def answer_json(answer: Answer, corpus: Corpus) -> dict[str, Any]:
    """The documented JSON contract for one answer."""
    passages: list[dict[str, Any]] = []
    for passage in answer.passages:
        sentence = passage.sentence
        article = corpus.article(sentence.article_id)
        passages.append(
            {
                "text": passage.text,
                "score": round(passage.score, 6),
                "citation": {
                    "article": sentence.article_id,
                    "title": article.title if article is not None else sentence.article_id,
                    "paragraph": sentence.paragraph,
                    "sentence": sentence.number,
                    **({"page": sentence.page} if sentence.page is not None else {}),
                    **({"url": link} if (link := citation_link(article, sentence)) else {}),
                    **(
                        {
                            "from": {
                                "paragraph": passage.lead.paragraph,
                                "sentence": passage.lead.number,
                            }
                        }
                        if passage.lead is not None
                        else {}
                    ),
                },
            }
        )
    return {
        "question": answer.question,
        "passages": passages,
        "confident": answer.confident,
        "confidence": round(answer.confidence, 4),
        "answer": answer.verdict.value if answer.found else "not_found",
        **({"read_with": list(answer.context)} if answer.context else {}),
        **({"summary": True} if answer.summary else {}),
    }


def answer_json_line(answer: Answer, corpus: Corpus) -> str:
    """The JSON contract as one line."""
    return json.dumps(answer_json(answer, corpus), ensure_ascii=False)


def render_inspection(corpus: Corpus) -> str:
    """Every loaded article with its numbered, quotable sentences and their citation ids."""
    lines: list[str] = []
    for article in corpus.articles:
        meta = article.meta
        lines.append(f"== {article.title}  [{article.id}]")
        lines.append(f"   file: {article.path}")
        for label, value in (
            ("source", article.source),
            ("author", meta.author),
            ("url", meta.url),
            ("date", meta.date),
            ("original", meta.original),
        ):
            if value:
                lines.append(f"   {label}: {value}")
        lines.append(
            f"   headline: {article.headline or '(none: the text opens with a paragraph)'}"
        )
        for sub in article.subheadlines:
            lines.append(f"   sub-headline: {sub}")
        if article.footer:
            lines.append(f"   footer (never quoted): {article.footer}")
        count = len(article.sentences)
        lines.append(f"   {len(article.paragraphs)} paragraphs, {count} quotable sentences")
        headings = {s.first_paragraph: s.heading for s in article.sections}
        for paragraph in article.paragraphs:
            if paragraph.number in headings:
                lines.append(f"   ## {headings[paragraph.number]}")
            kind = " (photo caption)" if paragraph.kind.value == "caption" else ""
            page = f" (page {paragraph.page})" if paragraph.page is not None else ""
            lines.append(f"   ¶{paragraph.number}{kind}{page}")
            for sentence in paragraph.sentences:
                lines.append(f"     {sentence.citation_id:<28} {sentence.text}")
            if paragraph.credit:
                lines.append(f"     {'(credit, not quoted)':<28} {paragraph.credit}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def visible_width(text: str) -> int:
    """How many columns ``text`` takes on a terminal (colour codes take none)."""
    return len(_ANSI.sub("", text))


def wrap_line(line: str, width: int) -> list[str]:
    """One line broken at spaces to fit ``width`` columns, continuation lines indented under
    its text ("1. “…" hangs under the quote); a word longer than the width stays whole."""
    if visible_width(line) <= width:
        return [line]
    lead = _HANGING.match(line)
    indent = " " * visible_width(lead.group(0) if lead else "")
    out: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and visible_width(candidate) > width and current.strip():
            out.append(current.rstrip())
            current = indent + word
        else:
            current = candidate
    out.append(current)
    return out


def fit(text: str, width: int | None) -> str:
    """Every line of ``text`` wrapped to ``width`` columns (None: left as it is)."""
    if width is None:
        return text
    return "\n".join(wrapped for line in text.split("\n") for wrapped in wrap_line(line, width))


def terminal_width(stream: TextIO) -> int | None:
    """The terminal's width when ``stream`` is one (COLUMNS honoured), else None: piped output
    keeps one line per passage for scripts."""
    if not stream.isatty():
        return None
    return max(20, shutil.get_terminal_size().columns)
