"""Indexing with and without the on-disk analysis cache: python benchmarks/cache_startup.py.

For each corpus, in fresh child processes: the build with no cache, the first build with an
empty cache folder (analyses and writes), and the next one (reads), with each process's peak
resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from performance import load_articles

from retrieval.corpus import Corpus


def child(corpus: str, cache: str) -> None:
    """Build once and print the build time and peak memory as JSON."""
    articles, _rules = load_articles(corpus)
    started = time.perf_counter()
    built = Corpus(articles, cache_dir=Path(cache) if cache else None)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"sentences": len(built.sentences), "build_s": seconds, "peak_mb": peak_mb}))


def main() -> None:
    """Run the three builds per corpus and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpora", default="squad,large")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(f"{'corpus':<8}{'build':<22}{'sentences':>10}{'build s':>9}{'peak MB':>9}")
    for corpus in args.corpora.split(","):
        with tempfile.TemporaryDirectory() as folder:
            for label, cache in (
                ("no cache", ""),
                ("cache: first (writes)", folder),
                ("cache: next (reads)", folder),
            ):
                out = subprocess.run(
                    [sys.executable, __file__, "--child", corpus, cache],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                row = json.loads(out.strip().splitlines()[-1])
                print(
                    f"{corpus:<8}{label:<22}{row['sentences']:>10,}{row['build_s']:>9.2f}"
                    f"{row['peak_mb']:>9.0f}"
                )


if __name__ == "__main__":
    main()
