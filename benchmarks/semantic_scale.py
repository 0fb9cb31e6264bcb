"""The semantic layer at scale: first encoding, a cached restart, and answers on 100k sentences.

Usage: python benchmarks/semantic_scale.py [--sentences N] [--questions N]

Builds the benchmark corpus of benchmarks/corpora.py (SQuAD dev and generated text), encodes
every sentence once with progress (two worker sessions on two cores), restarts from the
on-disk caches (analysis and vectors) as a new process would, then asks distinct SQuAD
questions never asked before in the process. Prints sentences per second, the restart time
and the answer latency (median, p99).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The benchmarks folder itself, not the package name: pySBD installs a top-level "benchmarks"
# package of its own, which would shadow this folder.
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from corpora import large_articles, squad_questions  # noqa: E402
from latency import summary  # noqa: E402

from retrieval import Answerer, Corpus  # noqa: E402
from retrieval.semantic import default_encoder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=500)
    args = parser.parse_args()
    articles = large_articles(args.sentences)
    encoder = default_encoder()
    with tempfile.TemporaryDirectory() as cache:
        folder = Path(cache)
        started = time.perf_counter()
        last = [started]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 10 or done == total:
                last[0] = now
                print(f"  {stage} {done:,}/{total:,} ({done / (now - started):,.0f}/s)", flush=True)

        corpus = Corpus(articles, cache_dir=folder, encoder=encoder, progress=progress)
        first = time.perf_counter() - started
        n = len(corpus.sentences)
        print(f"first build with encoding: {n:,} sentences in {first:.1f} s")
        del corpus
        started = time.perf_counter()
        corpus = Corpus(articles, cache_dir=folder, encoder=encoder)
        restart = time.perf_counter() - started
        print(f"restart from the caches (analysis + vectors): {restart:.2f} s")
    answerer = Answerer(corpus)
    questions = list(dict.fromkeys(squad_questions()))[: args.questions]
    timings = []
    for question in questions:
        t0 = time.perf_counter_ns()
        answerer.ask(question)
        timings.append((time.perf_counter_ns() - t0) / 1e6)
    print(f"{len(timings)} distinct questions, cold: {summary(timings)}")


if __name__ == "__main__":
    main()
