"""Metrics and health over real HTTP on 127.0.0.1, fed by questions asked through SimCord."""

from __future__ import annotations

import socket

import aiohttp
import discord
import simcord
from prometheus_client.parser import text_string_to_metric_families

from bot.discord.client import ShardedArticleBot, create_bot
from bot.discord.metrics import Health, serve_metrics
from retrieval import Answerer
from tests.discord.conftest import Server, make_settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_answers_by_way_and_outcome(server: Server) -> None:
    """Two answered and one refused /ask, then a scrape: counts, refusals, latency, shards."""
    await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    await server.alice.slash(server.channel, "ask", question="what did lavrov say?")
    # Someone else, so it is not read as a follow-up of alice's questions.
    await server.bob.slash(server.channel, "ask", question="any good burger places in Lyon?")
    port = _free_port()
    runner = await serve_metrics(server.bot, "127.0.0.1", port)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 200
                samples = _samples(await response.text())
            async with session.get(f"http://127.0.0.1:{port}/health") as response:
                health = await response.json()
                status = response.status
    finally:
        await runner.cleanup()
    by_outcome = {
        dict(labels)["outcome"]: value
        for (name, labels), value in samples.items()
        if name == "article_bot_questions_total"
    }
    assert sum(by_outcome.values()) == 3
    assert by_outcome.get("not_found", 0) == 1
    assert samples[("article_bot_refusals_total", (("way", "slash"),))] == 1
    assert samples[("article_bot_answer_seconds_count", (("way", "slash"),))] == 3
    assert samples[("article_bot_sentences_loaded", ())] == 30
    assert samples[("article_bot_shards", ())] == 1
    assert status == 200, health
    assert health["status"] == "ok"
    assert health["articles"] == 1


def test_health_says_unavailable_until_every_shard_is_up() -> None:
    """A process with a shard down, or nothing to quote, is not healthy."""
    assert Health(True, 2, 2, 1, 30).ok
    assert not Health(True, 1, 2, 1, 30).ok
    assert not Health(False, 0, 1, 1, 30).ok
    assert not Health(True, 1, 1, 0, 0).ok
    assert '"status": "unavailable"' in Health(True, 1, 2, 1, 30).body()


async def test_a_reload_is_counted(server: Server) -> None:
    """/reload by an admin adds to the reloads counter."""
    role = server.guild.create_role("mods", permissions=discord.Permissions(manage_guild=True))
    admin = server.guild.add_member(server.env.create_user("mod"), roles=[role])
    await admin.slash(server.channel, "reload")
    value = server.bot.metrics.reloads.labels("ok")._value.get()
    assert value == 1


async def test_a_process_runs_only_its_shard_range(answerer: Answerer) -> None:
    """SHARD_IDS=2-3 of SHARD_COUNT=4: this process opens shards 2 and 3 and answers there."""
    bot = create_bot(answerer, make_settings(shard_count=4, shard_ids="2-3"))
    assert isinstance(bot, ShardedArticleBot)
    assert bot.shard_ids == [2, 3]
    async with simcord.run(bot, shard_count=4) as env:
        guild = env.create_guild("third", shard_id=2)
        channel = guild.create_text_channel("news")
        await bot.tree.sync()
        member = guild.add_member(env.create_user("reader"))
        result = await member.slash(channel, "ask", question="who opposed the coalition?")
        assert result.response is not None
        assert sorted(bot.shards) == [2, 3]
