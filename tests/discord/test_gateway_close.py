"""The gateway's close code survives a server that drops TCP right after its close frame."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.discord import gateway_close
from bot.discord.gateway_close import GatewaySocket


@pytest.fixture
async def abrupt_gateway() -> AsyncIterator[str]:
    """A websocket server on 127.0.0.1 that sends close 4004 and drops TCP without waiting."""

    async def handler(request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        writer = socket._writer  # the frame alone: close() would wait for the reply
        assert writer is not None
        assert request.transport is not None
        await writer.send_frame(
            (4004).to_bytes(2, "big") + b"Authentication failed.", aiohttp.WSMsgType.CLOSE
        )
        request.transport.abort()
        return socket

    app = web.Application()
    app.router.add_get("/gateway", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/gateway").with_scheme("ws"))
    await server.close()


async def test_the_close_code_read_is_kept_when_the_reply_cannot_be_sent(
    abrupt_gateway: str,
) -> None:
    async with aiohttp.ClientSession(ws_response_class=GatewaySocket) as session:
        socket = await session.ws_connect(abrupt_gateway)
        raw = socket.get_extra_info("socket")
        # Bounded wait until the client has seen TCP go, so the reply is sure to fail.
        for _ in range(500):
            if raw.fileno() == -1:
                break
            await asyncio.sleep(0.01)
        assert raw.fileno() == -1
        message = await socket.receive()
    assert message.type is aiohttp.WSMsgType.CLOSE
    assert message.data == 4004
    assert socket.close_code == 4004


def test_install_makes_discord_py_open_gateway_sockets_of_this_class() -> None:
    gateway_close.install()
    gateway_close.install()
    # the name static_login() reads when it opens the HTTP session
    assert vars(discord.http)["DiscordClientWebSocketResponse"] is GatewaySocket
