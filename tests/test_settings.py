"""Settings from the environment: validation and secrecy of the token."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings, seeds_origin
from tests.conftest import ROOT


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


def test_the_token_is_read_from_dot_env_and_stays_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A .env in the working folder is read; dumping the settings never shows the token."""
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("DISCORD_TOKEN=from-dot-env-secret\nTOP_K=2\n", "utf-8")
    settings = load_settings()
    assert settings.has_token
    assert settings.top_k == 2
    for shown in (repr(settings), str(settings), settings.model_dump_json(), str(vars(settings))):
        assert "from-dot-env-secret" not in shown


def test_an_invalid_setting_beside_a_token_does_not_echo_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A validation error in .env names the bad variable and nothing of the token."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "another-secret-token")
    monkeypatch.setenv("COOLDOWN_SECONDS", "-4")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "COOLDOWN_SECONDS" in str(caught.value)
    assert "another-secret-token" not in str(caught.value)


def test_dot_env_and_the_database_are_git_ignored() -> None:
    """A token in .env, or the questions people asked, can never be committed by accident."""
    result = subprocess.run(
        ["git", "check-ignore", ".env", "article-bot.sqlite3", "article-bot.sqlite3-wal"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.split() == [".env", "article-bot.sqlite3", "article-bot.sqlite3-wal"]


def test_every_setting_is_in_env_example_and_the_readme() -> None:
    """A variable nobody can find is a variable nobody sets right."""
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        variable = name.upper()
        assert f"\n{variable}=" in example, variable
        assert f"`{variable}`" in readme, variable


def test_a_relative_seeds_dir_in_dot_env_is_read_from_that_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SEEDS_DIR=articles in .env means the articles folder beside the .env file."""
    monkeypatch.delenv("SEEDS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SEEDS_DIR=articles\n", "utf-8")
    settings = load_settings()
    assert settings.seeds_folder == tmp_path.resolve() / "articles"
    assert "read relative to that file's folder" in seeds_origin()


def test_without_seeds_dir_the_bundled_article_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No SEEDS_DIR anywhere (or an empty one): the bundled folder, wherever the package is."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", "")
    settings = load_settings()
    assert settings.seeds_dir is None
    assert (settings.seeds_folder / "coalition-of-will.txt").is_file()


@pytest.mark.parametrize(
    ("shard_ids", "count", "expected"),
    [("0-3", 16, (0, 1, 2, 3)), ("4, 5", 8, (4, 5)), ("2-2", 4, (2,)), ("", None, ())],
)
def test_shard_ranges_are_read_as_people_write_them(
    monkeypatch: pytest.MonkeyPatch, shard_ids: str, count: int | None, expected: tuple[int, ...]
) -> None:
    """SHARD_IDS takes ranges and lists."""
    monkeypatch.setenv("SHARD_IDS", shard_ids)
    if count is not None:
        monkeypatch.setenv("SHARD_COUNT", str(count))
    assert load_settings().shard_ids == expected


@pytest.mark.parametrize(
    ("shard_ids", "count", "message"),
    [
        ("0-3", None, "SHARD_IDS needs SHARD_COUNT"),
        ("0-3", "auto", "SHARD_IDS needs SHARD_COUNT"),
        ("6-9", "8", "between 0 and 7"),
        ("one", "8", "invalid setting SHARD_IDS: must be shard numbers"),
        ("3-1", "8", "invalid setting SHARD_IDS: must be shard numbers"),
    ],
)
def test_shard_ranges_that_cannot_work_are_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, shard_ids: str, count: str | None, message: str
) -> None:
    """No SHARD_COUNT, ids past it, or words: start-up stops saying why."""
    monkeypatch.setenv("SHARD_IDS", shard_ids)
    if count is not None:
        monkeypatch.setenv("SHARD_COUNT", count)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_the_command_line_sets_the_shard_range(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """run --shard-ids/--shard-count override the environment, checked the same way."""
    from bot.cli import main

    monkeypatch.setenv("DISCORD_TOKEN", "")
    # No token: a valid range gets as far as the token check; a bad one stops at the settings.
    assert main(["run", "--shard-ids", "0-3", "--shard-count", "16"]) == 2
    assert "No DISCORD_TOKEN" in capsys.readouterr().err
    assert main(["run", "--shard-ids", "0-3"]) == 2
    assert "SHARD_IDS needs SHARD_COUNT" in capsys.readouterr().err
    monkeypatch.setenv("SHARD_COUNT", "4")
    assert main(["run", "--shard-ids", "0-5"]) == 2
    assert "between 0 and 3" in capsys.readouterr().err
