"""Each server's effective settings: what it stored with /config over the environment's defaults."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TypeVar

from bot.settings import Settings
from bot.store.database import GuildSettings, Store

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
    """Per-server settings read through a small cache; every change is written through."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._cache: dict[int, ServerConfig] = {}

    def for_guild(self, guild_id: int | None) -> ServerConfig:
        """The effective settings of a server; DMs get the environment's defaults."""
        if guild_id is None:
            return effective(self.settings, GuildSettings())
        config = self._cache.get(guild_id)
        if config is None:
            config = effective(self.settings, self.store.guild_settings(guild_id))
            self._cache[guild_id] = config
        return config

    def stored(self, guild_id: int) -> GuildSettings:
        """What the server changed itself."""
        return self.store.guild_settings(guild_id)

    def change(self, guild_id: int, **changes: object) -> ServerConfig:
        """Store the given fields (``None`` restores the default) and return the result."""
        updated = replace(self.store.guild_settings(guild_id), **changes)  # type: ignore[arg-type]
        self.store.save_guild_settings(guild_id, updated)
        self._cache.pop(guild_id, None)
        return self.for_guild(guild_id)

    def reset(self, guild_id: int) -> ServerConfig:
        """Forget everything the server changed."""
        self.store.save_guild_settings(guild_id, GuildSettings())
        self._cache.pop(guild_id, None)
        return self.for_guild(guild_id)
