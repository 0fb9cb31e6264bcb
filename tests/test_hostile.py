"""Hostile questions over the whole path: message text -> question -> answer -> Discord embed.

The invariants hold for any input: nothing raises, every message fits Discord's limits, and
the echoed question and the quoted passages cannot format, ping, link or leave their quote.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.discord import limits, render
from bot.discord.cogs.ask import MAX_QUESTION
from bot.discord.question import question_from_message
from retrieval import Answerer

Embed = Any  # discord.Embed; only bot/ imports discord
BOT_ID = 1_000_000_000_000_003

# Pieces a hostile server member pastes; none of them carries a word of a question.
NOISE = [
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte-order mark
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\u0301\u0302\u0303\u0304\u0305" * 6,  # zalgo
    "🙂",
    "👨‍👩‍👧‍👦",
    "🇺🇦",
    "```",
    "```\n",
    "**",
    "__",
    "~~",
    "||",
    "> ",
    "# ",
    "-# ",
    "`",
    "@everyone",
    "@here",
    f"<@{BOT_ID}>",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "<:pepe:123456789012345678>",
    "<t:1700000000:R>",
]
LINKS = [
    "https://discord.gg/abcdef",
    "discord.com/invite/abcdef",
    "http://evil.example/x?y=1",
    "[click me](https://evil.example)",
    "<https://evil.example>",
    "www.evil.example",
]
WORDS = ["macron", "troops", "lavrov", "coalition", "U.S.", "money", "who", "opposed", "?"]

hostile_text = st.lists(
    st.one_of(
        st.sampled_from(NOISE),
        st.sampled_from(LINKS),
        st.sampled_from(WORDS),
        st.text(max_size=30),
        st.characters(codec="utf-8").map(lambda c: c * 40),
    ),
    max_size=60,
).map(" ".join)
huge_text = st.sampled_from(NOISE + WORDS).map(lambda piece: (piece + " ") * 600)
any_question = st.one_of(hostile_text, st.text(max_size=6000), huge_text)

_ESCAPED = re.compile(r"\\[\\*_~`|\[\]<>#\-+.0-9]")
_PING = re.compile(r"@(everyone|here)|(?<!\\)<(@[!&]?|#)\d")
_LINK = re.compile(r"(?i)(https?|ftp)://|discord\.gg/|discord(app)?\.com/invite|(?<!\\)\]\(")


def texts(embed: Embed) -> list[str]:
    """Every string of an embed a reader sees."""
    data: dict[str, Any] = embed.to_dict()
    found = [data.get("title", ""), data.get("description", "")]
    found += [f["name"] for f in data.get("fields", [])]
    # A passage field is the quote, then a line with its citation id in code (checked apart).
    found += [re.split(r"\n\[?`", f["value"])[0] for f in data.get("fields", [])]
    found.append(data.get("footer", {}).get("text", ""))
    return [t for t in found if t]


def assert_within_limits(embed: Embed) -> None:
    """Discord's limits for one embed."""
    assert len(embed) <= limits.EMBED_TOTAL
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.fields) <= limits.FIELDS
    for field in embed.fields:
        assert 0 < len(field.name) <= limits.FIELD_NAME
        assert 0 < len(field.value) <= limits.FIELD_VALUE
    assert len(embed.footer.text or "") <= limits.FOOTER


def assert_defused(text: str) -> None:
    """No mention, link, masked link or unescaped Markdown survives in reader-visible text."""
    assert not _PING.search(text), text
    assert not _LINK.search(text), text
    bare = _ESCAPED.sub("", text.removeprefix("> ")).replace("**", "")
    # Markdown that could format or open a block: only our own bold markers are left.
    assert not re.search(r"[*_~`|<>\[\]]", bare), text
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text), text
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", text), text


def assert_quotes_hold(embed: Embed) -> None:
    """Each passage field is one quoted line and one citation line: nothing breaks out."""
    for field in embed.fields:
        lines = field.value.split("\n")
        assert len(lines) == 2, field.value
        assert lines[0].startswith("> ")
        # The citation id, in code, linked (only ever) to the article's own http(s) address.
        citation = r"`[\w.-]+:p\d+s\d+`"
        assert re.fullmatch(rf"{citation}|\[{citation}\]\(https?://[^\s()]+\)", lines[1]), lines[1]


@given(text=any_question)
def test_any_message_renders_safely_and_within_limits(answerer: Answerer, text: str) -> None:
    """From raw message text to the embed sent: no exception, within limits, defused."""
    for question in (text, question_from_message(text, BOT_ID)[:MAX_QUESTION]):
        answer = answerer.ask(question, top_k=5, pool=10)
        embed = render.answer_embed(answer, answerer.corpus)
        assert_within_limits(embed)
        for shown in texts(embed):
            assert_defused(shown)
        assert_quotes_hold(embed)
        for context in render.contexts_embeds(answer.passages, answerer.corpus):
            assert_within_limits(context)
            for shown in texts(context):
                assert_defused(shown)


@given(
    words=st.lists(st.sampled_from(WORDS[:-1]), min_size=1, max_size=5),
    noise=st.lists(st.sampled_from(NOISE), min_size=1, max_size=12),
    data=st.data(),
)
def test_noise_carrying_no_words_leaves_the_answer_unchanged(
    answerer: Answerer, words: list[str], noise: list[str], data: st.DataObject
) -> None:
    """Noise woven between the words of a message or /ask (cleaned as the bot cleans both):
    the same passages and citations as the words alone."""
    pieces: list[str] = []
    for word in words:
        pieces += [data.draw(st.sampled_from(noise)), word]
    pieces.append(data.draw(st.sampled_from(noise)))
    noisy = " ".join(pieces)
    clean = " ".join(words)
    got = answerer.ask(question_from_message(noisy, BOT_ID), top_k=5)
    want = answerer.ask(clean, top_k=5)
    assert [p.sentence.citation_id for p in got.passages] == [
        p.sentence.citation_id for p in want.passages
    ]
    assert got.found == want.found


def test_the_noise_list_carries_no_words(answerer: Answerer) -> None:
    """The premise of the test above: each noise piece alone finds nothing."""
    for piece in NOISE:
        assert not answerer.ask(question_from_message(piece, BOT_ID)).found, piece
