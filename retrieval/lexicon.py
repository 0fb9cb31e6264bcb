"""General-English knowledge for the decision: how common a word is, and which words are countries.

Both come from well-kept packages (wordfreq's frequency lists, pycountry's ISO 3166 names), loaded
on first use, so nothing here is written for one article.
"""

from __future__ import annotations

import re
import threading
from functools import cache

from retrieval.text import fold

# wordfreq's Zipf scale: 7 for "the", about 3 for a word seen once in a million words.
COMMON_ZIPF = 6.0
_lock = threading.Lock()


@cache
def zipf(word: str) -> float:
    """How common ``word`` is in English on the Zipf scale (0 for a word wordfreq never saw)."""
    with _lock:  # wordfreq loads its lists lazily and is not safe to enter twice at once
        from wordfreq import zipf_frequency

        return float(zipf_frequency(word, "en"))


def rarity(word: str) -> float:
    """0 for the commonest words, 1 for words English rarely uses (names, jargon)."""
    return min(1.0, max(0.0, (COMMON_ZIPF - zipf(word)) / COMMON_ZIPF))


@cache
def _country_pattern() -> re.Pattern[str]:
    import pycountry

    names: set[str] = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            value = getattr(country, attribute, None)
            if value and "," not in value and "(" not in value:
                names.add(fold(value))
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


def countries_in(text: str) -> set[str]:
    """Country names written in ``text`` (case and accents ignored), folded."""
    return set(_country_pattern().findall(fold(text)))
