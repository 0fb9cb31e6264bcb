"""Sending with one more try after a rate limit that discord.py itself does not retry."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

log = logging.getLogger(__name__)
T = TypeVar("T")
# Discord answers an interaction only within 3 s, so a longer wait is pointless there.
MAX_WAIT_SECONDS = 1.5


def retry_after(error: discord.HTTPException) -> float:
    """The wait a 429 asks for, from its Retry-After header (1 s when it names none)."""
    headers = getattr(error.response, "headers", None) or {}
    try:
        return max(0.0, float(headers.get("Retry-After", 1.0)))
    except (TypeError, ValueError):
        return 1.0


async def send_with_retry(send: Callable[[], Awaitable[T]]) -> T:
    """``send()``; after a 429 that reached us (discord.py retries only those that came through
    Discord's proxy), wait as asked, up to 1.5 s, and send once more."""
    try:
        return await send()
    except discord.HTTPException as error:
        if error.status != 429:
            raise
        wait = min(retry_after(error), MAX_WAIT_SECONDS)
        log.warning("rate limited (429) with no retry by discord.py; sending again in %.2f s", wait)
        await asyncio.sleep(wait)
        return await send()
