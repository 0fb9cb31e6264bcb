"""Questions of function words alone ("who is against it?"): read by the embedding, never sure."""

from __future__ import annotations

import pytest

from retrieval import Answerer, Corpus
from retrieval.decision import Verdict
from retrieval.question import analyse_question
from tests.conftest import SEEDS

OPPOSED = "Russia has opposed these discussions."
# Written before the bot answered any of them: every word is a stop word or chat filler, and
# the article answers each with the sentence above.
AGAINST = (
    "yo who's against all this?",
    "who is against it?",
    "is anyone against this?",
    "who is for it and who is against it",
    "who said no?",
)


@pytest.mark.parametrize("question", AGAINST)
def test_a_function_word_question_has_no_terms_but_is_asked(corpus: Corpus, question: str) -> None:
    """The index has nothing to search for, yet it is worded as a question."""
    analysed = analyse_question(corpus, question)
    assert analysed.terms == ()
    assert analysed.asked_in_function_words


@pytest.mark.parametrize(
    "text", ["hi", "hi?", "what?", "thanks so much", "ok then", "how are you?", "what can u do"]
)
def test_greetings_and_single_words_are_not_taken_as_questions(corpus: Corpus, text: str) -> None:
    """Fewer than two words, words not written as a question, or a question to the bot."""
    assert not analyse_question(corpus, text).asked_in_function_words


def test_function_word_questions_are_answered_by_the_embedding_and_never_confident(
    answerer: Answerer,
) -> None:
    """Each shows passages under the caveat, verbatim, and the opposing sentence comes within
    the first three for most of them."""
    source = (SEEDS / "coalition-of-will.txt").read_text(encoding="utf-8")
    within_three = 0
    for question in AGAINST:
        answer = answerer.ask(question)
        assert answer.found, question
        assert answer.verdict is Verdict.NOT_SURE
        assert not answer.confident
        assert not answer.has_content_words
        assert 0.0 <= answer.confidence < answerer.decider.confident_at
        for passage in answer.passages:
            assert passage.text in source
        within_three += any(p.sentence.text == OPPOSED for p in answer.passages[:3])
    assert within_three >= 4


def test_without_the_embedding_a_function_word_question_is_refused_as_such(
    bm25_answerer: Answerer,
) -> None:
    """BM25 alone has no word to search for: the reply asks for one."""
    answer = bm25_answerer.ask("who is against it?")
    assert not answer.found
    assert not answer.has_content_words


def test_a_greeting_is_still_answered_with_examples(answerer: Answerer) -> None:
    """'thanks so much' is not a question: no passages, even with the embedding."""
    answer = answerer.ask("thanks so much")
    assert not answer.found
    assert not answer.has_content_words
