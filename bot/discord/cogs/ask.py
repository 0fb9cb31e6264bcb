"""Asking: the /ask command, the "Ask the article" message menu, and mentions of the bot."""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import MISSING

from bot.discord import render
from bot.discord.guards import retry_message
from bot.discord.live_views import view_key
from bot.discord.question import question_from_message
from bot.discord.replies import tell_privately
from bot.discord.sending import send_with_retry
from bot.discord.views import EXPIRED, AnswerView, track
from bot.store import StoreError
from bot.store.database import NewQuestion
from retrieval import Answer, Corpus
from retrieval.conversation import next_turn

if TYPE_CHECKING:
    from bot.discord.client import ArticleBotBase

log = logging.getLogger(__name__)
MAX_QUESTION = 300


@dataclass(frozen=True)
class Where:
    """The server and channel a question came from (no server: a DM)."""

    guild_id: int | None
    channel_id: int | None


class AskCog(commands.Cog):
    """Every way of asking a question about the article."""

    def __init__(self, bot: ArticleBotBase) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(
            name="Ask the article", callback=self.ask_about_message
        )

    async def cog_load(self) -> None:
        """Context menus cannot live in a cog class body, so register it here."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Remove the context menu with the cog."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    def _view(
        self,
        answer: Answer,
        corpus: Corpus,
        asker_id: int,
        page_size: int,
        question_id: int | None,
    ) -> AnswerView | None:
        if not answer.found:
            return None
        view = AnswerView(answer, corpus, asker_id, page_size, self.bot.store, question_id)
        return track(view, self.bot.live_views)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A click on buttons that no longer work (too old, or from before a restart) gets a
        short explanation instead of Discord's "This interaction failed"."""
        if interaction.type is not discord.InteractionType.component:
            return
        data: dict[str, object] = dict(interaction.data or {})
        key = view_key(str(data.get("custom_id", "")))
        if key is None or key in self.bot.live_views:
            return
        try:
            await tell_privately(interaction, EXPIRED)
        except discord.HTTPException as error:
            log.debug("could not explain expired buttons: %s", error)

    async def _answer_and_record(
        self,
        question: str,
        results: int,
        where: Where,
        user_id: int,
        way: str,
        follows: bool,
    ) -> tuple[Answer, int | None]:
        """Answer with the server's settings (a follow-up read with the asker's question
        before, when ``follows``), and store the question where the server keeps them, before
        anything is sent: what a user saw is always in the database."""
        config = self.bot.configs.for_guild(where.guild_id)
        started = time.perf_counter()
        conversations = self.bot.conversations
        # In a thread the bot opened, the thread is one conversation; elsewhere each person's.
        key: tuple[object, ...] = (
            ("thread", where.channel_id)
            if self.bot.is_bot_thread(where.channel_id)
            else (where.channel_id, user_id)
        )
        previous = conversations.last(key) if follows else None
        turn = next_turn(self.bot.answerer.corpus, question, previous, conversations.now())
        conversations.remember(key, turn)
        answer = await self.bot.answer(question, results, config.articles, turn.context)
        latency_ms = (time.perf_counter() - started) * 1000
        self.bot.metrics.answered(way, answer.found, answer.confident, latency_ms / 1000)
        if not config.log_questions:
            return answer, None
        try:
            question_id = await self.bot.store.record(
                NewQuestion(
                    guild_id=where.guild_id,
                    channel_id=where.channel_id,
                    user_id=user_id,
                    question=answer.question,
                    citations=[p.sentence.citation_id for p in answer.passages],
                    scores=[p.score for p in answer.passages],
                    refused=not answer.found,
                    latency_ms=latency_ms,
                    way=way,
                    unsure=answer.found and not answer.confident,
                    confidence=answer.confidence,
                )
            )
        except (StoreError, sqlite3.Error) as error:
            # Losing one statistic is better than leaving the user without an answer.
            log.error("could not store a question: %s", error)
            return answer, None
        return answer, question_id

    async def _prepare(
        self,
        question: str,
        results: int,
        where: Where,
        user_id: int,
        way: str,
        follows: bool = True,
    ) -> tuple[discord.Embed, AnswerView | None]:
        """Answer, record and render, one question at a time (see ArticleBotBase.turn)."""
        async with self.bot.turn():
            # The library the answer comes from, even if a /reload swaps it meanwhile.
            corpus = self.bot.answerer.corpus
            answer, question_id = await self._answer_and_record(
                question, results, where, user_id, way, follows
            )
            embed = render.answer_embed(answer, corpus)
            return embed, self._view(answer, corpus, user_id, results, question_id)

    async def _respond(
        self,
        interaction: discord.Interaction,
        question: str,
        results: int | None,
        private: bool | None,
        way: str,
        follows: bool = True,
    ) -> None:
        """Answer, render, send: the body every interaction path shares."""
        config = self.bot.configs.for_guild(interaction.guild_id)
        private = config.private_default if private is None else private
        results = results or config.top_k
        if self.bot.answers_in_thread:
            await interaction.response.defer(ephemeral=private, thinking=True)
        where = Where(interaction.guild_id, interaction.channel_id)
        embed, view = await self._prepare(
            question, results, where, interaction.user.id, way, follows
        )
        message: discord.Message | discord.InteractionMessage
        options: dict[str, Any] = {
            "embed": embed,
            "view": view or MISSING,
            "ephemeral": private,
            "allowed_mentions": render.NO_MENTIONS,
        }
        if interaction.response.is_done():
            message = await send_with_retry(lambda: interaction.followup.send(**options, wait=True))
        else:
            sent = await send_with_retry(lambda: interaction.response.send_message(**options))
            # The callback's response carries the message: no second request to fetch it.
            if isinstance(sent.resource, discord.InteractionMessage):
                message = sent.resource
            else:
                message = await interaction.original_response()
        if view is not None:
            view.message = message

    @app_commands.command(name="ask")
    @app_commands.describe(
        question="What you want to know about the article",
        results="How many passages to show (1-5)",
        private="Only you see the answer",
    )
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION],
        results: app_commands.Range[int, 1, 5] | None = None,
        private: bool | None = None,
    ) -> None:
        """Ask a question about the article; get the passages that answer it."""
        me = self.bot.user.id if self.bot.user else 0
        # Mentions and emoji markup carry no words of the question; the text typed stays.
        asked = question_from_message(question, me) or " ".join(question.split())
        await self._respond(interaction, asked, results, private, "slash")

    async def ask_about_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """The target message's text is the question; the answer is private."""
        question = question_from_message(message.content, self.bot.user.id if self.bot.user else 0)
        if not question:
            await tell_privately(interaction, "That message has no text to ask about.")
            return
        await self._respond(
            interaction, question[:MAX_QUESTION], None, private=True, way="menu", follows=False
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer messages that mention the bot (and DMs, when enabled) with a reply."""
        me = self.bot.user
        if (
            me is None
            or message.author.bot
            or message.webhook_id is not None
            or message.author.id == me.id
        ):
            return
        in_dm = message.guild is None
        if in_dm and not self.bot.settings.answer_dms:
            return
        in_bot_thread = self.bot.is_bot_thread(message.channel.id)
        # @everyone, @here and role mentions do not name the bot. In a thread the bot opened,
        # any message whose text Discord sends (it does with the Message Content intent) is a
        # follow-up.
        mentioned = me.id in {user.id for user in message.mentions}
        unprompted = in_bot_thread and bool(message.content.strip())
        if not in_dm and not mentioned and not unprompted:
            return
        config = self.bot.configs.for_guild(message.guild.id if message.guild else None)
        if not in_dm and not (
            config.answer_mentions
            and config.allows_channel(
                message.channel.id, getattr(message.channel, "parent_id", None)
            )
        ):
            return
        question = question_from_message(message.content, me.id)
        follows = in_bot_thread
        if message.reference is not None and not follows:
            if question:
                # A reply to one of the bot's answers carries the conversation on.
                follows = await self._replies_to_bot(message)
            else:
                question = await self._referenced_text(message)
        if not question:
            await self._reply(message, content=render.short_help())
            return
        wait = self.bot.cooldown.retry_after(message.author.id)
        if wait > 0:
            await self._reply(message, content=retry_message(wait))
            return
        where = Where(message.guild.id if message.guild else None, message.channel.id)
        embed, view = await self._prepare(
            question[:MAX_QUESTION], config.top_k, where, message.author.id, "mention", follows
        )
        sent = None
        if config.threads and isinstance(message.channel, discord.TextChannel):
            sent = await self._answer_in_thread(message, question, where, embed, view)
        if sent is None:
            sent = await self._reply(message, embed=embed, view=view)
        if view is not None and sent is not None:
            view.message = sent

    async def _answer_in_thread(
        self,
        message: discord.Message,
        question: str,
        where: Where,
        embed: discord.Embed,
        view: AnswerView | None,
    ) -> discord.Message | None:
        """Open a thread on the question and answer there; None when the thread cannot be made
        (no permission, a channel that has none), so the caller replies instead."""
        try:
            thread = await message.create_thread(name=render.thread_name(question))
        except discord.HTTPException as error:
            log.info(
                "could not open a thread in channel %s (%s); replying", where.channel_id, error
            )
            return None
        self.bot.opened_thread(thread.id)
        # The question starts the thread's conversation: follow-ups there are read with it.
        conversations = self.bot.conversations
        turn = conversations.last((where.channel_id, message.author.id))
        if turn is not None:
            conversations.remember(("thread", thread.id), turn)
        try:
            return await send_with_retry(
                lambda: thread.send(
                    embed=embed, view=view or MISSING, allowed_mentions=render.NO_MENTIONS
                )
            )
        except discord.HTTPException as error:
            log.warning("could not answer in thread %s: %s; replying", thread.id, error)
            return None

    async def _referenced(self, message: discord.Message) -> discord.Message | None:
        """The message this one replies to, when it can be read."""
        reference = message.reference
        if reference is None or reference.message_id is None:
            return None
        if isinstance(reference.resolved, discord.Message):
            return reference.resolved
        try:
            return await message.channel.fetch_message(reference.message_id)
        except discord.HTTPException:
            return None

    async def _replies_to_bot(self, message: discord.Message) -> bool:
        """True when ``message`` replies to a message the bot sent."""
        target = await self._referenced(message)
        me = self.bot.user
        return target is not None and me is not None and target.author.id == me.id

    async def _referenced_text(self, message: discord.Message) -> str:
        """The text of the message this one replies to (empty when it cannot be read)."""
        target = await self._referenced(message)
        me = self.bot.user
        return "" if target is None else question_from_message(target.content, me.id if me else 0)

    async def _reply(
        self,
        message: discord.Message,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> discord.Message | None:
        """Reply without pinging; where the bot may not post (403), answer the asker by DM."""
        try:
            return await send_with_retry(
                lambda: message.reply(
                    content,
                    embed=embed or MISSING,
                    view=view or MISSING,
                    mention_author=False,
                    allowed_mentions=render.NO_MENTIONS,
                )
            )
        except discord.Forbidden:
            log.warning(
                "no permission to reply in channel %s; answering by direct message",
                message.channel.id,
            )
        except discord.HTTPException as error:
            log.warning("could not reply in channel %s: %s", message.channel.id, error)
            return None
        if message.guild is None:
            return None
        try:
            return await message.author.send(
                render.CANNOT_POST_THERE if content is None else content,
                embed=embed or MISSING,
                view=view or MISSING,
                allowed_mentions=render.NO_MENTIONS,
            )
        except discord.HTTPException as error:
            log.warning(
                "could not answer user %s by direct message either: %s", message.author.id, error
            )
            return None


async def setup(bot: ArticleBotBase) -> None:
    """Extension entry point."""
    await bot.add_cog(AskCog(bot))
