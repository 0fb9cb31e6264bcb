"""/article, /source with autocomplete, /help, and answers from a hostile article."""

from __future__ import annotations

from pathlib import Path

import pytest
import simcord

from bot.discord import limits
from bot.discord.client import ArticleBotBase, create_bot
from retrieval import Answerer, load_corpus
from tests.conftest import SEEDS, write_article
from tests.discord.conftest import Server, make_settings, plain


async def test_article_lists_the_loaded_article(server: Server) -> None:
    """/article: title, source, date, lead sentence and counts."""
    result = await server.alice.slash(server.channel, "article show")
    assert result.response is not None
    embed = result.response.embeds[0]
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Source"] == "The Asia Business Daily"
    assert fields["Date"] == "2025-03"
    assert fields["Size"] == "15 paragraphs, 30 sentences"
    assert "Britain and France are accelerating" in (embed.description or "")


async def test_article_autocomplete_offers_the_articles(server: Server) -> None:
    """Typing part of a title offers the matching articles."""
    choices = await server.alice.autocomplete(server.channel, "article show", "name", "coal")
    assert [c["value"] for c in choices] == ["coalition-of-will"]


async def test_source_shows_a_sentence_with_its_paragraph(server: Server) -> None:
    """/source citation: the sentence quoted, its paragraph as context."""
    result = await server.alice.slash(server.channel, "source", citation="coalition-of-will:p11s1")
    assert result.response is not None
    embed = result.response.embeds[0]
    assert "Russia has opposed these discussions." in plain(embed.description or "")
    assert "Sergey Lavrov" in embed.fields[0].value


async def test_source_with_an_unknown_id_explains_privately(server: Server) -> None:
    """A wrong id gets an ephemeral hint that shows what an id looks like."""
    result = await server.alice.slash(server.channel, "source", citation="nope")
    assert result.ephemeral
    assert result.response is not None
    assert "No sentence has the citation id" in result.response.content
    assert "coalition-of-will:p1s1" in result.response.content
    assert "p1s1 is enough" in result.response.content


async def test_source_takes_the_short_id_people_type(server: Server) -> None:
    """/source p11s1 with one article loaded shows the same sentence as the full id."""
    result = await server.alice.slash(server.channel, "source", citation="p11s1")
    assert result.response is not None
    assert "Russia has opposed these discussions." in plain(
        result.response.embeds[0].description or ""
    )


async def test_article_says_where_citation_ids_come_from(server: Server) -> None:
    """/article's card names the id form, so /source can be used from it."""
    result = await server.alice.slash(server.channel, "article show")
    assert result.response is not None
    footer = result.response.embeds[0].footer.text or ""
    assert "coalition-of-will:p1s1" in footer


@pytest.mark.parametrize("typed", ["", "p1", "russia", "coalition-of-will:p15"])
async def test_source_autocomplete_offers_at_most_25_previewed_ids(
    server: Server, typed: str
) -> None:
    """Choices: <= 25, names <= 100 characters with a text preview, values are real ids."""
    choices = await server.alice.autocomplete(server.channel, "source", "citation", typed)
    assert 0 < len(choices) <= limits.CHOICES
    for choice in choices:
        assert len(choice["name"]) <= limits.CHOICE_NAME
        assert server.bot.answerer.corpus.sentence(choice["value"]) is not None
        assert choice["name"].startswith(choice["value"])


async def test_help_explains_how_to_ask(server: Server) -> None:
    """/help is private and gives working examples."""
    result = await server.alice.slash(server.channel, "help")
    assert result.ephemeral
    assert result.response is not None
    assert "Who opposed the coalition?" in (result.response.embeds[0].description or "")
    kept = {f.name: f.value for f in result.response.embeds[0].fields}["What I keep"]
    assert "pseudonym" in kept


async def test_help_says_nothing_is_kept_when_logging_is_off(server: Server) -> None:
    """A server that turned question logging off is told so in /help."""
    await server.bot.configs.change(server.guild.id, log_questions=False)
    result = await server.alice.slash(server.channel, "help")
    assert result.response is not None
    kept = {f.name: f.value for f in result.response.embeds[0].fields}["What I keep"]
    assert "keep nothing" in kept


@pytest.fixture
def hostile_seeds(tmp_path: Path) -> Path:
    """The bundled article plus one with a 5000-character sentence and @everyone in it."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for source in SEEDS.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    long_sentence = "The giraffe census " + " ".join(["counted tall giraffes"] * 250) + "."
    write_article(
        folder,
        "zoo.txt",
        f"Zoo News\n{long_sentence} The keeper told @everyone and <@&123> "
        "about [a link](https://x.io) **now**.\n",
        "title: Zoo News\nsource: Example @here Press\n",
    )
    return folder


@pytest.fixture
def simcord_bot(hostile_seeds: Path, request: pytest.FixtureRequest) -> ArticleBotBase:
    """For this module's hostile tests a bot over the hostile seeds; others get the default."""
    if "hostile" not in request.node.name:
        return create_bot(Answerer(load_corpus(SEEDS)), make_settings())
    return create_bot(Answerer(load_corpus(hostile_seeds)), make_settings())


async def test_hostile_article_a_5000_character_sentence_renders_within_limits(
    server: Server,
) -> None:
    """A huge sentence is cut at a word boundary with an ellipsis; every limit holds."""
    result = await server.alice.slash(server.channel, "ask", question="giraffe census", results=5)
    assert result.response is not None
    embed = result.response.embeds[0]
    assert len(embed) <= limits.EMBED_TOTAL
    assert len(embed.fields) <= limits.FIELDS
    for field in embed.fields:
        assert len(field.value) <= limits.FIELD_VALUE
        assert len(field.name) <= limits.FIELD_NAME
    assert limits.ELLIPSIS in embed.fields[0].value


async def test_hostile_article_everyone_in_the_source_pings_nobody(server: Server) -> None:
    """@everyone, a role mention and a masked link in the article are neutralised."""
    result = await server.alice.slash(server.channel, "ask", question="what did the keeper tell")
    assert result.response is not None
    value = result.response.embeds[0].fields[0].value
    assert "@everyone" not in value
    assert "<@&123>" not in value
    assert "](https://" not in value
    assert "@\u200beveryone" in value
    footer = result.response.embeds[0].footer.text or ""
    assert "@here" not in footer or "@\u200bhere" in footer
    for entry in server.env.http_requests:
        data = (entry.json or {}).get("data", {}) if isinstance(entry.json, dict) else {}
        if "embeds" in data:
            assert data["allowed_mentions"]["parse"] == []
    simcord.assert_no_errors(server.env)
