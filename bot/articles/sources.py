"""Where an added article comes from: a link (fetched safely) or a file (read with a size limit)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.articles.adding import AddError
from bot.articles.fetching import FetchError, FetchPolicy, fetch
from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Source:
    """A source's bytes with what is known of it: a file name, and its URL when fetched."""

    name: str
    raw: bytes
    url: str | None = None
    content_type: str | None = None


def is_link(text: str) -> bool:
    """True when ``text`` is an http(s) link rather than a file path."""
    return text.strip().casefold().startswith(("http://", "https://"))


async def obtain(text: str, policy: FetchPolicy) -> Source:
    """The bytes of a link or a file path; AddError (one line) when they cannot be had."""
    if is_link(text):
        try:
            fetched = await fetch(text, policy)
        except FetchError as error:
            raise AddError(f"cannot add {text.strip()[:200]}: {error}") from None
        return Source(fetched.name, fetched.body, fetched.url, fetched.content_type)
    return await asyncio.to_thread(read_file, text, policy.max_bytes)


def read_file(text: str, max_bytes: int) -> Source:
    """A local file as a source, refused when it is over ``max_bytes``."""
    path = Path(text).expanduser()
    try:
        if not path.is_file():
            raise AddError(f"{path}: no such file (give a file path or an http(s) link)")
        if path.stat().st_size > max_bytes:
            raise AddError(f"{path}: larger than the {max_bytes:,} bytes allowed")
        return Source(path.name, path.read_bytes())
    except OSError as error:
        raise AddError(f"{path}: cannot read the file ({error.strerror or error})") from None


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetch limits the settings ask for."""
    return FetchPolicy(
        allow_private=settings.fetch_allow_private,
        max_bytes=settings.fetch_max_bytes,
        total_timeout=settings.fetch_timeout_seconds,
    )
