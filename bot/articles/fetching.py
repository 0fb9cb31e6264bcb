"""Fetching an article by URL: time-limited, size-limited, redirect-bounded, public hosts only."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from bot.articles.addresses import AddressRefusedError, resolve_allowed

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# What an article can be served as; application/octet-stream is judged by its bytes.
ARTICLE_MEDIA_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/pdf",
        "application/x-pdf",
        "text/plain",
        "text/markdown",
        "text/x-markdown",
        "application/octet-stream",
    }
)
USER_AGENT = "article-bot/0.1 (reads one article a person asked it to add)"


class FetchError(Exception):
    """A URL could not be fetched as an article; the message is one line for the admin."""


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How fetching is bounded: private addresses, size, and time (connect, read, total)."""

    allow_private: bool = False
    max_bytes: int = 20_000_000
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched source: its bytes, the URL it finally came from, and its content type."""

    body: bytes
    url: str
    content_type: str

    @property
    def name(self) -> str:
        """The last part of the URL's path, for guessing the kind (``report.pdf``)."""
        return httpx.URL(self.url).path.rstrip("/").rsplit("/", 1)[-1] or "index.html"


def _checked_url(text: str) -> httpx.URL:
    try:
        url = httpx.URL(text.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise FetchError(f"that is not a valid link ({error})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise FetchError("only http:// and https:// links can be added")
    return url


def _media_type(response: httpx.Response) -> str:
    return str(response.headers.get("content-type", "")).split(";")[0].strip().casefold()


async def _read_limited(response: httpx.Response, policy: FetchPolicy) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(
            f"the page is {int(declared):,} bytes, more than the {policy.max_bytes:,} allowed"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchError(f"the page is larger than the {policy.max_bytes:,} bytes allowed")
        chunks.append(chunk)
    return b"".join(chunks)


async def _get_once(
    client: httpx.AsyncClient, url: httpx.URL, policy: FetchPolicy
) -> tuple[httpx.URL | None, Fetched | None]:
    """One request, to an address checked after DNS resolution and pinned for the connection
    (a second lookup could answer differently). Returns the redirect target or the result."""
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        addresses = await resolve_allowed(url.host, port, policy.allow_private)
    except AddressRefusedError as error:
        raise FetchError(str(error)) from None
    pinned = url.copy_with(host=str(addresses[0]))
    host_header = url.host if url.port is None else f"{url.host}:{url.port}"
    request = client.build_request(
        "GET",
        pinned,
        headers={"Host": host_header, "User-Agent": USER_AGENT},
        extensions={"sni_hostname": url.host} if url.scheme == "https" else {},
    )
    response = await client.send(request, stream=True)
    try:
        if response.status_code in REDIRECT_STATUSES:
            location = response.headers.get("location")
            if not location:
                raise FetchError(f"the server answered {response.status_code} with no Location")
            return _checked_url(str(url.join(location))), None
        if response.status_code != 200:
            reason = response.reason_phrase or "error"
            raise FetchError(f"the server answered {response.status_code} {reason}")
        media = _media_type(response)
        if media and media not in ARTICLE_MEDIA_TYPES:
            raise FetchError(f"the link is {media}, not an article (HTML, PDF or text)")
        body = await _read_limited(response, policy)
        return None, Fetched(body, str(url), media)
    finally:
        await response.aclose()


async def fetch(url_text: str, policy: FetchPolicy) -> Fetched:
    """GET an article's URL; every failure is a FetchError with one clear line."""
    url = _checked_url(url_text)
    timeout = httpx.Timeout(
        connect=policy.connect_timeout,
        read=policy.read_timeout,
        write=policy.read_timeout,
        pool=policy.connect_timeout,
    )
    try:
        async with (
            asyncio.timeout(policy.total_timeout),
            httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client,
        ):
            for _hop in range(MAX_REDIRECTS + 1):
                target, fetched = await _get_once(client, url, policy)
                if fetched is not None:
                    return fetched
                assert target is not None
                url = target
    except TimeoutError:
        raise FetchError(f"the page took longer than {policy.total_timeout:g} s") from None
    except httpx.TimeoutException:
        raise FetchError("the server did not answer in time") from None
    except httpx.HTTPError as error:
        raise FetchError(f"could not fetch the page ({type(error).__name__})") from None
    raise FetchError(f"the link redirects more than {MAX_REDIRECTS} times")
