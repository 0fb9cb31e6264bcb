"""Bot-side time per /ask under SimCord: python benchmarks/discord_latency.py [--rounds N].

Measures the command tree's handling of each interaction (parse, answer, render, send the
response to the in-memory Discord), i.e. from receiving the interaction to sending its response.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path
from typing import Any

import simcord

from bot.discord.client import create_bot
from bot.settings import Settings
from retrieval import Answerer, load_corpus
from retrieval.evaluation import read_questions
from retrieval.semantic import default_encoder

ROOT = Path(__file__).resolve().parent.parent


async def measure(rounds: int) -> None:
    settings = Settings(_env_file=None, cooldown_seconds=0)  # type: ignore[call-arg]
    bot = create_bot(Answerer(load_corpus(ROOT / "seeds", encoder=default_encoder())), settings)
    timings: list[float] = []
    original = bot.tree._call

    async def timed(interaction: Any) -> None:
        start = time.perf_counter()
        await original(interaction)
        timings.append((time.perf_counter() - start) * 1000)

    bot.tree._call = timed  # type: ignore[method-assign]
    questions = [
        q.question[:300]
        for name in ("questions-dev.jsonl", "questions-test.jsonl")
        for q in read_questions(ROOT / "tests" / "data" / name)
    ]
    async with simcord.run(bot) as env:
        guild = env.create_guild("Bench")
        channel = guild.create_text_channel("news")
        alice = guild.add_member(env.create_user("alice"))
        await bot.tree.sync()
        sample = await alice.slash(channel, "ask", question="wat did macorn say abt troops")
        timings.clear()
        store = bot._connection._view_store
        for _ in range(rounds):
            for question in questions:
                await alice.slash(channel, "ask", question=question)
                # SimCord's settling scans every live view, so a long run slows the simulator
                # (not the bot); stopping answered views keeps the measurement about the bot.
                for view in list(store._synced_message_views.values()):
                    view.stop()
        assert sample.response is not None
        print(
            "sample /ask embed:",
            json.dumps(sample.response.embeds[0].to_dict(), ensure_ascii=False),
        )
    timings.sort()
    p99 = timings[max(0, int(len(timings) * 0.99) - 1)]
    print(
        f"/ask handled {len(timings)} times: median {statistics.median(timings):.2f} ms, "
        f"p99 {p99:.2f} ms, max {timings[-1]:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(measure(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
