"""SHARD_COUNT turns the bot into an AutoShardedBot that answers on every shard."""

from __future__ import annotations

import simcord
from discord.ext import commands

from bot.discord.client import ShardedArticleBot, create_bot
from retrieval import Answerer
from tests.discord.conftest import make_settings, plain


def test_shard_count_selects_the_sharded_bot(answerer: Answerer) -> None:
    """No SHARD_COUNT: a plain Bot; a number or auto: an AutoShardedBot."""
    assert not isinstance(create_bot(answerer, make_settings()), commands.AutoShardedBot)
    sharded = create_bot(answerer, make_settings(shard_count=2))
    assert isinstance(sharded, ShardedArticleBot)
    assert sharded.shard_count == 2
    assert isinstance(
        create_bot(answerer, make_settings(shard_count="auto")), commands.AutoShardedBot
    )


async def test_a_sharded_bot_answers_in_guilds_on_each_shard(answerer: Answerer) -> None:
    """Guilds on shard 0 and shard 1 both get answers."""
    bot = create_bot(answerer, make_settings(shard_count=2))
    async with simcord.run(bot, shard_count=2) as env:
        channels = []
        for shard in (0, 1):
            guild = env.create_guild(f"shard-{shard}", shard_id=shard)
            channels.append((guild, guild.create_text_channel("news")))
        await bot.tree.sync()
        for guild, channel in channels:
            member = guild.add_member(env.create_user(f"reader-{guild.id}"))
            result = await member.slash(channel, "ask", question="who opposed the coalition?")
            assert result.response is not None
            assert "Russia has opposed" in plain(result.response.embeds[0].fields[0].value)
