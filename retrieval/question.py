"""Analysing a question: cleaned, cut to length, its words read (typos corrected) as index terms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.corpus import Corpus
from retrieval.matching import QueryTerms
from retrieval.text import clean_question

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
CONTEXT_WEIGHT = 0.5
# Longer questions are cut before analysis: a wall of pasted text is not a question.
MAX_QUESTION_CHARS = 1000
_OPENERS = frozenset(
    "who whom whose what which when where why how is are was were do does did can could will "
    "would should has have".split()
)
# "how are you?", "what can u do?": asked of the bot, not of the article.
_TO_THE_BOT = frozenset("you your yours yourself u ya".split())


@dataclass(frozen=True, slots=True)
class AnalysedQuestion:
    """A question as the index reads it: distinct terms in order, and the typos it corrected."""

    text: str
    terms: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]
    # For each term, the question's words it was read from (for frequency and name checks).
    surfaces: tuple[str, ...] = ()
    # Terms that come from the earlier questions of a conversation, not from this one.
    from_context: frozenset[str] = frozenset()
    context_text: str = ""

    @property
    def words(self) -> str:
        """The question's words alone, as the sentence-embedding model reads them: markup and
        symbols that carry no word do not move the answer."""
        return " ".join(_WORD.findall(f"{self.text} {self.context_text}"))

    @property
    def asked_in_function_words(self) -> bool:
        """A question of function words alone ("who is against it?"): no term for the index,
        but at least two words written as a question (ending in "?" or opening with a question
        word), which a sentence embedding can still read. "hi" and "thanks" are not, nor
        "how are you?", which asks the bot."""
        # "who's" reads as "who", "you're" as "you".
        words = [re.split(r"['’]", w.casefold())[0] for w in _WORD.findall(self.text)]
        if self.terms or len(words) < 2 or not _TO_THE_BOT.isdisjoint(words):
            return False
        return self.text.rstrip().endswith("?") or words[0] in _OPENERS

    def query_terms(self, corpus: Corpus, name_boost: float) -> QueryTerms:
        """The terms with their weight as evidence (how specific each is) and score boost."""
        # The earlier question's words count half: they give the subject, this question
        # says what is asked about it.
        lean = [CONTEXT_WEIGHT if t in self.from_context else 1.0 for t in self.terms]
        return QueryTerms(
            self.terms,
            [corpus.own.specificity(t) * w for t, w in zip(self.terms, lean, strict=True)],
            [
                (name_boost if t in corpus.proper_terms else 1.0) * w
                for t, w in zip(self.terms, lean, strict=True)
            ],
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


def with_context(corpus: Corpus, question: AnalysedQuestion, context: str) -> AnalysedQuestion:
    """``question`` joined by the terms of earlier questions it does not have itself. When it
    names someone or something of its own ("what about france?"), the earlier question's names
    give way to it."""
    earlier = analyse_question(corpus, context)
    names_own = any(t in corpus.proper_terms for t in question.terms)
    extra = [
        (term, surface)
        for term, surface in zip(earlier.terms, earlier.surfaces, strict=True)
        if term not in question.terms and not (names_own and term in corpus.proper_terms)
    ]
    return AnalysedQuestion(
        question.text,
        question.terms + tuple(term for term, _surface in extra),
        question.corrections,
        question.surfaces + tuple(surface for _term, surface in extra),
        frozenset(term for term, _surface in extra),
        earlier.text,
    )
