"""The one analyzer for article and question alike: words, folding, stemming and synonyms."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from retrieval.stopwords import STOPWORDS
from retrieval.synonyms import SynonymRule
from retrieval.text import DAMAGE_MARK, fold

_WORDS = re.compile(
    r"""
     (?P<acronym>(?:[^\W\d_]\.){2,})
    |(?P<number>\d+(?:[.,]\d+)*(?:st|nd|rd|th)?(?![^\W_]))
    |(?P<word>[^\W_]+(?:(?:['’\-‐‑]|\?(?=[^\W\d_]))[^\W_]+)*)
    """,
    re.VERBOSE,
)
_HYPHENS = re.compile(r"[\-‐‑]")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_NUMBER_WITH_UNIT = re.compile(r"^(\d+)([a-z]+)$")
SYNONYM_PREFIX = "≡"
# "US" and "U.S." name a country; the pronoun "us" is a stop word, so the country gets its own term.
_COUNTRY_US = "usa"

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=131072)
def stem(word: str) -> str:
    """Snowball (Porter2) stem of a folded word; damaged words stay as they are."""
    if DAMAGE_MARK in word or word[:1].isdigit():
        return word
    return str(_stemmer.stemWord(word))


@dataclass(frozen=True, slots=True)
class Token:
    """One index term with the character span of the words it came from."""

    term: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Word:
    """A folded word of a text, before stop words and stemming."""

    folded: str
    start: int
    end: int


def _pieces(raw: str, kind: str, previous: str | None) -> list[str]:
    """The folded matching forms of one raw word (several for hyphenated words)."""
    if kind == "acronym":
        letters = fold(raw).replace(".", "")
        return [_COUNTRY_US if letters == "us" else letters]
    if kind == "number":
        folded = raw.replace(",", "")
        ordinal = _ORDINAL.match(folded)
        return [ordinal.group(1) if ordinal else folded]
    folded = fold(raw)
    glued = _NUMBER_WITH_UNIT.match(folded)
    if glued:
        return [glued.group(1), glued.group(2)]  # "800bn" is "800 bn"
    if raw == "US" or (folded == "us" and previous == "the"):
        return [_COUNTRY_US]
    if folded.endswith("'s"):
        folded = folded[:-2]
    folded = folded.replace("'", "")
    parts = [p for p in _HYPHENS.split(folded) if p]
    if len(parts) > 1:
        # In "US-Europe" the "US" is the country, never the pronoun.
        parts = [_COUNTRY_US if p == "us" else p for p in parts]
        return [*parts, "".join(parts)]
    return parts


def words(text: str) -> list[Word]:
    """Every folded word of ``text`` with its span, stop words included."""
    found: list[Word] = []
    previous: str | None = None
    for match in _WORDS.finditer(text):
        kind = match.lastgroup or "word"
        for piece in _pieces(match.group(0), kind, previous):
            found.append(Word(piece, match.start(), match.end()))
        previous = found[-1].folded if found else None
    return found


Speller = Callable[[str], str]


def base_tokens(text: str, speller: Speller | None = None) -> list[Token]:
    """Stemmed content terms of ``text``; ``speller`` may first correct unknown words."""
    tokens: list[Token] = []
    for word in words(text):
        folded = speller(word.folded) if speller is not None else word.folded
        if folded in STOPWORDS or (len(folded) < 2 and not folded.isdigit()):
            continue
        tokens.append(Token(stem(folded), word.start, word.end))
    return tokens


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    phrase: tuple[str, ...]
    targets: tuple[tuple[str, ...], ...]


class Analyzer:
    """Turns article sentences and questions into index terms, with synonym rules applied."""

    def __init__(self, rules: Sequence[SynonymRule] = ()) -> None:
        self.rules = tuple(rules)
        self._by_first: dict[str, list[_CompiledRule]] = {}
        self.rule_words: frozenset[str] = frozenset(
            w.folded
            for rule in self.rules
            for p in (*rule.sources, *(rule.targets or ()))
            for w in words(p)
        )
        for rule in self.rules:
            if rule.targets is None:
                canonical = SYNONYM_PREFIX + "_".join(t.term for t in base_tokens(rule.sources[0]))
                targets: tuple[tuple[str, ...], ...] = ((canonical,),)
            else:
                targets = tuple(phrase for p in rule.targets if (phrase := self._phrase(p)))
            for source in rule.sources:
                phrase = self._phrase(source)
                if phrase:
                    self._by_first.setdefault(phrase[0], []).append(_CompiledRule(phrase, targets))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda r: -len(r.phrase))

    @staticmethod
    def _phrase(text: str) -> tuple[str, ...]:
        return tuple(t.term for t in base_tokens(text))

    def _matches(self, tokens: Sequence[Token], i: int) -> Iterable[_CompiledRule]:
        for rule in self._by_first.get(tokens[i].term, ()):
            n = len(rule.phrase)
            if tuple(t.term for t in tokens[i : i + n]) == rule.phrase:
                yield rule

    def document(self, text: str) -> list[Token]:
        """Terms of an article sentence: its own terms plus every synonym they stand for."""
        tokens = base_tokens(text)
        expanded = list(tokens)
        for i in range(len(tokens)):
            seen: set[tuple[str, ...]] = set()
            for rule in self._matches(tokens, i):
                span_end = tokens[i + len(rule.phrase) - 1].end
                for target in rule.targets:
                    if target in seen or target == rule.phrase:
                        continue
                    seen.add(target)
                    expanded.extend(Token(term, tokens[i].start, span_end) for term in target)
        return expanded

    def query(self, text: str, speller: Speller | None = None) -> list[Token]:
        """Terms of a question: typos corrected, then synonym phrases replaced by their meaning."""
        tokens = base_tokens(text, speller)
        result: list[Token] = []
        i = 0
        while i < len(tokens):
            rule = next(iter(self._matches(tokens, i)), None)
            if rule is None:
                result.append(tokens[i])
                i += 1
                continue
            span_end = tokens[i + len(rule.phrase) - 1].end
            for target in rule.targets:
                result.extend(Token(term, tokens[i].start, span_end) for term in target)
            i += len(rule.phrase)
        return result
