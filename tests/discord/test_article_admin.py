"""/article add (a link or an attached file) and /article remove, through discord.py's real
command tree in SimCord, against a real HTTP server on 127.0.0.1 for links."""

from __future__ import annotations

from pathlib import Path

import pytest
import simcord

from bot.discord.client import NotAdmin
from bot.settings import Settings
from tests.discord.conftest import Server, make_settings, plain, reply
from tests.http_sources import SourceServer
from tests.sources import NEWS_PAGE, NEWS_PAGE_BOILERPLATE, report_pdf, zip_bytes


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*"))


@pytest.fixture
def bot_settings(seeds_copy: Path) -> Settings:
    """The bot adds to the test's folder and may fetch from the loopback test server."""
    return make_settings(seeds_dir=str(seeds_copy), fetch_allow_private=True)


async def test_a_link_added_in_discord_answers_at_once_with_links_back(
    server: Server, admin: simcord.MemberActor, source_server: SourceServer, seeds_copy: Path
) -> None:
    """/article add url: the reply says what was added; a question about the body is answered
    from it, quoted exactly, linked to the page; no page furniture is ever quoted."""
    url = source_server.url("/news/harbour-tram.html")
    result = await admin.slash(server.channel, "article add", url=url)
    assert result.ephemeral
    message = reply(result)
    embed = message.embeds[0]
    assert embed.title == "Harbour tram line approved after five-year fight"
    assert embed.url == url
    assert "9 paragraphs, 15 sentences" in plain(embed.description or "")
    assert (seeds_copy / "originals").is_dir()

    asked = await server.alice.slash(
        server.channel, "ask", question="how many stations will the tram line stop at?"
    )
    assert asked.response is not None
    answer = asked.response.embeds[0]
    first = answer.fields[0]
    assert "eleven stations" in plain(first.value)
    assert f"]({url}#:~:text=" in first.value  # the citation links to the sentence
    assert answer.url == url  # and the title to the page
    for question in ("what do the comments say?", "cookies", "newsletter", "related articles"):
        got = await server.alice.slash(server.channel, "ask", question=question)
        assert got.response is not None
        for field in got.response.embeds[0].fields:
            for boilerplate in NEWS_PAGE_BOILERPLATE:
                assert boilerplate not in plain(field.value)


async def test_an_attached_pdf_is_added_with_pages_in_citations(
    server: Server, admin: simcord.MemberActor
) -> None:
    """/article add file: a multi-page PDF; answers name the page."""
    result = await admin.slash(
        server.channel, "article add", file=("flood-defences.pdf", report_pdf())
    )
    assert "Flood defences on the River Wend" in (reply(result).embeds[0].title or "")
    asked = await server.alice.slash(
        server.channel, "ask", question="what is the council recommended to approve?"
    )
    assert asked.response is not None
    first = asked.response.embeds[0].fields[0]
    assert "phase three" in plain(first.value)
    assert "page 3" in first.name


async def test_hostile_sources_add_nothing_and_keep_answering(
    server: Server, admin: simcord.MemberActor, source_server: SourceServer, seeds_copy: Path
) -> None:
    """Metadata redirect, oversized page, a zip named .pdf, a page with no article: one clear
    line each, nothing written, the old article still answering."""
    before = _names(seeds_copy)
    cases = [
        ({"url": source_server.url("/to-metadata")}, "metadata address"),
        ({"url": source_server.url("/news/")}, "no article text"),
        ({"file": ("report.pdf", zip_bytes())}, "not a PDF"),
        ({"url": "javascript:alert(1)"}, "not an http"),
    ]
    for options, reason in cases:
        result = await admin.slash(server.channel, "article add", **options)
        message = reply(result)
        assert result.ephemeral
        assert message.content.startswith("Not added:"), message.content
        assert reason in message.content
        assert "\n" not in message.content
    assert _names(seeds_copy) == before
    asked = await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    assert asked.response is not None
    assert "Russia" in plain(asked.response.embeds[0].fields[0].value)


async def test_adding_and_removing_need_manage_server(server: Server, seeds_copy: Path) -> None:
    """A member without Manage Server is told so privately; nothing changes."""
    before = _names(seeds_copy)
    result = await server.alice.slash(
        server.channel, "article add", file=("page.html", NEWS_PAGE.read_bytes())
    )
    assert result.ephemeral
    assert result.response is not None
    assert "Manage Server" in result.response.content
    result = await server.alice.slash(server.channel, "article remove", name="coalition-of-will")
    assert result.response is not None
    assert "Manage Server" in result.response.content
    assert _names(seeds_copy) == before
    simcord.assert_error(server.env, NotAdmin)
    server.env.errors.clear()


async def test_remove_stops_quoting_the_article(
    server: Server, admin: simcord.MemberActor, seeds_copy: Path
) -> None:
    """Add a page, remove it: its file and original are gone and it is no longer quoted; the
    last article cannot be removed."""
    await admin.slash(server.channel, "article add", file=("page.html", NEWS_PAGE.read_bytes()))
    choices = await admin.autocomplete(server.channel, "article remove", "name", "harbour")
    assert [c["value"] for c in choices] == ["harbour-tram-line-approved-after-five-year-fight"]
    result = await admin.slash(server.channel, "article remove", name=choices[0]["value"])
    assert "Removed “Harbour tram line" in reply(result).content
    assert not list((seeds_copy / "originals").iterdir())
    asked = await server.alice.slash(server.channel, "ask", question="tram line stations")
    assert asked.response is not None
    for field in asked.response.embeds[0].fields:
        assert "harbour-tram" not in field.value
    last = await admin.slash(server.channel, "article remove", name="coalition-of-will")
    assert "only article" in reply(last).content


async def test_neither_or_both_sources_is_explained(
    server: Server, admin: simcord.MemberActor
) -> None:
    """/article add needs exactly one of url: and file:."""
    result = await admin.slash(server.channel, "article add")
    assert result.response is not None
    assert "one of them" in result.response.content
