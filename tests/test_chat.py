"""The terminal chat session: commands and answers, without a terminal."""

from __future__ import annotations

from bot.terminal.chat import ChatSession
from retrieval import Answerer


def test_a_question_gets_the_same_answer_as_ask(answerer: Answerer) -> None:
    """Typing a question answers it with quotes and citations."""
    reply = ChatSession(answerer, top_k=3).handle("who opposed the coalition?")
    assert reply is not None
    assert "Russia has opposed these discussions." in reply


def test_more_pages_through_further_results(answerer: Answerer) -> None:
    """/more shows the next results, numbered on, then says when there are none."""
    session = ChatSession(answerer, top_k=2)
    first = session.handle("Ukraine")
    second = session.handle("/more")
    assert first is not None
    assert second is not None
    assert first.startswith("1. ")
    assert second.startswith("3. "), "pages continue the numbering"
    for _ in range(10):
        last = session.handle("/more")
    assert last == "No more results for that question."


def test_context_shows_neighbouring_sentences(answerer: Answerer) -> None:
    """/context shows the sentence before the answer."""
    session = ChatSession(answerer, top_k=1)
    session.handle("what did lavrov say")
    reply = session.handle("/context")
    assert reply is not None
    assert "Russia has opposed these discussions." in reply


def test_source_looks_up_a_citation_and_reports_unknown_ids(answerer: Answerer) -> None:
    """/source ID quotes one sentence; a wrong id gets a clear message."""
    session = ChatSession(answerer, top_k=3)
    assert "Russia has opposed" in (session.handle("/source coalition-of-will:p11s1") or "")
    assert "No sentence has the citation id" in (session.handle("/source nope") or "")
    assert "Russia has opposed" in (session.handle("/source p11s1") or "")
    assert "p1s1 is enough" in (session.handle("/article") or "")


def test_quit_ends_and_unknown_commands_explain_themselves(answerer: Answerer) -> None:
    """/quit returns None; an unknown command lists the commands."""
    session = ChatSession(answerer, top_k=3)
    assert "Commands:" in (session.handle("/dance") or "")
    assert session.handle("/quit") is None


def test_the_chat_reads_a_follow_up_with_the_question_before(answerer: Answerer) -> None:
    """A follow-up in the terminal carries the subject and says so; a new question does not."""
    session = ChatSession(answerer, top_k=1)
    session.handle("did the uk say it would send troops?")
    follow_up = session.handle("what about australia?") or ""
    assert "Read with your earlier question" in follow_up
    assert "Albanese" in follow_up
    fresh = session.handle("where was the eu summit held?") or ""
    assert "Read with your earlier question" not in fresh


def test_the_chat_summary_lists_key_points(answerer: Answerer) -> None:
    """/summary and "tl;dr" both give the key points, quoted and cited."""
    session = ChatSession(answerer, top_k=3)
    summary = session.handle("/summary") or ""
    assert summary.startswith("The article's key points")
    assert summary.count("coalition-of-will:p") >= 3
    assert (session.handle("tl;dr") or "").startswith("The article's key points")
