"""/ask, its buttons and its guard rails through discord.py's real command tree (SimCord)."""

from __future__ import annotations

import discord
import pytest
import simcord

from bot.discord import limits
from bot.discord.client import ArticleBotBase, ChannelNotAllowed, CooldownActive
from tests.discord.conftest import Server, make_settings


def all_requests_ping_nobody(env: simcord.Env) -> None:
    """Every message the bot sent or edited carried allowed_mentions that parse nothing."""
    for entry in env.http_requests:
        body = entry.json if isinstance(entry.json, dict) else {}
        data = body.get("data") if isinstance(body.get("data"), dict) else body
        if "content" in data or "embeds" in data:
            mentions = data.get("allowed_mentions")
            assert mentions is not None, entry
            assert mentions.get("parse") == [], entry
            assert not mentions.get("users"), entry
            assert not mentions.get("roles"), entry


async def test_commands_are_registered_with_descriptions_and_limits(server: Server) -> None:
    """/ask, /article show|add|remove, /source, /help and the message menu, with option limits."""
    names = set(server.alice.available_commands(server.channel))
    assert {"ask", "article show", "article add", "article remove", "source", "help"} <= names
    ask = server.bot.tree.get_command("ask")
    assert isinstance(ask, discord.app_commands.Command)
    assert ask.description.startswith("Ask a question about the article")
    question = ask.get_parameter("question")
    assert question is not None
    assert (question.min_value, question.max_value) == (1, 300)
    results = ask.get_parameter("results")
    assert results is not None
    assert (results.min_value, results.max_value, results.required) == (1, 5, False)
    menus = server.bot.tree.get_commands(type=discord.AppCommandType.message)
    assert [m.name for m in menus] == ["Ask the article"]


async def test_ask_answers_with_quoted_cited_passages(server: Server) -> None:
    """The happy path: question echoed, quotes with bold matches, citations, source footer."""
    result = await server.alice.slash(
        server.channel, "ask", question="wat did macorn say abt troops"
    )
    assert result.acknowledged
    assert not result.ephemeral
    assert result.response is not None
    embed = result.response.embeds[0]
    assert "macorn" in (embed.title or "")
    assert "**Macron**" in embed.fields[0].value
    assert "**troops**" in embed.fields[0].value
    assert "coalition-of-will:p9s1" in embed.fields[0].value
    assert "paragraph 9, sentence 1" in embed.fields[0].name
    assert embed.footer.text is not None
    assert "The Asia Business Daily" in embed.footer.text
    assert len(embed.fields) == 3
    all_requests_ping_nobody(server.env)


async def test_nothing_relevant_says_so_and_names_topics(server: Server) -> None:
    """An off-topic question gets a plain answer with the article's topics and no buttons."""
    result = await server.alice.slash(
        server.channel, "ask", question="any good burger places in Lyon?"
    )
    assert result.response is not None
    embed = result.response.embeds[0]
    assert not embed.fields
    assert "doesn't answer that" in (embed.description or "")
    assert "It covers:" in (embed.description or "")
    assert not result.response.components


async def test_results_and_private_options(server: Server) -> None:
    """results sets the number of passages; private makes the answer ephemeral."""
    result = await server.alice.slash(
        server.channel, "ask", question="Ukraine", results=5, private=True
    )
    assert result.ephemeral
    assert result.response is not None
    assert len(result.response.embeds[0].fields) == 5


async def test_more_results_pages_for_the_asker_only(server: Server) -> None:
    """Another user may not page; the asker gets the next passages, numbered on."""
    result = await server.alice.slash(server.channel, "ask", question="Ukraine", results=2)
    assert result.response is not None
    message = result.response.message
    refused = await server.bob.click(message, label="More results")
    assert refused.ephemeral
    assert refused.response is not None
    assert "Only the person who asked" in refused.response.content
    paged = await server.alice.click(message, label="More results")
    assert paged.acknowledged
    updated = server.channel.last_message
    assert updated is not None
    assert updated.embeds[0].fields[0].name.startswith("3. ")


async def test_show_context_shows_the_neighbouring_sentences(server: Server) -> None:
    """Show context answers privately with the sentences around each passage."""
    result = await server.alice.slash(
        server.channel, "ask", question="what did lavrov say", results=1
    )
    assert result.response is not None
    shown = await server.bob.click(result.response.message, label="Show context")
    assert shown.ephemeral
    assert shown.response is not None
    description = shown.response.embeds[0].description or ""
    assert "Russia has opposed these discussions." in description


@pytest.mark.parametrize("emoji", ["👍", "👎"])
async def test_feedback_is_acknowledged_and_logged(
    server: Server, emoji: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A vote is thanked privately and logged with the question, citations and scores."""
    result = await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    assert result.response is not None
    button = next(
        c
        for row in result.response.components
        for c in row.get("components", [])
        if c.get("emoji", {}).get("name") == emoji
    )
    with caplog.at_level("INFO", logger="article_bot.feedback"):
        voted = await server.bob.click(result.response.message, custom_id=button["custom_id"])
    assert voted.ephemeral
    assert voted.response is not None
    assert "Thanks" in voted.response.content
    record = next(r for r in caplog.records if r.name == "article_bot.feedback")
    assert "who opposed the coalition?" in record.getMessage()
    assert "coalition-of-will:p11s1" in record.getMessage()


async def test_views_time_out_and_disable_their_buttons(server: Server) -> None:
    """After the view's timeout every button is disabled."""
    result = await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    await server.env.advance_time(601)
    message = server.channel.last_message
    assert message is not None
    buttons = [c for row in message.components for c in row.children]  # type: ignore[attr-defined]
    assert buttons
    assert all(b.disabled for b in buttons)
    assert result.response is not None


async def test_button_labels_and_custom_ids_fit_discords_limits(server: Server) -> None:
    """Labels <= 80 and custom_id <= 100 characters."""
    result = await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    assert result.response is not None
    for row in result.response.components:
        for component in row.get("components", []):
            assert len(component.get("label", "")) <= limits.BUTTON_LABEL
            assert len(component.get("custom_id", "")) <= limits.CUSTOM_ID


@pytest.mark.parametrize("bot_settings", [make_settings(cooldown_seconds=30)])
async def test_cooldown_tells_the_user_when_to_retry(server: Server) -> None:
    """A second question within the cooldown gets a friendly private wait message."""
    first = await server.alice.slash(server.channel, "ask", question="lavrov")
    assert not first.ephemeral
    second = await server.alice.slash(server.channel, "ask", question="macron")
    assert second.ephemeral
    assert second.response is not None
    assert "ask again in" in second.response.content
    simcord.assert_error(server.env, CooldownActive)
    other = await server.bob.slash(server.channel, "ask", question="macron")
    assert not other.ephemeral
    await server.env.advance_time(31)
    later = await server.alice.slash(server.channel, "ask", question="macron")
    assert not later.ephemeral


async def test_the_channel_allowlist_is_honoured(
    simcord_env: simcord.Env, answerer: object
) -> None:
    """Outside the allowed channels a command gets a private notice instead of an answer."""
    guild = simcord_env.create_guild("Readers")
    allowed = guild.create_text_channel("articles")
    other = guild.create_text_channel("general")
    bot = simcord_env.bot
    assert isinstance(bot, ArticleBotBase)
    bot.settings = make_settings(allowed_channel_ids=str(allowed.id))
    await bot.tree.sync()
    alice = guild.add_member(simcord_env.create_user("alice"))
    refused = await alice.slash(other, "ask", question="lavrov")
    assert refused.ephemeral
    assert refused.response is not None
    assert "only answer in the channels" in refused.response.content
    simcord.assert_error(simcord_env, ChannelNotAllowed)
    answered = await alice.slash(allowed, "ask", question="lavrov")
    assert not answered.ephemeral


async def test_a_command_that_raises_still_answers_the_user(
    server: Server, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception inside the answer path is logged and the user gets an ephemeral apology."""

    def broken(
        question: str, top_k: int = 3, pool: int = 10, articles: object = (), context: object = ()
    ) -> object:
        raise RuntimeError("index exploded")

    monkeypatch.setattr(server.bot.answerer, "ask", broken)
    server.env.check_errors = False
    with caplog.at_level("ERROR"):
        result = await server.alice.slash(server.channel, "ask", question="lavrov")
    assert result.ephemeral
    assert result.response is not None
    assert "something went wrong" in result.response.content
    assert any("index exploded" in str(r.exc_info) for r in caplog.records if r.exc_info)


async def test_everyone_in_a_question_pings_nobody(server: Server) -> None:
    """Mention syntax carries no words: it is dropped from the question (and could not ping
    anyway: allowed_mentions is none on every message)."""
    result = await server.alice.slash(
        server.channel,
        "ask",
        question=f"@everyone @here <@{server.bob.id}> who opposed the coalition?",
    )
    assert result.response is not None
    title = result.response.embeds[0].title or ""
    assert title == "“who opposed the coalition?”"
    all_requests_ping_nobody(server.env)


async def test_buttons_beyond_the_live_limit_explain_that_they_expired(server: Server) -> None:
    """Only the newest answers keep working buttons (memory stays flat); an older one's click
    gets a private "expired" note instead of Discord's "This interaction failed"."""
    server.bot.live_views.limit = 1
    first = await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    second = await server.alice.slash(server.channel, "ask", question="macron troops")
    assert first.response is not None
    assert second.response is not None
    stale = await server.bob.click(first.response.message, label="Show context")
    assert stale.ephemeral
    assert stale.response is not None
    assert "expired" in stale.response.content
    fresh = await server.bob.click(second.response.message, label="Show context")
    assert fresh.response is not None
    assert fresh.response.embeds
    assert len(server.bot.live_views) == 1


async def test_the_three_answers_reach_discord_as_the_core_decided(server: Server) -> None:
    """A question the core is not sure of is shown under the caveat in gold; a confident one
    without it; one it cannot answer with no passage."""
    from bot import wording
    from bot.discord import render
    from retrieval.decision import Verdict
    from retrieval.evaluation import read_questions
    from tests.conftest import DATA

    answerer = server.bot.answerer
    by_verdict: dict[Verdict, str] = {}
    for question in read_questions(DATA / "blind-dev.jsonl"):
        answer = answerer.ask(question.question)
        verdict = answer.verdict if answer.found else Verdict.NOT_FOUND
        if answer.has_content_words:
            by_verdict.setdefault(verdict, question.question)
    assert set(by_verdict) == set(Verdict)
    for verdict, question in by_verdict.items():
        result = await server.alice.slash(server.channel, "ask", question=question)
        assert result.response is not None
        embed = result.response.embeds[0]
        description = embed.description or ""
        if verdict is Verdict.NOT_SURE:
            assert wording.NOT_SURE in description
            assert embed.colour == render.UNSURE_COLOUR
            assert embed.fields
        elif verdict is Verdict.ANSWERED:
            assert wording.NOT_SURE not in description
            assert embed.colour == render.ANSWER_COLOUR
            assert embed.fields
        else:
            assert not embed.fields
            assert "doesn't answer" in description


async def test_a_question_of_function_words_reaches_discord_under_the_caveat(
    server: Server,
) -> None:
    """ "who is against it?" has no word for the index: the embedding's closest passages are
    shown as not sure, while "thanks so much" still gets the examples."""
    from bot import wording
    from bot.discord import render

    result = await server.alice.slash(server.channel, "ask", question="who is against it?")
    assert result.response is not None
    embed = result.response.embeds[0]
    assert wording.NOT_SURE in (embed.description or "")
    assert embed.colour == render.UNSURE_COLOUR
    assert embed.fields
    thanks = await server.alice.slash(server.channel, "ask", question="thanks so much")
    assert thanks.response is not None
    assert "Ask me something about the article" in (thanks.response.embeds[0].description or "")
    all_requests_ping_nobody(server.env)
