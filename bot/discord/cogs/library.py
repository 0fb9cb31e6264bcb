"""What is loaded: /article show|add|remove, /summary, /source (with autocomplete) and /help."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import wording
from bot.articles.adding import AddError
from bot.articles.sources import Source, fetch_policy, is_link, obtain
from bot.discord import limits, render
from bot.discord.permissions import server_admins_only
from bot.discord.replies import tell_privately
from retrieval.text import fold

if TYPE_CHECKING:
    from bot.discord.client import ArticleBotBase


def _choice_name(label: str, text: str) -> str:
    return limits.truncate(f"{label} · {' '.join(text.split())}", limits.CHOICE_NAME)


async def _unknown_article(interaction: discord.Interaction, typed: str) -> None:
    await tell_privately(
        interaction,
        f"No article has the id “{render.neutral(typed)[:100]}”. Pick one from the list.",
    )


class LibraryCog(commands.Cog):
    """Browsing the loaded articles and their sentences."""

    def __init__(self, bot: ArticleBotBase) -> None:
        self.bot = bot

    article = app_commands.Group(
        name="article", description="The loaded articles: show them, add one, remove one"
    )

    @article.command(name="show")
    @app_commands.describe(name="Which article (when several are loaded)")
    async def article_show(self, interaction: discord.Interaction, name: str | None = None) -> None:
        """The loaded articles: title, source, date, lead sentence, size and link."""
        corpus = self.bot.answerer.corpus
        if name:
            article = corpus.article(name)
            if article is None:
                await _unknown_article(interaction, name)
                return
            articles = [article]
        else:
            articles = list(corpus.articles)
        embeds = [render.article_embed(a) for a in articles[: limits.EMBEDS]]
        while sum(len(e) for e in embeds) > limits.EMBED_TOTAL and len(embeds) > 1:
            embeds.pop()
        await interaction.response.send_message(embeds=embeds, allowed_mentions=render.NO_MENTIONS)

    @article_show.autocomplete("name")
    async def article_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Articles whose id or title contains what was typed."""
        return self._article_choices(current)

    @article.command(name="add")
    @server_admins_only
    @app_commands.describe(
        url="A link to a news page, a PDF or a text file",
        file="A .txt, .md, .html or .pdf file",
    )
    async def article_add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000] | None = None,
        file: discord.Attachment | None = None,
    ) -> None:
        """Add an article from a link or a file (Manage Server); answered from at once."""
        if (url is None) == (file is None):
            await tell_privately(interaction, "Give a link (url:) or a file (file:), one of them.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        policy = fetch_policy(self.bot.settings)
        try:
            if file is not None:
                if file.size > policy.max_bytes:
                    raise AddError(
                        f"{file.filename} is {file.size:,} bytes, more than the "
                        f"{policy.max_bytes:,} allowed"
                    )
                source = Source(file.filename, await file.read(), None, file.content_type)
            else:
                assert url is not None
                if not is_link(url):
                    raise AddError("that is not an http:// or https:// link")
                source = await obtain(url, policy)
            added = await self.bot.add_article(source)
        except AddError as error:
            await interaction.followup.send(
                limits.truncate(f"Not added: {render.neutral(str(error))}", limits.CONTENT),
                ephemeral=True,
                allowed_mentions=render.NO_MENTIONS,
            )
            return
        except (discord.HTTPException, discord.NotFound) as error:
            await interaction.followup.send(
                f"Not added: the file could not be downloaded from Discord ({error.status}).",
                ephemeral=True,
                allowed_mentions=render.NO_MENTIONS,
            )
            return
        await interaction.followup.send(
            embed=render.added_embed(added), ephemeral=True, allowed_mentions=render.NO_MENTIONS
        )

    @article.command(name="remove")
    @server_admins_only
    @app_commands.describe(name="Which article to stop quoting")
    async def article_remove(self, interaction: discord.Interaction, name: str) -> None:
        """Remove an article (Manage Server); its file and kept original are deleted."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            removed = await self.bot.remove_article(name.strip())
        except AddError as error:
            message = f"Not removed: {render.neutral(str(error))}"
        else:
            message = (
                f"Removed “{render.neutral(removed.title)}” (`{removed.id}`); it is no longer "
                f"quoted. {len(self.bot.answerer.corpus.articles)} article(s) remain."
            )
        await interaction.followup.send(
            limits.truncate(message, limits.CONTENT),
            ephemeral=True,
            allowed_mentions=render.NO_MENTIONS,
        )

    @article_remove.autocomplete("name")
    async def removable_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Articles whose id or title contains what was typed."""
        return self._article_choices(current)

    def _article_choices(self, current: str) -> list[app_commands.Choice[str]]:
        typed = fold(current)
        choices = [
            app_commands.Choice(name=limits.truncate(a.title, limits.CHOICE_NAME), value=a.id)
            for a in self.bot.answerer.corpus.articles
            if typed in fold(a.id) or typed in fold(a.title)
        ]
        return choices[: limits.CHOICES]

    @app_commands.command(name="summary")
    @app_commands.describe(article="Which article (when several are loaded)")
    async def summary(self, interaction: discord.Interaction, article: str | None = None) -> None:
        """The article's key points: its most central sentences, quoted in its order."""
        corpus = self.bot.answerer.corpus
        chosen = corpus.article(article) if article else None
        if article and chosen is None:
            await _unknown_article(interaction, article)
            return
        if chosen is None:
            config = self.bot.configs.for_guild(interaction.guild_id)
            ids = config.articles or tuple(a.id for a in corpus.articles)
            chosen = corpus.article(ids[0]) or corpus.articles[0]
        answer = self.bot.answerer.summary(f"Summary: {chosen.title}", articles=(chosen.id,))
        await interaction.response.send_message(
            embed=render.answer_embed(answer, corpus), allowed_mentions=render.NO_MENTIONS
        )

    @summary.autocomplete("article")
    async def summary_articles(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Articles whose id or title contains what was typed."""
        return self._article_choices(current)

    @app_commands.command(name="source")
    @app_commands.describe(citation="A citation id such as coalition-of-will:p11s1")
    async def source(
        self, interaction: discord.Interaction, citation: app_commands.Range[str, 1, 200]
    ) -> None:
        """Show one sentence by its citation id, with its paragraph as context."""
        corpus = self.bot.answerer.corpus
        sentence = corpus.sentence(citation)
        if sentence is None:
            await tell_privately(
                interaction,
                wording.unknown_citation(render.neutral(citation)[:100], corpus)
                + " Start typing to pick one from the list.",
            )
            return
        await interaction.response.send_message(
            embed=render.source_embed(sentence, corpus), allowed_mentions=render.NO_MENTIONS
        )

    @source.autocomplete("citation")
    async def citation_ids(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Citation ids with a preview of their sentence, matching the id or the words typed."""
        typed = fold(current.strip())
        choices: list[app_commands.Choice[str]] = []
        for sentence in self.bot.answerer.corpus.sentences:
            if (
                typed
                and typed not in fold(sentence.citation_id)
                and typed not in fold(sentence.text)
            ):
                continue
            choices.append(
                app_commands.Choice(
                    name=_choice_name(sentence.citation_id, sentence.text),
                    value=sentence.citation_id[: limits.CHOICE_VALUE],
                )
            )
            if len(choices) == limits.CHOICES:
                break
        return choices

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """How to ask the bot, with examples that work, and what it keeps."""
        kept = self.bot.configs.for_guild(interaction.guild_id).log_questions
        await interaction.response.send_message(
            embed=render.help_embed(kept), ephemeral=True, allowed_mentions=render.NO_MENTIONS
        )


async def setup(bot: ArticleBotBase) -> None:
    """Extension entry point."""
    await bot.add_cog(LibraryCog(bot))
