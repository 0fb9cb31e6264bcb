"""A burst of /ask: every one answered; large corpora answered off the event loop.

SimCord runs one simulated user action at a time (overlapping actions are refused), so the
burst arrives back to back rather than at the same instant.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from bot.discord import client
from bot.discord.cogs import ask as ask_cog
from bot.discord.views import AnswerView
from retrieval import Answer
from tests.discord.conftest import Server, plain

# 50, not 200: SimCord's settling grows faster than linearly with the actions of one test
# (200 took minutes); benchmarks/discord_latency.py runs the longer burst.
BURST = 50


@pytest.mark.parametrize("in_thread", [False, True])
async def test_a_burst_of_questions_is_all_answered(
    server: Server, monkeypatch: pytest.MonkeyPatch, in_thread: bool
) -> None:
    """/ask after /ask, all get their answer; with a corpus above the threshold the core
    runs in worker threads after a deferral, so the event loop never waits on an answer."""
    if in_thread:
        monkeypatch.setattr(client, "THREAD_THRESHOLD_SENTENCES", 0)
    loop_thread = threading.get_ident()
    answered_on: list[int] = []
    ask = server.bot.answerer.ask

    def recording_ask(
        question: str,
        top_k: int = 3,
        pool: int = 0,
        articles: tuple[str, ...] = (),
        context: tuple[str, ...] = (),
    ) -> Answer:
        answered_on.append(threading.get_ident())
        return ask(question, top_k, pool, articles, context)

    monkeypatch.setattr(server.bot.answerer, "ask", recording_ask)
    members = [server.guild.add_member(server.env.create_user(f"reader{i}")) for i in range(20)]
    questions = ["who opposed the coalition?", "lavrov", "macron troops", "defense package"]
    views: list[AnswerView] = []

    class RecordedView(AnswerView):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            views.append(self)

    monkeypatch.setattr(ask_cog, "AnswerView", RecordedView)
    results = []
    for i in range(BURST):
        member = members[i % len(members)]
        results.append(
            await member.slash(server.channel, "ask", question=questions[i % len(questions)])
        )
        # SimCord re-examines every live view after each action, so 200 live views would make
        # the simulator (not the bot) quadratic; answered views are stopped as they would time out.
        for view in views:
            view.stop()
    assert len(answered_on) == BURST
    assert all(r.acknowledged for r in results)
    for result in results:
        message = result.response
        assert message is not None
        assert plain(message.embeds[0].fields[0].value)
    off_loop = [t != loop_thread for t in answered_on]
    assert all(off_loop) if in_thread else not any(off_loop)
