"""The signals the learned models read: per candidate sentence for ordering, per question for the
decision. Each is general (no word list of one article); the models' weights say how much each
counts (retrieval/models/, trained by benchmarks/train_models.py)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval import lexicon
from retrieval.corpus import Corpus
from retrieval.question import AnalysedQuestion
from retrieval.text import fold

FloatVector = npt.NDArray[np.float64]

CANDIDATE_FEATURES = (
    "log_key",  # log(1 + BM25 key): BM25 of both fields times coverage squared
    "key_share",  # the key over the best key of the question's candidates
    "coverage",  # weighted share of the question's terms the sentence (or its lead-in) holds
    "matched_share",  # distinct question terms in the sentence itself, over the question's
    "cosine",  # sentence-embedding similarity of question and sentence
    "cosine_gap",  # the cosine less the best cosine of any sentence
    "from_bm25",  # 1 when BM25 found it, 0 when only the embedding did
    "bm25_rank",  # 1 / (1 + its place in BM25's order); 0 when only the embedding found it
    "lead_cosine",  # the similarity of the sentence before it (what "He said..." refers to)
    "compactness",  # its question terms over its tokens from the first of them to the last
    "own_share",  # the question's specificity the sentence itself holds, not its lead-in
    "piece_mean",  # the question's content pieces' best cosines in the sentence, averaged
    "piece_min",  # the least of them: the question word the sentence meets worst
    "piece_mean_gap",  # piece_mean less the best of the question's candidates
    "piece_min_gap",  # piece_min less the best of the question's candidates
)
_SIGNALS: tuple[str, ...] = (
    "top_logit",  # the evidence model's score of the first passage (ordering.py)
    "margin",  # how far ahead of the second passage the ordering model puts it
    "coverage",
    "matched_share",
    "cosine",
    "cosine_max",
    "log_key",
    "unknown_share",  # share of the question's terms the articles never use
    "unknown_rarity",  # how rare in general English those unknown words are (summed)
    "country_miss",  # countries named in the question that the article never names
    "type_miss",  # "how many" without a number, "when" without a date, "who" without a name
    "log_terms",  # log of the question's distinct terms
    "unmatched_specificity",  # the most specific question term the first passage lacks
    "log_sentences",  # the size of the library searched (scores scale with it)
)
# Each signal again times the library's size: what a score means differs between a
# 30-sentence news story and a 400-sentence encyclopedia article (calibration, measured).
_SIZE = _SIGNALS.index("log_sentences")
_SIZED = np.array([i for i in range(len(_SIGNALS)) if i != _SIZE])
QUESTION_FEATURES: tuple[str, ...] = _SIGNALS + tuple(
    f"{name}_x_size" for name in _SIGNALS if name != "log_sentences"
)

_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|trillion|dozen|half|several)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\d|\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    r"tomorrow|week|month|year|day|night|morning|evening|century|decade|since|until|after|"
    r"before|later|earlier|ago|recently|soon)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_ASKS_NUMBER = re.compile(
    r"\bhow (?:many|much|big|large|long|old|far|often)\b|\bwhat (?:percentage|share|number|"
    r"amount|size)\b",
    re.IGNORECASE,
)
_ASKS_DATE = re.compile(r"^\W*when\b|\bwhat (?:time|date|year|day|month)\b", re.IGNORECASE)
_ASKS_NAME = re.compile(
    r"^\W*(?:who|whom|whose)\b|\bwhat(?:'s| is) (?:the |his |her )?name\b", re.IGNORECASE
)


# Not frozen: tens are made for every question, and a frozen dataclass's __init__ costs
# five times a plain one's (1.2 against 0.2 µs). Nothing changes one once made.
@dataclass(slots=True)
class Candidate:
    """One sentence a question may be answered by, with what was measured of it."""

    document: int
    key: float
    coverage: float
    matched: int
    cosine: float
    from_bm25: bool
    bm25_rank: int = 0  # 1-based place in BM25's order; 0 when only the embedding found it
    lead_cosine: float = 0.0
    compactness: float = 0.0  # see proximity.py
    own_share: float = 0.0
    piece_mean: float = 0.0  # see pieces.py
    piece_min: float = 0.0


def candidate_matrix(
    candidates: Sequence[Candidate], terms: int, cosine_max: float
) -> npt.NDArray[np.float64]:
    """One row of CANDIDATE_FEATURES per candidate."""
    best_key = max((c.key for c in candidates), default=0.0) or 1.0
    best_mean = max((c.piece_mean for c in candidates), default=0.0)
    best_min = max((c.piece_min for c in candidates), default=0.0)
    rows = [
        (
            math.log1p(c.key),
            c.key / best_key,
            c.coverage,
            c.matched / max(terms, 1),
            c.cosine,
            c.cosine - cosine_max,
            1.0 if c.from_bm25 else 0.0,
            1.0 / (1.0 + c.bm25_rank) if c.bm25_rank else 0.0,
            c.lead_cosine,
            c.compactness,
            c.own_share,
            c.piece_mean,
            c.piece_min,
            c.piece_mean - best_mean,
            c.piece_min - best_min,
        )
        for c in candidates
    ]
    return np.asarray(rows, dtype=np.float64).reshape(len(candidates), len(CANDIDATE_FEATURES))


def type_miss(question: str, sentence: str) -> float:
    """1 when the question asks for a kind of thing (a number, a date, a name) that the
    sentence does not hold beyond the question's own words."""
    kind = next((k for k in (_ASKS_NUMBER, _ASKS_DATE, _ASKS_NAME) if k.search(question)), None)
    if kind is None:  # most questions: the sentence need not be read word by word
        return 0.0
    asked = {fold(w) for w in _WORD.findall(question)}
    words = _WORD.findall(sentence)
    if kind is _ASKS_NAME:
        names = [w for w in words[1:] if w[:1].isupper() and fold(w) not in asked]
        return 0.0 if names else 1.0
    rest = " ".join(w for w in words if fold(w) not in asked)
    found = _NUMBER if kind is _ASKS_NUMBER else _DATE
    return 0.0 if found.search(rest) else 1.0


def unknown_words(corpus: Corpus, question: AnalysedQuestion) -> list[str]:
    """The question's words whose terms the articles never use (after typo correction)."""
    unknown: list[str] = []
    for term, surface in zip(question.terms, question.surfaces, strict=True):
        if term not in corpus.own and (corpus.context is None or term not in corpus.context):
            unknown.append(surface)
    return unknown


def unmatched_specificity(corpus: Corpus, question: AnalysedQuestion, document: int) -> float:
    """How specific the most specific question term is that the sentence (and its lead-in)
    does not hold: a near miss matches the common words and misses the one that matters."""
    own = corpus.own
    held = corpus.sentence_term_ids(document)
    lacking = [t for t in question.terms if own.term_id(t) not in held]
    return max((own.specificity(t) for t in lacking), default=0.0)


def country_misses(corpus: Corpus, question: str, article_ids: Sequence[str]) -> int:
    """Countries the question names that none of the answering articles names."""
    named = lexicon.countries_in(question)
    if not named:
        return 0
    known: set[str] = set()
    for article_id in article_ids:
        known |= corpus.countries(article_id)
    return len(named - known)


def question_vector(
    corpus: Corpus,
    question: AnalysedQuestion,
    top: Candidate,
    evidence: float,
    logits: Sequence[float],
    cosine_max: float,
) -> FloatVector:
    """QUESTION_FEATURES for a question whose ordered candidates score ``logits``, the first
    with ``evidence``."""
    terms = len(question.terms)
    unknown = unknown_words(corpus, question)
    sentence = corpus.sentences[top.document]
    second = logits[1] if len(logits) > 1 else logits[0] - 4.0
    values = (
        evidence,
        logits[0] - second,
        top.coverage,
        top.matched / max(terms, 1),
        top.cosine,
        cosine_max,
        math.log1p(top.key),
        len(unknown) / max(terms, 1),
        sum(lexicon.rarity(word) for word in unknown),
        float(country_misses(corpus, question.text, [sentence.article_id])),
        type_miss(question.text, sentence.text),
        math.log(max(terms, 1)),
        unmatched_specificity(corpus, question, top.document),
        math.log(len(corpus.sentences)),
    )
    base = np.asarray(values, dtype=np.float64)
    return np.concatenate((base, base[_SIZED] * base[_SIZE]))
