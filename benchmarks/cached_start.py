"""A library's start from its caches, as a whole fresh process: imports plus loading.

Usage: python benchmarks/cached_start.py [--sentences 100000] [--runs 8] [--no-semantic]
                                          [--folder PATH]

Writes the large benchmark corpus as .txt files (benchmarks/load_folder.py) into --folder (or
a temporary one) with a cache folder beside it, starts once to fill the caches (the first
encoding of 100k sentences takes minutes, with progress), then times --runs fresh processes
that import the bot's loading and load the library as `article-bot` does, each printing its
import and load seconds. Reported: every run and the median; issue 17 asks <= 1.5 s at 100k.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from load_folder import write_folder  # noqa: E402

# The child: what a start does before it can answer, timed from its first import.
CHILD = """
import sys, time
started = time.perf_counter()
from bot import process_defaults
process_defaults.apply()  # as the entry point does, before NumPy loads
from pathlib import Path
from bot.library import load_library
try:  # as the command line loads a process's first library (older versions: no such step)
    from bot.warm_start import kept_for_the_process
except ImportError:
    from contextlib import nullcontext as kept_for_the_process
imported = time.perf_counter()
with kept_for_the_process():
    corpus = load_library(sys.argv[1] == "semantic", Path(sys.argv[2]), Path(sys.argv[3]))
loaded = time.perf_counter()
print(f"{imported - started:.3f} {loaded - imported:.3f} {len(corpus.sentences)}")
"""


def run_child(semantic: bool, seeds: Path, cache: Path) -> tuple[float, float, int]:
    """One fresh process's import and load seconds, and the sentences it loaded."""
    mode = "semantic" if semantic else "bm25"
    command = [sys.executable, "-c", CHILD, mode, str(seeds), str(cache)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    imported, loaded, sentences = out.split()
    return float(imported), float(loaded), int(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--no-semantic", action="store_true", help="BM25 alone")
    parser.add_argument("--folder", type=Path, help="where the library and its caches are kept")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="article-bot-start-"))
    seeds, cache = folder / f"seeds-{args.sentences}", folder / "cache"
    if not seeds.is_dir():
        seeds.mkdir(parents=True)
        write_folder(seeds, args.sentences)
    semantic = not args.no_semantic
    # The first start fills the caches (and encodes, when semantic), with its progress shown.
    env = {**os.environ, "SEMANTIC": "true" if semantic else "false"}
    env["INDEX_CACHE_DIR"] = str(cache)
    prime = [sys.executable, "-m", "bot", "inspect", "--seeds", str(seeds)]
    subprocess.run(prime, env=env, stdout=subprocess.DEVNULL, check=True, cwd=ROOT)
    totals = []
    for run in range(1, args.runs + 1):
        imported, loaded, sentences = run_child(semantic, seeds, cache)
        totals.append(imported + loaded)
        print(f"run {run}: imports {imported:.2f} s, loading {loaded:.2f} s, "
              f"total {imported + loaded:.2f} s ({sentences:,} sentences)")  # fmt: skip
    print(f"median {statistics.median(totals):.2f} s, range {min(totals):.2f}-{max(totals):.2f} s")


if __name__ == "__main__":
    main()
