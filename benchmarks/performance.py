"""Speed and memory, side by side: our engine, rank-bm25 and bm25s on three corpora.

Usage: python benchmarks/performance.py [--corpora article,squad,large] [--questions 500]

Each (corpus, system) pair runs in a fresh child process so that its peak memory (RSS of the
whole process, imports included) is its own. Reported per pair: build time, peak RSS, and
per-question latency (median, p99). "ours" is end to end: question text in, ranked cited
passages out (analysis, typo tolerance, synonyms, both fields, the answer policy). rank-bm25 and
bm25s get the same tokens our analyzer makes (precomputed, so their times are scoring only);
"ours-index" is our BM25 index alone on those tokens (scores and the top 3), the like-for-like
comparison with them.
The parent also checks that our index's scores equal rank-bm25's get_scores on those tokens.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import large_articles, squad_articles, squad_questions

from retrieval import Answerer, Article, Corpus, load_corpus
from retrieval.article import parse_article
from retrieval.evaluation import read_questions

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
SYSTEMS = ("ours", "ours-index", "rank-bm25", "bm25s")


def _cached_articles(name: str) -> list[Article]:
    """The corpus's articles; the large one is assembled once and kept as plain text."""
    if name == "article":
        return list(load_corpus(ROOT / "seeds").articles)
    path = CACHE / f"{name}.jsonl"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        articles = squad_articles() if name == "squad" else large_articles()
        with path.open("w", encoding="utf-8") as out:
            for article in articles:
                out.write(json.dumps({"name": article.path.name, "text": article.text}) + "\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        parse_article(Path(row["name"]), row["text"].encode("utf-8"))
        for row in map(json.loads, lines)
    ]


def _questions(name: str, count: int) -> list[str]:
    if name == "article":
        own = [
            q.question
            for f in ("questions-dev.jsonl", "questions-test.jsonl")
            for q in read_questions(ROOT / "tests" / "data" / f)
        ]
        return (own * (count // len(own) + 1))[:count]
    return squad_questions()[:count]


def _summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "median_ms": statistics.median(ordered),
        "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)],
    }


def child(corpus_name: str, system: str, count: int) -> dict[str, Any]:
    """Build one system over one corpus and time its questions (runs in its own process)."""
    articles = _cached_articles(corpus_name)
    questions = _questions(corpus_name, count)
    timings: list[float] = []
    if system == "ours":
        start = time.perf_counter()
        answerer = Answerer(Corpus(articles))
        build = time.perf_counter() - start
        sentences = len(answerer.corpus.sentences)
        for question in questions:
            t0 = time.perf_counter()
            answerer.ask(question)
            timings.append((time.perf_counter() - t0) * 1000)
    else:
        corpus = Corpus(articles)  # our analyzer makes the tokens all three systems score
        documents = [corpus.analyzer.document_terms(s.text) for s in corpus.sentences]
        queries = [[t.term for t in corpus.analyzer.query(q)] for q in questions]
        sentences = len(documents)
        del corpus
        if system == "ours-index":
            from retrieval import BM25Index

            start = time.perf_counter()
            index = BM25Index(documents)
            build = time.perf_counter() - start
            k = min(3, sentences)
            for query in queries:
                t0 = time.perf_counter()
                scores = index.scores(query)
                top = np.argpartition(-scores, k - 1)[:k]
                top[np.argsort(-scores[top])]
                timings.append((time.perf_counter() - t0) * 1000)
        elif system == "rank-bm25":
            from rank_bm25 import BM25Okapi

            start = time.perf_counter()
            okapi = BM25Okapi(documents)
            build = time.perf_counter() - start
            for query in queries:
                t0 = time.perf_counter()
                okapi.get_scores(query)
                timings.append((time.perf_counter() - t0) * 1000)
        else:
            import bm25s

            start = time.perf_counter()
            retriever = bm25s.BM25(k1=1.5, b=0.75, method="robertson")
            retriever.index(documents, show_progress=False)
            build = time.perf_counter() - start
            k = min(3, sentences)
            for query in queries:
                t0 = time.perf_counter()
                if any(t in retriever.vocab_dict for t in query):
                    retriever.retrieve([query], k=k, show_progress=False, n_threads=1)
                timings.append((time.perf_counter() - t0) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"sentences": sentences, "build_s": build, "rss_mb": peak, **_summary(timings)}


def check_rankings(corpus_name: str, count: int) -> str:
    """Our index's scores against rank-bm25's get_scores on the same tokens."""
    from rank_bm25 import BM25Okapi

    from retrieval import BM25Index

    corpus = Corpus(_cached_articles(corpus_name))
    documents = [corpus.analyzer.document_terms(s.text) for s in corpus.sentences]
    ours = BM25Index(documents)
    theirs = BM25Okapi(documents)
    queries = [[t.term for t in corpus.analyzer.query(q)] for q in _questions(corpus_name, count)]
    same = 0
    for query in queries:
        a, b = ours.scores(query), theirs.get_scores(query)
        if (
            np.allclose(a, b, rtol=1e-9, atol=1e-12)
            and (np.argsort(-a, kind="stable")[:10] == np.argsort(-b, kind="stable")[:10]).all()
        ):
            same += 1
    return f"{same}/{len(queries)} questions: identical scores and top-10 order"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", default="article,squad,large")
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--check", type=int, default=100, help="questions for the ranking check")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "SYSTEM"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.questions)))
        return
    print(
        f"{'corpus':<9}{'system':<11}{'sentences':>10}{'build s':>9}{'peak MB':>9}{'median ms':>11}"
        f"{'p99 ms':>9}{'median vs ours':>16}"
    )
    for name in args.corpora.split(","):
        _cached_articles(name)  # assemble the cache once, outside the timed children
        rows: dict[str, dict[str, Any]] = {}
        for system in SYSTEMS:
            result = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    name,
                    system,
                    "--questions",
                    str(args.questions),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            rows[system] = json.loads(result.stdout.strip().splitlines()[-1])
        for system, row in rows.items():
            ratio = row["median_ms"] / rows["ours"]["median_ms"]
            print(
                f"{name:<9}{system:<11}{row['sentences']:>10}{row['build_s']:>9.2f}{row['rss_mb']:>9.0f}"
                f"{row['median_ms']:>11.3f}{row['p99_ms']:>9.3f}{ratio:>15.1f}x"
            )
        print(f"{name:<9}ranking check: {check_rankings(name, args.check)}")


if __name__ == "__main__":
    main()
