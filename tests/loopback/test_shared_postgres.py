"""Two bot processes, shards 0 and 1 of 2, sharing one real PostgreSQL, each shard's gateway a
loopback Discord emulator of its own (one guild each, the same guild id, so that one server's
settings can be seen from both):
one truth for questions (/stats counts both), /config and the articles added, and a process
killed with SIGKILL loses nothing it answered while the other keeps answering."""

from __future__ import annotations

import asyncio
import shutil
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.store.engines import open_store
from tests.conftest import SEEDS
from tests.http_sources import SourceServer
from tests.loopback.conftest import TOKEN, BotProcess, start_bot
from tests.loopback.emulator import GUILD_ID, Emulator, wait_for

DEADLINE = 3.0


@pytest_asyncio.fixture
async def two_discords() -> AsyncIterator[tuple[Emulator, Emulator]]:
    """Two started emulators, stopped after the test."""
    pair = (Emulator(), Emulator())
    for emulator in pair:
        await emulator.start()
    yield pair
    for emulator in pair:
        await emulator.stop()


async def _ask(emulator: Emulator, question: str) -> dict[str, Any]:
    sent = time.monotonic()
    data: dict[str, Any] = await wait_for(
        await emulator.slash("ask", {"question": question}), DEADLINE
    )
    assert data["_at"] - sent < DEADLINE
    return data


async def _stored(url: str) -> list[str]:
    store = await open_store(url, Path("unused"))
    try:
        return [q.question for q in await store.questions(GUILD_ID)]
    finally:
        await store.close()


def _seeds_copy(folder: Path) -> Path:
    """Each process's own seeds folder, a copy of the bundled one."""
    seeds = folder / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


async def test_two_processes_share_one_postgres(
    two_discords: tuple[Emulator, Emulator],
    postgres_url: str,
    source_server: SourceServer,
    tmp_path: Path,
) -> None:
    """Questions from both processes in one table; /config set in one changes the other's
    answers within 5 s; SIGKILL of one mid-burst loses none of its answered questions and the
    other answers on."""
    one, two = two_discords
    bots: list[BotProcess] = []
    for shard, (name, emulator) in enumerate((("one", one), ("two", two))):
        folder = tmp_path / name
        folder.mkdir()
        bots.append(
            await start_bot(
                emulator, folder, "--shard-ids", str(shard), "--shard-count", "2",
                DATABASE_URL=postgres_url, FETCH_ALLOW_PRIVATE="true",
                SEEDS_DIR=str(_seeds_copy(folder)), SEMANTIC="false",
            )
        )  # fmt: skip
    try:
        assert (one.shard, two.shard) == ([0, 2], [1, 2])  # each process identified its shard
        first = await _ask(one, "who opposed the coalition?")
        second = await _ask(two, "what did lavrov say?")
        assert first["embeds"][0]["fields"]
        assert second["embeds"][0]["fields"]
        assert sorted(await _stored(postgres_url)) == [
            "what did lavrov say?",
            "who opposed the coalition?",
        ]

        # An article added through process one is answered from in process two within 5 s.
        added = await wait_for(
            await one.slash("article add", {"url": source_server.url("/news/harbour-tram.html")}),
            30,
        )
        assert "Harbour tram line" in added["embeds"][0]["title"]
        deadline = time.monotonic() + 5
        while True:
            answer = await _ask(two, "how many stations will the tram line stop at?")
            fields = answer["embeds"][0]["fields"]
            if fields and "eleven stations" in fields[0]["value"].replace("**", ""):
                break
            assert time.monotonic() < deadline, "the added article never reached process two"
            await asyncio.sleep(0.2)

        saved = await wait_for(await one.slash("config set", {"results": 1}), DEADLINE)
        assert saved["flags"] & 64
        deadline = time.monotonic() + 5
        while True:
            answer = await _ask(two, "who opposed the coalition?")
            if len(answer["embeds"][0]["fields"]) == 1:
                break
            assert time.monotonic() < deadline, "the /config change never reached process two"
            await asyncio.sleep(0.1)

        pending = [
            await one.slash("ask", {"question": f"who opposed the coalition in round {i}"})
            for i in range(60)
        ]
        for count, answered in enumerate(asyncio.as_completed(pending), start=1):
            await answered
            if count == 20:
                break
        bots[0].process.kill()
        await bots[0].process.wait()
        acknowledged = [p.result()["embeds"][0]["title"].strip("“”") for p in pending if p.done()]
        still = await _ask(two, "what did macron say about troops?")
        assert still["embeds"][0]["fields"]
        stored = await _stored(postgres_url)
        assert acknowledged
        for question in acknowledged:
            assert stored.count(question) == 1  # stored, and stored once
        # /stats in process two counts every question of the server, both processes' alike.
        stats = await wait_for(await two.slash("stats", {}), DEADLINE)
        week = next(f for f in stats["embeds"][0]["fields"] if f["name"] == "Last 7 days")
        assert week["value"].startswith(f"{len(stored)} questions")
    finally:
        for bot in bots:
            if bot.process.returncode is None:
                await bot.stop(signal.SIGTERM)
            assert TOKEN not in bot.text
            assert "postgresql://" not in bot.text  # the URL (and its password) never logged
