"""Server admins' commands: /config, /stats and /reload (Manage Server, or the bot's owner)."""

from __future__ import annotations

import asyncio
import io
import time
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import limits, render, render_admin
from bot.discord.permissions import require_server_admin
from bot.discord.replies import tell_privately
from bot.store import AskedQuestion
from bot.store.chart import questions_per_day_png
from bot.store.stats import DAY, StatsReport, build_report
from retrieval.text import fold

if TYPE_CHECKING:
    from bot.discord.client import ArticleBotBase

MANAGE_SERVER = discord.Permissions(manage_guild=True)


class AdminCog(commands.Cog):
    """Control and insight for the people who run a server."""

    config = app_commands.Group(
        name="config",
        description="How the bot answers in this server",
        default_permissions=MANAGE_SERVER,
        guild_only=True,
    )

    def __init__(self, bot: ArticleBotBase) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Every command here needs Manage Server (or Administrator), or the bot's owner."""
        await require_server_admin(self.bot, interaction)
        return True

    def _titles(self) -> dict[str, str]:
        return {a.id: a.title for a in self.bot.answerer.corpus.articles}

    async def _show(self, interaction: discord.Interaction, note: str | None = None) -> None:
        guild_id = interaction.guild_id
        assert guild_id is not None  # guild_only
        embed = render_admin.config_embed(
            self.bot.configs.for_guild(guild_id),
            self.bot.configs.stored(guild_id),
            self._titles(),
        )
        await interaction.response.send_message(
            note, embed=embed, ephemeral=True, allowed_mentions=render.NO_MENTIONS
        )

    @config.command(name="show")
    async def config_show(self, interaction: discord.Interaction) -> None:
        """Show this server's settings."""
        await self._show(interaction)

    @config.command(name="set")
    @app_commands.describe(
        private="Answers only the asker sees, unless /ask says otherwise",
        results="Passages per answer (1-5)",
        mentions="Answer when someone @mentions the bot",
        keep_questions="Store questions and votes for /stats (off: nothing is stored)",
        article="Which article(s) questions go to (ids separated by commas); 'all' for every one",
        threads="Answer @mentions in a new thread named after the question (falls back to a reply)",
    )
    async def config_set(
        self,
        interaction: discord.Interaction,
        private: bool | None = None,
        results: app_commands.Range[int, 1, 5] | None = None,
        mentions: bool | None = None,
        keep_questions: bool | None = None,
        article: str | None = None,
        threads: bool | None = None,
    ) -> None:
        """Change how the bot answers here; options left out stay as they are."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        changes: dict[str, object] = {}
        if private is not None:
            changes["private_default"] = private
        if results is not None:
            changes["top_k"] = results
        if mentions is not None:
            changes["answer_mentions"] = mentions
        if keep_questions is not None:
            changes["log_questions"] = keep_questions
        if threads is not None:
            changes["threads"] = threads
        if article is not None:
            chosen = tuple(dict.fromkeys(a.strip() for a in article.split(",") if a.strip()))
            unknown = [a for a in chosen if self.bot.answerer.corpus.article(a) is None]
            if not chosen or [fold(a) for a in chosen] == ["all"]:
                changes["articles"] = None
            elif unknown:
                await tell_privately(
                    interaction,
                    f"No article has the id “{render.neutral(unknown[0])[:100]}”. "
                    "Pick from the list (several ids separated by commas), or 'all'.",
                )
                return
            else:
                changes["articles"] = chosen
        if not changes:
            await self._show(interaction, "Nothing to change; here is what is set.")
            return
        await self.bot.configs.change(guild_id, **changes)
        await self._show(interaction, "Saved.")

    @config_set.autocomplete("article")
    async def article_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """'all' and the articles whose id or title contains what was typed."""
        typed = fold(current)
        choices = [app_commands.Choice(name="All loaded articles", value="all")]
        choices += [
            app_commands.Choice(name=limits.truncate(title, limits.CHOICE_NAME), value=article_id)
            for article_id, title in self._titles().items()
            if typed in fold(article_id) or typed in fold(title)
        ]
        return choices[: limits.CHOICES]

    @config.command(name="channel")
    @app_commands.describe(
        action="add: answer there too; remove: stop; clear: answer in every channel",
        channel="The channel (not needed for clear)",
    )
    async def config_channel(
        self,
        interaction: discord.Interaction,
        action: Literal["add", "remove", "clear"],
        channel: discord.TextChannel | discord.Thread | None = None,
    ) -> None:
        """Choose the channels where the bot answers."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        current = self.bot.configs.for_guild(guild_id).allowed_channels
        if action == "clear":
            await self.bot.configs.change(guild_id, allowed_channels=None)
            await self._show(interaction, "The bot answers in every channel again.")
            return
        if channel is None:
            await tell_privately(interaction, f"Say which channel to {action}.")
            return
        if action == "add":
            updated = tuple(dict.fromkeys((*current, channel.id)))
        else:
            updated = tuple(c for c in current if c != channel.id)
        # An emptied list would mean "every channel", the opposite of removing the last one.
        if not updated:
            await tell_privately(
                interaction,
                "That would leave no channel; use `/config channel action:clear` to answer "
                "everywhere.",
            )
            return
        await self.bot.configs.change(guild_id, allowed_channels=updated)
        await self._show(interaction, "Saved.")

    @config.command(name="reset")
    async def config_reset(self, interaction: discord.Interaction) -> None:
        """Forget this server's changes: the bot's defaults apply again."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        await self.bot.configs.reset(guild_id)
        await self._show(interaction, "Back to the defaults.")

    @staticmethod
    def _report(questions: list[AskedQuestion], now: float) -> tuple[StatsReport, bytes | None]:
        """The server's report over the last 30 days, and its chart when there is anything."""
        report = build_report(questions, now)
        return report, questions_per_day_png(report.per_day) if report.last_30 else None

    @app_commands.command(name="stats")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def stats(self, interaction: discord.Interaction) -> None:
        """What people asked here: volumes, questions not answered, answers rated 👎."""
        guild_id = interaction.guild_id
        assert guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        # A busy server's month of questions takes a while to read and count, and drawing
        # takes tens of milliseconds: both off the event loop.
        now = time.time()
        asked = await self.bot.store.questions(guild_id, since=now - 30 * DAY)
        report, png = await asyncio.to_thread(self._report, asked, now)
        files: list[discord.File] = []
        if png is not None:
            files.append(discord.File(io.BytesIO(png), filename=render_admin.CHART_FILENAME))
        kept = self.bot.configs.for_guild(guild_id).log_questions
        note = None if kept else "Questions are not being kept here (/config set keep_questions)."
        await interaction.followup.send(
            note or discord.utils.MISSING,
            embed=render_admin.stats_embed(report, with_chart=bool(files)),
            files=files or discord.utils.MISSING,
            ephemeral=True,
            allowed_mentions=render.NO_MENTIONS,
        )

    @app_commands.command(name="sync")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.describe(
        scope="here: this server, at once; everywhere: every server (owner only)"
    )
    async def sync(
        self, interaction: discord.Interaction, scope: Literal["here", "everywhere"] = "here"
    ) -> None:
        """Register the bot's current commands with Discord (after an upgrade)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        if scope == "everywhere":
            if not await self.bot.is_owner(interaction.user):
                await tell_privately(
                    interaction, "Only the bot's owner can sync commands for every server."
                )
                return
            synced = await self.bot.tree.sync()
            where = "every server (Discord may take up to an hour to show them)"
            message = f"Synced {len(synced)} commands to {where}."
        else:
            message = await self._sync_here(discord.Object(id=interaction.guild_id or 0))
        await interaction.followup.send(
            message, ephemeral=True, allowed_mentions=render.NO_MENTIONS
        )

    async def _sync_here(self, guild: discord.Object) -> str:
        """A server copy of the commands, unless they are registered for every server: then a
        copy would show each command twice, so any copy is removed instead."""
        tree = self.bot.tree
        if await tree.fetch_commands():
            tree.clear_commands(guild=guild)
            await tree.sync(guild=guild)
            return (
                "The commands are registered for every server, so this server uses those: "
                "removed this server's own copy, if it had one, so no command shows twice. "
                "To update them after an upgrade, the bot's owner runs /sync scope:everywhere."
            )
        tree.copy_global_to(guild=guild)
        synced = await tree.sync(guild=guild)
        return (
            f"Synced {len(synced)} commands to this server. They are this server's own copy; "
            "if the bot's owner later registers them for every server, run /sync again here "
            "to remove the copy."
        )

    @app_commands.command(name="reload")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def reload(self, interaction: discord.Interaction) -> None:
        """Re-read the articles folder; a broken article keeps the current ones answering."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        ok, detail = await self.bot.reload_articles(announce=True)
        await interaction.followup.send(
            render_admin.reload_message(ok, detail),
            ephemeral=True,
            allowed_mentions=render.NO_MENTIONS,
        )


async def setup(bot: ArticleBotBase) -> None:
    """Extension entry point."""
    await bot.add_cog(AdminCog(bot))
