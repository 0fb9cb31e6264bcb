"""How closely candidate sentences hold the question's wording, over a real index of real
sentences analysed by the real analyzer."""

from __future__ import annotations

from retrieval import Analyzer, BM25Index
from retrieval.index import TermCounts
from retrieval.proximity import wording

ANALYZER = Analyzer()
SENTENCES = (
    "The summit was held in Brussels.",
    "The summit, which leaders had long argued over and twice put off, was finally held last "
    "week far from Brussels.",
    "Macron spoke in Paris.",
    "The weather was fine.",
    "The coalition met, and weeks later and after many talks the coalition troops arrived.",
)
INDEX = BM25Index(TermCounts.from_documents(ANALYZER.document_terms(s) for s in SENTENCES))


def _measure(
    question: str, documents: list[int], heavy: str | None = None
) -> tuple[list[float], list[float]]:
    """Each term weighs 1 (``heavy``'s term 5); terms the index lacks count in the total only."""
    weights: dict[int, float] = {}
    total = 0.0
    for token in ANALYZER.query(question):
        weight = 5.0 if heavy is not None and token.term == heavy else 1.0
        total += weight
        term_id = INDEX.term_id(token.term)
        if term_id is not None:
            weights[term_id] = weight
    held = wording(INDEX.tokens_of(documents), weights, total)
    return held.compactness, held.own_share


def test_the_index_keeps_each_sentences_tokens_in_order() -> None:
    tokens = INDEX.tokens_of([2, 0])
    first = [INDEX.term_id(t) for t in ANALYZER.document_terms(SENTENCES[2])]
    second = [INDEX.term_id(t) for t in ANALYZER.document_terms(SENTENCES[0])]
    assert tokens.ids.tolist() == first + second
    assert tokens.owner.tolist() == [0] * len(first) + [1] * len(second)
    assert tokens.place.tolist() == list(range(len(first))) + list(range(len(second)))
    assert INDEX.term_id("nowhere") is None


def test_terms_side_by_side_are_compact_and_scattered_ones_are_not() -> None:
    compactness, share = _measure("when will the summit be held in brussels?", [0, 1])
    assert compactness[0] == 1.0
    assert 0.0 < compactness[1] < 0.5
    # Both sentences hold every term: the share of the question held is the same.
    assert share == [1.0, 1.0]


def test_the_share_held_is_weighted_by_specificity() -> None:
    # "visit" is no term of any sentence: it weighs in the total only.
    compactness, share = _measure("did macron visit brussels", [2, 0], heavy="macron")
    assert abs(share[0] - 5.0 / 7.0) < 1e-9
    assert abs(share[1] - 1.0 / 7.0) < 1e-9
    # One term held: nothing to be close to.
    assert compactness == [0.0, 0.0]


def test_a_sentence_without_any_question_term_holds_nothing() -> None:
    assert _measure("who opposed the coalition?", [3]) == ([0.0], [0.0])
    assert _measure("who opposed the coalition?", []) == ([], [])
    assert _measure("hi", [4]) == ([0.0], [0.0])


def test_the_run_goes_from_the_first_term_held_to_the_last() -> None:
    tokens = ANALYZER.document_terms(SENTENCES[4])
    assert tokens == ["coalit", "met", "week", "later", "talk", "coalit", "troop", "arriv"]
    # From the first "coalit" (0) to "troop" (6): two terms over seven tokens.
    compactness, share = _measure("coalition troops", [4])
    assert abs(compactness[0] - 2 / 7) < 1e-9
    assert share == [1.0]
