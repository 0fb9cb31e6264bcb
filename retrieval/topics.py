"""The topics an article covers: named people, places and things, for "nothing relevant" replies."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from retrieval.article import Article

_WORD = r"(?:[\w'’\-]|\?(?=\w))*"
_NAME = re.compile(rf"[A-Z]{_WORD}(?:\s+(?:(?:of|the|der|von|van|de|la|du)\s+)*[A-Z']{_WORD})*")
_LEADING_WORDS = frozenset(
    """
    President Prime Minister Foreign Chancellor King Queen Mr Mrs Ms Dr Commission Secretary
    UK US EU French British Irish Russian Ukrainian Australian Canadian Turkish German Former
    According On In At After During However The This That It He She They A An Under Specific
    Photo
    """.split()
)
_CONNECTORS = frozenset({"of", "the", "der", "von", "van", "de", "la", "du"})
_TRAILING = re.compile(r"(?:\s+(?:of|the|der|von|van|de|la|du))+$")


def _clean(name: str) -> str:
    parts = name.replace("’", "'").split()
    while len(parts) > 1 and (parts[0] in _LEADING_WORDS or parts[0] in _CONNECTORS):
        parts = parts[1:]
    joined = re.sub(r"['’]\?\w*$", "", " ".join(parts))  # "Will'?an": a damaged dash
    cleaned = _TRAILING.sub("", joined).strip(" '")
    return cleaned.removesuffix("'s")


def article_topics(article: Article) -> tuple[str, ...]:
    """Names the article mentions, most mentioned first (ties: first mention first)."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    texts = [*article.subheadlines, *(s.text for s in article.sentences)]
    for text in texts:
        for match in _NAME.finditer(text):
            if match.start() == 0 and " " not in match.group(0):
                continue  # a capitalised first word is not a name by its capital alone
            name = _clean(match.group(0))
            if len(name) < 3 or name in _LEADING_WORDS:
                continue
            counts[name] += 1
            first_seen.setdefault(name, len(first_seen))
    # A single word that is only ever a part of a longer name adds nothing of its own.
    in_longer = {word for name in counts if " " in name for word in name.split()}
    names = [n for n in counts if " " in n or n not in in_longer]
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
