"""Conversations in the core: which questions are follow-ups, what they are read with, and the
bounds on what is remembered."""

from __future__ import annotations

import json

import pytest

from retrieval import Answerer
from retrieval.conversation import CONTEXT_QUESTIONS, Conversations, Turn, is_follow_up, next_turn
from retrieval.evaluation import (
    evaluate_conversations,
    is_conversation_file,
    read_conversations,
    read_questions,
    score,
)
from retrieval.summary import is_summary_request, summary_sentences
from tests.conftest import DATA


@pytest.mark.parametrize(
    "question",
    [
        "what about france?",
        "and turkey?",
        "why?",
        "and the date?",
        "who proposed it?",
        "what did he say",
        "where?",
        "how about canada",
        "is there a condition?",
    ],
)
def test_questions_lacking_a_subject_are_follow_ups(answerer: Answerer, question: str) -> None:
    """An opener, a pronoun with no name of its own, or too few words to search alone."""
    assert is_follow_up(answerer.corpus, question)


@pytest.mark.parametrize(
    "question",
    [
        "where was the eu summit held?",
        "what did the russian foreign minister say about nato?",
        "which countries are commonwealth countries?",
        "what can ireland send under its laws?",
    ],
)
def test_full_questions_stand_alone(answerer: Answerer, question: str) -> None:
    """A question with its own subject is not read with the one before."""
    assert not is_follow_up(answerer.corpus, question)
    turn = next_turn(answerer.corpus, question, Turn("did the uk say it would send troops?"))
    assert turn.context == ()


def test_a_follow_up_is_read_with_the_question_before_and_says_so(answerer: Answerer) -> None:
    """ "what about australia?" after a question about troops finds Australia on troops, and the
    answer names the question it was read with."""
    first = next_turn(answerer.corpus, "did the uk say it would send troops?", None)
    second = next_turn(answerer.corpus, "what about australia?", first)
    assert second.context == ("did the uk say it would send troops?",)
    answer = answerer.ask("what about australia?", context=second.context)
    assert answer.context == second.context
    assert "Albanese" in answer.passages[0].text
    alone = answerer.ask("what about australia?")
    assert alone.context == ()


def test_a_conversation_carries_only_its_last_few_questions() -> None:
    """Context is bounded: a long chain keeps the newest CONTEXT_QUESTIONS questions."""
    turn = Turn("q1")
    for n in range(2, 8):
        turn = Turn(f"q{n}", turn.as_context())
    assert len(turn.as_context()) == CONTEXT_QUESTIONS
    assert turn.as_context()[-1] == "q7"


def test_conversations_forget_after_their_time_and_beyond_their_capacity() -> None:
    """A turn older than ttl is gone; past capacity the least recently used go first."""
    now = [0.0]
    memory = Conversations(ttl=300, capacity=3, clock=lambda: now[0])
    memory.remember(("channel", 1), Turn("a"))
    now[0] = 299.0
    assert memory.last(("channel", 1)) == Turn("a")
    now[0] = 600.0
    assert memory.last(("channel", 1)) is None
    for user in range(5):
        memory.remember(("channel", user), Turn(str(user)))
    assert len(memory) == 3
    assert memory.last(("channel", 0)) is None
    assert memory.last(("channel", 4)) == Turn("4")


def test_conversation_file_floors(answerer: Answerer) -> None:
    """The follow-up file (written before the code): later turns keep their measured P@1,
    full new questions are not distorted, and the file is large enough to mean something."""
    path = DATA / "conversations.jsonl"
    assert is_conversation_file(path)
    conversations = read_conversations(path)
    assert len(conversations) >= 40
    first, later = evaluate_conversations(answerer, conversations)
    # 0.800 with the pointwise ordering model; 0.750 since the listwise one (docs/quality.md).
    assert score(first).p_at_1 >= 0.75
    assert score(later).p_at_1 >= 0.72
    new = [o for o in later if o.question.kind == "new question"]
    assert len(new) >= 10
    assert score(new).p_at_1 >= 0.85


def test_a_question_file_is_not_taken_for_a_conversation_file() -> None:
    """eval tells the two formats apart by their first line."""
    assert not is_conversation_file(DATA / "blind-test.jsonl")
    assert read_questions(DATA / "blind-test.jsonl")


@pytest.mark.parametrize(
    "question",
    ["tl;dr?", "TLDR", "summary", "what's this article about", "give me the gist", "key points?"],
)
def test_summary_requests_are_recognised(question: str) -> None:
    """The usual ways of asking for the gist."""
    assert is_summary_request(question)


@pytest.mark.parametrize(
    "question", ["what about france", "what did they say about troops", "who summarised the talks"]
)
def test_questions_are_not_taken_for_summary_requests(question: str) -> None:
    """Questions that merely contain "about" or a summary word are questions."""
    assert not is_summary_request(question)


def test_the_summary_quotes_key_sentences_in_article_order(answerer: Answerer) -> None:
    """Exact sentences, in article order, no caption, and at least three of the key sentences
    of the reference written before the summary code."""
    answer = answerer.ask("tl;dr?")
    assert answer.summary
    assert answer.confident
    ids = [p.sentence.citation_id for p in answer.passages]
    positions = [answerer.corpus.sentences.index(p.sentence) for p in answer.passages]
    assert positions == sorted(positions)
    assert all(p.text == p.sentence.text for p in answer.passages)
    reference = json.loads((DATA / "summary-reference.json").read_text())["key_sentences"]
    assert len(set(ids) & set(reference)) >= 3
    assert summary_sentences(answerer.corpus, "coalition-of-will", 5) == positions
