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
