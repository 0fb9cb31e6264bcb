"""Mentions, DMs, threads and the message context menu, with the Message Content intent off."""

from __future__ import annotations

import discord
import pytest
import simcord

from tests.discord.conftest import Server, make_settings, plain


def mention(server: Server) -> str:
    assert server.bot.user is not None
    return f"<@{server.bot.user.id}>"


async def test_the_bot_asks_for_no_privileged_intent(server: Server) -> None:
    """Intents.default(): no Message Content, members or presences."""
    intents = server.bot.intents
    assert not intents.message_content
    assert not intents.members
    assert not intents.presences


async def test_a_mention_gets_a_reply_that_does_not_ping(server: Server) -> None:
    """@bot question -> a reply referencing the message, with mention_author off."""
    asked = await server.alice.send(server.channel, f"{mention(server)} who opposed the plan?")
    reply = server.channel.last_message
    assert reply is not None
    assert reply.author.id == server.bot.user.id  # type: ignore[union-attr]
    assert reply.reference is not None
    assert reply.reference.message_id == asked.id
    assert "Russia has opposed these discussions." in plain(reply.embeds[0].fields[0].value)
    request = next(
        e for e in server.env.http_requests if e.method == "POST" and e.path.endswith("/messages")
    )
    assert request.json["allowed_mentions"]["parse"] == []
    assert request.json["allowed_mentions"]["replied_user"] is False


async def test_an_empty_mention_gets_a_short_help(server: Server) -> None:
    """Only the mention: a short how-to."""
    await server.alice.send(server.channel, mention(server))
    reply = server.channel.last_message
    assert reply is not None
    assert "mention me with a question" in reply.content


async def test_replying_to_a_message_with_a_bare_mention_asks_that_message(server: Server) -> None:
    """@bot as a reply to Bob's message asks Bob's text (its content comes with the reference)."""
    original = await server.bob.send(server.channel, f"{mention(server)} what did lavrov say")
    question_reply = server.channel.last_message
    assert question_reply is not None
    await server.alice.send(server.channel, mention(server), reply_to=original)
    reply = server.channel.last_message
    assert reply is not None
    assert reply.id != question_reply.id
    assert "Sergey Lavrov" in plain(reply.embeds[0].fields[0].value)


async def test_everyone_and_role_mentions_that_do_not_name_the_bot_are_ignored(
    server: Server,
) -> None:
    """@everyone, @here and a role mention get no reply."""
    role = server.guild.create_role("readers")
    for text in ("@everyone who opposed the plan?", "@here macron?", f"<@&{role.id}> macron?"):
        await server.alice.send(server.channel, text)
    last = server.channel.last_message
    assert last is not None
    assert last.author.id == server.alice.id


async def test_other_bots_and_webhooks_are_ignored(server: Server) -> None:
    """A bot or a webhook mentioning the bot gets no answer (no bot loops)."""
    robot = server.guild.add_member(server.env.create_user("robot", bot=True))
    await robot.send(server.channel, f"{mention(server)} who opposed the plan?")
    assert server.channel.last_message is not None
    assert server.channel.last_message.author.id == robot.id
    hook = server.guild.create_webhook(server.channel)
    await hook.send(f"{mention(server)} who opposed the plan?")
    assert server.channel.last_message.webhook_id is not None


async def test_mentions_work_in_threads(server: Server) -> None:
    """A question in a thread is answered in the thread."""
    channel = server.bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.create_thread(name="coalition", type=discord.ChannelType.public_thread)
    await server.env.settle()
    thread = server.channel.threads[0]
    await server.alice.send(thread, f"{mention(server)} macron troops")
    reply = thread.last_message
    assert reply is not None
    assert reply.embeds
    assert "Macron" in reply.embeds[0].fields[0].value


async def test_direct_messages_are_answered_when_enabled(server: Server) -> None:
    """In a DM every message is a question; no mention is needed."""
    dora = server.env.create_user("dora")
    await dora.send_dm("who opposed the coalition?")
    reply = dora.dm_channel.last_message
    assert reply is not None
    assert reply.embeds
    assert "Russia has opposed" in plain(reply.embeds[0].fields[0].value)


@pytest.mark.parametrize("bot_settings", [make_settings(answer_dms=False)])
async def test_direct_messages_are_ignored_when_disabled(server: Server) -> None:
    """ANSWER_DMS=false: DMs get no answer."""
    dora = server.env.create_user("dora")
    sent = await dora.send_dm("who opposed the coalition?")
    assert dora.dm_channel.last_message is not None
    assert dora.dm_channel.last_message.id == sent.id


async def test_the_context_menu_asks_the_target_message_privately(server: Server) -> None:
    """Ask the article: the target message's text is the question; the answer is ephemeral."""
    target = await server.bob.send(
        server.channel, "so did anyone say how much money the EU is putting up"
    )
    result = await server.alice.context_menu(server.channel, "Ask the article", target)
    assert result.ephemeral
    assert result.response is not None
    assert "800 billion euros" in plain(result.response.embeds[0].fields[0].value)


async def test_a_refused_reply_is_logged_not_crashed(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    """403 Missing Permissions on the reply: a warning in the log, the answer by DM, and the
    listener survives."""
    server.env.inject_error(
        "POST", f"/channels/{server.channel.id}/messages", status=403, code=50013
    )
    with caplog.at_level("WARNING"):
        await server.alice.send(server.channel, f"{mention(server)} who opposed the plan?")
    assert any("no permission to reply" in r.getMessage() for r in caplog.records)
    dms = [r for r in server.env.http_requests if r.path == "/users/@me/channels"]
    assert dms
    await server.alice.send(server.channel, f"{mention(server)} lavrov")
    assert server.channel.last_message is not None
    assert server.channel.last_message.author.id == server.bot.user.id  # type: ignore[union-attr]
    simcord.assert_no_errors(server.env)
