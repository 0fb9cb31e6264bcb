"""The one analyzer for article and question alike: words, folding, stemming and synonyms."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import cast

import Stemmer

from retrieval.stopwords import is_evidence_word
from retrieval.synonyms import SynonymRule
from retrieval.text import DAMAGE_MARK, fold

# Every alternative starts with a letter or digit; saying so up front (the lookahead) lets the
# regex engine skip other characters fast: about 40% less time over a large corpus.
_WORDS = re.compile(
    r"""(?=[^\W_])(?:
     (?P<acronym>(?:[^\W\d_]\.){2,})
    |(?P<number>\d+(?:[.,]\d+)*(?:st|nd|rd|th)?(?![^\W_]))
    |(?P<word>[^\W_]+(?:(?:['’\-‐‑]|\?(?=[^\W\d_]))[^\W_]+)*))
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


class Case(IntEnum):
    """How a term's word was written in its sentence."""

    LOWER = 0
    CAPITALISED = 1
    INITIAL = 2  # the sentence's first word: capitalised whatever it is


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


@lru_cache(maxsize=4096)
def _word_forms(raw: str, kind: str, after_the: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The folded pieces and the index terms of one raw word (cached: words repeat)."""
    pieces = tuple(_pieces(raw, kind, "the" if after_the else None))
    terms = tuple(stem(p) for p in pieces if is_evidence_word(p))
    return pieces, terms


def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one plain word (letters only), as ``base_tokens`` would find them."""
    return _PROFILES[("", "", word)][1]  # letters only: the regex's "word" alternative


# What indexing needs of one raw word, by the regex groups it matched: its pieces, its terms,
# whether it may be the country "us" (after "the"), and the case of each term when the word
# does not open its sentence.
_Profile = tuple[tuple[str, ...], tuple[str, ...], bool, tuple["Case", ...]]
_PROFILES_MAX = 262_144


class _Profiles(dict[tuple[str, str, str], _Profile]):
    """Word profiles by regex groups, made on first sight (a plain lookup after that)."""

    def __missing__(self, groups: tuple[str, str, str]) -> _Profile:
        acronym, number, word = groups
        raw = acronym or number or word
        kind = "acronym" if acronym else "number" if number else "word"
        pieces, terms = _word_forms(raw, kind, False)
        case = Case.CAPITALISED if raw[0].isupper() else Case.LOWER
        # "US" is the country wherever it stands; only a lower-case "us" depends on "the".
        maybe_country = kind == "word" and raw != "US" and raw.lower() == "us"
        profile = (pieces, terms, maybe_country, (case,) * len(terms))
        if len(self) >= _PROFILES_MAX:
            self.clear()
        self[groups] = profile
        return profile


_PROFILES = _Profiles()
_PIECES = itemgetter(0)
_TERMS = itemgetter(1)
_MAYBE_COUNTRY = itemgetter(2)
_CASES = itemgetter(3)


def _forms(text: str) -> Iterator[tuple[re.Match[str], tuple[str, ...], tuple[str, ...]]]:
    previous = ""
    for match in _WORDS.finditer(text):
        # The same key findall gives: "" for the alternatives that did not match.
        groups = cast(tuple[str, str, str], match.groups(""))
        pieces, terms, maybe_country, _cases = _PROFILES[groups]
        if maybe_country and previous == "the":
            pieces, terms = _word_forms(groups[2], "word", True)
        if pieces:
            previous = pieces[-1]
        yield match, pieces, terms


def words(text: str) -> list[Word]:
    """Every folded word of ``text`` with its span, stop words included."""
    return [
        Word(piece, match.start(), match.end())
        for match, pieces, _terms in _forms(text)
        for piece in pieces
    ]


Speller = Callable[[str], str]


def base_tokens(text: str, speller: Speller | None = None) -> list[Token]:
    """Stemmed content terms of ``text``; ``speller`` may first correct unknown words."""
    tokens: list[Token] = []
    for match, pieces, terms in _forms(text):
        start, end = match.span()
        if speller is not None:
            corrected = tuple(map(speller, pieces))
            if corrected != pieces:
                terms = tuple(stem(folded) for folded in corrected if is_evidence_word(folded))
        for term in terms:
            tokens.append(Token(term, start, end))
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

    def _matches(self, terms: Sequence[str], i: int) -> Iterable[_CompiledRule]:
        for rule in self._by_first.get(terms[i], ()):
            n = len(rule.phrase)
            if tuple(terms[i : i + n]) == rule.phrase:
                yield rule

    def _expansions(self, terms: Sequence[str]) -> Iterator[tuple[int, int, tuple[str, ...]]]:
        """(position, phrase length, added terms) for every synonym a document's terms hold."""
        for i in range(len(terms)):
            if terms[i] not in self._by_first:
                continue
            seen: set[tuple[str, ...]] = set()
            for rule in self._matches(terms, i):
                for target in rule.targets:
                    if target not in seen and target != rule.phrase:
                        seen.add(target)
                        yield i, len(rule.phrase), target

    def document_terms(self, text: str) -> list[str]:
        """``document`` without spans: the fast path for indexing."""
        return self.document_profile(text)[0]

    def document_profile(self, text: str) -> tuple[list[str], list[Case], set[str]]:
        """In one pass over a sentence: its index terms with synonyms, how each term's word was
        written, and its distinct folded words (the speller's vocabulary)."""
        profiles = list(map(_PROFILES.__getitem__, _WORDS.findall(text)))
        if any(map(_MAYBE_COUNTRY, profiles)):
            return self._profile_word_by_word(text)
        # No word depends on the one before it: the sentence is its words' profiles joined,
        # without a Python step per word (indexing 100k sentences is millions of words).
        terms = list(chain.from_iterable(map(_TERMS, profiles)))
        cases = list(chain.from_iterable(map(_CASES, profiles)))
        opening = len(profiles[0][1]) if profiles else 0
        cases[:opening] = [Case.INITIAL] * opening
        surface = set(chain.from_iterable(map(_PIECES, profiles)))
        if not self._by_first.keys().isdisjoint(terms):
            for i, _n, target in self._expansions(terms[:]):
                terms.extend(target)
                cases.extend([cases[i]] * len(target))
        return terms, cases, surface

    def _profile_word_by_word(self, text: str) -> tuple[list[str], list[Case], set[str]]:
        """``document_profile`` for a sentence where a word's reading depends on the one
        before it ("the us")."""
        terms: list[str] = []
        cases: list[Case] = []
        surface: set[str] = set()
        for position, (match, pieces, word_terms) in enumerate(_forms(text)):
            surface.update(pieces)
            if word_terms:
                if position == 0:
                    case = Case.INITIAL
                else:
                    case = Case.CAPITALISED if match.group(0)[0].isupper() else Case.LOWER
                terms.extend(word_terms)
                cases.extend([case] * len(word_terms))
        for i, _n, target in self._expansions(terms[:]):
            terms.extend(target)
            cases.extend([cases[i]] * len(target))
        return terms, cases, surface

    def _spanned_terms(self, text: str) -> tuple[list[str], list[tuple[int, int]]]:
        """An article sentence's terms with synonyms, and the character span each came from."""
        terms: list[str] = []
        spans: list[tuple[int, int]] = []
        matches = list(_WORDS.finditer(text))
        profiles = [_PROFILES[cast(tuple[str, str, str], m.groups(""))] for m in matches]
        if any(map(_MAYBE_COUNTRY, profiles)):
            for match, _pieces, word_terms in _forms(text):
                span = match.span()
                for term in word_terms:
                    terms.append(term)
                    spans.append(span)
        else:
            # No word depends on the one before it (as in document_profile): one lookup a
            # word, and only the words that give terms are spanned.
            for match, profile in zip(matches, profiles, strict=True):
                word_terms = profile[1]
                if word_terms:
                    terms.extend(word_terms)
                    spans.extend([match.span()] * len(word_terms))
        for i, n, target in self._expansions(terms[:]):
            span = (spans[i][0], spans[i + n - 1][1])
            terms.extend(target)
            spans.extend([span] * len(target))
        return terms, spans

    def document(self, text: str) -> list[Token]:
        """Terms of an article sentence: its own terms plus every synonym they stand for."""
        terms, spans = self._spanned_terms(text)
        return [Token(term, start, end) for term, (start, end) in zip(terms, spans, strict=True)]

    def term_spans(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Where each term of an article sentence (synonyms included) was written in it."""
        found: dict[str, list[tuple[int, int]]] = {}
        for term, span in zip(*self._spanned_terms(text), strict=True):
            found.setdefault(term, []).append(span)
        return found

    def query(self, text: str, speller: Speller | None = None) -> list[Token]:
        """Terms of a question: typos corrected, then synonym phrases replaced by their meaning."""
        tokens = base_tokens(text, speller)
        terms = [t.term for t in tokens]
        result: list[Token] = []
        i = 0
        while i < len(tokens):
            rule = next(iter(self._matches(terms, i)), None)
            if rule is None:
                result.append(tokens[i])
                i += 1
                continue
            span_end = tokens[i + len(rule.phrase) - 1].end
            for target in rule.targets:
                result.extend(Token(term, tokens[i].start, span_end) for term in target)
            i += len(rule.phrase)
        return result
