"""Per-question answer latency on the bundled article, in process: python benchmarks/latency.py."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from retrieval import Answerer, load_corpus
from retrieval.evaluation import read_questions

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Time corpus loading and every question of the question files, several rounds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    answerer = Answerer(load_corpus(args.seeds))
    load_ms = (time.perf_counter() - start) * 1000
    questions = [
        q.question
        for name in ("questions-dev.jsonl", "questions-test.jsonl")
        for q in read_questions(ROOT / "tests" / "data" / name)
    ]
    for question in questions:  # warm caches once, as a running bot has them
        answerer.ask(question)
    timings: list[float] = []
    for _ in range(args.rounds):
        for question in questions:
            t0 = time.perf_counter_ns()
            answerer.ask(question)
            timings.append((time.perf_counter_ns() - t0) / 1e6)
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"load + index: {load_ms:.1f} ms ({len(answerer.corpus.sentences)} sentences)")
    print(
        f"answers: {len(timings)} ({len(questions)} questions x {args.rounds}); "
        f"median {statistics.median(timings):.3f} ms, p99 {p99:.3f} ms, max {timings[-1]:.3f} ms"
    )


if __name__ == "__main__":
    main()
