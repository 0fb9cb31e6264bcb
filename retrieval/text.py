"""Text primitives shared by loading and analysis: character folding and sentence splitting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from retrieval.stopwords import FUNCTION_WORDS

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


# Titles before a name: "Mr. Smith", "St. Michael's", "Mt. Fuji". They never end a sentence.
TITLES = frozenset(
    {
        "mr", "mrs", "ms", "dr", "st", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt",
        "capt", "cmdr", "adm", "maj", "mt", "ft", "rev", "hon", "pres", "fr", "supt", "insp",
    }
)  # fmt: skip

# Abbreviations that may end a sentence ("... and Co. It closed"): a boundary only before a
# word that typically opens one.
ENDING_ABBREVIATIONS = frozenset(
    {
        "inc", "ltd", "co", "corp", "jr", "sr", "etc", "vs", "dept", "bros", "llc", "plc",
        "approx", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "nov", "dec",
    }
)  # fmt: skip

# Abbreviations before a number: "No. 5", "p. 55", "Vol. 2". "He said no. The talks ended."
# is two sentences: only a following number makes them abbreviations.
NUMBER_ABBREVIATIONS = frozenset(
    {"no", "nos", "p", "pp", "vol", "vols", "fig", "figs", "art", "sec", "ch", "para", "nr",
     "op", "ed", "ca"}
)  # fmt: skip

ABBREVIATIONS = TITLES | ENDING_ABBREVIATIONS | NUMBER_ABBREVIATIONS
# One letter or digit more than the longest abbreviation: a period after this many of them
# follows an ordinary word.
_PLAIN_WORD_LENGTH = 1 + max(map(len, ABBREVIATIONS))

# Capitalised words that usually open a new sentence, besides the function words.
SENTENCE_STARTERS = frozenset(
    {
        "he", "she", "it", "they", "we", "i", "you", "the", "this", "that", "these", "those",
        "there", "but", "and", "however", "meanwhile", "in", "on", "at", "after", "before",
        "during", "while", "when", "if", "a", "an", "his", "her", "its", "their", "our",
        "some", "many", "according", "under", "as", "for", "with", "also", "still", "yet",
        "how", "what", "why", "who", "where", "which", "is", "are", "was", "were", "do",
        "does", "did", "can", "could", "will", "would", "should", "may", "my", "your", "no",
        "not", "so", "then", "now", "here", "one", "two", "all", "most", "both", "each",
    }
)  # fmt: skip

# Spelled to open with a character class ("[.!?…]+" would not), so the regex engine skips to
# the next candidate character in C instead of trying the pattern at every position: 4x faster
# over long texts. An ellipsis "..." is three of the class, so it needs no alternative.
_TERMINATOR = re.compile(r"""[.!?…][.!?…]*["'”’»)\]]*(?=\s)""")
_NEXT_START = re.compile(r"""\s+["'“‘«(\[]*([^\W_])""")
_WORD = re.compile(r"[^\W_]+")
# A dotted acronym: letters in groups of one or two, each followed by a period ("U.S", "a.m").
_ACRONYM = re.compile(r"[^\W\d_]{1,2}(?:\.[^\W\d_]{1,2})+")
# An inline list marker: "1." "2.)" "3)" "a." after white space or a bullet ("• 9."),
# before an item that starts with a capital or a number on the same line. The pattern finds its
# punctuation, which opens with a literal the regex engine skips to quickly, and passes over a
# sentence's end after a word ("two letters, then the period" is no marker); _marker_at reads
# the number or letter and the bullet before it.
_MARKER_END = re.compile(
    r"""(?:\.(?<![^\W\d_]{2}\.)\)?|\)(?<![^\W\d_]{2}\)))(?=[^\S\n]+["'“‘(]?[A-Z0-9])"""
)
_BULLETS = "•⁃‣◦▪-"
_MARKER_DIGITS = 3  # "100." is a list marker; "2025." ends a sentence
# How far back to look for the word before a period: longer than any word or dotted acronym,
# and short, so each look is constant time however long the article is.
_LOOK_BACK = 256


def _word_before(text: str, end: int) -> str:
    """The word ending at ``end``: letters and digits, joined by ".", "@", "/" or ":" between
    two of them ("U.S", "example.com/news"). Read backwards, at most _LOOK_BACK characters, so
    each look costs the word's length, not the paragraph's."""
    start = end
    limit = max(0, end - _LOOK_BACK)
    while start > limit:
        ch = text[start - 1]
        joins = ch in ".@/:" and start < end and start - 2 >= limit
        if not (ch.isalnum() or (joins and text[start - 2].isalnum())):
            break
        start -= 1
    return text[start:end]


def _spaced_dots_before(text: str, position: int) -> int:
    """How many ". " steps lead up to the period at ``position`` (a spaced ellipsis)."""
    count = 0
    while position >= 2 and text[position - 2 : position] == ". ":
        count += 1
        position -= 2
    return count


def _is_boundary(text: str, term_start: int, term_end: int, stop: int) -> bool:
    """Decide whether the terminator text[term_start:term_end] ends a sentence (the text ends
    at ``stop``; no slice longer than a word is copied, so splitting stays linear in its
    length)."""
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
    if mark == "…" or text.startswith("...", term_start):
        return not (term_start > 0 and text[term_start - 1] == "[")  # "[...]" omits words
    if mark != ".":
        return True
    if (
        term_start >= _PLAIN_WORD_LENGTH
        and text[term_start - _PLAIN_WORD_LENGTH : term_start].isalnum()
    ):
        # The common case, decided without reading the word: one longer than any
        # abbreviation, whose last group is too long for a dotted acronym.
        return True
    spaced = _spaced_dots_before(text, term_start)
    if spaced >= 2:
        # ". . ." leaves words out inside a sentence; ". . . ." ends one as well.
        return spaced >= 3
    word = _word_before(text, term_start)
    if not word:
        return not (term_start > 0 and text[term_start - 1] in "°º#")  # "N°. 12"
    if "." in word or "@" in word or "/" in word:
        # A dotted acronym ("U.S.") ends a sentence only before a typical sentence opener;
        # a web address, an e-mail or a number ("1026.253.553") ends like any word.
        return _opens(text, nxt.start(1), stop) if _ACRONYM.fullmatch(word) else True
    folded = word.casefold()
    if next_char.isdigit() and (folded in NUMBER_ABBREVIATIONS or folded in ABBREVIATIONS):
        return False
    if len(word) == 1 and word.isupper():
        # An initial ("J. Smith"), unless a sentence opens ("you and I. Did").
        return _opens(text, nxt.start(1), stop)
    if folded in TITLES:
        return False
    if folded in ENDING_ABBREVIATIONS:
        return _opens(text, nxt.start(1), stop)
    return True


def _opens(text: str, start: int, stop: int) -> bool:
    """Whether the word at ``start`` typically opens a sentence."""
    match = _WORD.match(text, start, stop)
    word = match.group(0).casefold() if match else ""
    return word in SENTENCE_STARTERS or word in FUNCTION_WORDS


def _marker_value(label: str) -> tuple[bool, int]:
    return (True, int(label)) if label.isdigit() else (False, ord(label) - ord("a") + 1)


def _marker_at(text: str, start: int, punctuation: int) -> tuple[int, str] | None:
    """The start and label of the list marker whose punctuation is at ``punctuation``: one to
    three digits or one lower-case letter, after white space or a bullet (itself after white
    space, one space allowed between), the whole marker inside text[start:]; None if there is
    none. Constant time: it reads at most six characters back."""
    label_start = punctuation
    while (
        label_start > start
        and punctuation - label_start <= _MARKER_DIGITS
        and text[label_start - 1].isdecimal()  # what the regex "\d" matches
    ):
        label_start -= 1
    if punctuation - label_start > _MARKER_DIGITS:
        return None
    if label_start == punctuation:
        if punctuation == start or not "a" <= text[punctuation - 1] <= "z":
            return None
        label_start -= 1
    # The earliest start wins: a bullet and a space, a bullet, the label alone.
    for begin in (label_start - 2, label_start - 1, label_start):
        if begin < start:
            continue
        if begin < label_start and text[begin] not in _BULLETS:
            continue
        if begin == label_start - 2 and not text[label_start - 1].isspace():
            continue
        if begin == 0 or text[begin - 1].isspace():
            return begin, text[label_start:punctuation]
    return None


def _list_markers(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Spans of inline list markers: runs of consecutive numbers or letters ("1." "2.", "a."
    "b."), and a number opening the text ("1. First point.")."""
    found = []
    for match in _MARKER_END.finditer(text, start, stop):
        marker = _marker_at(text, start, match.start())
        if marker is not None:
            found.append((marker[0], match.end(), *_marker_value(marker[1])))
    if not found:
        return []
    first_text = start
    while first_text < stop and text[first_text].isspace():
        first_text += 1
    kept: set[int] = set()
    for i, (begin, _end, numeric, value) in enumerate(found):
        if i + 1 < len(found):
            after = found[i + 1]
            if after[2] == numeric and after[3] == value + 1:
                kept.update((i, i + 1))
        if begin == first_text and numeric:
            kept.add(i)
    return [(found[i][0], found[i][1]) for i in sorted(kept)]


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split text[start:end] into sentence spans, trimmed of surrounding white space. Inline
    list items start sentences of their own; their markers end none."""
    stop = len(text) if end is None else end
    markers = _list_markers(text, start, stop)
    cuts = {m_start for m_start, _m_end in markers}
    next_marker = 0  # markers and terminators both come in text order: one pass over each
    for match in _TERMINATOR.finditer(text, start, stop):
        while next_marker < len(markers) and markers[next_marker][1] <= match.start():
            next_marker += 1
        if next_marker < len(markers) and markers[next_marker][0] <= match.start():
            continue  # the period of a list marker
        if _is_boundary(text, match.start(), match.end(), stop):
            cuts.add(match.end())
    trimmed: list[Span] = []
    cursor = start
    for cut in [*sorted(cuts), stop]:
        first, last, cursor = cursor, cut, cut
        while first < last and text[first].isspace():
            first += 1
        while last > first and text[last - 1].isspace():
            last -= 1
        if last > first:
            trimmed.append(Span(first, last))
    return trimmed
