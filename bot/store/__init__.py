"""The bot's data: the database and migrations, per-server settings, stats, chart, exports."""

from bot.store.database import (
    MIGRATIONS,
    SCHEMA_VERSION,
    AskedQuestion,
    GuildSettings,
    Store,
    StoreError,
)

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "AskedQuestion", "GuildSettings", "Store", "StoreError"]
