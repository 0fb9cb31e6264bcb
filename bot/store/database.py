"""The bot's SQLite database: per-server settings, questions asked and votes, with migrations."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Each migration takes the schema from version i to i + 1; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE guild_settings (
        guild_id INTEGER PRIMARY KEY,
        allowed_channels TEXT,
        private_default INTEGER,
        top_k INTEGER,
        answer_mentions INTEGER,
        articles TEXT,
        updated_at REAL NOT NULL
    );
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at REAL NOT NULL,
        guild_id INTEGER,
        channel_id INTEGER,
        user_hash TEXT NOT NULL,
        question TEXT NOT NULL,
        citations TEXT NOT NULL,
        scores TEXT NOT NULL,
        refused INTEGER NOT NULL
    );
    CREATE TABLE votes (
        question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
        user_hash TEXT NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        voted_at REAL NOT NULL,
        PRIMARY KEY (question_id, user_hash)
    );
    CREATE INDEX questions_by_guild_time ON questions (guild_id, asked_at);
    """,
    """
    ALTER TABLE questions ADD COLUMN latency_ms REAL;
    ALTER TABLE questions ADD COLUMN way TEXT NOT NULL DEFAULT 'slash';
    ALTER TABLE guild_settings ADD COLUMN log_questions INTEGER;
    """,
    """
    ALTER TABLE guild_settings ADD COLUMN threads INTEGER;
    ALTER TABLE questions ADD COLUMN confidence REAL;
    ALTER TABLE questions ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0;
    """,
    # The articles added through the bot, so that every process sharing a database has them
    # (read on PostgreSQL; kept in step on SQLite, where one process has its folder).
    """
    CREATE TABLE library_files (
        name TEXT PRIMARY KEY,
        data BLOB NOT NULL,
        updated_at REAL NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The database cannot be used; the message says which file and what to do."""


@dataclass(frozen=True)
class GuildSettings:
    """What a server changed with /config; ``None`` means "the environment's default"."""

    allowed_channels: tuple[int, ...] | None = None
    private_default: bool | None = None
    top_k: int | None = None
    answer_mentions: bool | None = None
    articles: tuple[str, ...] | None = None
    log_questions: bool | None = None
    threads: bool | None = None


@dataclass(frozen=True)
class AskedQuestion:
    """One question as stored."""

    id: int
    asked_at: float
    guild_id: int | None
    question: str
    citations: tuple[str, ...]
    scores: tuple[float, ...]
    refused: bool
    latency_ms: float | None
    up: int
    down: int
    unsure: bool = False  # passages shown under "the article may not answer this directly"
    confidence: float | None = None


@dataclass(frozen=True)
class NewQuestion:
    """A question to store, with what was answered, as both engines keep it."""

    guild_id: int | None
    channel_id: int | None
    user_id: int
    question: str
    citations: Sequence[str]
    scores: Sequence[float]
    refused: bool
    latency_ms: float
    way: str
    at: float | None = None
    unsure: bool = False
    confidence: float | None = None

    def row(self, user_hash: str) -> tuple[Any, ...]:
        """The values of an INSERT into questions, in the order both engines list them."""
        return (
            time.time() if self.at is None else self.at,
            self.guild_id,
            self.channel_id,
            user_hash,
            self.question,
            json.dumps(list(self.citations)),
            json.dumps([round(s, 4) for s in self.scores]),
            self.refused,
            round(self.latency_ms, 3),
            self.way,
            self.unsure,
            None if self.confidence is None else round(self.confidence, 4),
        )


def asked_from_row(row: Sequence[Any]) -> AskedQuestion:
    """A stored question from a row of the listing query both engines run (same columns)."""
    return AskedQuestion(
        id=int(row[0]),
        asked_at=float(row[1]),
        guild_id=row[2],
        question=row[3],
        citations=tuple(json.loads(row[4])),
        scores=tuple(json.loads(row[5])),
        refused=bool(row[6]),
        latency_ms=row[7],
        up=int(row[8]),
        down=int(row[9]),
        unsure=bool(row[10]),
        confidence=row[11],
    )


def json_ids(values: Sequence[object] | None) -> str | None:
    """Ids (or article names) as the JSON text the tables keep; None stays None."""
    return None if values is None else json.dumps(list(values))


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def guild_from_row(row: Sequence[Any]) -> GuildSettings:
    """A server's settings from a row of guild_settings (both engines, same columns)."""
    channels, private, top_k, mentions, articles, log_questions, threads = row
    return GuildSettings(
        allowed_channels=None if channels is None else tuple(json.loads(channels)),
        private_default=_bool(private),
        top_k=top_k,
        answer_mentions=_bool(mentions),
        articles=None if articles is None else tuple(json.loads(articles)),
        log_questions=_bool(log_questions),
        threads=_bool(threads),
    )


def guild_row(guild_id: int, settings: GuildSettings) -> tuple[Any, ...]:
    """The values of an INSERT into guild_settings, in the order both engines list them."""
    return (
        guild_id,
        json_ids(settings.allowed_channels),
        settings.private_default,
        settings.top_k,
        settings.answer_mentions,
        json_ids(settings.articles),
        settings.log_questions,
        settings.threads,
        time.time(),
    )


class Store:
    """One SQLite file in WAL mode; safe to share between the event loop and worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = self._open(path)
        try:
            self._salt = self._user_salt()
        except sqlite3.Error as error:  # e.g. a read-only file or folder
            self._db.close()
            raise StoreError(f"{path}: cannot write to the database ({error})") from None

    # ----- opening and migrating ------------------------------------------------------------

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"{path}: cannot open the database ({error})") from None
        return db

    def _open(self, path: Path) -> sqlite3.Connection:
        db = self._connect(path)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path}: written by a newer article-bot (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}); upgrade article-bot or point DATABASE_PATH elsewhere"
                )
            quick = db.execute("PRAGMA quick_check").fetchone()[0]
            if quick != "ok":
                raise sqlite3.DatabaseError(quick)
            db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode, NORMAL loses nothing committed when the process dies (only on power
            # loss), and keeps each write fast enough for the event loop.
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = ON")
            # Writes append; reads (/stats, export) scan recent rows: a small cache does, and
            # keeps the process's memory flat as the file grows.
            db.execute("PRAGMA cache_size = -512")
            self._migrate(db, version)
        except sqlite3.DatabaseError as error:
            db.close()
            raise StoreError(
                f"{path}: not a readable article-bot database ({error}). It was left untouched; "
                "move it aside (the bot then starts a new one) or restore a backup."
            ) from None
        return db

    @staticmethod
    def _migrate(db: sqlite3.Connection, version: int) -> None:
        for target, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits on its own, so the version bump is inside the script:
            # a crash leaves either the old schema and version or the new ones.
            db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;"
            )

    def _user_salt(self) -> bytes:
        with self._write() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'user_salt'").fetchone()
            if row is None:
                salt = secrets.token_hex(16)
                db.execute("INSERT INTO meta VALUES ('user_salt', ?)", (salt,))
                return bytes.fromhex(salt)
        return bytes.fromhex(str(row[0]))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        """Checkpoint and close."""
        with self._lock:
            self._db.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return int(self._read("PRAGMA user_version")[0][0])

    def user_hash(self, user_id: int) -> str:
        """A stable pseudonym for a user: an HMAC with this database's own random salt."""
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:24]

    # ----- per-server settings --------------------------------------------------------------

    def guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's stored settings (all ``None`` when it changed nothing)."""
        rows = self._read(
            "SELECT allowed_channels, private_default, top_k, answer_mentions, articles, "
            "log_questions, threads FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        return guild_from_row(rows[0]) if rows else GuildSettings()

    def all_guild_settings(self) -> dict[int, GuildSettings]:
        """Every server's stored settings, for a process's cache at start-up."""
        rows = self._read(
            "SELECT guild_id, allowed_channels, private_default, top_k, answer_mentions, "
            "articles, log_questions, threads FROM guild_settings"
        )
        return {int(row[0]): guild_from_row(row[1:]) for row in rows}

    def save_guild_settings(self, guild_id: int, settings: GuildSettings) -> None:
        """Replace the server's stored settings."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO guild_settings (guild_id, allowed_channels, "
                "private_default, top_k, answer_mentions, articles, log_questions, threads, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                guild_row(guild_id, settings),
            )

    # ----- questions and votes --------------------------------------------------------------

    def record_question(self, **values: Any) -> int:
        """Store one question (the fields of NewQuestion); returns its id."""
        return self.record(NewQuestion(**values))

    def record(self, question: NewQuestion) -> int:
        """Store one question and what was answered; returns its id (committed on return)."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, question, "
                "citations, scores, refused, latency_ms, way, unsure, confidence) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                question.row(self.user_hash(question.user_id)),
            )
            return int(cursor.lastrowid or 0)

    def record_vote(self, question_id: int, user_id: int, vote: int) -> bool:
        """Store a 👍 (1) or 👎 (-1); True when it replaced a different earlier vote."""
        user = self.user_hash(user_id)
        with self._write() as db:
            old = db.execute(
                "SELECT vote FROM votes WHERE question_id = ? AND user_hash = ?",
                (question_id, user),
            ).fetchone()
            db.execute(
                "INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?)",
                (question_id, user, vote, time.time()),
            )
        return old is not None and int(old[0]) != vote

    def questions(
        self, guild_id: int | None = None, since: float | None = None
    ) -> list[AskedQuestion]:
        """Stored questions (one server's, or all), oldest first, with their vote counts."""
        where: list[str] = ["1 = 1"]
        params: list[float] = []
        if guild_id is not None:
            where.append("q.guild_id = ?")
            params.append(guild_id)
        if since is not None:
            where.append("q.asked_at >= ?")
            params.append(since)
        rows = self._read(
            "SELECT q.id, q.asked_at, q.guild_id, q.question, q.citations, q.scores, q.refused, "
            "q.latency_ms, COALESCE(SUM(v.vote = 1), 0), COALESCE(SUM(v.vote = -1), 0), "
            "q.unsure, q.confidence "
            "FROM questions q LEFT JOIN votes v ON v.question_id = q.id "
            f"WHERE {' AND '.join(where)} GROUP BY q.id ORDER BY q.asked_at, q.id",
            params,
        )
        return [asked_from_row(row) for row in rows]
