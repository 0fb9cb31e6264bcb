"""The Discord client: a commands.Bot holding the answering core, and the one error handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.articles.adding import (
    AddError,
    mirror_library,
    prepare,
    remove,
    restore,
    undo,
    writable_folder,
    write,
)
from bot.articles.sources import Source
from bot.discord.guards import Cooldown, retry_message
from bot.discord.live_views import LiveViews
from bot.discord.metrics import BotMetrics
from bot.discord.replies import tell_privately
from bot.discord.watch import Signature, folder_signature
from bot.library import load_library
from bot.settings import Settings
from bot.store import Store, StoreError
from bot.store.engines import AsyncStore, SqliteAsyncStore
from bot.store.server_config import ServerConfigs
from retrieval import Answer, Answerer, Article, Corpus, RetrievalError
from retrieval.conversation import Conversations

log = logging.getLogger(__name__)
# A follow-up within this many seconds of the question before is read with it.
CONVERSATION_SECONDS = 300.0
BOT_THREADS_KEPT = 10_000

EXTENSIONS = ("bot.discord.cogs.ask", "bot.discord.cogs.library", "bot.discord.cogs.admin")
ASKING_COMMANDS = frozenset({"ask", "Ask the article"})
# Above this many sentences an answer may take longer than the event loop can spare.
THREAD_THRESHOLD_SENTENCES = 20_000
# Discord's error code when an interaction expired before it was answered.
UNKNOWN_INTERACTION = 10062
TOO_LATE = (
    "Sorry, I took too long to answer your question in the server, so Discord dropped it. "
    "Please ask again."
)
# Passages kept beyond the first page for "More results".
PAGING_POOL = 10


class ChannelNotAllowed(app_commands.CheckFailure):
    """The command was used outside the channels the bot answers in."""


class NotAdmin(app_commands.CheckFailure):
    """An admin command used by someone without Manage Server (servers can override who sees
    a command, so the default permissions are checked again when it runs)."""


class CooldownActive(app_commands.CheckFailure):
    """The user asked again before their cooldown ended."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_message(retry_after))
        self.retry_after = retry_after


def is_admin_command(command: object) -> bool:
    """True for commands hidden behind default permissions (the admin group)."""
    root = getattr(command, "root_parent", None) or command
    return getattr(root, "default_permissions", None) is not None


class ArticleCommandTree(app_commands.CommandTree["ArticleBotBase"]):
    """The command tree with the guard rails and the one error handler."""

    async def interaction_check(self, interaction: discord.Interaction[ArticleBotBase]) -> bool:
        """Refuse commands outside allowed channels, and questions inside a user's cooldown."""
        # A burst's interactions arrive as many tasks made ready at once; each yields here
        # once, so their first steps do not all run in one turn of the loop (measured at a
        # 200-question burst: the longest block fell from 37-57 ms to 29 ms).
        await asyncio.sleep(0)
        if interaction.type is not discord.InteractionType.application_command:
            return True
        bot = interaction.client
        command = interaction.command
        if is_admin_command(command):
            return True  # admin commands work anywhere; their own check asks for Manage Server
        channel = interaction.channel
        parent = getattr(channel, "parent_id", None)
        config = bot.configs.for_guild(interaction.guild_id)
        if interaction.guild_id is not None and not config.allows_channel(
            interaction.channel_id, parent
        ):
            raise ChannelNotAllowed("I only answer in the channels this server chose for me.")
        if command is not None and command.name in ASKING_COMMANDS:
            wait = bot.cooldown.retry_after(interaction.user.id)
            if wait > 0:
                raise CooldownActive(wait)
        return True

    async def on_error(
        self, interaction: discord.Interaction[ArticleBotBase], error: app_commands.AppCommandError
    ) -> None:
        """Answer the user ephemerally whatever went wrong, and log real failures with context."""
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION:
            await self._too_late(interaction)
            return
        if isinstance(original, app_commands.CheckFailure):
            message = str(original) or "You can't use that here."
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error(
                "command %s failed (user %s, guild %s, channel %s)",
                command,
                interaction.user.id,
                interaction.guild_id,
                interaction.channel_id,
                exc_info=original,
            )
            message = (
                "Sorry, something went wrong while answering. It has been logged; please try again."
            )
        try:
            await tell_privately(interaction, message)
        except (discord.HTTPException, aiohttp.ClientError) as failure:
            log.warning("could not tell the user about an error: %s", failure)

    async def _too_late(self, interaction: discord.Interaction[ArticleBotBase]) -> None:
        """Discord gives three seconds to answer; past them the interaction is gone, so the
        asker is told by direct message where they accept one."""
        command = interaction.command.qualified_name if interaction.command else "?"
        log.warning(
            "answered /%s too late: Discord had expired the interaction (user %s, channel %s)",
            command,
            interaction.user.id,
            interaction.channel_id,
        )
        try:
            await interaction.user.send(TOO_LATE, allowed_mentions=discord.AllowedMentions.none())
        except (discord.HTTPException, aiohttp.ClientError) as failure:
            log.info("could not tell the user by direct message either: %s", failure)


class ArticleBotBase(commands.Bot):
    """Shared set-up of the sharded and unsharded bots."""

    def __init__(
        self, answerer: Answerer, settings: Settings, store: AsyncStore, **options: Any
    ) -> None:
        # The bot never joins voice, so the missing-voice-library warnings are only noise.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()
        # Privileged, and off unless asked for: only needed to read follow-ups in the bot's
        # threads that do not mention it.
        intents.message_content = settings.message_content
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ArticleCommandTree,
            help_command=None,
            **options,
        )
        self.answerer = answerer
        self.store = store
        self.configs = ServerConfigs(settings, store)
        self.settings = settings
        self.cooldown = Cooldown(settings.cooldown_seconds)
        self.failed_extensions: list[str] = []
        self.watch_seeds = False
        self._watcher: asyncio.Task[None] | None = None
        self._reloading = asyncio.Lock()
        self._turn = asyncio.Lock()
        # Each person's last question per channel (and each bot thread's), for follow-ups:
        # bounded in time and count, never shared across people or channels.
        self.conversations = Conversations(ttl=CONVERSATION_SECONDS)
        # Threads the bot opened for an answer: every mention there carries the thread's
        # conversation on, whoever asks. Bounded like the conversations.
        self._bot_threads: OrderedDict[int, None] = OrderedDict()
        self.live_views = LiveViews()
        self.metrics = BotMetrics()

    @property
    def settings(self) -> Settings:
        """The environment's settings: the defaults under each server's /config."""
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings
        self.configs.settings = settings  # the servers' stored settings stay loaded

    @property
    def answers_in_thread(self) -> bool:
        """Large corpora answer in a worker thread so the event loop stays free."""
        return len(self.answerer.corpus.sentences) > THREAD_THRESHOLD_SENTENCES

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """One answer is computed and rendered at a time, and the loop runs between two.

        A burst of questions arrives as many ready tasks at once; without turns, asyncio runs
        all their answering steps back to back (about 1 ms each) and the heartbeat, other
        I/O and timers wait for the whole burst. Holding the turn across one yield makes the
        next task wait on the lock instead, so each loop iteration does one answer's work.
        """
        async with self._turn:
            yield
            await asyncio.sleep(0)

    def opened_thread(self, thread_id: int) -> None:
        """Remember a thread the bot opened (the oldest are forgotten past a bound)."""
        self._bot_threads[thread_id] = None
        while len(self._bot_threads) > BOT_THREADS_KEPT:
            self._bot_threads.popitem(last=False)

    def is_bot_thread(self, channel_id: int | None) -> bool:
        """True for a thread the bot opened to answer in."""
        return channel_id is not None and channel_id in self._bot_threads

    async def answer(
        self,
        question: str,
        top_k: int,
        articles: tuple[str, ...] = (),
        context: tuple[str, ...] = (),
    ) -> Answer:
        """Ask the core (a follow-up with the earlier questions of ``context``), off the event
        loop when the corpus is large."""
        answerer = self.answerer  # one library for the whole answer, even if a reload swaps it
        # A server's chosen articles that were removed since: the rest, or every article.
        articles = tuple(a for a in articles if answerer.corpus.article(a) is not None)
        if self.answers_in_thread:
            return await asyncio.to_thread(
                answerer.ask, question, top_k, PAGING_POOL, articles, context
            )
        return answerer.ask(
            question, top_k=top_k, pool=PAGING_POOL, articles=articles, context=context
        )

    async def _load_and_swap(self, folder: Path) -> Corpus:
        """Load ``folder`` off the event loop and serve it; RetrievalError keeps the old one."""
        corpus = await asyncio.to_thread(
            load_library, self.settings.semantic, folder, self.settings.index_cache_dir
        )
        answerer = Answerer(corpus, self.answerer.policy)
        await asyncio.to_thread(answerer.warm_up)
        self.answerer = answerer
        self.metrics.reloads.labels("ok").inc()
        if folder != self.settings.seeds_folder:
            self.settings = self.settings.model_copy(update={"seeds_dir": folder})
        return corpus

    async def reload_articles(self, announce: bool = False) -> tuple[bool, str]:
        """Re-read the seeds folder and swap the new library in whole; a broken folder keeps
        the old one serving. Returns (reloaded, what is served or why not). With
        ``announce``, the other processes on a shared database reload too."""
        if announce and self.store.shared:
            try:
                await self.store.notify({"kind": "reload"})
            except StoreError as error:
                log.error("the other processes were not asked to reload: %s", error)
        async with self._reloading:
            folder = self.settings.seeds_folder
            try:
                corpus = await self._load_and_swap(folder)
            except RetrievalError as error:
                self.metrics.reloads.labels("refused").inc()
                log.warning("reload refused, still serving the old articles: %s", error)
                return False, str(error)
            summary = (
                f"{len(corpus.articles)} article(s), {len(corpus.sentences)} sentences "
                f"from {folder}"
            )
            log.info("reloaded %s", summary)
            return True, summary

    async def add_article(self, source: Source) -> Article:
        """Add a fetched or uploaded source to the library and serve it at once; AddError (and
        nothing written) when it is not an article or the library would not load with it."""
        async with self._reloading:
            try:
                folder = await asyncio.to_thread(writable_folder, self.settings.seeds_folder)
                prepared = await asyncio.to_thread(
                    prepare, folder, source.name, source.raw, source.url, source.content_type
                )
            except OSError as error:
                raise AddError(f"cannot use the articles folder ({error})") from None
            written = await asyncio.to_thread(write, folder, prepared)
            try:
                await self._load_and_swap(folder)
            except RetrievalError as error:
                self.metrics.reloads.labels("refused").inc()
                await asyncio.to_thread(undo, written)
                raise AddError(f"not added, the library would not load with it: {error}") from None
            log.info("added article %s from %s", prepared.article.id, source.url or source.name)
            await self._share_library(prepared.files, ())
            return prepared.article

    async def remove_article(self, article_id: str) -> Article:
        """Remove an article and stop quoting it at once; AddError when it cannot be."""
        async with self._reloading:
            article = self.answerer.corpus.article(article_id)
            if article is None:
                raise AddError(f"no article has the id '{article_id}'")
            try:
                folder = await asyncio.to_thread(writable_folder, self.settings.seeds_folder)
                removed = await asyncio.to_thread(remove, folder, article_id)
            except OSError as error:
                raise AddError(f"cannot change the articles folder ({error})") from None
            try:
                await self._load_and_swap(folder)
            except RetrievalError as error:
                self.metrics.reloads.labels("refused").inc()
                await asyncio.to_thread(restore, removed)
                raise AddError(f"not removed, the library would not load: {error}") from None
            log.info("removed article %s", article_id)
            await self._share_library({}, [str(p.relative_to(folder)) for p in removed])
            return article

    async def _share_library(self, files: dict[str, bytes], removed: Sequence[str]) -> None:
        """Tell the other processes on a shared database what was added or removed; a failure
        leaves this process's change in place and says so in the log."""
        if not self.store.shared:
            return
        try:
            await self.store.save_library_files(files, removed)
        except StoreError as error:
            log.error("the other processes were not told of the library change: %s", error)

    async def sync_library(self, removed: Sequence[str] = ()) -> bool:
        """Bring this process's seeds folder in line with the shared library (files added or
        removed through another process), and serve it; True when anything changed."""
        async with self._reloading:
            shared = await self.store.library_files()
            if not shared and not removed:
                return False  # nothing added through any process: the folder stays as it is
            folder = await asyncio.to_thread(writable_folder, self.settings.seeds_folder)
            changed = await asyncio.to_thread(mirror_library, folder, shared, removed)
            if not changed:
                return False
            try:
                await self._load_and_swap(folder)
            except RetrievalError as error:
                self.metrics.reloads.labels("refused").inc()
                log.warning("the shared library does not load here, old one kept: %s", error)
                return False
            log.info("took in the shared library's changes: %s", ", ".join(changed))
            return True

    async def reload_if_changed(self, previous: Signature) -> Signature:
        """Reload when the seeds folder differs from ``previous``; returns what it is now."""
        current = folder_signature(self.settings.seeds_folder)
        if current != previous:
            await self.reload_articles()
        return current

    async def _watch_seeds(self, interval: float = 2.0) -> None:
        """Reload whenever the seeds folder's files change (polled: the folder is small)."""
        seen = folder_signature(self.settings.seeds_folder)
        while not self.is_closed():
            await asyncio.sleep(interval)
            seen = await self.reload_if_changed(seen)

    async def setup_hook(self) -> None:
        """Read the servers' settings, hear other processes' changes, load each cog on its own,
        then copy and sync commands to the development guilds."""
        await self.configs.load()
        self.store.listen(self.on_database_notice)
        if self.store.shared:
            try:
                await self.sync_library()  # articles added through other processes meanwhile
            except StoreError as error:
                log.warning("could not read the shared library; serving this folder: %s", error)
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except commands.ExtensionError:
                self.failed_extensions.append(extension)
                log.exception("could not load %s; the other features still start", extension)
        if self.watch_seeds:
            self._watcher = asyncio.create_task(self._watch_seeds(), name="article-bot: watch")
        for guild_id in self.settings.dev_guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
                log.info("synced %d commands to development guild %s", len(synced), guild_id)
            except discord.HTTPException as error:
                log.warning("could not sync commands to guild %s: %s", guild_id, error)

    async def on_database_notice(self, message: dict[str, Any]) -> None:
        """Another process changed something in the shared database: take it in."""
        kind = message.get("kind")
        if kind == "config" and isinstance(message.get("guild"), int):
            await self.configs.refresh(message["guild"])
            log.info("server %s changed its settings in another process", message["guild"])
        elif kind == "library":
            removed = [r for r in message.get("removed") or () if isinstance(r, str)]
            await self.sync_library(removed)
        elif kind == "reload":
            await self.reload_articles(announce=False)

    async def close(self) -> None:
        """Stop watching the seeds folder, then disconnect."""
        if self._watcher is not None:
            self._watcher.cancel()
        await super().close()

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: mentions are handled by the ask cog's listener."""

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        user = self.user
        log.info(
            "connected as %s (%s) to %d guilds", user, user.id if user else "?", len(self.guilds)
        )


class ArticleBot(ArticleBotBase):
    """The bot in one process and one shard."""


class ShardedArticleBot(ArticleBotBase, commands.AutoShardedBot):
    """The bot over several shards in one process."""


def create_bot(
    answerer: Answerer, settings: Settings, store: AsyncStore | None = None
) -> ArticleBotBase:
    """The bot the settings ask for: sharded when SHARD_COUNT is set."""
    store = store if store is not None else SqliteAsyncStore(Store(settings.database_path))
    if settings.shard_count is None:
        return ArticleBot(answerer, settings, store)
    count = None if settings.shard_count == "auto" else settings.shard_count
    if settings.shard_ids:
        # One process of several: these shards of SHARD_COUNT (validated in the settings).
        return ShardedArticleBot(
            answerer, settings, store, shard_count=count, shard_ids=list(settings.shard_ids)
        )
    return ShardedArticleBot(answerer, settings, store, shard_count=count)
