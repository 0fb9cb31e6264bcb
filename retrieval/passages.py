"""Passages: a ranked sentence quoted exactly, what matched in it, and its neighbours."""

from __future__ import annotations

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

    def segments(self) -> tuple[tuple[str, bool], ...]:
        """The sentence's exact text in order, as (piece, is a matched word) pairs."""
        text = self.sentence.text
        pieces: list[tuple[str, bool]] = []
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


def build_passage(
    corpus: Corpus, doc: int, score: float, coverage: float, terms: Set[str]
) -> Passage:
    """The passage for the sentence at corpus position ``doc``."""
    sentence = corpus.sentences[doc]
    matched, spans = highlights(corpus.term_spans(doc), terms, sentence.text)
    before, after = corpus.neighbours(sentence)
    return Passage(sentence, score, matched, spans, before, after, coverage)
