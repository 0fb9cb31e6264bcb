"""General-English knowledge for the decision: how common a word is, and which words are countries.

Both come from well-kept packages (wordfreq's frequency lists, pycountry's ISO 3166 names), loaded
on first use, so nothing here is written for one article.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache

from retrieval.text import fold
from retrieval.word_frequency import ENGLISH

# wordfreq's Zipf scale: 7 for "the", about 3 for a word seen once in a million words.
COMMON_ZIPF = 6.0
# Words seen in questions, remembered: bounded, as a long-running bot sees ever new words.
WORDS_REMEMBERED = 16_384
_lock = threading.Lock()


@lru_cache(maxsize=WORDS_REMEMBERED)
def zipf(word: str) -> float:
    """How common ``word`` is in English on the Zipf scale (0 for a word wordfreq never saw)."""
    # A plain word is read from wordfreq's list without importing wordfreq (a quarter-second
    # pause in a one-shot question), or once prepare() has loaded it, from its table without
    # its tokeniser; the figure is the same.
    quick = ENGLISH.zipf(word)
    if quick is not None:
        return quick
    with _lock:  # wordfreq loads its lists lazily and is not safe to enter twice at once
        from wordfreq import zipf_frequency

        return float(zipf_frequency(word, "en"))


def prepare() -> None:
    """Load wordfreq now, for a long-running process: its table serves every word from here
    on (plain words read from it directly), so the packed list's copy is let go (tens of
    megabytes, and 0.1 s of start-up)."""
    with _lock:
        from wordfreq import get_frequency_dict, zipf_frequency

        zipf_frequency("warm", "en")  # its lists load on the first call
        # The table zipf_frequency(word, "en") reads: "best" is the default wordlist.
        table = get_frequency_dict("en", "best")
    ENGLISH.use_table(table)


def rarity(word: str) -> float:
    """0 for the commonest words, 1 for words English rarely uses (names, jargon)."""
    return min(1.0, max(0.0, (COMMON_ZIPF - zipf(word)) / COMMON_ZIPF))


_WORD = re.compile(r"\w+")


@cache
def _country_names() -> dict[str, tuple[tuple[str, ...], ...]]:
    """ISO 3166 country names as folded words, filed under their first word."""
    import pycountry

    names: set[tuple[str, ...]] = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            value = getattr(country, attribute, None)
            if value and "," not in value and "(" not in value:
                names.add(tuple(_WORD.findall(fold(value))))
    table: dict[str, list[tuple[str, ...]]] = {}
    for words in sorted(names, key=len, reverse=True):
        if words:
            table.setdefault(words[0], []).append(words)
    return {first: tuple(found) for first, found in table.items()}


def countries_in(text: str) -> set[str]:
    """Country names written in ``text`` (case and accents ignored), folded.

    One pass over the text's words: a whole article costs about a millisecond, where one
    pattern of every name over the folded text took tens, a pause in the first question about
    a country."""
    table = _country_names()
    words = [  # a plain ASCII word needs none of fold's work but lower case
        word.lower() if word.isascii() else fold(word)
        for word in _WORD.findall(unicodedata.normalize("NFC", text))
    ]
    found: set[str] = set()
    free = 0  # the words of a name found are not read again ("sudan" in "south sudan")
    for at in [at for at, word in enumerate(words) if word in table]:
        if at < free:
            continue
        for name in table[words[at]]:  # longest first: "south sudan" before "south"
            if len(name) == 1 or tuple(words[at : at + len(name)]) == name:
                found.add(" ".join(name))
                free = at + len(name)
                break
    return found


def is_common(word: str, threshold: float) -> bool:
    """True when ``word`` is at least as common in English as ``threshold`` on the Zipf scale."""
    return zipf(word) >= threshold


# Adjectives of nationality that no country name starts with: general English, not one article's.
_IRREGULAR_DEMONYMS = frozenset(
    """
    american british english irish scottish welsh french dutch swiss greek thai danish polish
    spanish portuguese saudi emirati filipino argentine icelandic czech slovak croatian serbian
    german finnish belgian turkish indian korean afghan syrian cuban
    """.split()
)
_DEMONYM_SUFFIX = re.compile(r"(?:ian|ean|an|ese|ish|i)$")
_NAMED_DEMONYM = re.compile(r"(?:ian|ese|ish)$")


@cache
def _country_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """The first words of every country's names, as a set and as a sorted tuple."""
    import pycountry

    firsts: set[str] = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            value = getattr(country, attribute, None)
            words = re.findall(r"[a-z]+", fold(value)) if value else []
            if words:
                firsts.add(words[0])
    return frozenset(firsts), tuple(sorted(firsts))


@lru_cache(maxsize=WORDS_REMEMBERED)
def is_demonym(word: str) -> bool:
    """True for an adjective of nationality ("Russian", "Japanese", "French"): the first word
    of a country's name ("Russian Federation"), that word with a demonym ending for its last
    letters ("Canada" -> "Canadian"), or one of the irregular ones."""
    folded = fold(word)
    if folded in _IRREGULAR_DEMONYMS:
        return True
    firsts, ordered = _country_words()
    if folded in firsts:
        return bool(_NAMED_DEMONYM.search(folded))  # "Russian Federation", not "Jordan"
    stem = _DEMONYM_SUFFIX.sub("", folded)
    if stem == folded or len(stem) < 4:
        return False
    return any(n.startswith(stem) and len(n) - len(stem) <= 2 for n in ordered)
