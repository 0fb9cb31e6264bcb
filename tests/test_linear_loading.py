"""Loading is linear in the text's length whatever its paragraph length: checked by counting
the Python operations (line events) the loader runs, never by the clock. The regular
expressions it calls are out of this count's sight; each is one pass over a paragraph
(finditer) or looks at a bounded window, which their comments say."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

from retrieval.article import parse_article
from retrieval.formats.markdown import markdown_article

_SENTENCE = "The council met on Monday and agreed the plan, said Mr. Smith of the U.S. office. "


def _text(paragraphs: int, paragraph: int) -> bytes:
    """``paragraphs`` paragraphs of about ``paragraph`` characters each, blank-line separated
    (so that plain text and Markdown read the same paragraphs)."""
    repeat = max(1, paragraph // len(_SENTENCE))
    body = "\n\n".join((_SENTENCE * repeat).strip() for _ in range(paragraphs))
    return f"Headline\n\n{body}\n".encode()


def _operations(parse: Any, raw: bytes, name: str) -> int:
    """How many lines of Python the loader executes to parse ``raw``."""
    count = 0

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        parse(Path(name), raw)
    finally:
        sys.settrace(None)
    return count


def test_long_paragraphs_cost_what_short_ones_cost() -> None:
    """The same 200k characters as 10k- or 40k-character paragraphs: the same work (within
    15%); any per-period step that scanned back over its paragraph would grow with it."""
    for parse, name in ((parse_article, "a.txt"), (markdown_article, "a.md")):
        short = _operations(parse, _text(20, 10_000), name)
        long = _operations(parse, _text(5, 40_000), name)
        assert long <= 1.15 * short, (name, short, long)


def test_twice_the_text_is_twice_the_work() -> None:
    """Doubling an article of 40k-character paragraphs doubles the operations (within 15%)."""
    for parse, name in ((parse_article, "a.txt"), (markdown_article, "a.md")):
        single = _operations(parse, _text(4, 40_000), name)
        double = _operations(parse, _text(8, 40_000), name)
        assert double <= 2.3 * single, (name, single, double)
