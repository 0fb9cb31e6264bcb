"""Follow-ups and summaries through discord.py's real code paths (SimCord)."""

from __future__ import annotations

import discord
import pytest
import pytest_asyncio

from bot import wording
from tests.discord.conftest import Server, make_settings, plain
from tests.discord.test_mentions import mention

READ_WITH = "Read with your earlier question"


async def test_ask_again_in_the_same_channel_carries_the_subject(server: Server) -> None:
    """/ask "did the uk say it would send troops?" then /ask "what about australia?": the
    second is read with the first, and says so."""
    await server.alice.slash(server.channel, "ask", question="did the uk say it would send troops?")
    result = await server.alice.slash(server.channel, "ask", question="what about australia?")
    assert result.response is not None
    embed = result.response.embeds[0]
    assert READ_WITH in (embed.description or "")
    assert "Albanese" in plain(embed.fields[0].value)


async def test_a_follow_up_never_crosses_people_or_channels(server: Server) -> None:
    """Bob's follow-up is not read with Alice's question; nor is Alice's in another channel."""
    other = server.guild.create_text_channel("elsewhere")
    await server.alice.slash(server.channel, "ask", question="did the uk say it would send troops?")
    bob = await server.bob.slash(server.channel, "ask", question="what about australia?")
    elsewhere = await server.alice.slash(other, "ask", question="what about australia?")
    for result in (bob, elsewhere):
        assert result.response is not None
        assert READ_WITH not in (result.response.embeds[0].description or "")


async def test_a_full_new_question_is_not_distorted(server: Server) -> None:
    """A question with its own subject starts over: no note, its own answer."""
    await server.alice.slash(server.channel, "ask", question="what did lavrov say")
    result = await server.alice.slash(
        server.channel, "ask", question="where was the eu summit held?"
    )
    assert result.response is not None
    embed = result.response.embeds[0]
    assert READ_WITH not in (embed.description or "")
    assert "Brussels" in plain(embed.fields[0].value)


async def test_a_reply_to_the_bot_s_answer_is_a_follow_up(server: Server) -> None:
    """@bot question, then a reply to the bot's answer with @bot "and turkey?"."""
    await server.alice.send(server.channel, f"{mention(server)} what did ireland say about joining")
    answer = server.channel.last_message
    assert answer is not None
    await server.alice.send(server.channel, f"{mention(server)} and turkey?", reply_to=answer)
    reply = server.channel.last_message
    assert reply is not None
    assert reply.id != answer.id
    embed = reply.embeds[0]
    assert READ_WITH in (embed.description or "")
    assert "Turkey" in plain(embed.fields[0].value)


async def test_a_mention_that_replies_to_no_answer_starts_over(server: Server) -> None:
    """A plain mention is a question of its own, whatever was asked before."""
    await server.alice.send(server.channel, f"{mention(server)} what did ireland say about joining")
    await server.alice.send(server.channel, f"{mention(server)} and turkey?")
    reply = server.channel.last_message
    assert reply is not None
    assert READ_WITH not in (reply.embeds[0].description or "")


async def test_summary_quotes_the_key_points_in_article_order(server: Server) -> None:
    """/summary: the summary line, then cited sentences in the article's order."""
    result = await server.alice.slash(server.channel, "summary")
    assert result.response is not None
    embed = result.response.embeds[0]
    assert wording.SUMMARY in (embed.description or "")
    cited = [field.value.rsplit("`", 2)[-2] for field in embed.fields]
    corpus = server.bot.answerer.corpus
    positions = [corpus.sentences.index(corpus.sentence(c)) for c in cited]  # type: ignore[arg-type]
    assert len(positions) >= 3
    assert positions == sorted(positions)


async def test_tldr_through_ask_is_the_summary(server: Server) -> None:
    """/ask "tl;dr?" gives the same key points as /summary."""
    asked = await server.alice.slash(server.channel, "ask", question="tl;dr?")
    summary = await server.bob.slash(server.channel, "summary")
    assert asked.response is not None
    assert summary.response is not None
    assert [f.value for f in asked.response.embeds[0].fields] == [
        f.value for f in summary.response.embeds[0].fields
    ]


@pytest_asyncio.fixture
async def threads_on(server: Server) -> None:
    """The server turned on answers in threads (as /config set threads:true stores it)."""
    assert server.guild.id is not None
    await server.bot.configs.change(server.guild.id, threads=True)


@pytest.mark.usefixtures("threads_on")
async def test_with_threads_on_a_mention_is_answered_in_a_new_thread(server: Server) -> None:
    """The thread is named after the question; the answer is in it; a mention in the thread,
    by anyone, is read with the thread's conversation."""
    asked = await server.alice.send(
        server.channel, f"{mention(server)} what did ireland say about joining"
    )
    threads = server.channel.threads
    assert len(threads) == 1
    thread = threads[0]
    assert thread.name == "what did ireland say about joining"
    answer = thread.last_message
    assert answer is not None
    assert any("Ireland could participate" in plain(f.value) for f in answer.embeds[0].fields)
    # No answer in the channel itself: only in the thread.
    in_channel = server.channel.last_message
    assert in_channel is not None
    assert not (in_channel.author.id == server.bot.user.id and in_channel.embeds)  # type: ignore[union-attr]
    assert asked.id != answer.id
    await server.bob.send(thread, f"{mention(server)} and turkey?")
    follow_up = thread.last_message
    assert follow_up is not None
    assert READ_WITH in (follow_up.embeds[0].description or "")
    assert "Turkey" in plain(follow_up.embeds[0].fields[0].value)


async def test_config_set_threads_is_stored_and_shown(server: Server) -> None:
    """/config set threads:true is kept for the server and shown by /config show."""
    role = server.guild.create_role("mods", permissions=discord.Permissions(manage_guild=True))
    admin = server.guild.add_member(server.env.create_user("mod"), roles=[role])
    result = await admin.slash(server.channel, "config set", threads=True)
    assert result.response is not None
    assert "Answers mentions in a thread:** yes (set here)" in (
        result.response.embeds[0].description or ""
    )
    assert server.bot.configs.for_guild(server.guild.id).threads


@pytest.mark.usefixtures("threads_on")
async def test_where_no_thread_can_be_made_the_answer_is_a_reply(server: Server) -> None:
    """A mention inside a thread (threads cannot hold threads) gets the usual reply."""
    await server.alice.send(server.channel, f"{mention(server)} what did ireland say about joining")
    thread = server.channel.threads[0]
    before = len(server.channel.threads)
    asked = await server.alice.send(thread, f"{mention(server)} where was the eu summit held?")
    reply = thread.last_message
    assert reply is not None
    assert reply.reference is not None
    assert reply.reference.message_id == asked.id
    assert len(server.channel.threads) == before


@pytest.mark.parametrize("bot_settings", [make_settings(message_content=True)])
@pytest.mark.usefixtures("threads_on")
async def test_with_message_content_a_thread_follow_up_needs_no_mention(server: Server) -> None:
    """MESSAGE_CONTENT=true: in the bot's thread a plain message is a follow-up; elsewhere
    plain messages are still ignored."""
    assert server.bot.intents.message_content
    await server.alice.send(server.channel, f"{mention(server)} what did ireland say about joining")
    thread = server.channel.threads[0]
    await server.bob.send(thread, "and turkey?")
    follow_up = thread.last_message
    assert follow_up is not None
    assert follow_up.author.id == server.bot.user.id  # type: ignore[union-attr]
    assert READ_WITH in (follow_up.embeds[0].description or "")
    before = server.channel.last_message
    await server.alice.send(server.channel, "just chatting here")
    assert server.channel.last_message is not None
    assert server.channel.last_message.author.id != server.bot.user.id  # type: ignore[union-attr]
    assert before is not None


@pytest.mark.usefixtures("threads_on")
async def test_without_message_content_a_plain_thread_message_is_left_alone(
    server: Server,
) -> None:
    """Intent off: Discord sends no text for a message without a mention, so the bot has
    nothing to answer and says nothing; a mention in the thread still works."""
    await server.alice.send(server.channel, f"{mention(server)} what did ireland say about joining")
    thread = server.channel.threads[0]
    first_answer = thread.last_message
    await server.bob.send(thread, "and turkey?")
    assert thread.last_message is not None
    assert thread.last_message.author.id != server.bot.user.id  # type: ignore[union-attr]
    await server.bob.send(thread, f"{mention(server)} and turkey?")
    follow_up = thread.last_message
    assert follow_up is not None
    assert follow_up.author.id == server.bot.user.id  # type: ignore[union-attr]
    assert first_answer is not None
    assert follow_up.id != first_answer.id
