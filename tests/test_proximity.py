"""How closely a sentence holds the question's wording, read from the analyzer's real spans."""

from __future__ import annotations

from retrieval import Analyzer
from retrieval.proximity import UNMATCHED, proximity, word_places

ANALYZER = Analyzer()


def _even(question: str) -> dict[str, float]:
    """The question's distinct terms, as the index reads them, each weighing 1."""
    return {token.term: 1.0 for token in ANALYZER.query(question)}


def _places(sentence: str) -> dict[str, list[int]]:
    return word_places(ANALYZER.term_spans(sentence))


def test_word_places_count_words_not_characters() -> None:
    places = _places("The summit was held in Brussels, and the summit ended.")
    # "the", "was", "in", "and" are no terms: places count the words that give terms.
    assert places["summit"] == [0, 3]
    assert places["held"] == [1]
    assert places["end"] == [4]


def test_terms_side_by_side_are_compact_and_scattered_ones_are_not() -> None:
    weights = _even("when will the summit be held in brussels?")
    together = proximity(weights, _places("The summit was held in Brussels."))
    apart = proximity(
        weights,
        _places(
            "The summit, which leaders had long argued over and twice put off, was finally "
            "held last week far from Brussels."
        ),
    )
    assert together.compactness == 1.0
    assert 0.0 < apart.compactness < 0.5
    # Both sentences hold every term: the share of the question held is the same.
    assert together.own_share == apart.own_share == 1.0


def test_the_share_held_is_weighted_by_specificity() -> None:
    terms = list(_even("did macron visit brussels"))
    places = _places("Macron spoke in Paris.")
    assert len(terms) == 3
    assert [t in places for t in terms] == [True, False, False]
    weights = {term: (5.0 if term == terms[0] else 1.0) for term in terms}
    held = proximity(weights, places)
    # Only the heavy term (macron) is held: 5 of the 5 + 1 + 1 weight.
    assert abs(held.own_share - 5.0 / 7.0) < 1e-9
    # One term held: nothing to be close to.
    assert held.compactness == 0.0


def test_a_sentence_without_any_question_term_is_unmatched() -> None:
    weights = _even("who opposed the coalition?")
    assert proximity(weights, _places("The weather was fine.")) == UNMATCHED
    assert proximity(weights, {}) == UNMATCHED
    assert proximity({}, _places("The coalition met.")) == UNMATCHED


def test_a_term_written_twice_counts_its_nearest_place() -> None:
    places = _places(
        "The coalition met. Weeks later and after many talks, the coalition troops arrived."
    )
    assert proximity(_even("coalition troops"), places).compactness == 1.0
