"""Short private replies to an interaction, the one way the bot tells a single user something."""

from __future__ import annotations

import discord

from bot.discord import limits, render


async def tell_privately(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral message that pings nobody, as a response or, once responded, a follow-up."""
    text = limits.truncate(text, limits.CONTENT)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=render.NO_MENTIONS)
    else:
        await interaction.response.send_message(
            text, ephemeral=True, allowed_mentions=render.NO_MENTIONS
        )
