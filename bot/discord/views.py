"""Buttons under an answer: context, more results, and feedback."""

from __future__ import annotations

import logging
import secrets
import sqlite3

import discord

from bot.discord import render
from bot.discord.live_views import LiveViews, custom_id
from bot.discord.replies import tell_privately
from bot.store import StoreError
from bot.store.engines import AsyncStore
from retrieval import Answer, Corpus, Passage

log = logging.getLogger("article_bot.feedback")
VIEW_TIMEOUT_SECONDS = 600.0
EXPIRED = "These buttons have expired. Ask again with /ask to get fresh ones."


def pages(answer: Answer, page_size: int) -> list[tuple[Passage, ...]]:
    """The answer's ranked passages cut into pages of ``page_size``."""
    ranked = (*answer.passages, *answer.rest)
    return [ranked[i : i + page_size] for i in range(0, len(ranked), page_size)]


def track(view: AnswerView, live: LiveViews) -> AnswerView:
    """Register a new view with the bounded set of live ones."""
    view.live = live
    live.add(view.key, view)
    return view


class AnswerView(discord.ui.View):
    """Show context, page through more results (asker only), rate the answer."""

    def __init__(
        self,
        answer: Answer,
        corpus: Corpus,
        asker_id: int,
        page_size: int,
        store: AsyncStore | None = None,
        question_id: int | None = None,
    ) -> None:
        super().__init__(timeout=VIEW_TIMEOUT_SECONDS)
        self.key = secrets.token_hex(8)
        for name, button in (
            ("context", self.context),
            ("more", self.more),
            ("up", self.helpful),
            ("down", self.unhelpful),
        ):
            button.custom_id = custom_id(self.key, name)
        self.store = store
        self.question_id = question_id
        self.answer = answer
        self.corpus = corpus
        self.asker_id = asker_id
        self.pages = pages(answer, page_size)
        self.page = 0
        self.votes: dict[int, str] = {}
        self.message: discord.Message | discord.InteractionMessage | None = None
        self.live: LiveViews | None = None
        self.more.disabled = len(self.pages) < 2

    @property
    def shown(self) -> tuple[Passage, ...]:
        """The passages of the page on screen."""
        return self.pages[self.page] if self.pages else ()

    def first_index(self) -> int:
        """The number of the first passage on the current page."""
        return 1 + sum(len(p) for p in self.pages[: self.page])

    @discord.ui.button(label="Show context", style=discord.ButtonStyle.secondary, emoji="📖")
    async def context(
        self, interaction: discord.Interaction, _button: discord.ui.Button[AnswerView]
    ) -> None:
        """The sentences around each passage on screen, only for whoever clicked."""
        await interaction.response.send_message(
            embeds=render.contexts_embeds(self.shown, self.corpus),
            ephemeral=True,
            allowed_mentions=render.NO_MENTIONS,
        )

    @discord.ui.button(label="More results", style=discord.ButtonStyle.primary, emoji="➡️")
    async def more(
        self, interaction: discord.Interaction, button: discord.ui.Button[AnswerView]
    ) -> None:
        """The next page of passages; only the person who asked may page."""
        if interaction.user.id != self.asker_id:
            await tell_privately(
                interaction,
                "Only the person who asked can page through these results. Ask your own with /ask!",
            )
            return
        self.page = min(self.page + 1, len(self.pages) - 1)
        button.disabled = self.page >= len(self.pages) - 1
        embed = render.answer_embed(self.answer, self.corpus, self.shown, self.first_index())
        await interaction.response.edit_message(
            embed=embed, view=self, allowed_mentions=render.NO_MENTIONS
        )

    @discord.ui.button(emoji="👍", style=discord.ButtonStyle.secondary)
    async def helpful(
        self, interaction: discord.Interaction, _button: discord.ui.Button[AnswerView]
    ) -> None:
        """Record that the answer helped."""
        await self._vote(interaction, "up")

    @discord.ui.button(emoji="👎", style=discord.ButtonStyle.secondary)
    async def unhelpful(
        self, interaction: discord.Interaction, _button: discord.ui.Button[AnswerView]
    ) -> None:
        """Record that the answer did not help."""
        await self._vote(interaction, "down")

    async def _vote(self, interaction: discord.Interaction, vote: str) -> None:
        changed = interaction.user.id in self.votes and self.votes[interaction.user.id] != vote
        self.votes[interaction.user.id] = vote
        if self.store is not None and self.question_id is not None:
            try:
                await self.store.record_vote(
                    self.question_id, interaction.user.id, 1 if vote == "up" else -1
                )
            except (StoreError, sqlite3.Error) as error:
                log.error("could not store a vote: %s", error)
        log.info(
            "feedback vote=%s question=%r citations=%s scores=%s",
            vote,
            self.answer.question,
            [p.sentence.citation_id for p in self.shown],
            [round(p.score, 4) for p in self.shown],
        )
        text = "Thanks, your vote is changed." if changed else "Thanks for the feedback!"
        await tell_privately(interaction, text)

    async def on_timeout(self) -> None:
        """Disable the buttons so nobody clicks a dead view."""
        if self.live is not None:
            self.live.discard(self.key)
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self, allowed_mentions=render.NO_MENTIONS)
            except discord.HTTPException as error:
                logging.getLogger(__name__).debug(
                    "could not disable an answer's buttons: %s", error
                )
