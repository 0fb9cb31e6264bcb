"""The store's behaviour on both engines, SQLite and a real PostgreSQL server: the same
settings, questions, votes and listings; and on PostgreSQL what two processes share."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.store import GuildSettings
from bot.store.database import SCHEMA_VERSION, NewQuestion
from bot.store.engines import AsyncStore, open_store
from bot.store.postgres import PG_SCHEMA_VERSION, PostgresStore


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str | None, Path]:
    """(DATABASE_URL, DATABASE_PATH) for each engine."""
    if request.param == "sqlite":
        return None, tmp_path / "bot.sqlite3"
    url: str = request.getfixturevalue("postgres_url")
    return url, tmp_path / "unused.sqlite3"


@pytest_asyncio.fixture
async def store(engine: tuple[str | None, Path]) -> AsyncIterator[AsyncStore]:
    """An open store on the engine."""
    opened = await open_store(*engine)
    yield opened
    await opened.close()


async def _ask(store: AsyncStore, question: str = "who opposed?", **overrides: Any) -> int:
    values: dict[str, Any] = {
        "guild_id": 1,
        "channel_id": 2,
        "user_id": 3,
        "question": question,
        "citations": ["coalition-of-will:p11s1"],
        "scores": [4.2],
        "refused": False,
        "latency_ms": 0.3,
        "way": "slash",
    }
    values.update(overrides)
    return await store.record(NewQuestion(**values))


def test_both_engines_migrate_to_the_same_schema_version() -> None:
    """One list of migrations per engine, in step."""
    assert PG_SCHEMA_VERSION == SCHEMA_VERSION


async def test_settings_round_trip(store: AsyncStore) -> None:
    """What /config stores is what is read back, ids beyond 32 bits included."""
    guild = 1_300_000_000_000_000_042  # a real Discord id: needs 64 bits
    assert await store.guild_settings(guild) == GuildSettings()
    wanted = GuildSettings(
        allowed_channels=(1_300_000_000_000_000_007,),
        private_default=True,
        top_k=2,
        answer_mentions=False,
        articles=("coalition-of-will",),
        log_questions=False,
        threads=True,
    )
    await store.save_guild_settings(guild, wanted)
    assert await store.guild_settings(guild) == wanted
    assert await store.all_guild_settings() == {guild: wanted}
    await store.save_guild_settings(guild, GuildSettings(top_k=4))
    assert await store.guild_settings(guild) == GuildSettings(top_k=4)


async def test_questions_and_votes_list_the_same_on_both(store: AsyncStore) -> None:
    """Questions oldest first with vote counts; a changed vote replaces the old one."""
    first = await _ask(store, "who opposed?", at=100.0)
    second = await _ask(
        store, "recipe?", at=200.0, refused=True, citations=[], scores=[], guild_id=9
    )
    third = await _ask(store, "troops?", at=300.0, unsure=True, confidence=0.31)
    assert len({first, second, third}) == 3
    assert not await store.record_vote(first, user_id=5, vote=1)
    assert not await store.record_vote(first, user_id=6, vote=-1)
    assert await store.record_vote(first, user_id=6, vote=1)  # changed its mind
    listed = await store.questions()
    assert [q.question for q in listed] == ["who opposed?", "recipe?", "troops?"]
    assert (listed[0].up, listed[0].down) == (2, 0)
    assert listed[1].refused
    assert not listed[0].refused
    assert listed[2].unsure
    assert listed[2].confidence == pytest.approx(0.31)
    assert [q.question for q in await store.questions(guild_id=1)] == ["who opposed?", "troops?"]
    assert [q.question for q in await store.questions(since=250.0)] == ["troops?"]
    assert store.user_hash(3) == store.user_hash(3) != store.user_hash(4)


async def test_hostile_text_is_stored_as_written(store: AsyncStore) -> None:
    """Quotes, SQL, emoji and right-to-left marks are data, never SQL."""
    text = "'); DROP TABLE questions; -- 🇺🇦 \u202e ”"
    await _ask(store, text)
    assert [q.question for q in await store.questions()] == [text]


async def test_two_processes_share_one_postgres_truth(postgres_url: str, tmp_path: Path) -> None:
    """Two stores on one database (two processes): each sees the other's questions, settings
    and salt, and hears the other's settings change within seconds."""
    one = await open_store(postgres_url, tmp_path / "a")
    two = await open_store(postgres_url, tmp_path / "b")
    heard: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def on_notice(message: dict[str, Any]) -> None:
        await heard.put(message)

    try:
        assert one.shared
        assert two.shared
        two.listen(on_notice)
        await asyncio.sleep(0.3)  # the listener connects
        await _ask(one, "asked in the first process")
        await _ask(two, "asked in the second process", guild_id=2)
        assert {q.question for q in await one.questions()} == {
            "asked in the first process",
            "asked in the second process",
        }
        assert one.user_hash(77) == two.user_hash(77)
        await one.save_guild_settings(5, GuildSettings(top_k=1))
        notice = await asyncio.wait_for(heard.get(), timeout=5)
        assert notice["kind"] == "config"
        assert notice["guild"] == 5
        assert await two.guild_settings(5) == GuildSettings(top_k=1)
    finally:
        await one.close()
        await two.close()


async def test_processes_starting_at_once_migrate_once(postgres_url: str) -> None:
    """Four processes opening a new database together: one migrates, all work."""
    stores = await asyncio.gather(*(PostgresStore.open(postgres_url) for _ in range(4)))
    try:
        ids = await asyncio.gather(*(_ask(s, f"q{i}") for i, s in enumerate(stores)))
        assert len(set(ids)) == 4
    finally:
        await asyncio.gather(*(s.close() for s in stores))


async def test_a_server_that_is_not_there_is_one_clear_error() -> None:
    """A wrong port: StoreError without the password in the message."""
    from bot.store import StoreError

    with pytest.raises(StoreError) as caught:
        await PostgresStore.open("postgresql://bot:secret-password@127.0.0.1:9/nope")
    assert "secret-password" not in str(caught.value)
