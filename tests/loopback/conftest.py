"""The bot as its own process, connected to the loopback Discord emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest_asyncio

from tests.loopback.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
# Distinctive, so a test can search every byte the process wrote for it.
TOKEN = "MTAwMDAwMDAwMDAwMDAwMDA1.secret-token-never-logged.Zm9vYmFy"


@dataclass
class BotProcess:
    """A running `article-bot run` and what it has written."""

    process: asyncio.subprocess.Process
    output: bytearray
    reader: asyncio.Task[None]

    @property
    def text(self) -> str:
        """Everything written to stdout and stderr so far."""
        return self.output.decode("utf-8", "replace")

    async def stop(self, signum: int = signal.SIGTERM, within: float = 5.0) -> int:
        """Send ``signum`` and wait for the exit code, failing after ``within`` seconds."""
        if self.process.returncode is None:
            self.process.send_signal(signum)
        try:
            code = await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"the bot did not stop within {within} s") from None
        await self.reader
        return code


async def start_bot(emulator: Emulator, workdir: Path, *options: str, **env: str) -> BotProcess:
    """`python -m bot run` with a token, pointed at the emulator, in a folder with no .env."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "SEEDS_", "TOP_K", "COOLDOWN"))
    }
    environment.update(
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_URL=emulator.api_url,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        COOLDOWN_SECONDS="0",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    environment.update(env)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *options,
        cwd=workdir,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output = bytearray()

    async def read() -> None:
        assert process.stdout is not None
        while chunk := await process.stdout.read(65536):
            output.extend(chunk)

    bot = BotProcess(process, output, asyncio.create_task(read()))
    connected = asyncio.create_task(emulator.identified.wait())
    exited = asyncio.create_task(process.wait())
    await asyncio.wait({connected, exited}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    connected.cancel()
    exited.cancel()
    if not emulator.identified.is_set():
        await bot.stop(signal.SIGKILL)
        raise AssertionError(f"the bot never connected:\n{bot.text}")
    return bot


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A started emulator, stopped after the test."""
    discord = Emulator()
    await discord.start()
    yield discord
    await discord.stop()


@pytest_asyncio.fixture
async def bot_process(emulator: Emulator, tmp_path: Path) -> AsyncIterator[BotProcess]:
    """The bot connected to the emulator; killed if a test left it running."""
    bot = await start_bot(emulator, tmp_path)
    yield bot
    if bot.process.returncode is None:
        await bot.stop(signal.SIGKILL)
    assert TOKEN not in bot.text
