"""Settings from the environment: validation and secrecy of the token."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError, load_settings


def test_the_token_never_appears_in_repr_or_str(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SecretStr token is masked wherever the settings are printed."""
    monkeypatch.setenv("DISCORD_TOKEN", "super-secret-token-value")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.has_token
    assert "super-secret-token-value" not in repr(settings)
    assert "super-secret-token-value" not in str(settings)


def test_a_blank_token_counts_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """DISCORD_TOKEN= in .env means no token."""
    monkeypatch.setenv("DISCORD_TOKEN", "  ")
    assert not Settings(_env_file=None).has_token  # type: ignore[call-arg]


def test_an_invalid_value_names_its_variable_without_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """TOP_K=seven fails with the variable's name and without echoing input."""
    monkeypatch.setenv("TOP_K", "seven")
    with pytest.raises(SettingsError, match="TOP_K") as caught:
        load_settings(_env_file=None)
    assert "seven" not in str(caught.value)
