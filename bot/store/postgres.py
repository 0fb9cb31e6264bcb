"""The shared store on PostgreSQL: the same tables as SQLite, asynchronous, pooled, migrated
under a lock (several processes may start at once), and change notices for every process."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from bot.store.database import (
    AskedQuestion,
    GuildSettings,
    NewQuestion,
    StoreError,
    asked_from_row,
    guild_from_row,
    guild_row,
)

log = logging.getLogger(__name__)

# The SQLite migrations in PostgreSQL's types (guild ids need BIGINT); same order, same meaning.
PG_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE guild_settings (
        guild_id BIGINT PRIMARY KEY,
        allowed_channels TEXT,
        private_default BOOLEAN,
        top_k INTEGER,
        answer_mentions BOOLEAN,
        articles TEXT,
        updated_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE questions (
        id BIGSERIAL PRIMARY KEY,
        asked_at DOUBLE PRECISION NOT NULL,
        guild_id BIGINT,
        channel_id BIGINT,
        user_hash TEXT NOT NULL,
        question TEXT NOT NULL,
        citations TEXT NOT NULL,
        scores TEXT NOT NULL,
        refused BOOLEAN NOT NULL
    );
    CREATE TABLE votes (
        question_id BIGINT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
        user_hash TEXT NOT NULL,
        vote SMALLINT NOT NULL CHECK (vote IN (-1, 1)),
        voted_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (question_id, user_hash)
    );
    CREATE INDEX questions_by_guild_time ON questions (guild_id, asked_at);
    """,
    """
    ALTER TABLE questions ADD COLUMN latency_ms DOUBLE PRECISION;
    ALTER TABLE questions ADD COLUMN way TEXT NOT NULL DEFAULT 'slash';
    ALTER TABLE guild_settings ADD COLUMN log_questions BOOLEAN;
    """,
    """
    ALTER TABLE guild_settings ADD COLUMN threads BOOLEAN;
    ALTER TABLE questions ADD COLUMN confidence DOUBLE PRECISION;
    ALTER TABLE questions ADD COLUMN unsure BOOLEAN NOT NULL DEFAULT FALSE;
    """,
    """
    CREATE TABLE library_files (
        name TEXT PRIMARY KEY,
        data BYTEA NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL
    );
    """,
)
PG_SCHEMA_VERSION = len(PG_MIGRATIONS)
# One number for every article-bot process: migrations run one process at a time.
_MIGRATION_LOCK = 0x41525442  # "ARTB"
CHANNEL = "article_bot"

Listener = Callable[[dict[str, Any]], Awaitable[None]]


class PostgresStore:
    """Settings, questions and votes in PostgreSQL; every method commits before it returns."""

    shared = True  # every process of the bot uses the same database

    def __init__(self, url: str, pool: AsyncConnectionPool[Any], salt: bytes) -> None:
        self.url = url
        self._pool = pool
        self._salt = salt
        self._listener: asyncio.Task[None] | None = None
        self.origin = secrets.token_hex(8)  # this process, so it can skip its own notices

    @classmethod
    async def open(cls, url: str, pool_size: int = 10) -> PostgresStore:
        """Connect, migrate to the latest schema and read the pseudonym salt."""
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            url, min_size=1, max_size=pool_size, open=False, kwargs={"autocommit": True}
        )
        try:
            # One plain connection first: a wrong address or password fails at once, where the
            # pool would keep retrying until its timeout.
            async with await psycopg.AsyncConnection.connect(
                url, autocommit=True, connect_timeout=10
            ) as db:
                await _migrate(db)
                salt = await _user_salt(db)
            await pool.open(wait=True, timeout=10)
        except (psycopg.Error, psycopg_pool_errors()) as error:
            await pool.close()
            raise StoreError(f"cannot use the PostgreSQL database ({_safe(error)})") from None
        return cls(url, pool, salt)

    async def close(self) -> None:
        """Stop listening and close the pool."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._pool.close()

    @property
    def schema_version(self) -> int:
        """The schema version this code migrates to."""
        return PG_SCHEMA_VERSION

    def user_hash(self, user_id: int) -> str:
        """A stable pseudonym for a user: an HMAC with this database's own random salt."""
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:24]

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[TupleRow]:
        try:
            async with self._pool.connection() as db:
                cursor = await db.execute(sql, params)
                rows: list[TupleRow] = await cursor.fetchall()
                return rows
        except psycopg.Error as error:
            raise StoreError(f"the database failed ({_safe(error)})") from None

    # ----- per-server settings --------------------------------------------------------------

    async def all_guild_settings(self) -> dict[int, GuildSettings]:
        """Every server's stored settings."""
        rows = await self._rows(
            "SELECT guild_id, allowed_channels, private_default, top_k, answer_mentions, "
            "articles, log_questions, threads FROM guild_settings"
        )
        return {int(row[0]): guild_from_row(row[1:]) for row in rows}

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's stored settings (all ``None`` when it changed nothing)."""
        rows = await self._rows(
            "SELECT allowed_channels, private_default, top_k, answer_mentions, articles, "
            "log_questions, threads FROM guild_settings WHERE guild_id = %s",
            (guild_id,),
        )
        return guild_from_row(rows[0]) if rows else GuildSettings()

    async def save_guild_settings(self, guild_id: int, settings: GuildSettings) -> None:
        """Replace the server's stored settings and tell every process."""
        await self._rows(
            "INSERT INTO guild_settings (guild_id, allowed_channels, private_default, top_k, "
            "answer_mentions, articles, log_questions, threads, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (guild_id) DO UPDATE SET "
            "allowed_channels = EXCLUDED.allowed_channels, "
            "private_default = EXCLUDED.private_default, top_k = EXCLUDED.top_k, "
            "answer_mentions = EXCLUDED.answer_mentions, articles = EXCLUDED.articles, "
            "log_questions = EXCLUDED.log_questions, threads = EXCLUDED.threads, "
            "updated_at = EXCLUDED.updated_at RETURNING guild_id",
            guild_row(guild_id, settings),
        )
        await self.notify({"kind": "config", "guild": guild_id})

    # ----- questions and votes --------------------------------------------------------------

    async def record(self, question: NewQuestion) -> int:
        """Store one question and what was answered; returns its id (committed on return)."""
        # PostgreSQL text holds no NUL character.
        clean = replace(question, question=question.question.replace("\x00", ""))
        rows = await self._rows(
            "INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, question, "
            "citations, scores, refused, latency_ms, way, unsure, confidence) "
            "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) RETURNING id",
            clean.row(self.user_hash(question.user_id)),
        )
        return int(rows[0][0])

    async def record_vote(self, question_id: int, user_id: int, vote: int) -> bool:
        """Store a 👍 (1) or 👎 (-1); True when it replaced a different earlier vote."""
        user = self.user_hash(user_id)
        rows = await self._rows(
            "WITH old AS (SELECT vote FROM votes WHERE question_id = %s AND user_hash = %s), "
            "new AS (INSERT INTO votes VALUES (%s, %s, %s, %s) ON CONFLICT "
            "(question_id, user_hash) DO UPDATE SET vote = EXCLUDED.vote, "
            "voted_at = EXCLUDED.voted_at RETURNING vote) SELECT (SELECT vote FROM old)",
            (question_id, user, question_id, user, vote, time.time()),
        )
        old = rows[0][0] if rows else None
        return old is not None and int(old) != vote

    async def questions(
        self, guild_id: int | None = None, since: float | None = None
    ) -> list[AskedQuestion]:
        """Stored questions (one server's, or all), oldest first, with their vote counts."""
        where = ["TRUE"]
        params: list[Any] = []
        if guild_id is not None:
            where.append("q.guild_id = %s")
            params.append(guild_id)
        if since is not None:
            where.append("q.asked_at >= %s")
            params.append(since)
        rows = await self._rows(
            "SELECT q.id, q.asked_at, q.guild_id, q.question, q.citations, q.scores, q.refused, "
            "q.latency_ms, COUNT(*) FILTER (WHERE v.vote = 1), "
            "COUNT(*) FILTER (WHERE v.vote = -1), q.unsure, q.confidence "
            "FROM questions q LEFT JOIN votes v ON v.question_id = q.id "
            f"WHERE {' AND '.join(where)} GROUP BY q.id ORDER BY q.asked_at, q.id",
            params,
        )
        return [asked_from_row(row) for row in rows]

    # ----- the shared library ---------------------------------------------------------------

    async def library_files(self) -> dict[str, bytes]:
        """The article files added through any process (names relative to the seeds folder)."""
        rows = await self._rows("SELECT name, data FROM library_files")
        return {str(row[0]): bytes(row[1]) for row in rows}

    async def save_library_files(self, files: dict[str, bytes], removed: Sequence[str]) -> None:
        """Store added files and forget removed ones, in one transaction; then tell every
        process to bring its folder in line."""
        try:
            async with self._pool.connection() as db, db.transaction():
                for name in removed:
                    await db.execute("DELETE FROM library_files WHERE name = %s", (name,))
                for name, data in files.items():
                    await db.execute(
                        "INSERT INTO library_files VALUES (%s, %s, %s) ON CONFLICT (name) "
                        "DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at",
                        (name, data, time.time()),
                    )
        except psycopg.Error as error:
            raise StoreError(f"the database failed ({_safe(error)})") from None
        await self.notify({"kind": "library", "removed": list(removed)})

    # ----- change notices -------------------------------------------------------------------

    async def notify(self, message: dict[str, Any]) -> None:
        """Tell every process listening (this one skips its own notices)."""
        payload = json.dumps({**message, "origin": self.origin})
        await self._rows("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    def listen(self, callback: Listener) -> None:
        """Call ``callback`` with each notice another process sends, reconnecting after a
        lost connection, until the store is closed. A second call (a bot restarted on the
        same store) keeps the one listener."""
        if self._listener is not None and not self._listener.done():
            return
        self._listener = asyncio.get_running_loop().create_task(
            self._listen(callback), name="article-bot: database notices"
        )

    async def _listen(self, callback: Listener) -> None:
        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as db:
                    await db.execute(f"LISTEN {CHANNEL}")
                    delay = 0.5
                    async for notice in db.notifies():
                        await self._deliver(callback, notice.payload)
            except asyncio.CancelledError:
                raise
            except psycopg.Error as error:
                log.warning("database notices interrupted (%s); listening again", _safe(error))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _deliver(self, callback: Listener, payload: str) -> None:
        try:
            message = json.loads(payload)
        except json.JSONDecodeError:
            return
        if not isinstance(message, dict) or message.get("origin") == self.origin:
            return
        try:
            await callback(message)
        except Exception:
            log.exception("could not act on a database notice %s", message.get("kind"))


def psycopg_pool_errors() -> type[Exception]:
    """The pool's own error type (a timeout opening it), imported where it is needed."""
    from psycopg_pool import PoolTimeout

    return PoolTimeout


def _safe(error: BaseException) -> str:
    """An error's first line, never the connection string it may quote (a password)."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text.split("postgresql://")[0].strip() or type(error).__name__


async def _migrate(db: psycopg.AsyncConnection[Any]) -> None:
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        cursor = await db.execute("SELECT version FROM schema_version")
        row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        if row is None:
            await db.execute("INSERT INTO schema_version VALUES (0)")
        if version > PG_SCHEMA_VERSION:
            raise StoreError(
                f"the PostgreSQL database was written by a newer article-bot (schema {version}, "
                f"this one knows {PG_SCHEMA_VERSION}); upgrade article-bot"
            )
        for target, script in enumerate(PG_MIGRATIONS[version:], start=version + 1):
            await db.execute(script)
            await db.execute("UPDATE schema_version SET version = %s", (target,))


async def _user_salt(db: psycopg.AsyncConnection[Any]) -> bytes:
    await db.execute(
        "INSERT INTO meta VALUES ('user_salt', %s) ON CONFLICT (key) DO NOTHING",
        (secrets.token_hex(16),),
    )
    cursor = await db.execute("SELECT value FROM meta WHERE key = 'user_salt'")
    row = await cursor.fetchone()
    assert row is not None
    return bytes.fromhex(str(row[0]))
