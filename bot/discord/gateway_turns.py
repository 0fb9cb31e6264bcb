"""Gateway events spread over turns of the event loop, so a burst read at once cannot hold it.

discord.py reads the gateway in a loop of ``await ws.poll_event()``; when many events wait in
the socket's buffer, each ``await`` returns at once and the whole burst is parsed and
dispatched in one turn of the loop (200 interactions: about 25 ms, measured by
benchmarks/loop_burst.py), while heartbeats' acknowledgements and other answers wait.
Yielding once before each event lets the loop run between them; the events keep their order,
since each is still handled before the next is read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from discord.gateway import DiscordWebSocket

_Handler = Callable[[DiscordWebSocket, Any], Awaitable[None]]
_MARK = "_article_bot_yields"


def yielding(handler: _Handler) -> _Handler:
    """``handler`` preceded by one turn of the event loop."""

    async def received_message(self: DiscordWebSocket, msg: Any, /) -> None:
        await asyncio.sleep(0)
        await handler(self, msg)

    setattr(received_message, _MARK, True)
    return received_message


def install() -> None:
    """Make every gateway connection of the process yield once before each event (idempotent:
    a bot restarted in the same process installs it again harmlessly)."""
    current: _Handler = DiscordWebSocket.received_message
    if not getattr(current, _MARK, False):
        DiscordWebSocket.received_message = yielding(current)  # type: ignore[method-assign,assignment]
