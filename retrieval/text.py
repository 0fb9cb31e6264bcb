"""Text primitives shared by loading and analysis: character folding and sentence splitting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Characters a damaged source uses where an em dash or an accented letter was.
DAMAGE_MARK = "?"

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u0060": "'"})
_ZERO_WIDTH = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    )
)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Fold a word for matching: NFKC, accents stripped, apostrophes unified, case folded."""
    if word.isascii():
        return word.replace("`", "'").lower()  # nothing to normalise or strip in plain ASCII
    text = unicodedata.normalize("NFKC", word).translate(_APOSTROPHES).translate(_ZERO_WIDTH)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


_ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")


def clean_question(text: str) -> str:
    """Remove invisible and control characters a pasted question may carry; keep the words."""
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to remove, and no per-character walk
    text = _ANSI_ESCAPE.sub("", text).translate(_ZERO_WIDTH)
    return "".join(
        ch if unicodedata.category(ch)[0] != "C" else " "
        for ch in unicodedata.normalize("NFC", text)
    )


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) of a larger text."""

    start: int
    end: int


# Words that end with a period but rarely end a sentence.
ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "st", "no", "nos", "prof", "gen", "sen", "rep", "gov", "lt",
        "col", "sgt", "capt", "cmdr", "adm", "maj", "jr", "sr", "inc", "ltd", "co", "corp",
        "vs", "etc", "approx", "dept", "est", "fig", "mt", "ft", "rev", "hon", "pres", "vol",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip

# Capitalised words that usually open a new sentence rather than continue a name after "U.S.".
SENTENCE_STARTERS = frozenset(
    {
        "he", "she", "it", "they", "we", "i", "you", "the", "this", "that", "these", "those",
        "there", "but", "and", "however", "meanwhile", "in", "on", "at", "after", "before",
        "during", "while", "when", "if", "a", "an", "his", "her", "its", "their", "our",
        "some", "many", "according", "under", "as", "for", "with", "also", "still", "yet",
    }
)  # fmt: skip

_TERMINATOR = re.compile(r"""(?:\.\.\.|…|[.!?])+["'”’»)\]]*(?=\s+)""")
_NEXT_START = re.compile(r"""\s+["'“‘«(\[]*([^\W_])""")
_WORD_BEFORE = re.compile(r"""([^\W_](?:[^\W_]|\.(?=[^\W_]))*)$""")
_WORD = re.compile(r"[^\W_]+")
# How far back to look for the word before a period: longer than any word or dotted acronym,
# and short, so each look is constant time however long the article is.
_LOOK_BACK = 256


def _is_boundary(text: str, term_start: int, term_end: int, stop: int) -> bool:
    """Decide whether the terminator text[term_start:term_end] ends a sentence (the text ends
    at ``stop``; no slice of it is copied, so splitting stays linear in its length)."""
    nxt = _NEXT_START.match(text, term_end, stop)
    if nxt is None:
        return False
    next_char = nxt.group(1)
    if not (next_char.isupper() or next_char.isdigit()):
        return False
    mark = text[term_start]
    if mark == "?" and (term_start == 0 or text[term_start - 1].isspace()):
        # A lone "?" between spaces is a damaged dash, not a question mark.
        return False
    if mark != ".":
        return True
    before = _WORD_BEFORE.search(text, max(0, term_start - _LOOK_BACK), term_start)
    if before is None:
        return True
    word = before.group(1)
    next_word_match = _WORD.match(text, nxt.start(1), stop)
    next_word = next_word_match.group(0).casefold() if next_word_match else ""
    if "." in word:
        # A dotted acronym ("U.S.") ends a sentence only before a typical sentence opener.
        return next_word in SENTENCE_STARTERS
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Smith"
    return word.casefold() not in ABBREVIATIONS


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split text[start:end] into sentence spans, trimmed of surrounding white space."""
    stop = len(text) if end is None else end
    spans: list[Span] = []
    cursor = start
    for match in _TERMINATOR.finditer(text, start, stop):
        if _is_boundary(text, match.start(), match.end(), stop):
            spans.append(Span(cursor, match.end()))
            cursor = match.end()
    spans.append(Span(cursor, stop))
    trimmed: list[Span] = []
    for span in spans:
        chunk = text[span.start : span.end]
        lead = len(chunk) - len(chunk.lstrip())
        tail = len(chunk) - len(chunk.rstrip())
        if span.end - tail > span.start + lead:
            trimmed.append(Span(span.start + lead, span.end - tail))
    return trimmed
