"""One store interface on two engines: SQLite (the embedded default) or PostgreSQL (shared by
every process), chosen by DATABASE_URL, asynchronous for the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from bot.store.database import AskedQuestion, GuildSettings, NewQuestion, Store, StoreError
from bot.store.postgres import Listener, PostgresStore


class AsyncStore(Protocol):
    """What the Discord layer needs from the database; every write commits before returning."""

    # True when other processes use the same database (and hear its notices).
    shared: bool

    def user_hash(self, user_id: int) -> str:
        """A stable pseudonym for a user."""

    async def all_guild_settings(self) -> dict[int, GuildSettings]:
        """Every server's stored settings."""

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """One server's stored settings."""

    async def save_guild_settings(self, guild_id: int, settings: GuildSettings) -> None:
        """Replace one server's stored settings."""

    async def record(self, question: NewQuestion) -> int:
        """Store one question; returns its id."""

    async def record_vote(self, question_id: int, user_id: int, vote: int) -> bool:
        """Store a vote; True when it replaced a different one."""

    async def questions(
        self, guild_id: int | None = None, since: float | None = None
    ) -> list[AskedQuestion]:
        """Stored questions, oldest first."""

    async def library_files(self) -> dict[str, bytes]:
        """The article files added through any process."""

    async def save_library_files(self, files: dict[str, bytes], removed: Sequence[str]) -> None:
        """Share added and removed article files with the other processes."""

    async def notify(self, message: dict[str, Any]) -> None:
        """Tell the other processes of a change (nothing to do with one process)."""

    def listen(self, callback: Listener) -> None:
        """Hear the other processes' changes."""

    async def close(self) -> None:
        """Close the database."""


class SqliteAsyncStore:
    """The SQLite store for the event loop: each call in a worker thread (a write waits on the
    disk), one process, no one to notify."""

    shared = False

    def __init__(self, store: Store) -> None:
        self.sync = store

    def user_hash(self, user_id: int) -> str:
        return self.sync.user_hash(user_id)

    async def all_guild_settings(self) -> dict[int, GuildSettings]:
        return await asyncio.to_thread(self.sync.all_guild_settings)

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        return await asyncio.to_thread(self.sync.guild_settings, guild_id)

    async def save_guild_settings(self, guild_id: int, settings: GuildSettings) -> None:
        await asyncio.to_thread(self.sync.save_guild_settings, guild_id, settings)

    async def record(self, question: NewQuestion) -> int:
        return await asyncio.to_thread(self.sync.record, question)

    async def record_vote(self, question_id: int, user_id: int, vote: int) -> bool:
        return await asyncio.to_thread(self.sync.record_vote, question_id, user_id, vote)

    async def questions(
        self, guild_id: int | None = None, since: float | None = None
    ) -> list[AskedQuestion]:
        return await asyncio.to_thread(self.sync.questions, guild_id, since)

    async def library_files(self) -> dict[str, bytes]:
        return {}  # one process: its own folder is the library

    async def save_library_files(self, files: dict[str, bytes], removed: Sequence[str]) -> None:
        return None

    async def notify(self, message: dict[str, Any]) -> None:
        return None

    def listen(self, callback: Listener) -> None:
        return None

    async def close(self) -> None:
        await asyncio.to_thread(self.sync.close)


def is_postgres(url: str | None) -> bool:
    """True for a postgresql:// (or postgres://) DATABASE_URL."""
    return url is not None and url.startswith(("postgresql://", "postgres://"))


async def open_store(database_url: str | None, database_path: Path) -> AsyncStore:
    """PostgreSQL when DATABASE_URL names it, else the SQLite file (DATABASE_URL's
    sqlite:///path, or DATABASE_PATH)."""
    if is_postgres(database_url):
        assert database_url is not None
        return await PostgresStore.open(database_url)
    path = database_path
    if database_url:
        if not database_url.startswith("sqlite:///"):
            raise StoreError("DATABASE_URL must start with postgresql://, or sqlite:/// for a file")
        path = Path(database_url.removeprefix("sqlite:///"))
    return SqliteAsyncStore(await asyncio.to_thread(Store, path))


def questions_sync(
    database_url: str | None, database_path: Path, **filters: Any
) -> Sequence[AskedQuestion]:
    """Stored questions for the command line (export-feedback), from either engine."""

    async def read() -> list[AskedQuestion]:
        store = await open_store(database_url, database_path)
        try:
            return await store.questions(**filters)
        finally:
            await store.close()

    return asyncio.run(read())
