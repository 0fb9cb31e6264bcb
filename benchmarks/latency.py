"""Per-question answer latency on the bundled article, in process.

Usage: python benchmarks/latency.py [--no-semantic] [--rounds N]
Every question of our four question files, first cold (each seen once), then warm.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from retrieval import Answerer, load_corpus
from retrieval.evaluation import read_questions
from retrieval.semantic import default_encoder

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Time corpus loading and every question of the question files, several rounds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-semantic", action="store_true", help="BM25 alone")
    args = parser.parse_args()
    encoder = None if args.no_semantic else default_encoder()  # the model loads outside the timing
    start = time.perf_counter()
    answerer = Answerer(load_corpus(args.seeds, encoder=encoder))
    load_ms = (time.perf_counter() - start) * 1000
    questions = [
        q.question
        for name in (
            "questions-dev.jsonl",
            "questions-test.jsonl",
            "blind-dev.jsonl",
            "blind-test.jsonl",
        )
        for q in read_questions(ROOT / "tests" / "data" / name)
    ]
    cold: list[float] = []
    for question in questions:  # the first time each question is seen: caches empty
        t0 = time.perf_counter_ns()
        answerer.ask(question)
        cold.append((time.perf_counter_ns() - t0) / 1e6)
    timings: list[float] = []
    for _ in range(args.rounds):
        for question in questions:
            t0 = time.perf_counter_ns()
            answerer.ask(question)
            timings.append((time.perf_counter_ns() - t0) / 1e6)
    print(f"load + index: {load_ms:.1f} ms ({len(answerer.corpus.sentences)} sentences)")
    print(f"first pass, cold caches: {summary(cold)}")
    print(f"then {len(questions)} questions x {args.rounds} rounds: {summary(timings)}")


def summary(timings: list[float]) -> str:
    """Median, p99 and max of a list of milliseconds."""
    ordered = sorted(timings)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return (
        f"{len(ordered)} answers, median {statistics.median(ordered):.3f} ms, "
        f"p99 {p99:.3f} ms, max {ordered[-1]:.3f} ms"
    )


if __name__ == "__main__":
    main()
