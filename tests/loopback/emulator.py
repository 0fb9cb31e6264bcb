"""A loopback Discord: the gateway websocket and the REST routes the bot uses, with faults.

SimCord replaces discord.py's transports inside the test process; this emulator instead
speaks Discord's wire protocol on 127.0.0.1, so the bot runs as its own process with
discord.py's real HTTP client (rate limits, retries) and real gateway (heartbeats, resume).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

# Close codes after which Discord refuses every later IDENTIFY or RESUME of the same bot the
# same way (a bad token stays bad): a bot that comes back after one is refused again, as it
# would be by Discord, instead of being let in by an emulator that forgot.
REFUSED_FOR_GOOD = frozenset({4004, 4010, 4011, 4012, 4013, 4014})

GUILD_ID = 1_000_000_000_000_001
CHANNEL_ID = 1_000_000_000_000_002
APPLICATION_ID = 1_000_000_000_000_003
BOT_ID = APPLICATION_ID
_ids = itertools.count(2_000_000_000_000_000)


def snowflake() -> str:
    """A fresh id, as Discord's are strings."""
    return str(next(_ids))


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A user object."""
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
    }


def member_payload(user_id: int, name: str) -> dict[str, Any]:
    """A guild member object with every permission the test needs."""
    return {
        "user": user_payload(user_id, name),
        "roles": [],
        "joined_at": "2025-03-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str((1 << 41) - 1),
    }


CHANNEL = {
    "id": str(CHANNEL_ID),
    "type": 0,
    "guild_id": str(GUILD_ID),
    "name": "news",
    "position": 0,
    "permission_overwrites": [],
    "nsfw": False,
    "parent_id": None,
}


@dataclass
class Fault:
    """Answer matching REST calls with ``status`` (``times`` times) instead of the route."""

    method: str
    path: str  # a regular expression matched against the path after /api/v10
    status: int
    times: int = 1
    retry_after: float = 0.3
    code: int = 0
    via: bool = True  # Discord's 429s pass its proxy; discord.py retries only those


@dataclass
class Recorded:
    """One REST call the bot made."""

    method: str
    path: str
    body: Any
    at: float = field(default_factory=time.monotonic)


class Emulator:
    """Gateway and REST on one loopback port; interactions in, responses recorded."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.identified = asyncio.Event()
        self.identifies = 0
        self.resumes = 0
        self.gateway_events: list[str] = []
        self._socket: web.WebSocketResponse | None = None
        self._sequence = 0
        self._session_id = ""
        self._invalid_sessions: set[str] = set()
        self._refusing: int | None = None
        self._answers: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.commands: list[dict[str, Any]] = []
        self.shard: list[int] | None = None

    # ----- life cycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close the socket and the server."""
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """What DISCORD_API_URL is set to for the bot process."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """What DISCORD_GATEWAY_URL is set to for the bot process."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ----- gateway ----------------------------------------------------------------------

    async def _send(self, op: int, data: Any, event: str | None = None) -> None:
        socket = self._socket
        if socket is None or socket.closed:
            raise ConnectionError("the bot is not connected")
        payload: dict[str, Any] = {"op": op, "d": data, "s": None, "t": event}
        if op == 0:
            self._sequence += 1
            payload["s"] = self._sequence
            self.gateway_events.append(str(event))
        await socket.send_str(json.dumps(payload))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        await self._send(10, {"heartbeat_interval": 41_250})
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            op = payload["op"]
            if op == 1:
                await self._send(11, None)
            elif op == 2:
                await self._identify(payload["d"])
            elif op == 6:
                await self._resume(payload["d"])
        return socket

    async def _refuse(self) -> bool:
        """Close with the code of an earlier fatal drop, if there was one."""
        if self._refusing is None or self._socket is None:
            return False
        await self._socket.close(code=self._refusing)
        return True

    async def _identify(self, data: dict[str, Any]) -> None:
        if await self._refuse():
            return
        self.identifies += 1
        self.shard = data.get("shard")  # [id, count] from a sharded bot, echoed in READY
        self._session_id = snowflake()
        self._sequence = 0
        await self._send(
            0,
            {
                "v": 10,
                "user": user_payload(BOT_ID, "article-bot", bot=True),
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                "session_id": self._session_id,
                "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway",
                "application": {"id": str(APPLICATION_ID), "flags": 0},
                **({"shard": self.shard} if self.shard else {}),
            },
            "READY",
        )
        await self._send(0, self._guild(), "GUILD_CREATE")
        self.identified.set()

    async def _resume(self, data: dict[str, Any]) -> None:
        if await self._refuse():
            return
        if data.get("session_id") in self._invalid_sessions or data.get("session_id") != (
            self._session_id
        ):
            await self._send(9, False)
            return
        self.resumes += 1
        await self._send(0, {}, "RESUMED")
        self.identified.set()

    def _guild(self) -> dict[str, Any]:
        return {
            "id": str(GUILD_ID),
            "name": "Readers",
            "icon": None,
            "owner_id": "5",
            "roles": [
                {
                    "id": str(GUILD_ID),
                    "name": "@everyone",
                    "permissions": str((1 << 41) - 1),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                }
            ],
            "channels": [CHANNEL],
            "members": [],
            "member_count": 3,
            "threads": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "large": False,
            "unavailable": False,
            "joined_at": "2025-03-01T00:00:00+00:00",
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
        }

    async def drop(self, code: int) -> None:
        """End the gateway connection: 1006 drops TCP, other codes close with that code."""
        socket = self._socket
        assert socket is not None
        self.identified.clear()
        if code in REFUSED_FOR_GOOD:
            self._refusing = code
        if code == 4009:
            self._invalid_sessions.add(self._session_id)
        if code == 1006:
            request_transport = socket._writer.transport if socket._writer else None  # type: ignore[attr-defined]
            if request_transport is not None:
                request_transport.abort()
        else:
            await socket.close(code=WSCloseCode(code) if code < 4000 else code)  # type: ignore[arg-type]

    # ----- users acting -----------------------------------------------------------------

    async def slash(
        self, name: str, options: dict[str, Any], user_id: int = 7, user_name: str = "alice"
    ) -> asyncio.Future[dict[str, Any]]:
        """Dispatch a slash command; the future holds the bot's first response to it."""
        interaction_id = snowflake()
        token = f"interaction-token-{interaction_id}"
        typed = {str: 3, int: 4, bool: 5}
        values = [
            {"name": key, "type": typed[type(value)], "value": value}
            for key, value in options.items()
        ]
        root, *sub = name.split()
        if sub:  # a subcommand: its options nest inside it
            values = [{"name": sub[0], "type": 1, "options": values}]
        data = {"id": snowflake(), "name": root, "type": 1, "options": values}
        answered: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._answers[token] = answered
        await self._send(
            0,
            {
                "id": interaction_id,
                "application_id": str(APPLICATION_ID),
                "type": 2,
                "token": token,
                "version": 1,
                "guild_id": str(GUILD_ID),
                "channel_id": str(CHANNEL_ID),
                "channel": CHANNEL,
                "member": member_payload(user_id, user_name),
                "app_permissions": str((1 << 41) - 1),
                "attachment_size_limit": 10 * 1024 * 1024,
                "locale": "en-GB",
                "guild_locale": "en-GB",
                "data": data,
                "entitlements": [],
                "authorizing_integration_owners": {"0": str(GUILD_ID)},
                "context": 0,
            },
            "INTERACTION_CREATE",
        )
        return answered

    async def mention(self, text: str, user_id: int = 8) -> str:
        """A channel message that mentions the bot; returns its id."""
        message_id = snowflake()
        await self._send(
            0,
            {
                **self._message(message_id, f"<@{BOT_ID}> {text}", user_payload(user_id, "bob")),
                "guild_id": str(GUILD_ID),
                "member": {k: v for k, v in member_payload(user_id, "bob").items() if k != "user"},
                "mentions": [user_payload(BOT_ID, "article-bot", bot=True)],
            },
            "MESSAGE_CREATE",
        )
        return message_id

    # ----- REST -------------------------------------------------------------------------

    @staticmethod
    def _message(message_id: str, content: str, author: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": message_id,
            "channel_id": str(CHANNEL_ID),
            "author": author,
            "content": content,
            "timestamp": "2025-03-03T10:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }

    async def _body(self, request: web.Request) -> Any:
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            raw = form.get("payload_json")
            return json.loads(str(raw)) if raw is not None else {}
        if request.can_read_body:
            text = await request.text()
            return json.loads(text) if text else None
        return None

    def _fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method in (method, "*") and re.fullmatch(fault.path, path):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        body = await self._body(request)
        self.requests.append(Recorded(request.method, path, body))
        fault = self._fault(request.method, path)
        if fault is not None:
            return self._fault_response(fault)
        payload = self._route(request.method, path, body)
        if payload is None:
            return web.Response(status=204)
        if isinstance(payload, web.Response):
            return payload
        return json_response(payload)

    @staticmethod
    def _fault_response(fault: Fault) -> web.Response:
        if fault.status == 429:
            return json_response(
                {
                    "message": "You are being rate limited.",
                    "retry_after": fault.retry_after,
                    "global": False,
                },
                status=429,
                headers={"Retry-After": str(fault.retry_after)}
                | ({"Via": "1.1 google"} if fault.via else {}),
            )
        messages = {
            401: "401: Unauthorized",
            403: "Missing Permissions",
            404: "Unknown interaction",
        }
        return json_response(
            {"message": messages.get(fault.status, "Server error"), "code": fault.code},
            status=fault.status,
        )

    def _route(self, method: str, path: str, body: Any) -> Any:
        bot = user_payload(BOT_ID, "article-bot", bot=True)
        if (method, path) == ("GET", "/users/@me"):
            return bot
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return {
                "id": str(APPLICATION_ID),
                "name": "article-bot",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": user_payload(5, "owner"),
                "team": None,
                "flags": 0,
            }
        if (method, path) == ("GET", "/gateway/bot"):
            return {
                "url": f"ws://127.0.0.1:{self.port}/gateway",
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        if re.fullmatch(r"/applications/\d+/(guilds/\d+/)?commands", path):
            if method == "PUT":
                self.commands = [{**c, "id": snowflake()} for c in body]
                return self.commands
            return self.commands
        match = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if match:
            return self._callback(match.group(2), body)
        match = re.fullmatch(r"/webhooks/\d+/([^/]+)(/messages/@original)?", path)
        if match:
            self._resolve(match.group(1), body)
            return self._message(snowflake(), (body or {}).get("content") or "", bot)
        if method == "POST" and re.fullmatch(r"/channels/\d+/messages", path):
            return self._message(snowflake(), (body or {}).get("content") or "", bot)
        if method == "POST" and path == "/users/@me/channels":
            recipient = user_payload(int(body["recipient_id"]), "bob")
            return {"id": snowflake(), "type": 1, "recipients": [recipient]}
        if method == "PATCH" and re.fullmatch(r"/channels/\d+/messages/\d+", path):
            return self._message(path.rsplit("/", 1)[1], (body or {}).get("content") or "", bot)
        return json_response({"message": f"not emulated: {method} {path}"}, status=404)

    def _callback(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("type") != 5:  # a deferral is not the answer yet
            self._resolve(token, body.get("data") or {})
        message_id = snowflake()
        return {
            "interaction": {
                "id": snowflake(),
                "type": 2,
                "response_message_id": message_id,
                "response_message_loading": body.get("type") == 5,
                "response_message_ephemeral": bool(
                    ((body.get("data") or {}).get("flags") or 0) & 64
                ),
            },
            "resource": {
                "type": body.get("type"),
                "message": self._message(
                    message_id,
                    (body.get("data") or {}).get("content") or "",
                    user_payload(BOT_ID, "article-bot", bot=True),
                ),
            },
        }

    def _resolve(self, token: str, data: dict[str, Any]) -> None:
        answered = self._answers.pop(token, None)
        if answered is not None and not answered.done():
            answered.set_result({**data, "_at": time.monotonic()})


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """JSON with the bare content type discord.py checks for (no charset parameter)."""
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


async def wait_for(future: asyncio.Future[Any], seconds: float) -> Any:
    """The future's result, or a clear failure after ``seconds``."""
    with contextlib.suppress(asyncio.TimeoutError):
        return await asyncio.wait_for(asyncio.shield(future), seconds)
    raise AssertionError(f"no answer within {seconds} s")
