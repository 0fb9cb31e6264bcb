"""Passages: a ranked sentence quoted exactly, what matched in it, and its neighbours."""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass

from retrieval.article import Sentence
from retrieval.corpus import Corpus
from retrieval.text import Span


@dataclass(frozen=True, slots=True)
class Passage:
    """One quoted sentence with its score, what matched, and its neighbours for context."""

    sentence: Sentence
    score: float
    matched_terms: tuple[str, ...]
    highlights: tuple[Span, ...]
    before: Sentence | None
    after: Sentence | None
    coverage: float
    # The sentence before, quoted with this one when this one leans on it ("He said...");
    # ``lead_text`` is the source text from the lead's start to this sentence's start.
    lead: Sentence | None = None
    lead_text: str = ""

    @property
    def text(self) -> str:
        """What is quoted: the exact source text of the lead (if any) and the sentence."""
        return self.lead_text + self.sentence.text

    def segments(self) -> tuple[tuple[str, bool], ...]:
        """The quoted text in order, as (piece, is a matched word) pairs."""
        text = self.sentence.text
        pieces: list[tuple[str, bool]] = [(self.lead_text, False)] if self.lead_text else []
        cursor = 0
        for span in self.highlights:
            if cursor < span.start:
                pieces.append((text[cursor : span.start], False))
            pieces.append((text[span.start : span.end], True))
            cursor = span.end
        if cursor < len(text):
            pieces.append((text[cursor:], False))
        return tuple(pieces)


def highlights(
    term_spans: dict[str, list[tuple[int, int]]], terms: Set[str], text: str
) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    """The words of ``text`` that hold any of ``terms`` (distinct, in order) and their spans,
    overlapping spans merged."""
    hits = sorted({span for term in terms for span in term_spans.get(term, ())})
    merged: list[tuple[int, int]] = []
    for start, end in hits:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    matched: list[str] = []
    seen: set[str] = set()
    for start, end in merged:
        word = text[start:end]
        if word.casefold() not in seen:
            seen.add(word.casefold())
            matched.append(word)
    return tuple(matched), tuple(Span(start, end) for start, end in merged)


# A sentence opening with one of these leans on the one before it for who or what it means.
_ANAPHORS = frozenset(
    "he she they it this these that those his her their its such there both".split()
)
# Connectives a sentence may open with before the word that leans back ("However, they...").
_CONNECTIVES = frozenset("however but and also still yet so then meanwhile moreover".split())
_WORD = re.compile(r"\w+")
# A joined passage stays readable: longer pairs quote the sentence alone.
MAX_JOINED_CHARS = 360


def leans_on_previous(sentence: Sentence, previous: Sentence | None) -> bool:
    """True when ``sentence`` opens with a pronoun ("He stressed...") or with "The" and a word
    of the sentence before ("The official explained..." after "A UK government official said"),
    and that sentence is in the same paragraph."""
    if previous is None or previous.paragraph != sentence.paragraph:
        return False
    words = [w.casefold() for w in _WORD.findall(sentence.text[:80])[:3]]
    if words and words[0] in _CONNECTIVES:
        words = words[1:]
    if not words:
        return False
    if words[0] in _ANAPHORS:
        return True
    second = words[1] if len(words) > 1 else ""
    return words[0] == "the" and len(second) > 3 and second in previous.text.casefold()


def build_passage(
    corpus: Corpus,
    doc: int,
    score: float,
    coverage: float,
    terms: Set[str],
    join_lead: bool = True,
) -> Passage:
    """The passage for the sentence at corpus position ``doc``, with the sentence before it
    when it leans on that one, the two fit in MAX_JOINED_CHARS, and ``join_lead`` allows."""
    sentence = corpus.sentences[doc]
    matched, spans = highlights(corpus.term_spans(doc), terms, sentence.text)
    before, after = corpus.neighbours(sentence)
    lead, lead_text = None, ""
    if join_lead and before is not None and leans_on_previous(sentence, before):
        article = corpus.article(sentence.article_id)
        if article is not None and sentence.end - before.start <= MAX_JOINED_CHARS:
            lead, lead_text = before, article.text[before.start : sentence.start]
    return Passage(sentence, score, matched, spans, before, after, coverage, lead, lead_text)
