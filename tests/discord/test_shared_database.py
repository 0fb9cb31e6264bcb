"""Two bots (as two processes would run them) on one real PostgreSQL: questions stored by
either are one truth, and a /config change made in one takes effect in the other.

The bots here are not connected to SimCord: its virtual clock and the connection pool's own
timers do not mix. The loopback emulator's process tests drive a connected bot."""

from __future__ import annotations

import asyncio
import time

from bot.discord.client import ArticleBotBase, create_bot
from bot.store.database import NewQuestion
from bot.store.engines import open_store
from retrieval import Answerer
from tests.discord.conftest import make_settings


async def _started(answerer: Answerer, url: str) -> ArticleBotBase:
    """A bot as its process starts it: the store opened, the servers' settings read, the
    database's notices heard."""
    settings = make_settings(database_url=url)
    store = await open_store(settings.database, settings.database_path)
    bot = create_bot(answerer, settings, store)
    await bot.configs.load()
    bot.store.listen(bot.on_database_notice)
    return bot


async def test_a_config_change_reaches_the_other_process(
    answerer: Answerer, postgres_url: str
) -> None:
    """What /config set stores through one bot is what the other serves within 5 s."""
    first = await _started(answerer, postgres_url)
    second = await _started(answerer, postgres_url)
    guild = 1_300_000_000_000_000_001
    try:
        await asyncio.sleep(0.3)  # both listeners connected
        assert second.configs.for_guild(guild).top_k == 3
        await first.configs.change(guild, top_k=1, private_default=True)
        deadline = time.monotonic() + 5
        while second.configs.for_guild(guild).top_k != 1:
            assert time.monotonic() < deadline, "the change did not reach the other bot"
            await asyncio.sleep(0.02)
        assert second.configs.for_guild(guild).private_default
        await second.configs.reset(guild)
        deadline = time.monotonic() + 5
        while first.configs.for_guild(guild).top_k != 3:
            assert time.monotonic() < deadline, "the reset did not reach the first bot"
            await asyncio.sleep(0.02)
    finally:
        await first.store.close()
        await second.store.close()


async def test_questions_from_both_are_one_list(answerer: Answerer, postgres_url: str) -> None:
    """Each bot stores its guild's question once; /stats and export see both."""
    first = await _started(answerer, postgres_url)
    second = await _started(answerer, postgres_url)
    try:
        for bot, guild in ((first, 11), (second, 22)):
            await bot.store.record(
                NewQuestion(
                    guild_id=guild,
                    channel_id=1,
                    user_id=5,
                    question=f"asked in {guild}",
                    citations=["coalition-of-will:p11s1"],
                    scores=[1.0],
                    refused=False,
                    latency_ms=1.0,
                    way="slash",
                )
            )
        for bot in (first, second):
            assert sorted(q.question for q in await bot.store.questions()) == [
                "asked in 11",
                "asked in 22",
            ]
    finally:
        await first.store.close()
        await second.store.close()
