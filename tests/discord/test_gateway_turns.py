"""Gateway events spread over turns of the event loop: a burst read at once cannot hold it."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from discord.gateway import DiscordWebSocket

from bot.discord import gateway_turns


async def test_other_work_runs_between_the_events_of_a_burst() -> None:
    """Ten events already buffered: without the yield they are handled back to back; with it,
    another task gets a turn between every two, and the events keep their order."""
    timeline: list[str] = []

    async def handle(_ws: Any, msg: Any, /) -> None:
        timeline.append(f"event {msg}")

    async def other_work() -> None:
        for _ in range(30):
            timeline.append("other")
            await asyncio.sleep(0)

    async def burst(handler: Any) -> None:
        for n in range(10):
            await handler(None, n)

    for handler, interleaved in ((handle, False), (gateway_turns.yielding(handle), True)):
        timeline.clear()
        await asyncio.gather(burst(handler), other_work())
        events = [i for i, entry in enumerate(timeline) if entry.startswith("event")]
        assert [timeline[i] for i in events] == [f"event {n}" for n in range(10)]
        gaps = [b - a for a, b in itertools.pairwise(events)]
        assert all(gap > 1 for gap in gaps) is interleaved


def test_installing_twice_wraps_the_gateway_once() -> None:
    """The bot may start twice in one process (tests, restarts): one yield per event, not two."""
    gateway_turns.install()
    installed = DiscordWebSocket.received_message
    gateway_turns.install()
    assert DiscordWebSocket.received_message is installed
    assert getattr(installed, "_article_bot_yields", False)
