"""Two bot processes on one PostgreSQL, against the loopback Discord emulator: the answer
path's time with questions stored in PostgreSQL, a burst of 2 x 200 simultaneous /ask, and
how long an article added in one process takes to be answerable in the other.

Usage: python benchmarks/shared_postgres.py [--questions 200] [--semantic]

Starts its own PostgreSQL (the machine's server binaries, as the tests do), two emulators and
two `article-bot run` processes; times are from the emulator sending the interaction to the
bot's answer arriving (so they include the emulator's own hop).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store.engines import open_store  # noqa: E402
from tests.http_sources import SourceServer  # noqa: E402
from tests.loopback.conftest import start_bot  # noqa: E402
from tests.loopback.emulator import GUILD_ID, Emulator  # noqa: E402
from tests.postgres_server import fresh_database, running_postgres  # noqa: E402


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _timed(emulator: Emulator, question: str) -> float:
    sent = time.monotonic()
    answered = await emulator.slash("ask", {"question": question})
    data = await asyncio.wait_for(answered, 30)
    return float(data["_at"]) - sent


async def run(questions: int, semantic: bool) -> None:
    servers = running_postgres()
    server_url = next(servers)
    url = fresh_database(server_url, "bench")
    folder = Path(tempfile.mkdtemp(prefix="article-bot-bench-"))
    emulators = (Emulator(), Emulator())
    bots = []
    with SourceServer() as sources:
        try:
            for number, emulator in enumerate(emulators):
                await emulator.start()
                home = folder / str(number)
                shutil.copytree(ROOT / "seeds", home / "seeds")
                bots.append(
                    await start_bot(
                        emulator, home, DATABASE_URL=url, FETCH_ALLOW_PRIVATE="true",
                        SEEDS_DIR=str(home / "seeds"), SEMANTIC="true" if semantic else "false",
                    )
                )  # fmt: skip
            one, two = emulators
            for i in range(10):  # warm both
                await _timed(one, f"warm up {i}")
                await _timed(two, f"warm up {i}")
            times = [
                await _timed(one, f"who opposed the coalition, asked {i}?")
                for i in range(questions)
            ]
            print(
                f"sequential /ask on one process, stored in PostgreSQL ({questions}): "
                f"median {statistics.median(times) * 1000:.1f} ms, "
                f"p99 {_percentile(times, 0.99) * 1000:.1f} ms"
            )
            started = time.monotonic()
            burst = [
                emulator.slash("ask", {"question": f"burst {name} {i}: who opposed the plan?"})
                for name, emulator in (("one", one), ("two", two))
                for i in range(questions)
            ]
            pending = [await b for b in burst]
            results = await asyncio.gather(*(asyncio.wait_for(p, 60) for p in pending))
            slowest = max(float(r["_at"]) for r in results) - started
            store = await open_store(url, folder / "unused")
            stored = [q.question for q in await store.questions(GUILD_ID)]
            await store.close()
            burst_stored = [q for q in stored if q.startswith("burst ")]
            once = len(set(burst_stored)) == len(burst_stored) == 2 * questions
            print(
                f"burst of 2 x {questions} simultaneous /ask: all answered, the last "
                f"{slowest:.2f} s after the first was sent; stored once each: {once} "
                f"({len(burst_stored)} rows)"
            )
            sent = time.monotonic()
            added = await one.slash("article add", {"url": sources.url("/news/harbour-tram.html")})
            await asyncio.wait_for(added, 60)
            added_at = time.monotonic()
            while True:
                answered = await two.slash(
                    "ask", {"question": "how many stations will the tram line stop at?"}
                )
                data = await asyncio.wait_for(answered, 30)
                fields = data["embeds"][0]["fields"]
                if fields and "eleven stations" in fields[0]["value"].replace("**", ""):
                    break
                await asyncio.sleep(0.05)
            print(
                f"article added in process one (reply after {added_at - sent:.2f} s) answered "
                f"in process two {time.monotonic() - added_at:.2f} s after that reply"
            )
        finally:
            for bot in bots:
                await bot.stop()
            for emulator in emulators:
                await emulator.stop()
            shutil.rmtree(folder, ignore_errors=True)
            for _ in servers:  # stops the server
                pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--semantic", action="store_true")
    args = parser.parse_args()
    asyncio.run(run(args.questions, args.semantic))


if __name__ == "__main__":
    main()
