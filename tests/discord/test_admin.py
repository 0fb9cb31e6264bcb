"""/config, /stats and /reload through discord.py's real command tree (SimCord)."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
import simcord

from bot.discord.client import NotAdmin, create_bot
from bot.settings import Settings
from bot.store import Store
from bot.store.engines import SqliteAsyncStore
from retrieval import Answerer, load_corpus
from tests.conftest import write_article
from tests.discord.conftest import Server, make_settings, plain, reply
from tests.discord.test_ask import all_requests_ping_nobody

ADMIN_COMMANDS = ("config", "stats", "reload", "sync")


async def vote(member: simcord.MemberActor, response: simcord.ResponseMessage, emoji: str) -> None:
    """Click the 👍 or 👎 button under an answer."""
    button = next(
        c
        for row in response.components
        for c in row.get("components", [])
        if c.get("emoji", {}).get("name") == emoji
    )
    await member.click(response.message, custom_id=button["custom_id"])


@pytest.fixture
def bot_settings(seeds_copy: Path) -> Settings:
    """Settings whose seeds folder /reload re-reads."""
    return make_settings(seeds_dir=str(seeds_copy))


def test_admin_commands_are_hidden_behind_manage_server(server: Server) -> None:
    """Registered with default permissions Manage Server and only in servers."""
    for command in server.bot.tree.get_commands():
        payload = command.to_dict(server.bot.tree)
        if command.name in ADMIN_COMMANDS:
            assert int(payload["default_member_permissions"]) == 1 << 5, command.name
            assert payload.get("contexts") == [0] or payload.get("dm_permission") is False
        else:
            assert payload.get("default_member_permissions") is None, command.name


def test_members_do_not_see_admin_commands_and_admins_do(
    server: Server, admin: simcord.MemberActor
) -> None:
    """Discord's picker shows the admin commands only to Manage Server."""
    everyone = {name.split()[0] for name in server.alice.available_commands(server.channel)}
    assert "ask" in everyone
    assert not everyone & set(ADMIN_COMMANDS)
    admins = {name.split()[0] for name in admin.available_commands(server.channel)}
    assert set(ADMIN_COMMANDS) <= admins


async def test_a_server_override_does_not_bypass_the_runtime_check(server: Server) -> None:
    """A server may let anyone see /stats; running it still needs Manage Server."""
    [stats] = [c for c in await server.bot.tree.fetch_commands() if c.name == "stats"]
    server.guild.set_command_permissions(stats, {server.alice: True})
    result = await server.alice.slash(server.channel, "stats")
    assert result.ephemeral
    assert result.response is not None
    assert "Manage Server" in result.response.content
    simcord.assert_error(server.env, NotAdmin)


async def test_config_changes_take_effect_at_once(
    server: Server, admin: simcord.MemberActor
) -> None:
    """Private by default and one passage: the next /ask follows."""
    result = await admin.slash(server.channel, "config set", private=True, results=1)
    assert result.ephemeral
    assert result.response is not None
    shown = result.response.embeds[0].description or ""
    assert "Private by default:** yes (set here)" in shown
    assert "Passages per answer:** 1 (set here)" in shown
    asked = await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    assert asked.ephemeral
    assert asked.response is not None
    assert len(asked.response.embeds[0].fields) == 1
    public = await server.bob.slash(server.channel, "ask", question="lavrov", private=False)
    assert not public.ephemeral


async def test_the_channel_list_limits_where_the_bot_answers(
    server: Server, admin: simcord.MemberActor
) -> None:
    """After adding one channel, /ask elsewhere is refused; clear answers everywhere again."""
    other = server.guild.create_text_channel("off-topic")
    await admin.slash(server.channel, "config channel", action="add", channel=server.channel)
    refused = await server.alice.slash(other, "ask", question="lavrov")
    assert refused.response is not None
    assert "only answer in the channels" in refused.response.content
    server.env.errors.clear()
    answered = await server.alice.slash(server.channel, "ask", question="lavrov")
    assert answered.response is not None
    assert answered.response.embeds
    await admin.slash(other, "config channel", action="clear")
    again = await server.alice.slash(other, "ask", question="lavrov")
    assert again.response is not None
    assert again.response.embeds


async def test_mentions_can_be_turned_off(server: Server, admin: simcord.MemberActor) -> None:
    """With mentions off, an @mention gets no reply; /ask still works."""
    await admin.slash(server.channel, "config set", mentions=False)
    before = len(server.env.http_requests)
    await server.alice.send(server.channel, f"<@{server.bot.user.id}> lavrov")  # type: ignore[union-attr]
    assert not [r for r in server.env.http_requests[before:] if r.method == "POST"]


async def test_questions_and_votes_are_stored_unless_turned_off(
    server: Server, admin: simcord.MemberActor
) -> None:
    """Each question is in the database with its citations; a 👎 is counted; after
    keep_questions:false nothing more is stored."""
    asked = await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    assert asked.response is not None
    await vote(server.bob, asked.response, "👎")
    [stored] = await server.bot.store.questions(server.guild.id)
    assert stored.question == "who opposed the coalition?"
    assert stored.citations[0] == "coalition-of-will:p11s1"
    assert (stored.up, stored.down, stored.refused) == (0, 1, False)
    await admin.slash(server.channel, "config set", keep_questions=False)
    await server.alice.slash(server.channel, "ask", question="lavrov")
    assert len(await server.bot.store.questions(server.guild.id)) == 1


async def test_stats_reflect_questions_refusals_and_thumbs_down(
    server: Server, admin: simcord.MemberActor
) -> None:
    """/stats: counts, the refused share, the coverage gaps and the 👎 answers, with a chart."""
    for question in ("who opposed the coalition?", "Who opposed the coalition", "lavrov"):
        await server.alice.slash(server.channel, "ask", question=question)
    refused = await server.bob.slash(server.channel, "ask", question="best burger in lyon?")
    assert refused.response is not None
    assert not refused.response.embeds[0].fields
    judged = await server.bob.slash(server.channel, "ask", question="macron troops")
    assert judged.response is not None
    await vote(server.alice, judged.response, "👎")
    result = await admin.slash(server.channel, "stats")
    assert result.ephemeral
    message = reply(result)
    embed = message.embeds[0]
    fields = {f.name: plain(f.value) for f in embed.fields}
    assert fields["Last 7 days"] == "5 questions\n20% not answered"
    assert fields["Last 30 days"].startswith("5 questions\n20% not answered\n")
    assert fields["Last 30 days"].endswith("answered “not sure”")
    assert "who opposed the coalition? (2)" in fields["Most asked"]
    assert "best burger in lyon? (1)" in fields["Not in the article (coverage gaps)"]
    assert "macron troops" in fields["Answers rated 👎 most"]
    assert [a.filename for a in message.attachments] == ["questions-per-day.png"]
    all_requests_ping_nobody(server.env)


async def test_settings_survive_a_restart(
    server: Server, admin: simcord.MemberActor, bot_settings: Settings, answerer: Answerer
) -> None:
    """A new bot process on the same database keeps the server's /config."""
    await admin.slash(server.channel, "config set", results=1, private=True)
    await server.bot.store.close()
    fresh = create_bot(answerer, bot_settings, SqliteAsyncStore(Store(bot_settings.database_path)))
    await server.env.restart_bot(fresh)
    asked = await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    assert asked.ephemeral
    assert asked.response is not None
    assert len(asked.response.embeds[0].fields) == 1


async def test_reload_makes_a_new_article_answerable(
    server: Server, admin: simcord.MemberActor, seeds_copy: Path
) -> None:
    """Drop an article in the folder, /reload, ask: no restart."""
    write_article(
        seeds_copy,
        "moon-base.txt",
        "Moon Base Opens\n\nThe lunar base opened on Tuesday with twelve astronauts aboard.\n",
        "title: Moon Base Opens\nsource: Example News\n",
    )
    before = await server.alice.slash(server.channel, "ask", question="lunar base astronauts")
    assert before.response is not None
    # Before the reload nothing quotes the new article (the closest sentences of the old one
    # may be shown under the caveat).
    assert not any("lunar" in plain(f.value) for f in before.response.embeds[0].fields)
    result = await admin.slash(server.channel, "reload")
    message = reply(result)
    assert "Reloaded: 2 article(s)" in message.content
    after = await server.alice.slash(server.channel, "ask", question="lunar base astronauts")
    assert after.response is not None
    assert "lunar base" in plain(after.response.embeds[0].fields[0].value)


async def test_a_broken_article_keeps_the_old_library_serving(
    server: Server, admin: simcord.MemberActor, seeds_copy: Path
) -> None:
    """/reload with a broken file: the reason is shown and the old articles still answer."""
    (seeds_copy / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    result = await admin.slash(server.channel, "reload")
    message = reply(result)
    assert "Reload failed" in message.content
    assert "broken.txt" in message.content
    asked = await server.alice.slash(server.channel, "ask", question="who opposed the coalition?")
    assert asked.response is not None
    assert "Russia" in plain(asked.response.embeds[0].fields[0].value)


async def test_a_server_can_send_its_questions_to_one_article(
    server: Server, admin: simcord.MemberActor, seeds_copy: Path
) -> None:
    """With two articles loaded, /config set article picks the one questions go to."""
    write_article(
        seeds_copy,
        "moon-base.txt",
        "Moon Base Opens\n\nEuropean troops were not part of the lunar mission.\n",
        "title: Moon Base Opens\n",
    )
    await admin.slash(server.channel, "reload")
    await admin.slash(server.channel, "config set", article="moon-base")
    asked = await server.alice.slash(server.channel, "ask", question="european troops")
    assert asked.response is not None
    cited = [f.value for f in asked.response.embeds[0].fields]
    assert cited
    assert all("moon-base:" in value for value in cited)
    both = await admin.slash(server.channel, "config set", article="moon-base, coalition-of-will")
    assert both.response is not None
    assert "Moon Base Opens, Discussion on" in (both.response.embeds[0].description or "")
    unknown = await admin.slash(server.channel, "config set", article="no-such-article")
    assert unknown.response is not None
    assert "No article has the id" in unknown.response.content


async def test_watching_the_folder_reloads_on_change(server: Server, seeds_copy: Path) -> None:
    """run --watch: a new file in the folder is picked up without any command."""
    answerer_before = server.bot.answerer
    write_article(seeds_copy, "moon-base.txt", "Moon Base Opens\n\nThe lunar base opened.\n")
    changed = await server.bot.reload_if_changed(previous=())
    assert changed
    assert server.bot.answerer is not answerer_before
    assert len(server.bot.answerer.corpus.articles) == 2
    assert await server.bot.reload_if_changed(previous=changed) == changed


def test_the_corpus_in_the_fixture_is_unchanged(seeds_copy: Path) -> None:
    """The copy starts as the bundled seeds (the tests above change only the copy)."""
    assert len(load_corpus(seeds_copy).articles) == 1


async def test_sync_here_registers_the_commands_for_this_server(
    server: Server, admin: simcord.MemberActor
) -> None:
    """/sync answers for this server; syncing everywhere is the owner's alone."""
    result = await admin.slash(server.channel, "sync")
    message = reply(result)
    assert "this server" in message.content
    everywhere = await admin.slash(server.channel, "sync", scope="everywhere")
    refused = reply(everywhere)
    assert "Only the bot's owner" in refused.content


async def test_sync_here_never_leaves_each_command_twice(
    server: Server, admin: simcord.MemberActor
) -> None:
    """With the commands registered globally (the fixture syncs them so), /sync here removes
    the server's copy instead of adding one; with none global, it adds the copy."""
    guild = discord.Object(id=server.guild.id)
    server.bot.tree.copy_global_to(guild=guild)
    await server.bot.tree.sync(guild=guild)
    assert await server.bot.tree.fetch_commands(guild=guild)
    result = await admin.slash(server.channel, "sync")
    assert "removed this server's own copy" in reply(result).content
    assert await server.bot.tree.fetch_commands(guild=guild) == []
    assert await server.bot.tree.fetch_commands()
