"""The event loop during a burst, as the bot runs it: `article-bot run` on a large library
against the loopback Discord emulator, 200 simultaneous /ask, then the loop monitor's summary.

Usage: python benchmarks/loop_burst.py [--sentences 100000] [--questions 200] [--semantic]

The library is the large benchmark corpus written as .txt files (benchmarks/load_folder.py);
with --semantic its vectors are cached in a folder beside it, so a second run skips the
first encoding. Reported: the longest block of the event loop the bot's own monitor saw
(it logs it at shutdown), and how long the burst took from the first question sent to the
last answer received.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from load_folder import write_folder  # noqa: E402

from tests.loopback.conftest import start_bot  # noqa: E402
from tests.loopback.emulator import Emulator  # noqa: E402


def prepare(sentences: int, semantic: bool, folder: Path) -> Path:
    """The library's folder, written once; with ``semantic`` its vectors encoded (or found
    cached) first by the command line, with progress: the first encoding of a large library
    takes minutes, longer than the bot is given to connect."""
    seeds = folder / f"seeds-{sentences}"
    if not seeds.is_dir():
        seeds.mkdir(parents=True)
        write_folder(seeds, sentences)
    if semantic:
        env = {**os.environ, "SEMANTIC": "true", "INDEX_CACHE_DIR": str(folder / "cache")}
        command = [sys.executable, "-m", "bot", "inspect", "--seeds", str(seeds)]
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    return seeds


async def run(seeds: Path, sentences: int, questions: int, semantic: bool, folder: Path) -> None:
    emulator = Emulator()
    await emulator.start()
    started = time.monotonic()
    bot = await start_bot(
        emulator, folder, SEEDS_DIR=str(seeds), SEMANTIC="true" if semantic else "false",
        INDEX_CACHE_DIR=str(folder / "cache"),
    )  # fmt: skip
    print(f"{sentences:,} sentences: connected {time.monotonic() - started:.1f} s after start")
    try:
        for i in range(5):
            await asyncio.wait_for(await emulator.slash("ask", {"question": f"warm {i}"}), 60)
        sent = time.monotonic()
        pending = [
            await emulator.slash("ask", {"question": f"what happened in the year {1900 + i}?"})
            for i in range(questions)
        ]
        answers = await asyncio.gather(*(asyncio.wait_for(p, 120) for p in pending))
        last = max(float(a["_at"]) for a in answers) - sent
        print(f"burst of {questions} /ask: last answer {last:.2f} s after the first was sent")
    finally:
        await bot.stop()
        await emulator.stop()
    found = re.search(r"event loop: longest block ([\d.]+) ms, (\d+) over (\d+) ms", bot.text)
    print(found.group(0) if found else "no loop summary in the log:\n" + bot.text[-2000:])
    for line in bot.text.splitlines():
        if "blocked for" in line:
            print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--semantic", action="store_true")
    parser.add_argument("--folder", type=Path, help="where the library and its cache are kept")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="article-bot-burst-"))
    seeds = prepare(args.sentences, args.semantic, folder)
    asyncio.run(run(seeds, args.sentences, args.questions, args.semantic, folder))


if __name__ == "__main__":
    main()
