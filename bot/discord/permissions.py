"""Who may change the bot: Manage Server (or Administrator) in the server, or the bot's owner."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord.client import NotAdmin

if TYPE_CHECKING:
    from bot.discord.client import ArticleBotBase


async def require_server_admin(bot: ArticleBotBase, interaction: discord.Interaction) -> None:
    """Return when the user may manage the bot here; else raise NotAdmin (answered privately)."""
    for permissions in (
        interaction.permissions,
        # Computed from the member's roles (and ownership of the server) when Discord's
        # resolved permissions say no: the two agree on Discord itself.
        getattr(interaction.user, "guild_permissions", discord.Permissions.none()),
    ):
        if permissions.manage_guild or permissions.administrator:
            return
    if await bot.is_owner(interaction.user):
        return
    raise NotAdmin("This command needs the Manage Server permission.")


async def _is_server_admin(interaction: discord.Interaction[ArticleBotBase]) -> bool:
    await require_server_admin(interaction.client, interaction)
    return True


# A check on one command of a group anyone may use (/article add, /article remove): refused
# before the command runs, answered privately like every other check.
server_admins_only = app_commands.check(_is_server_admin)
