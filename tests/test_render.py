"""The Discord renderer and limits, tested without Discord running."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.discord import limits, render
from retrieval import Answerer


def test_truncate_prefers_a_sentence_then_a_word_boundary() -> None:
    """Cut text ends at a sentence end when one is near, else at a word, with an ellipsis."""
    text = "First sentence is here. Second sentence runs on and on and on."
    assert limits.truncate(text, 40) == "First sentence is here.…"
    words = "alpha beta gamma delta epsilon zeta eta theta"
    cut = limits.truncate(words, 20)
    assert cut.endswith(limits.ELLIPSIS)
    assert len(cut) <= 20
    assert words.startswith(cut[:-1])
    assert limits.truncate("short", 10) == "short"


def test_truncate_never_leaves_a_dangling_escape() -> None:
    """A cut right after a backslash would escape the ellipsis; it is removed."""
    cut = limits.truncate("a" * 10 + "\\" + "b" * 10, 12)
    assert not cut[:-1].endswith("\\")


@pytest.mark.parametrize(
    ("raw", "forbidden"),
    [
        ("@everyone look", "@everyone"),
        ("hi @here", "@here"),
        ("<@123456789012345678>", "<@1"),
        ("**bold** and __under__", "**bold**"),
        ("[click](https://evil.example)", "](https://"),
        ("https://discord.gg/abc", "https://"),
        ("> quote\nnew line", "\n"),
        ("```code```", "```"),
    ],
)
def test_neutral_text_cannot_format_ping_or_link(raw: str, forbidden: str) -> None:
    """Mentions, Markdown, links and line breaks are defused."""
    assert forbidden not in render.neutral(raw)


@given(st.text(max_size=3000))
def test_any_question_renders_within_every_embed_limit(answerer: Answerer, question: str) -> None:
    """Whatever is asked, the embed fits Discord's limits."""
    answer = answerer.ask(question or "x", top_k=5)
    embed = render.answer_embed(answer, answerer.corpus)
    assert len(embed) <= limits.EMBED_TOTAL
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.fields) <= limits.FIELDS
    for field in embed.fields:
        assert len(field.name) <= limits.FIELD_NAME
        assert len(field.value) <= limits.FIELD_VALUE
    assert "@everyone" not in (embed.title or "")


def test_all_ten_passages_with_context_stay_within_a_message(answerer: Answerer) -> None:
    """Context embeds for many passages never exceed 10 embeds or 6000 characters."""
    answer = answerer.ask("Ukraine", top_k=10)
    embeds = render.contexts_embeds(answer.passages, answerer.corpus)
    assert 0 < len(embeds) <= limits.EMBEDS
    assert sum(len(e) for e in embeds) <= limits.EMBED_TOTAL


def test_highlights_are_bold_and_the_rest_is_the_exact_text(answerer: Answerer) -> None:
    """Removing the bold markers gives back the source sentence."""
    passage = answerer.ask("what did macron say about troops").passages[0]
    quote = render.highlighted_quote(passage, limits.FIELD_VALUE)
    assert "**Macron**" in quote
    assert quote[2:].replace("**", "") == passage.sentence.text
