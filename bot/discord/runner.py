"""Connecting to Discord: running the bot and the explicit command-sync step."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from typing import TextIO

import discord
import yarl

from bot.discord import gateway_close, gateway_turns
from bot.discord.client import ArticleBotBase, create_bot
from bot.discord.loop_watch import LoopLagMonitor
from bot.discord.metrics import serve_metrics
from bot.settings import Settings
from bot.store.engines import open_store
from bot.warm_start import warm_and_freeze
from retrieval import Answerer

log = logging.getLogger(__name__)


# Libraries whose DEBUG lines say nothing about the bot (matplotlib lists every font it scans).
QUIET_LOGGERS = ("matplotlib", "PIL", "asyncio")
LOG_FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"


def setup_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Logging at the configured level, in colour only on a terminal (never when piped or with
    NO_COLOR), with chatty third-party loggers held at WARNING."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    colour = handler.stream.isatty() and "NO_COLOR" not in os.environ
    # On a terminal discord.py picks its colour formatter itself.
    formatter: logging.Formatter = (
        discord.utils.MISSING
        if colour
        else logging.Formatter(LOG_FORMAT, "%Y-%m-%d %H:%M:%S", style="{")
    )
    discord.utils.setup_logging(
        handler=handler, formatter=formatter, level=getattr(logging, settings.log_level), root=True
    )
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))


def _token(settings: Settings) -> str:
    assert settings.discord_token is not None
    return settings.discord_token.get_secret_value().strip()


def use_api(settings: Settings) -> None:
    """Point discord.py at DISCORD_API_URL / DISCORD_GATEWAY_URL when set (an emulator)."""
    if settings.discord_api_url is not None:
        discord.http.Route.BASE = settings.discord_api_url
        log.warning("using the Discord API at %s instead of discord.com", settings.discord_api_url)
    if settings.discord_gateway_url is not None:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
        log.warning("using the gateway at %s", settings.discord_gateway_url)


def prepare_discord_py(settings: Settings) -> None:
    """Everything set on discord.py before it connects: where it connects to, gateway events
    spread over turns of the loop, and the gateway's own close codes kept."""
    use_api(settings)
    gateway_turns.install()
    gateway_close.install()


# discord.py's names for the tasks that answer users: commands, events, buttons.
_ANSWERING_TASKS = ("CommandTree-invoker", "discord.py: on_", "discord-ui-view-dispatch")
# Answers in flight may finish for this long after SIGTERM; the whole stop stays under 5 s.
SHUTDOWN_GRACE_SECONDS = 3.0


async def shut_down(bot: ArticleBotBase) -> None:
    """Let the answers in flight finish (up to the grace period), then disconnect."""
    current = asyncio.current_task()
    answering = [
        task
        for task in asyncio.all_tasks()
        if task is not current and task.get_name().startswith(_ANSWERING_TASKS)
    ]
    if answering:
        log.info("stopping: letting %d answers in flight finish", len(answering))
        await asyncio.wait(answering, timeout=SHUTDOWN_GRACE_SECONDS)
    await bot.close()


async def gateway_from_api(bot: ArticleBotBase, settings: Settings) -> None:
    """With DISCORD_API_URL but no DISCORD_GATEWAY_URL, ask that API where its gateway is
    (GET /gateway/bot, as Discord documents), instead of connecting to discord.gg."""
    if settings.discord_api_url is None or settings.discord_gateway_url is not None:
        return
    try:
        _shards, url, _limits = await bot.http.get_bot_gateway()
    except discord.GatewayNotFound:
        log.warning("the API at %s did not say where its gateway is", settings.discord_api_url)
        return
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    log.warning("using the gateway at %s (from the API)", url)


async def run_bot(settings: Settings, answerer: Answerer, *, watch: bool = False) -> None:
    """Connect and answer until stopped; SIGINT and SIGTERM finish answers, then disconnect."""
    prepare_discord_py(settings)
    # Before any user waits on the event loop.
    warm_and_freeze(answerer)
    store = await open_store(settings.database, settings.database_path)
    bot = create_bot(answerer, settings, store)
    bot.watch_seeds = watch
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []

    def stop() -> None:
        if not stopping:
            stopping.append(loop.create_task(shut_down(bot)))

    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop)
    monitor = LoopLagMonitor()
    watching: asyncio.Task[None] | None = None
    metrics = None
    try:
        if settings.metrics_port is not None:
            metrics = await serve_metrics(bot, settings.metrics_host, settings.metrics_port)
        async with bot:
            await bot.login(_token(settings))
            await gateway_from_api(bot, settings)
            # Measured from here: loading the cogs at login comes before anyone is served.
            watching = loop.create_task(monitor.run(), name="article-bot: loop lag")
            await bot.connect()
    finally:
        if watching is not None:
            watching.cancel()
        if metrics is not None:
            await metrics.cleanup()
        await store.close()
    log.info(monitor.summary())
    log.info("disconnected; bye")


async def sync_commands(settings: Settings, answerer: Answerer, guild_id: int | None) -> int:
    """Register the slash commands with Discord (one guild, or globally); returns how many."""
    prepare_discord_py(settings)
    # Before any user waits on the event loop.
    warm_and_freeze(answerer)
    store = await open_store(settings.database, settings.database_path)
    bot = create_bot(answerer, settings, store)
    async with bot:
        await bot.login(_token(settings))
        await store.close()
        if guild_id is None:
            synced = await bot.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
    return len(synced)
