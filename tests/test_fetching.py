"""Fetching by URL against a real HTTP server on 127.0.0.1: what is allowed, and every refusal."""

from __future__ import annotations

import ipaddress

import pytest

from bot.articles.addresses import AddressRefusedError, refusal, resolve_allowed
from bot.articles.fetching import MAX_REDIRECTS, FetchError, FetchPolicy, fetch
from tests.http_sources import SourceServer
from tests.sources import NEWS_PAGE, report_pdf

ALLOWED = FetchPolicy(allow_private=True, read_timeout=0.5, total_timeout=5.0)


@pytest.mark.parametrize(
    ("address", "allowed_when_private_allowed"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("10.1.2.3", True),
        ("192.168.0.10", True),
        ("172.16.5.4", True),
        ("fd12:3456::1", True),
        ("::ffff:127.0.0.1", True),
        ("169.254.169.254", False),
        ("fd00:ec2::254", False),
        ("100.100.100.200", False),
        ("169.254.1.1", False),
        ("fe80::1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::ffff:169.254.169.254", False),
    ],
)
def test_non_public_addresses_are_refused(address: str, allowed_when_private_allowed: bool) -> None:
    """Loopback and private need the switch; link-local, metadata, multicast never pass."""
    ip = ipaddress.ip_address(address)
    assert refusal(ip, allow_private=False) is not None
    assert (refusal(ip, allow_private=True) is None) == allowed_when_private_allowed


def test_public_addresses_are_allowed() -> None:
    """Ordinary internet addresses pass without the switch."""
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"):
        assert refusal(ipaddress.ip_address(address), allow_private=False) is None


async def test_names_are_checked_after_resolution() -> None:
    """'localhost' and numeric spellings of 127.0.0.1 resolve to loopback: refused."""
    for host in ("localhost", "127.1", "2130706433", "0x7f000001"):
        with pytest.raises(AddressRefusedError, match="loopback"):
            await resolve_allowed(host, 80, allow_private=False)


async def test_a_page_and_a_pdf_are_fetched(source_server: SourceServer) -> None:
    """With private addresses allowed (as for a self-hosted source), bytes and type arrive."""
    page = await fetch(source_server.url("/news/harbour-tram.html"), ALLOWED)
    assert page.body == NEWS_PAGE.read_bytes()
    assert page.content_type == "text/html"
    assert page.name == "harbour-tram.html"
    pdf = await fetch(source_server.url("/reports/flood-defences.pdf"), ALLOWED)
    assert pdf.body == report_pdf()
    assert pdf.content_type == "application/pdf"


async def test_redirects_are_followed_and_the_final_url_kept(source_server: SourceServer) -> None:
    """A moved page is fetched from where it moved to."""
    page = await fetch(source_server.url("/moved"), ALLOWED)
    assert page.url == source_server.url("/news/harbour-tram.html")


async def test_loopback_is_refused_with_the_switch_off(source_server: SourceServer) -> None:
    """The default: nothing on this machine or its network is fetched, nothing is sent."""
    before = len(source_server.requests)
    with pytest.raises(FetchError, match="loopback address"):
        await fetch(source_server.url("/news/harbour-tram.html"), FetchPolicy())
    assert len(source_server.requests) == before


async def test_a_redirect_to_the_metadata_address_is_refused(source_server: SourceServer) -> None:
    """Every hop is checked: a redirect to 169.254.169.254 stops, whatever the switch."""
    with pytest.raises(FetchError, match="metadata"):
        await fetch(source_server.url("/to-metadata"), ALLOWED)


async def test_a_redirect_to_loopback_is_refused_with_the_switch_off() -> None:
    """A redirect hop is checked as the first request is (here the first request is the
    hop: the check is the same function on every hop)."""
    with pytest.raises(FetchError, match="loopback"):
        await fetch("http://127.0.0.1:9/private", FetchPolicy())


async def test_endless_redirects_stop(source_server: SourceServer) -> None:
    """A redirect loop ends after the allowed number of hops."""
    before = len(source_server.requests)
    with pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS}"):
        await fetch(source_server.url("/loop"), ALLOWED)
    assert len(source_server.requests) - before == MAX_REDIRECTS + 1


async def test_oversized_responses_are_cut_off(source_server: SourceServer) -> None:
    """50 MB streamed without a length, or declared up front: refused, not read whole."""
    small = FetchPolicy(allow_private=True, max_bytes=2_000_000, total_timeout=20)
    with pytest.raises(FetchError, match="larger than the 2,000,000 bytes"):
        await fetch(source_server.url("/huge"), small)
    with pytest.raises(FetchError, match="52,428,800 bytes, more than"):
        await fetch(source_server.url("/huge-declared"), small)


async def test_a_stalled_server_times_out(source_server: SourceServer) -> None:
    """Headers then silence: the read timeout ends it with a clear line."""
    with pytest.raises(FetchError, match="did not answer in time"):
        await fetch(source_server.url("/slow"), ALLOWED)


async def test_errors_and_wrong_types_are_one_line(source_server: SourceServer) -> None:
    """404, an image, a bad scheme, a malformed link."""
    with pytest.raises(FetchError, match="404 Not Found"):
        await fetch(source_server.url("/missing"), ALLOWED)
    with pytest.raises(FetchError, match="image/png, not an article"):
        await fetch(source_server.url("/photo.png"), ALLOWED)
    with pytest.raises(FetchError, match="only http"):
        await fetch("ftp://127.0.0.1/file.pdf", ALLOWED)
    with pytest.raises(FetchError, match="only http"):
        await fetch("file:///etc/passwd", ALLOWED)
    with pytest.raises(FetchError, match=r"could not fetch the page \(ConnectError\)"):
        await fetch("http://127.0.0.1:9/closed-port", ALLOWED)
