"""The gateway's own close code kept when the bot's reply to its close frame cannot be sent.

When the gateway closes with a code such as 4004 (authentication failed), aiohttp reads the
code, then replies with a close frame of its own. A server that drops TCP straight after its
close frame makes that reply fail, and aiohttp then records 1006 (abnormal closure) in place of
the code it read. discord.py decides from that code whether to reconnect: on 1006 it resumes,
so a bot whose token was rejected would try again instead of stopping with the reason.
"""

from __future__ import annotations

from aiohttp import WSCloseCode
from discord import gateway, http


class GatewaySocket(gateway.DiscordClientWebSocketResponse):
    """discord.py's gateway socket, whose close code stays the one the gateway sent."""

    async def close(self, *, code: int = 4000, message: bytes = b"") -> bool:
        # Already set when receive() read the gateway's close frame (or a protocol error) and
        # calls close() to reply; None when the bot starts the close itself. Read with getattr:
        # the attribute is aiohttp's own, and if a release renames it this class must only stop
        # helping (tests/discord/test_gateway_close.py then fails), never break closing.
        received = getattr(self, "_close_code", None)
        closed = await super().close(code=code, message=message)
        if received is not None and self.close_code == WSCloseCode.ABNORMAL_CLOSURE:
            self._close_code = received
        return closed


def install() -> None:
    """Make the HTTP sessions discord.py opens from now on use GatewaySocket (idempotent)."""
    http.DiscordClientWebSocketResponse = GatewaySocket  # type: ignore[attr-defined]
