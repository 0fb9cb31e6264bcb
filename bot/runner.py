"""Connecting to Discord: running the bot and the explicit command-sync step."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import discord

from bot.client import create_bot
from bot.settings import Settings
from retrieval import Answerer

log = logging.getLogger(__name__)


def setup_logging(settings: Settings) -> None:
    """discord.py's logging set-up at the configured level."""
    discord.utils.setup_logging(level=getattr(logging, settings.log_level), root=True)


def _token(settings: Settings) -> str:
    assert settings.discord_token is not None
    return settings.discord_token.get_secret_value().strip()


async def run_bot(settings: Settings, answerer: Answerer) -> None:
    """Connect and answer until stopped; SIGINT and SIGTERM close the connection cleanly."""
    bot = create_bot(answerer, settings)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
    async with bot:
        await bot.start(_token(settings))
    log.info("disconnected; bye")


async def sync_commands(settings: Settings, answerer: Answerer, guild_id: int | None) -> int:
    """Register the slash commands with Discord (one guild, or globally); returns how many."""
    bot = create_bot(answerer, settings)
    async with bot:
        await bot.login(_token(settings))
        if guild_id is None:
            synced = await bot.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
    return len(synced)
