"""Admin replies as embeds: /config and /stats; pure, like render.py."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord import limits
from bot.discord.render import ANSWER_COLOUR, neutral
from bot.store import GuildSettings
from bot.store.server_config import ServerConfig
from bot.store.stats import StatsReport

CHART_FILENAME = "questions-per-day.png"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _mark(stored: object) -> str:
    """Say where a value comes from: the server's /config, or the environment's default."""
    return "" if stored is None else " (set here)"


def config_embed(
    config: ServerConfig, stored: GuildSettings, article_titles: dict[str, str]
) -> discord.Embed:
    """A server's effective settings, saying which ones it changed."""
    channels = (
        ", ".join(f"<#{c}>" for c in config.allowed_channels)
        if config.allowed_channels
        else "every channel"
    )
    articles = (
        ", ".join(neutral(article_titles.get(a, a)) for a in config.articles)
        if config.articles
        else "every loaded article"
    )
    lines = [
        f"**Answers in:** {channels}{_mark(stored.allowed_channels)}",
        f"**Private by default:** {_yes(config.private_default)}{_mark(stored.private_default)}",
        f"**Passages per answer:** {config.top_k}{_mark(stored.top_k)}",
        f"**Answers mentions:** {_yes(config.answer_mentions)}{_mark(stored.answer_mentions)}",
        f"**Articles:** {articles}{_mark(stored.articles)}",
        f"**Keeps questions for /stats:** {_yes(config.log_questions)}"
        f"{_mark(stored.log_questions)}",
        f"**Answers mentions in a thread:** {_yes(config.threads)}{_mark(stored.threads)}",
    ]
    return discord.Embed(
        title="Settings for this server",
        description=limits.truncate("\n".join(lines), limits.EMBED_DESCRIPTION),
        colour=ANSWER_COLOUR,
    ).set_footer(text="Change them with /config set, /config channel or /config reset.")


def _ranked(items: Sequence[tuple[str, int]]) -> str:
    if not items:
        return "none yet"
    lines = [f"{n}. {neutral(q)[:150]} ({count})" for n, (q, count) in enumerate(items, 1)]
    return limits.truncate("\n".join(lines), limits.FIELD_VALUE)


def stats_embed(report: StatsReport, with_chart: bool) -> discord.Embed:
    """The /stats embed: volumes, refusals, what people ask and what they judged wrong."""
    embed = discord.Embed(title="What people asked", colour=ANSWER_COLOUR)
    embed.add_field(
        name="Last 7 days",
        value=f"{report.last_7} questions\n{report.refused_share_7:.0%} not answered",
    )
    embed.add_field(
        name="Last 30 days",
        value=(
            f"{report.last_30} questions\n{report.refused_share_30:.0%} not answered\n"
            f"{report.unsure_share_30:.0%} answered “not sure”"
        ),
    )
    embed.add_field(name="Most asked", value=_ranked(report.top_questions), inline=False)
    embed.add_field(
        name="Not in the article (coverage gaps)",
        value=_ranked(report.top_refused),
        inline=False,
    )
    if report.rated_down:
        lines = [
            f"{n}. {neutral(r.question)[:120]} → `{r.citation}` (👎 {r.down}, 👍 {r.up})"
            for n, r in enumerate(report.rated_down, 1)
        ]
        value = limits.truncate("\n".join(lines), limits.FIELD_VALUE)
    else:
        value = "none yet"
    embed.add_field(name="Answers rated 👎 most", value=value, inline=False)
    if report.median_latency_ms is not None:
        embed.set_footer(text=f"Median answer time: {report.median_latency_ms:.1f} ms")
    if with_chart:
        embed.set_image(url=f"attachment://{CHART_FILENAME}")
    return embed


def reload_message(ok: bool, detail: str) -> str:
    """The reply to /reload: what is now served, or why the old library still is."""
    if ok:
        return limits.truncate(f"Reloaded: {detail}", limits.CONTENT)
    return limits.truncate(
        f"Reload failed, so the articles already loaded are still answering.\n{neutral(detail)}",
        limits.CONTENT,
    )
