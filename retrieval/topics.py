"""The topics an article covers: named people, places and things, for "nothing relevant" replies."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from retrieval import lexicon
from retrieval.article import Article
from retrieval.stopwords import FUNCTION_WORDS
from retrieval.text import SENTENCE_STARTERS

_WORD = r"(?:[\w'’\-]|\?(?=\w))*"
_NAME = re.compile(rf"[A-Z]{_WORD}(?:\s+(?:(?:of|the|der|von|van|de|la|du)\s+)*[A-Z']{_WORD})*")
# General English words for roles and offices that stand before a name ("Prime Minister Keir
# Starmer", "Council leader"): like stop words, true of any news text, not of one article.
ROLE_WORDS = frozenset(
    """
    president vice prime minister chancellor king queen prince princess pope secretary senator
    governor mayor general commissioner commission chairman chairwoman chair chief ceo director
    spokesman spokeswoman spokesperson official leader foreign defence defense finance interior
    justice home state deputy acting former late mr mrs ms dr prof sir dame lord lady judge
    ambassador envoy coach captain opposition councillor premier emperor sheikh crown sen rep
    gov gen col lt sgt capt
    """.split()
)
_CONNECTORS = frozenset({"of", "the", "der", "von", "van", "de", "la", "du"})
_TRAILING = re.compile(r"(?:\s+(?:of|the|der|von|van|de|la|du))+$")
# Zipf frequencies (wordfreq): under the first a word reads as a name; from the second it is
# an everyday word even when capitalised ("Return True", "Place").
_NAME_ZIPF = 4.0
_EVERYDAY_ZIPF = 5.0
_OPENERS = FUNCTION_WORDS | SENTENCE_STARTERS
_CALENDAR = frozenset(
    n.casefold() for n in (*calendar.month_name, *calendar.day_name, *calendar.month_abbr) if n
)


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper() and word.isalpha()


def _is_descriptor(word: str) -> bool:
    """A role ("President"), a nationality ("French") or an acronym ("UK") before a name."""
    return word.casefold() in ROLE_WORDS or _is_acronym(word) or lexicon.is_demonym(word)


def _is_name_like(word: str) -> bool:
    """A word that is not everyday English, or a country or acronym: what names are made of."""
    return (
        not lexicon.is_common(word.casefold(), _EVERYDAY_ZIPF)
        or _is_acronym(word)
        or bool(lexicon.countries_in(word))
    )


def _clean(name: str) -> str:
    parts = name.replace("’", "'").split()
    while len(parts) > 1 and (parts[0].casefold() in _OPENERS or parts[0] in _CONNECTORS):
        parts = parts[1:]
    # Roles and nationalities before a name go ("French President Emmanuel Macron" ->
    # "Emmanuel Macron"); a phrase that is only those stays whole ("European Union").
    first = 0  # a name keeps at least its last word
    while first < len(parts) - 1 and (_is_descriptor(parts[first]) or parts[first] in _CONNECTORS):
        first += 1
    if any(_is_name_like(p) for p in parts[first:]):
        parts = parts[first:]
    joined = re.sub(r"['’]\?\w*$", "", " ".join(parts))  # "Will'?an": a damaged dash
    cleaned = _TRAILING.sub("", joined).strip(" '")
    return cleaned.removesuffix("'s")


def _is_topic(name: str, mentions: int, lowercase: set[str]) -> bool:
    """A name worth offering: not a lone role or everyday words ("Place", "Return True")
    unless the article keeps using them; a rare word, a country or an acronym always; a
    fairly common word ("London", "Turkey") when the article never writes it in lower case."""
    words = [w for w in name.split() if w not in _CONNECTORS]
    if len(name) < 3 or not words:
        return False
    if all(_is_descriptor(w) and not _is_acronym(w) for w in words):
        return False
    if any(w.casefold() in _CALENDAR for w in words):
        return False  # "March", "Monday": dates, not topics
    if len(words) == 1:
        word = words[0]
        folded = word.casefold()
        rare = not lexicon.is_common(folded, _NAME_ZIPF)
        only_capitalised = folded not in lowercase and not lexicon.is_common(folded, 5.5)
        return (
            rare
            or only_capitalised
            or _is_acronym(word)
            or bool(lexicon.countries_in(word))
            or mentions >= 2
        )
    ordinary = any(w.casefold() in lowercase for w in words)
    return any(_is_name_like(w) for w in words) or not ordinary or mentions >= 2


def article_topics(article: Article) -> tuple[str, ...]:
    """Names the article mentions, most mentioned first (ties: first mention first)."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    texts = [*article.subheadlines, *(s.text for s in article.sentences)]
    lowercase = {w for text in texts for w in re.findall(r"\b[a-z][a-z'’\-]*", text)}
    for text in texts:
        for match in _NAME.finditer(text):
            if match.start() == 0 and " " not in match.group(0):
                continue  # a capitalised first word is not a name by its capital alone
            name = _clean(match.group(0))
            if len(name) < 3:
                continue
            counts[name] += 1
            first_seen.setdefault(name, len(first_seen))
    # A single word that is only ever a part of a longer name adds nothing of its own.
    in_longer = {word for name in counts if " " in name for word in name.split()}
    names = [
        n for n in counts if (" " in n or n not in in_longer) and _is_topic(n, counts[n], lowercase)
    ]
    names.sort(key=lambda n: (-counts[n], first_seen[n]))
    return tuple(names)


def closest_topics(
    topic_order: Sequence[str],
    topics_by_term: Mapping[str, Sequence[int]],
    terms: Iterable[str],
    count: int,
) -> tuple[str, ...]:
    """Up to ``count`` topics, those sharing a term with the question first, then by rank."""
    close = sorted({rank for term in terms for rank in topics_by_term.get(term, ())})
    chosen = [topic_order[rank] for rank in close[:count]]
    for topic in topic_order:
        if len(chosen) >= count:
            break
        if topic not in chosen:
            chosen.append(topic)
    return tuple(chosen)
