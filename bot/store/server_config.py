"""Each server's effective settings: what it stored with /config over the environment's defaults."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TypeVar

from bot.settings import Settings
from bot.store.database import GuildSettings
from bot.store.engines import AsyncStore

T = TypeVar("T")


def pick(value: T | None, default: T) -> T:
    """The stored value, or the default when the server never set it."""
    return default if value is None else value


@dataclass(frozen=True)
class ServerConfig:
    """The settings that decide how the bot answers in one server (or in DMs)."""

    allowed_channels: tuple[int, ...]
    private_default: bool
    top_k: int
    answer_mentions: bool
    articles: tuple[str, ...]  # empty: every loaded article
    log_questions: bool
    threads: bool = False  # answer mentions in a new thread named after the question

    def allows_channel(self, channel_id: int | None, parent_id: int | None) -> bool:
        """True when the allowlist is empty or names the channel (or a thread's parent)."""
        return channel_allowed(self.allowed_channels, channel_id, parent_id)


def channel_allowed(
    allowed: Collection[int], channel_id: int | None, parent_id: int | None
) -> bool:
    """True when the allowlist is empty or names the channel (or the thread's parent)."""
    if not allowed:
        return True
    return channel_id in allowed or (parent_id is not None and parent_id in allowed)


def effective(settings: Settings, stored: GuildSettings) -> ServerConfig:
    """Stored values where the server set them, the environment's defaults elsewhere."""

    return ServerConfig(
        allowed_channels=pick(stored.allowed_channels, settings.allowed_channel_ids),
        private_default=pick(stored.private_default, settings.private_by_default),
        top_k=pick(stored.top_k, settings.top_k),
        answer_mentions=pick(stored.answer_mentions, settings.answer_mentions),
        articles=pick(stored.articles, ()),
        log_questions=pick(stored.log_questions, settings.log_questions),
        threads=pick(stored.threads, settings.answer_in_threads),
    )


class ServerConfigs:
    """Per-server settings served from memory: every server's stored settings are read at
    start-up, each change is written through (and, on a shared database, heard from the other
    processes by ``refresh``)."""

    def __init__(self, settings: Settings, store: AsyncStore) -> None:
        self.settings = settings
        self.store = store
        self._stored: dict[int, GuildSettings] = {}

    async def load(self) -> None:
        """Read every server's stored settings."""
        self._stored = await self.store.all_guild_settings()

    async def refresh(self, guild_id: int) -> None:
        """Read one server's settings again (another process changed them)."""
        self._stored[guild_id] = await self.store.guild_settings(guild_id)

    def for_guild(self, guild_id: int | None) -> ServerConfig:
        """The effective settings of a server; DMs get the environment's defaults."""
        if guild_id is None:
            return effective(self.settings, GuildSettings())
        return effective(self.settings, self._stored.get(guild_id, GuildSettings()))

    def stored(self, guild_id: int) -> GuildSettings:
        """What the server changed itself."""
        return self._stored.get(guild_id, GuildSettings())

    async def change(self, guild_id: int, **changes: object) -> ServerConfig:
        """Store the given fields (``None`` restores the default) and return the result."""
        updated = replace(self.stored(guild_id), **changes)  # type: ignore[arg-type]
        await self.store.save_guild_settings(guild_id, updated)
        self._stored[guild_id] = updated
        return self.for_guild(guild_id)

    async def reset(self, guild_id: int) -> ServerConfig:
        """Forget everything the server changed."""
        await self.store.save_guild_settings(guild_id, GuildSettings())
        self._stored[guild_id] = GuildSettings()
        return self.for_guild(guild_id)
