"""Analysing a question: cleaned, cut to length, its words read (typos corrected) as index terms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.corpus import Corpus
from retrieval.matching import QueryTerms
from retrieval.text import clean_question

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
# Longer questions are cut before analysis: a wall of pasted text is not a question.
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True, slots=True)
class AnalysedQuestion:
    """A question as the index reads it: distinct terms in order, and the typos it corrected."""

    text: str
    terms: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]
    # For each term, the question's words it was read from (for frequency and name checks).
    surfaces: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        """The question's words alone, as the sentence-embedding model reads them: markup and
        symbols that carry no word do not move the answer."""
        return " ".join(_WORD.findall(self.text))

    def query_terms(self, corpus: Corpus, name_boost: float) -> QueryTerms:
        """The terms with their weight as evidence (how specific each is) and score boost."""
        return QueryTerms(
            self.terms,
            [corpus.own.specificity(t) for t in self.terms],
            [name_boost if t in corpus.proper_terms else 1.0 for t in self.terms],
        )


class _RecordingSpeller:
    def __init__(self, corpus: Corpus) -> None:
        self._speller = corpus.speller
        self.corrections: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        corrected = self._speller(word)
        if corrected != word:
            self.corrections[word] = corrected
        return corrected


def analyse_question(corpus: Corpus, question: str) -> AnalysedQuestion:
    """Clean ``question`` and read it with the corpus's analyzer and speller."""
    text = clean_question(question)[:MAX_QUESTION_CHARS]
    speller = _RecordingSpeller(corpus)
    query = corpus.analyzer.query(text, speller)
    first: dict[str, str] = {}
    for token in query:
        first.setdefault(token.term, text[token.start : token.end])
    return AnalysedQuestion(
        text, tuple(first), tuple(speller.corrections.items()), tuple(first.values())
    )
