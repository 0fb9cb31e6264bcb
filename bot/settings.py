"""Configuration from the environment and .env, validated once at start-up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.bundled import data_seeds_folder, default_seeds

ENV_FILE = ".env"

IdList = Annotated[tuple[int, ...], NoDecode]


class Settings(BaseSettings):
    """Every variable the bot reads; each one is listed in .env.example and the README."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    discord_token: SecretStr | None = Field(default=None, description="Discord bot token")
    dev_guild_ids: IdList = Field(default=(), description="guilds that get commands at start-up")
    seeds_dir: Path | None = Field(
        default=None, description="folder of articles; empty: the bundled article"
    )
    top_k: int = Field(default=3, ge=1, le=5, description="passages per answer")
    cooldown_seconds: float = Field(default=3.0, ge=0, le=3600, description="per-user wait")
    allowed_channel_ids: IdList = Field(default=(), description="channels to answer in; empty: all")
    answer_dms: bool = Field(default=True, description="answer direct messages")
    private_by_default: bool = Field(default=False, description="answers only the asker sees")
    answer_mentions: bool = Field(default=True, description="answer @mentions in channels")
    log_questions: bool = Field(default=True, description="store questions for /stats")
    answer_in_threads: bool = Field(
        default=False, description="answer @mentions in a new thread named after the question"
    )
    message_content: bool = Field(
        default=False,
        description="the privileged Message Content intent: follow-ups in the bot's threads "
        "need no mention (enable it in the developer portal too)",
    )
    database_path: Path = Field(
        default=Path("article-bot.sqlite3"), description="SQLite file for settings and stats"
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://user:password@host/db: one database every process shares "
        "(empty: the SQLite file DATABASE_PATH)",
    )
    index_cache_dir: Path | None = Field(
        default=None, description="folder for the on-disk analysis cache; empty: no cache"
    )
    semantic: bool = Field(
        default=True,
        description="re-rank and decide with sentence embeddings; off: BM25 only (small machines)",
    )
    fetch_allow_private: bool = Field(
        default=False,
        description="let /article add and article-bot add fetch from loopback and private "
        "addresses (tests, self-hosted sources); link-local and metadata addresses never",
    )
    fetch_max_bytes: int = Field(
        default=20_000_000, ge=1_000, le=100_000_000, description="largest page or PDF fetched"
    )
    fetch_timeout_seconds: float = Field(
        default=30.0, gt=0, le=300, description="longest a fetch may take, redirects included"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    shard_count: int | Literal["auto"] | None = Field(default=None, description="shards, or auto")
    shard_ids: IdList = Field(
        default=(),
        description="the shards this process runs (0-3 or 0,1,2,3); needs a numeric SHARD_COUNT",
    )
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="serve /metrics and /health on this port"
    )
    metrics_host: str = Field(
        default="127.0.0.1", min_length=1, description="address the metrics server listens on"
    )
    discord_api_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s]+/api/v10$",
        description="REST base URL; only for testing against a Discord emulator",
    )
    discord_gateway_url: str | None = Field(
        default=None,
        pattern=r"^wss?://[^\s]+$",
        description="gateway URL; only for testing against a Discord emulator",
    )

    @field_validator("dev_guild_ids", "allowed_channel_ids", "shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept '1, 2' (and for shards '0-3') as well as a list: written by hand in .env."""
        if isinstance(value, str):
            return parse_ids(value)
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids:
            if not isinstance(self.shard_count, int):
                raise ValueError("SHARD_IDS needs SHARD_COUNT set to the total number of shards")
            if any(not 0 <= i < self.shard_count for i in self.shard_ids):
                raise ValueError(f"SHARD_IDS must lie between 0 and {self.shard_count - 1}")
        return self

    @field_validator(
        "shard_count",
        "metrics_port",
        "database_url",
        "discord_api_url",
        "discord_gateway_url",
        "index_cache_dir",
        "seeds_dir",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("shard_count")
    @classmethod
    def _positive_shards(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, int) and value < 1:
            raise ValueError("must be at least 1, or 'auto'")
        return value

    @property
    def seeds_folder(self) -> Path:
        """The folder of articles to load: SEEDS_DIR when set, else the bundled article (or the
        data folder it moved to when articles were added)."""
        return self.seeds_dir if self.seeds_dir is not None else default_seeds()

    @property
    def database(self) -> str | None:
        """DATABASE_URL's value (it may hold a password: never log it)."""
        return self.database_url.get_secret_value().strip() or None if self.database_url else None

    @property
    def has_token(self) -> bool:
        """True when a non-blank Discord token is configured."""
        return self.discord_token is not None and bool(
            self.discord_token.get_secret_value().strip()
        )


def parse_ids(text: str) -> tuple[int, ...]:
    """'1, 2' or '0-3' (ranges for shards) as ids; ValueError when a part is not a number."""
    ids: list[int] = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        low, dash, high = part.partition("-")
        if dash and low.strip().isdigit() and high.strip().isdigit():
            first, last = int(low), int(high)
            if last < first or last - first > 10_000:
                raise ValueError(f"bad range {part}")
            ids.extend(range(first, last + 1))
        else:
            ids.append(int(part))
    return tuple(dict.fromkeys(ids))


class SettingsError(Exception):
    """A setting is invalid; the message names the variable and never shows its value."""


def seeds_origin(env_file: Path = Path(ENV_FILE)) -> str:
    """Where SEEDS_DIR came from, for messages: the environment, a .env file, or the default."""
    if any(name.upper() == "SEEDS_DIR" for name in os.environ):
        return "SEEDS_DIR from the environment, read relative to the current folder"
    if env_file.is_file():
        values = dotenv_values(env_file, encoding="utf-8")
        if any(name.upper() == "SEEDS_DIR" and value for name, value in values.items()):
            return f"SEEDS_DIR in {env_file.resolve()}, read relative to that file's folder"
    if default_seeds() == data_seeds_folder():
        return f"no SEEDS_DIR: the articles added to the bundled library, in {data_seeds_folder()}"
    return "the bundled article"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation errors into one clear line.

    A relative SEEDS_DIR or DATABASE_PATH is made absolute here, against the folder of the
    .env file that is read (the current folder), so later messages say exactly where."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if not first["loc"]:  # a rule between settings, which its message names
            raise SettingsError(f"invalid settings: {message}") from None
        variable = str(first["loc"][0]).upper()
        if first["type"] in {"value_error", "int_parsing"} and variable == "SHARD_IDS":
            message = "must be shard numbers, as 0-3 or 0,1,2,3"
        elif first["type"] in {"value_error", "int_parsing"} and variable.endswith("_IDS"):
            message = "must be Discord ids separated by commas"
        raise SettingsError(f"invalid setting {variable}: {message}") from None
    base = Path(ENV_FILE).resolve().parent
    updates: dict[str, Path] = {}
    if settings.seeds_dir is not None and not settings.seeds_dir.is_absolute():
        updates["seeds_dir"] = base / settings.seeds_dir
    return settings.model_copy(update=updates) if updates else settings
