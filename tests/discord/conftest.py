"""SimCord fixtures: the real bot over the real article, against an offline Discord."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest
import pytest_asyncio
import simcord

from bot.discord.client import ArticleBotBase, create_bot
from bot.settings import Settings
from retrieval import Answerer
from tests.conftest import SEEDS


def make_settings(**values: object) -> Settings:
    """Settings for a test: no .env, no cooldown unless asked."""
    defaults: dict[str, object] = {"cooldown_seconds": 0}
    defaults.update(values)
    return Settings(_env_file=None, **defaults)  # type: ignore[call-arg]


def plain(markdown: str) -> str:
    """Rendered text without bold markers and escapes, to compare with the source."""
    return markdown.replace("**", "").replace("\\", "").replace("\u200b", "")


@pytest.fixture(autouse=True)
def database_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's bot keeps its SQLite database in the test's own folder."""
    path = tmp_path / "article-bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    return path


@pytest.fixture
def bot_settings() -> Settings:
    """Overridden by tests that need other settings."""
    return make_settings()


@pytest.fixture
def simcord_bot(
    answerer: Answerer, bot_settings: Settings, database_in_tmp: Path
) -> ArticleBotBase:
    """The bot SimCord runs, its database in the test's folder (settings made at collection
    time, for parametrize, cannot know that folder)."""
    return create_bot(answerer, bot_settings.model_copy(update={"database_path": database_in_tmp}))


@dataclass
class Server:
    """A guild with a channel and two members, commands synced."""

    env: simcord.Env
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    alice: simcord.MemberActor
    bob: simcord.MemberActor
    bot: ArticleBotBase


@pytest_asyncio.fixture
async def server(simcord_env: simcord.Env, simcord_bot: ArticleBotBase) -> AsyncIterator[Server]:
    """A server where the bot's commands were synced, as `article-bot sync` does."""
    guild = simcord_env.create_guild("Readers")
    channel = guild.create_text_channel("news")
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    await simcord_bot.tree.sync()
    await simcord_env.settle()
    yield Server(simcord_env, guild, channel, alice, bob, simcord_bot)


def reply(result: simcord.InteractionResult) -> simcord.ResponseMessage:
    """What a deferred command finally said (its follow-up), or its direct response."""
    message = result.followups[0] if result.followups else result.response
    assert message is not None
    return message


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A seeds folder the test may change."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def admin(server: Server) -> simcord.MemberActor:
    """A member whose role has Manage Server."""
    role = server.guild.create_role("mods", permissions=discord.Permissions(manage_guild=True))
    return server.guild.add_member(server.env.create_user("mod"), roles=[role])
