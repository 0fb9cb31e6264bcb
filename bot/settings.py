"""Configuration from the environment and .env, validated once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class Settings(BaseSettings):
    """Every variable the bot reads; each one is listed in .env.example and the README."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    discord_token: SecretStr | None = Field(default=None, description="Discord bot token")
    seeds_dir: Path = Field(default=BUNDLED_SEEDS, description="folder of articles")
    top_k: int = Field(default=3, ge=1, le=5, description="passages per answer")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @property
    def has_token(self) -> bool:
        """True when a non-blank Discord token is configured."""
        return self.discord_token is not None and bool(
            self.discord_token.get_secret_value().strip()
        )


class SettingsError(Exception):
    """A setting is invalid; the message names the variable and never shows its value."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation errors into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"invalid setting {variable}: {first['msg']}") from None
